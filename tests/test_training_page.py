"""Training page through AppTest: the lead updates a plan line; the person sees their own plan,
explains a risk, and sees it on the Overview part; a plan-file import with an unknown person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.access import Actor
from ar_core.knowledge import (
    assign_buddy,
    save_module,
    set_plan_line,
    shadowing_sessions,
    training_modules,
    training_plan,
)
from tests.app_support import app_store, open_page

PAGE = "pages/training.py"
USERS = {"lena": ["lead"], "ruben": ["collector"], "sanne": ["collector"]}
LEAD = Actor("lena", "Lena", frozenset({"lead"}))
RUBEN = Actor("ruben", "Ruben", frozenset({"collector"}))
TODAY = date(2026, 11, 20)  # AR_TODAY of app_store


@pytest.fixture
def store(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        course = save_module(engine, LEAD, title="Dunning basics", area="dunning", kind="course",
                             expected_hours="16")  # fmt: skip
        calls = save_module(engine, LEAD, title="Shadowing: customer calls", area="collections",
                            kind="shadowing", expected_hours="8")  # fmt: skip
        # 0 h since 1.11.: never at this pace -> at risk
        set_plan_line(engine, LEAD, "ruben", course, date(2026, 11, 1), date(2026, 12, 31))
        # 4 h in 10 days: 4 left -> 10 days -> 30.11. before 15.12.: on track
        set_plan_line(engine, LEAD, "ruben", calls, date(2026, 11, 10), date(2026, 12, 15), hours_done="4")
        yield engine


def _text(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*at.markdown, *at.warning, *at.info, *at.success, *at.error))


def test_the_lead_updates_a_plan_line_and_the_risk_changes(store):
    at = open_page(PAGE, "lena")
    assert not at.exception, at.exception
    assert at.segmented_control(key="tr_view").value == "Team"
    assert at.dataframe, "the team view lists the late and at-risk lines"
    at.segmented_control(key="tr_view").set_value("Plans").run()
    at.selectbox(key="tr_plan_person").set_value("ruben").run()
    course = dict(training_modules(store, LEAD).select("title", "module_id").iter_rows())["Dunning basics"]
    at.selectbox(key="tr_plan_module").set_value(course).run()
    form = f"tr_plan_ruben_{course}"
    assert at.date_input(key=f"{form}_start").value == date(2026, 11, 1)  # the stored line's values
    at.number_input(key=f"{form}_hours").set_value(12.5)
    at.text_area(key=f"{form}_evidence").input("Module quiz 1 passed")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Plan of Ruben saved: Dunning basics." in _text(at)
    line = (
        training_plan(store, LEAD, TODAY, "ruben").filter(lambda_module("Dunning basics")).row(0, named=True)
    )
    assert (line["hours_done"], line["evidence"]) == (Decimal("12.50"), "Module quiz 1 passed")
    # 12.5 h in 19 days; 3.5 left -> 3.5 * 19 / 12.5 = 5.32 -> 6 days -> 26.11.2026: on track
    assert (line["projected_finish"], line["status"]) == (date(2026, 11, 26), "on track")


def lambda_module(title: str) -> pl.Expr:
    return pl.col("module") == title


def test_a_person_sees_their_plan_explains_a_risk_and_cannot_edit(store):
    at = open_page(PAGE, "ruben")
    assert not at.exception, at.exception
    assert at.segmented_control(key="tr_view").options == ["My plan", "Buddies & shadowing"]
    assert [m.value for m in at.metric][:2] == ["0", "1"]  # late, at risk
    at.text_area(key="tr_rn_text").input("Month-end close took two weeks.")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Risk note saved." in _text(at)
    plan = training_plan(store, RUBEN, TODAY)
    assert plan.filter(lambda_module("Dunning basics"))["risk_note"].to_list() == [
        "Month-end close took two weeks."
    ]


def test_a_buddy_logs_a_shadowing_session(store):
    assign_buddy(store, LEAD, "ruben", "sanne", date(2026, 11, 2))
    at = open_page(PAGE, "sanne")
    at.segmented_control(key="tr_view").set_value("Buddies & shadowing").run()
    at.number_input(key="tr_s_hours").set_value(1.5)
    at.text_input(key="tr_s_topic").input("Calls with slow payers")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Shadowing session logged." in _text(at)
    assert shadowing_sessions(store, LEAD)["module"].to_list() == ["Shadowing: customer calls"]
    hours = training_plan(store, LEAD, TODAY, "ruben").filter(lambda_module("Shadowing: customer calls"))
    assert hours["hours_done"].to_list() == [Decimal("5.50")]


def test_the_overview_part_shows_own_risks_only(store):
    def part() -> None:
        from ar_core.access import Actor
        from pages.home_parts import training_risks

        training_risks.show(Actor("ruben", "Ruben", frozenset({"collector"})))

    at = AppTest.from_function(part, default_timeout=30).run()
    assert not at.exception, at.exception
    assert len(at.warning) == 1
    assert "Dunning basics" in at.warning[0].value and "never at the current pace" in at.warning[0].value

    def quiet() -> None:
        from ar_core.access import Actor
        from pages.home_parts import training_risks

        training_risks.show(Actor("sanne", "Sanne", frozenset({"collector"})))

    at = AppTest.from_function(quiet, default_timeout=30).run()
    assert not at.exception, at.exception
    assert len(at.warning) == 0


def test_every_view_of_the_lead_renders(store):
    assign_buddy(store, LEAD, "ruben", "sanne", date(2026, 11, 2))
    at = open_page(PAGE, "lena")
    for view in at.segmented_control(key="tr_view").options:
        at.segmented_control(key="tr_view").set_value(view).run()
        assert not at.exception, (view, at.exception)
    at.segmented_control(key="tr_view").set_value("Modules").run()
    assert at.text_input(key="tr_module_0_title").value == ""  # the new-module form
    at.text_input(key="tr_module_0_title").input("Reading the FBL5N extract")
    at.number_input(key="tr_module_0_hours").set_value(6.5)
    at.button[0].click().run()
    assert not at.exception, at.exception
    modules = training_modules(store, LEAD)
    assert dict(modules.select("title", "expected_hours").iter_rows())[
        "Reading the FBL5N extract"
    ] == Decimal("6.50")
    at.segmented_control(key="tr_view").set_value("My plan").run()
    assert "No training plan for you yet" in _text(at)
