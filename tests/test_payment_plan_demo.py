"""The demo's payment plans on a small demo store: one active with kept instalments, one broken
(on the worklist with its reason), one waiting for approval — all made through the services."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ar_core.access import get_actor
from ar_core.collections import snapshot_for
from ar_core.collections.team import team_worklist
from ar_core.recovery import items_in_active_plans, list_plans, plan_instalments, plans_waiting_for
from tests.conftest import LEAD


@pytest.fixture(scope="module")
def demo(demo_team):
    """The shared demo and the plans its build made."""
    return demo_team, list_plans(demo_team, LEAD)["plan_id"].to_list()


def test_three_plans_one_of_each(demo):
    engine, ids = demo
    assert len(ids) == 3
    plans = list_plans(engine, LEAD).sort("plan_id")
    assert plans["status"].to_list() == ["active", "broken", "pending_approval"]
    active, broken, waiting = plans.iter_rows(named=True)
    kept = plan_instalments(engine, LEAD, active["plan_id"])["status"].to_list()
    assert kept.count("kept") >= 2 and "broken" not in kept
    assert "broken" in plan_instalments(engine, LEAD, broken["plan_id"])["status"].to_list()
    assert waiting["debt"] > 5000 and waiting["proposed_by"] != "carl.controller"
    controller = get_actor(engine, "carl.controller")
    assert plans_waiting_for(engine, controller)["plan_id"].to_list() == [waiting["plan_id"]]
    # only the active plan's items are blocked from dunning
    assert items_in_active_plans(engine)
    sid, as_of = snapshot_for(engine)
    frame, _ = team_worklist(engine, sid, as_of)
    row = frame.filter(pl.col("customer_id") == broken["customer_id"]).row(0, named=True)
    assert "payment plan broken" in row["reasons"]


def test_no_plan_for_a_customer_in_insolvency(demo):
    from ar_core.recovery import customers_in_insolvency

    engine, _ = demo
    plans = list_plans(engine, LEAD)
    held = customers_in_insolvency(engine, date(2026, 11, 20))
    assert held and not set(plans["customer_id"].to_list()) & held
