"""Collector metrics page through AppTest: a collector sees their own figures and the team median and
no other collector anywhere on the page; the lead compares both and works a 1:1 (note, target)."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from ar_core.performance import add_coaching_note, coaching_notes, list_targets
from tests.app_support import app_store, open_page
from tests.coaching_setup import LENA, seed

PAGE = "pages/collector_metrics.py"
USERS = {"anna": ["collector"], "ben": ["collector"], "lena": ["lead"], "root": ["admin"]}


@pytest.fixture
def store(tmp_path, monkeypatch, make_result):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        seed(engine, make_result, users=False)
        yield engine


def button(at, label: str):
    """The one button (a form's submit too) of that label."""
    (found,) = [b for b in at.button if b.label == label]
    return found


def rendered(at) -> str:
    """Every element the page sent (text, tables as Arrow bytes, chart specs and data), as text."""
    found = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def test_a_collector_sees_their_own_figures_the_median_and_no_other_collector(store):
    add_coaching_note(
        store, LENA, "ben", date(2026, 11, 20), "Only for ben", [("Call Cedar", date(2026, 11, 27))]
    )
    add_coaching_note(
        store,
        LENA,
        "anna",
        date(2026, 11, 16),
        "Calls before noon",
        [("Top 5 on Monday", date(2026, 11, 17))],
    )
    at = open_page(PAGE, "anna")
    assert not at.exception, at.exception
    text = rendered(at)
    assert not re.search(r"\bben\b", text, re.IGNORECASE)  # neither the username nor the display name
    assert "Only for ben" not in text and "Call Cedar" not in text
    assert "Team median" in text
    metrics = {m.label: m.value for m in at.metric}
    assert (
        metrics["Cash collected (EUR)"] == "EUR 1,200"
    )  # 200 + 1,000 over both weeks (tiles in whole units)
    assert any("Team median: EUR 625" in c.value for c in at.caption)  # 125 + 500
    weekly = at.dataframe[0].value
    assert sorted(weekly["cash_collected"].astype(float).tolist()) == [200.0, 1000.0]
    assert "collector" not in weekly.columns
    chart = at.get("vega_lite_chart")[0].proto.spec
    assert "You" in chart and "Team median" in chart
    # the 1:1 of 16.11.: its action was due on 17.11. and is flagged
    assert any("past the due date" in w.value for w in at.warning)
    assert "Calls before noon" in text
    assert "Set a target" not in text and "Record a 1:1" not in text  # no lead forms


def test_fewer_than_two_snapshots_say_so(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw"):
        at = open_page(PAGE, "anna")
        assert not at.exception
        assert any("need two snapshots" in i.value for i in at.info)


def test_the_lead_compares_both_collectors(store):
    at = open_page(PAGE, "lena")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert table["name"].tolist() == ["Anna", "Ben"]
    assert table["cash_collected"].astype(float).tolist() == [1200.0, 50.0]
    chart = str(at.get("vega_lite_chart")[0].proto)  # the bars' data travels beside the spec
    assert "Anna" in chart and "Ben" in chart


def test_the_lead_records_a_1_1_and_a_target_for_one_collector(store):
    at = open_page(PAGE, "lena")
    at.segmented_control(key="cm_mode").set_value("1:1").run()
    at.selectbox(key="cm_collector").set_value("ben").run()
    assert not at.exception, at.exception
    shown = "\n".join(str(e.proto) for e in [*at.dataframe, *at.get("vega_lite_chart"), *at.metric])
    assert "Ben" in shown and not re.search(r"\banna\b", shown, re.IGNORECASE)  # the 1:1 shows ben alone
    at.text_area(key="cm_note_text").input("Coverage of the top 20 first.")
    at.text_input(key="cm_action_0").input("Call the top 5 on Monday")
    button(at, "Save the 1:1 note").click().run()
    assert not at.exception, at.exception
    notes, actions = coaching_notes(store, LENA, "ben")
    assert notes["note"].to_list() == ["Coverage of the top 20 first."]
    assert actions["action"].to_list() == ["Call the top 5 on Monday"]
    assert any("1:1 note with Ben saved" in s.value for s in at.success)
    at.text_input(key="cm_t_value").input("500")
    button(at, "Save target").click().run()
    assert not at.exception, at.exception
    saved = list_targets(store, LENA, "ben").filter(pl.col("metric") == "cash_collected")
    assert saved["target"].cast(pl.Float64).to_list() == [500.0]


def test_a_done_action_shows_who_marked_it_and_is_no_longer_past_due(store):
    from ar_core.performance import coaching_notes as notes_of
    from ar_core.performance.one_on_ones import mark_action_done
    from tests.coaching_setup import ANNA

    add_coaching_note(
        store, LENA, "anna", date(2026, 11, 16), "Calls before noon",
        [("Top 5 on Monday", date(2026, 11, 17)), ("Review Birke", date(2026, 11, 18))],
    )  # fmt: skip
    first = notes_of(store, LENA, "anna")[1].row(0, named=True)["action_id"]
    mark_action_done(store, ANNA, first, note="called all five")
    at = open_page(PAGE, "anna")
    assert not at.exception, at.exception
    assert [w.value for w in at.warning if "past the due date" in w.value] == [
        "1 agreed action is past the due date."
    ]
    actions = next(d.value for d in at.dataframe if "action" in d.value.columns)
    rows = actions[["action", "past_due", "done_note", "done_by"]].fillna("").values.tolist()
    assert rows == [["Top 5 on Monday", False, "called all five", "Anna"], ["Review Birke", True, "", ""]]


def test_the_collector_marks_their_own_action_done_on_the_page(store):
    add_coaching_note(
        store, LENA, "anna", date(2026, 11, 16), "Calls before noon",
        [("Top 5 on Monday", date(2026, 11, 17)), ("Review Birke", date(2026, 11, 18))],
    )  # fmt: skip
    at = open_page(PAGE, "anna")
    assert at.selectbox(key="cm_done_action").options == [
        "Top 5 on Monday (due 17 Nov 2026)",
        "Review Birke (due 18 Nov 2026)",
    ]
    second = coaching_notes(store, LENA, "anna")[1]["action_id"][1]
    at.selectbox(key="cm_done_action").set_value(second)
    at.text_input(key="cm_done_note").input("Birke promised 05.12.")
    button(at, "Mark done").click().run()
    assert not at.exception, at.exception
    assert any("Marked done: Review Birke" in s.value for s in at.success)
    actions = coaching_notes(store, LENA, "anna")[1]
    assert actions.select("action", "done_by", "done_note").rows() == [
        ("Top 5 on Monday", None, None),
        ("Review Birke", "anna", "Birke promised 05.12."),
    ]
    assert at.selectbox(key="cm_done_action__1").options == ["Top 5 on Monday (due 17 Nov 2026)"]
    assert [w.value for w in at.warning if "past the due date" in w.value] == [
        "1 agreed action is past the due date."
    ]


def test_the_lead_marks_an_action_done_in_the_1_1(store):
    add_coaching_note(store, LENA, "ben", date(2026, 11, 20), "Cedar", [("Call Cedar", date(2026, 11, 27))])
    at = open_page(PAGE, "lena")
    at.segmented_control(key="cm_mode").set_value("1:1").run()
    at.selectbox(key="cm_collector").set_value("ben").run()
    button(at, "Mark done").click().run()
    assert not at.exception, at.exception
    done = coaching_notes(store, LENA, "ben")[1].row(0, named=True)
    assert (done["action"], done["done_by"], done["done_note"]) == ("Call Cedar", "lena", None)
    assert not [b for b in at.button if b.label == "Mark done"]  # nothing left to mark
