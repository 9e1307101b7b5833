"""The Payment plans page: a collector proposes a plan above the threshold, the proposer finds
nothing to approve, a controller approves it; the account tab and the huddle part show plans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.access import Actor
from ar_core.access.approvals import set_approval_limit
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger import Scope, upsert_customer_master
from ar_core.recovery import list_plans, propose_plan
from tests.app_support import ROOT, SYSTEM, app_store
from tests.conftest import item

USERS = {"lena.lead": ["lead"], "c.meyer": ["collector"], "carl.controller": ["controller"],
         "root.admin": ["admin"]}  # fmt: skip
AS_OF = date(2026, 11, 20)
BIG = "1000|2026|1800000001|1"
ADMIN = Actor("root.admin", "Root Admin", frozenset({"admin"}))
LEAD = Actor("lena.lead", "Lena Lead", frozenset({"lead"}))


@pytest.fixture
def store(tmp_path, monkeypatch, make_result):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        master = {"customer_id": ["C1"], "name": ["Müller Maschinenbau GmbH"], "collector": ["c.meyer"]}
        upsert_customer_master(engine, SYSTEM, pl.DataFrame(master))
        rows = [
            item(doc_no="1800000001", customer_id="C1", amount="8000.00", collector="c.meyer"),
            item(doc_no="1800000002", customer_id="C1", amount="400.00", collector="c.meyer"),
        ]
        import_snapshot(engine, SYSTEM, make_result(rows, as_of=AS_OF), scope=Scope.whole_ledger())
        for who in ("carl.controller", "lena.lead"):
            set_approval_limit(engine, ADMIN, who, "payment_plan", max_amount=None, currency=None)
        yield engine


def page(username: str, tab: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/payment_plans.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["pp_tab"] = tab
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_collector_proposes_above_the_threshold_and_a_controller_approves(store):
    at = page("c.meyer", "Propose")
    at.selectbox(key="pp_customer").select("C1")
    run(at)
    at.multiselect(key="pp_propose_items").select(BIG)
    at.text_input(key="pp_propose_down").input("1000.00")
    at.number_input(key="pp_propose_count").set_value(4)
    at.date_input(key="pp_propose_first").set_value(date(2026, 12, 25))
    at.text_area(key="pp_propose_note").input("customer lost a large order; pays monthly")
    at.button(key="FormSubmitter:pp_propose-Preview schedule").click()
    run(at)
    preview = at.dataframe[0].value
    # 7,000.00 in 4 monthly from 25.12.2026 (DE: Christmas, weekend -> 28.12); the down payment today
    assert [str(d) for d in preview["due"]] == ["2026-11-20", "2026-12-28", "2027-01-25", "2027-02-25",
                                                       "2027-03-25"]  # fmt: skip
    assert [Decimal(str(a)) for a in preview["amount"]] == [Decimal("1000"), *[Decimal("1750")] * 4]
    at.button(key="FormSubmitter:pp_propose-Propose plan").click()
    run(at)
    plans = list_plans(store, SYSTEM)
    assert plans.select("status", "debt", "proposed_by").rows() == [
        ("pending_approval", Decimal("8000.00"), "c.meyer")
    ]
    assert "Plan 1 saved." in [s.value for s in at.success]

    at = page("c.meyer", "Waiting for my approval")
    assert "Leads and controllers" in at.info[0].value

    at = page("carl.controller", "Waiting for my approval")
    at.button(key="pp_approve").click()
    run(at)
    row = list_plans(store, SYSTEM).row(0, named=True)
    assert (row["status"], row["approved_by"]) == ("active", "carl.controller")
    at = page("carl.controller", "Plans")
    assert at.dataframe[0].value["status_label"].tolist() == ["Active"]
    assert "Propose" not in [t.label for t in at.tabs]  # a controller approves, never proposes


def test_the_proposer_finds_nothing_to_approve(store):
    propose_plan(store, LEAD, "C1", [BIG],
                 instalments=2, first=date(2026, 12, 1), every="month")  # fmt: skip
    at = page("lena.lead", "Waiting for my approval")
    assert "Nothing waits for you" in at.info[0].value
    at = page("carl.controller", "Waiting for my approval")
    assert at.dataframe[0].value["proposed_by"].tolist() == ["lena.lead"]


def test_a_refusal_is_shown_under_its_field(store):
    at = page("c.meyer", "Propose")
    at.selectbox(key="pp_customer").select("C1")
    run(at)
    at.multiselect(key="pp_propose_items").select(BIG)
    at.text_input(key="pp_propose_down").input("9000.00")
    at.button(key="FormSubmitter:pp_propose-Propose plan").click()
    run(at)
    assert any("less than the amount" in e.value for e in at.error)
    assert list_plans(store, SYSTEM).is_empty()


def _tab_app(customer_id: str) -> None:
    from ar_core.ledger import customer_items
    from pages.account_tabs import plans_tab
    from ui.guard import require
    from ui.resources import engine

    actor = require()
    plans_tab.show(actor, customer_id, customer_items(engine(), actor, 1, customer_id))


def _huddle_app() -> None:
    from pages.huddle_parts import broken_plans
    from ui.guard import require

    broken_plans.show(require())


def test_the_account_tab_lists_the_plans_and_offers_the_form(store):
    propose_plan(store, SYSTEM, "C1", ["1000|2026|1800000002|1"], instalments=2, first=date(2026, 12, 1),
                 every="month")  # fmt: skip
    at = AppTest.from_function(_tab_app, args=("C1",), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "c.meyer"
    run(at)
    assert at.dataframe[0].value["status_label"].tolist() == ["Active"]
    assert "FormSubmitter:pp_account_propose-Propose plan" in {b.key for b in at.button}


def test_the_huddle_part_says_when_nothing_is_broken(store):
    at = AppTest.from_function(_huddle_app, default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "lena.lead"
    run(at)
    assert "No broken payment plan" in at.success[0].value


def test_an_empty_store_gives_messages_not_errors(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw"):
        for tab in ("Plans", "Waiting for my approval", "Propose"):
            at = page("lena.lead", tab)
            assert at.info, tab


def test_a_lead_changes_the_threshold_and_a_refusal_names_its_field(store):
    from ar_core.recovery import plan_settings

    at = page("lena.lead", "Settings")
    at.text_input(key="pp_set_fee").input("-5")
    at.button(key="FormSubmitter:pp_settings-Save settings").click()
    run(at)
    assert at.error and plan_settings(store)["fee"] == Decimal("0.00")
    at.text_input(key="pp_set_fee").input("12.50")
    at.text_input(key="pp_set_threshold").input("10000.00")
    at.button(key="FormSubmitter:pp_settings-Save settings").click()
    run(at)
    assert (plan_settings(store)["fee"], plan_settings(store)["approval_threshold"]) == (
        Decimal("12.50"), Decimal("10000.00"))  # fmt: skip
    at = page("c.meyer", "Settings")
    assert "A lead keeps these settings" in at.info[0].value
