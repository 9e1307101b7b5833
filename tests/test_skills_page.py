"""The Skills & coverage page and the huddle's cover part through AppTest: the lead's heat map, gaps
and languages, an assessment saved from the form, a collector's own profile and absence, the huddle
naming who covers."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.knowledge import assess_skill, record_absence, set_backup, skill_levels
from ar_core.ledger import upsert_customer_master
from tests.app_support import SYSTEM, app_store, open_page

PAGE = "pages/skills.py"
USERS = {
    "lena.lead": ["lead"],
    "c.meyer": ["collector"],
    "j.devries": ["collector"],
    "e.dubois": ["collector"],
}
TODAY = date(2026, 11, 20)  # app_store pins AR_TODAY


@pytest.fixture
def store(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        master = pl.DataFrame(
            {
                "customer_id": ["C1", "C2", "C3"],
                "name": ["A", "B", "C"],
                "collector": ["c.meyer", "c.meyer", "e.dubois"],
                "country": ["DE", "DE", "FR"],
            }
        )
        upsert_customer_master(engine, SYSTEM, master)
        for person, skill, level in [
            ("c.meyer", "dispute_resolution", 3),
            ("j.devries", "dispute_resolution", 2),
            ("c.meyer", "german", "C2"),
            ("j.devries", "german", "C1"),
            ("e.dubois", "french", "C2"),
            ("j.devries", "french", "B2"),
            ("c.meyer", "payment_plan_coordination", 1),
        ]:
            assess_skill(engine, SYSTEM, person, skill, level, "set-up")
        yield engine


def _text(at) -> str:
    return "\n".join(
        str(e.value) for e in [*at.markdown, *at.warning, *at.info, *at.success, *at.error, *at.caption]
    )


def test_the_lead_sees_the_heat_map_gaps_and_languages(store):
    at = open_page(PAGE, "lena.lead")
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == [
        "Coverage",
        "Languages",
        "My profile",
        "Backups & absences",
        "Assess",
        "Skill list",
    ]
    assert len(at.get("vega_lite_chart")) == 2  # the heat map and the language shares
    text = _text(at)
    assert "**disputes**" not in text  # covered: two at level 2+
    assert "**payment plans** — needs 2, has 0 (nobody)" in text and "closest: C.Meyer" in text
    assert "**French** — 33.3 % of customers, needs 2, has 1 (E.Dubois)" in text
    assert "closest: J.Devries" in text


def test_the_lead_saves_an_assessment(store):
    at = open_page(PAGE, "lena.lead")
    at.selectbox(key="sk_a_person").set_value("j.devries")
    at.selectbox(key="sk_a_skill").set_value("payment_plan_coordination")
    at.run()
    at.select_slider(key="sk_a_level").set_value(2)
    at.text_area(key="sk_a_note").input("runs plans on his own since October")
    at.button(key="FormSubmitter:sk_assess_form-Save assessment").click()
    at.run()
    assert not at.exception, at.exception
    levels = skill_levels(store, SYSTEM, "j.devries")
    assert levels.filter(pl.col("skill") == "payment_plan_coordination")["label"].to_list() == ["independent"]
    assert "Payment-plan coordination now independent" in at.success[0].value


def test_a_collector_sees_their_profile_and_records_their_absence(store):
    at = open_page(PAGE, "c.meyer")
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == ["My profile", "Backups & absences"]
    profile = at.dataframe[0].value
    assert sorted(profile["name"].tolist()) == ["Dispute resolution", "German", "Payment-plan coordination"]
    at.date_input(key="sk_ab_from").set_value(date(2026, 11, 23))
    at.date_input(key="sk_ab_to").set_value(date(2026, 11, 27))
    at.button(key="FormSubmitter:sk_absence_form-Record absence").click()
    at.run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Absence recorded."


def _huddle_app() -> None:
    from datetime import date

    from pages.huddle_parts import coverage
    from ui.guard import require
    from ui.resources import engine

    coverage.show(engine(), require(), date(2026, 11, 20))


def test_the_huddle_part_names_who_covers_and_the_gaps(store):
    set_backup(store, SYSTEM, "c.meyer", "j.devries")
    record_absence(store, SYSTEM, "c.meyer", date(2026, 11, 19), date(2026, 11, 24))
    at = AppTest.from_function(_huddle_app, default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "lena.lead"
    at.run()
    assert not at.exception, at.exception
    assert (
        at.info[0].value
        == "C.Meyer is away until 24.11.2026: **J.Devries** covers (2 customers on their worklist)."
    )
    warnings = [w.value for w in at.warning]
    assert "Coverage gap — payment plans: 0 of 2 needed; closest: C.Meyer." in warnings
    assert (
        "Coverage gap — 33.3 % of customers write in French: 1 of 2 needed; closest: J.Devries." in warnings
    )
