"""The demo's training data: every status on the joiner's plan, shadowing hours counted, a senior at risk."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ar_core.access import Actor, create_user
from ar_core.demo.training import BUDDY, JOINER, SENIOR, load_demo_training
from ar_core.knowledge import buddy_pairs, risk_notes, shadowing_sessions, training_modules, training_plan

SYSTEM = Actor("system", "System", frozenset({"admin", "lead"}))
LEAD = Actor("lena.lead", "Lena", frozenset({"lead"}))
DAY = date(2026, 12, 2)


def test_the_demo_plans_show_every_status_on_the_day_it_is_built(engine):
    for name, role in (
        (LEAD.username, "lead"),
        (JOINER, "collector"),
        (BUDDY, "collector"),
        (SENIOR, "collector"),
    ):
        create_user(engine, SYSTEM, username=name, name=name, password="correct horse battery 1",
                    roles=[role], email=f"{name}@example.com")  # fmt: skip
    load_demo_training(engine, DAY)
    assert training_modules(engine, LEAD).height == 14
    plan = training_plan(engine, LEAD, DAY)
    statuses = {(r["person"], r["module"]): r["status"] for r in plan.iter_rows(named=True)}
    assert statuses == {
        (JOINER, "AR Desk and the FBL5N extract"): "done",
        (JOINER, "Collections call basics"): "done late",
        # 11 h of shadowing in 40 days: 5 left / 0.275 = 18.2 -> 19 days, after the due date (+10)
        (JOINER, "Shadowing: customer calls with a senior"): "at risk",
        # 4 h in 20 days: 4 left -> 20 days, before the due date (+30)
        (JOINER, "Shadowing: dispute calls"): "on track",
        (JOINER, "Dunning run and blocks"): "late",
        (JOINER, "Dispute escalation"): "at risk",  # no hour in 10 days: never
        (JOINER, "Allocation of unapplied cash"): "on track",  # starts in a week
        (SENIOR, "SOP writing workshop"): "done",
        (SENIOR, "Coaching new joiners"): "on track",
        (SENIOR, "Payment plans and instalment agreements"): "at risk",  # 3 h in 14 days: 24 days needed
        (SENIOR, "Write-off request and legal handover"): "on track",
        (BUDDY, "Coaching new joiners"): "done",
    }
    calls = plan.filter(
        (plan["person"] == JOINER) & (plan["module"] == "Shadowing: customer calls with a senior")
    )
    assert calls["hours_done"].to_list() == [Decimal("11.00")]
    assert calls["projected_finish"].to_list() == [date(2026, 12, 21)]
    assert buddy_pairs(engine, LEAD).select("person", "buddy").rows() == [(JOINER, BUDDY)]
    assert shadowing_sessions(engine, LEAD).height == 7
    assert sorted(risk_notes(engine, LEAD)["author"].to_list()) == [SENIOR, JOINER]
    load_demo_training(engine, DAY)  # a second run adds nothing
    assert training_modules(engine, LEAD).height == 14
