"""The Dunning page (AppTest): the overview, a run proposed, an item removed with a reason and the
run released, a block set; a collector sees no review buttons."""

from __future__ import annotations

import polars as pl
import pytest

from ar_core.collections import list_contacts
from ar_core.recovery import dunning_levels, list_blocks, list_runs, run_lines
from tests.app_support import app_store, open_page
from tests.conftest import LEAD
from tests.dunning_setup import AS_OF, key, seed_dunning

PAGE = "pages/dunning.py"


@pytest.fixture
def store(tmp_path, monkeypatch, make_result):
    users = {"lena.lead": ["lead"], "c.meyer": ["collector"], "j.schneider": ["collector"]}
    with app_store(tmp_path, monkeypatch, users, "x" * 12) as engine:
        seed_dunning(engine, make_result, users=False)
        yield engine


def _run(at):
    at.run()
    assert not at.exception, at.exception
    return at


def _view(at, view):
    at.session_state["dn_view"] = view
    return _run(at)


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_the_overview_shows_levels_letters_due_and_the_control_check(store):
    at = open_page(PAGE, "lena.lead")
    assert not at.exception, at.exception
    assert [m.label for m in at.metric] == [
        "Letters due at the next run",
        "Overdue items blocked",
        "Customers: ERP level ≠ procedure",
    ]
    # next run 27.11.: C1 (A 17 days, B 47 days: reminders), C2 (D), C3 (F 10 days)
    assert [m.value for m in at.metric] == ["3", "1", "2"]  # C1, C2: ERP level 0, the procedure 1 or more
    assert at.get("vega_lite_chart")  # the levels chart
    blocked = at.dataframe[1].value
    assert blocked["reason_label"].tolist() == ["Disputed"]


def test_propose_remove_an_item_with_a_reason_and_release(store):
    at = _view(open_page(PAGE, "lena.lead"), "Run")
    _button(at, "Propose run").click()
    _run(at)
    (run,) = list_runs(store, LEAD)["run_id"].to_list()
    assert f"Run {run} proposed" in at.success[0].value
    lines = at.dataframe[1].value
    assert lines["doc_no"].tolist() == ["B", "A", "CR", "D"]
    letter = at.text[0].value  # the preview, before anything is sent: German for C1
    assert letter.startswith("Zahlungserinnerung") and "1.300,00" in letter and "Kundennummer: C1" in letter
    line_a = run_lines(store, LEAD, run).filter(pl.col("doc_no") == "A")["line_id"][0]
    item = next(s for s in at.selectbox if s.label == "Item")
    item.set_value(line_a)
    next(t for t in at.text_input if t.label == "Reason").input("A is being re-issued")
    _button(at, "Remove").click()
    _run(at)
    lines = run_lines(store, LEAD, run)
    assert lines.filter(pl.col("doc_no") == "A")["removed_reason"].to_list() == ["A is being re-issued"]
    letters = at.dataframe[0].value
    c1 = letters[letters["customer_id"] == "C1"].iloc[0]
    assert float(c1["open"]) == 500.0 and float(c1["compensation"]) == 40.0

    _button(at, "Release run").click()
    _run(at)
    assert "released: 2 letter(s)" in at.success[0].value
    assert list_runs(store, LEAD)["status"].to_list() == ["released"]
    assert list_contacts(store, LEAD, "C1")["channel"].to_list() == ["letter"]
    assert sorted(dunning_levels(store, LEAD)["_item_key"]) == [key("B"), key("D")]
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Customer's letter (PDF)", "E-mail draft (.eml)", "Whole run (PDF)"]


def test_a_block_with_its_end_date_and_note(store):
    at = _view(open_page(PAGE, "c.meyer"), "Blocks")
    assert "No dunning block is active." in at.info[0].value
    next(s for s in at.selectbox if s.label == "Customer").set_value("C1")
    _run(at)
    next(t for t in at.text_input if t.label == "Note").input("customer pays after month end")
    _button(at, "Block").click()
    _run(at)
    assert "blocked until 04.12.2026" in at.success[0].value
    blocks = list_blocks(store, LEAD, as_of=AS_OF)
    assert blocks.select("customer_id", "_item_key", "ends_on", "note", "status").rows() == [
        ("C1", None, AS_OF.replace(day=4, month=12), "customer pays after month end", "active")
    ]
    assert at.dataframe[0].value["note"].tolist() == ["customer pays after month end"]


def test_a_collector_proposes_but_does_not_review(store):
    at = _view(open_page(PAGE, "c.meyer"), "Run")
    _button(at, "Propose run").click()
    _run(at)
    assert "A team lead reviews and releases the run." in [i.value for i in at.info]
    assert not [b for b in at.button if b.label == "Release run"]
    assert at.dataframe[0].value["customer_id"].tolist() == ["C1"]  # her portfolio only


def test_a_controller_reads_the_run_view_without_proposing(store):
    from ar_core.access.users import create_user
    from tests.app_support import SYSTEM

    create_user(store, SYSTEM, username="carl.controller", name="Carl", email="carl@example.com",
                password="x" * 12, roles=["controller"], must_change_password=False)  # fmt: skip
    at = _view(open_page(PAGE, "carl.controller"), "Run")
    assert not [b for b in at.button if b.label == "Propose run"]
    assert "No run is under review" in at.info[0].value
