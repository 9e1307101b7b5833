"""The demo team's training: a module catalogue for AR collections, the plan of a new joiner (Ruben
Bakker, buddy Sanne de Jong, with logged shadowing sessions) and of a senior (Claudia Meyer).

Written through the knowledge services (the catalogue and plans as the ``system`` operator with
the lead's rights; the shadowing sessions by the joiner and the buddy themselves). The dates are
set around the day the demo is built (:func:`ar_core.config.today`), so that on that day the
joiner's plan shows every status — done, done late, late, at risk (one at risk because no hour
was booked yet: *never* at this pace), on track and not started — and the senior has one module
at risk with a note explaining it. Completed modules grant level 1 of area skills at most (and
level 2 of SOP writing), so the demo's coverage gaps stay the skills demo's.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ar_core.access import Actor
from ar_core.store.models import User

SYSTEM = Actor(username="system", name="System", roles=frozenset({"admin", "lead"}))
JOINER, BUDDY, SENIOR = "r.bakker", "s.dejong", "c.meyer"
#: (title, area, kind, expected hours, skills, level granted, SOPs it relies on)
MODULES: tuple[tuple[str, str, str, str, str, int | None, str], ...] = (
    ("AR Desk and the FBL5N extract", "master data", "e-learning", "4", "erp_sap_fi_ar", 1, ""),
    ("Collections call basics", "collections", "course", "12", "cash_collection,customer_communication", 1,
     "Handling a broken promise to pay"),
    ("Shadowing: customer calls with a senior", "collections", "shadowing", "16",
     "cash_collection,customer_communication,negotiation", 1, "Handling a broken promise to pay"),
    ("Shadowing: dispute calls", "disputes", "shadowing", "8", "dispute_resolution", 1, "Dispute escalation"),
    ("Dunning run and blocks", "dunning", "course", "6", "dunning_cycle_management", 1,
     "Dunning run and blocks"),
    ("Allocation of unapplied cash", "cash allocation", "on the job", "10", "credit_balance_allocation", 1,
     "Allocation of unapplied cash"),
    ("Dispute escalation", "disputes", "e-learning", "3", "dispute_resolution", 1, "Dispute escalation"),
    ("Account reconciliation with the customer", "reconciliation", "on the job", "8",
     "account_reconciliation", 1, ""),
    ("Payment plans and instalment agreements", "payment plans", "course", "8", "payment_plan_coordination",
     2, ""),
    ("Write-off request and legal handover", "legal/write-off", "e-learning", "4",
     "financial_analysis,dunning_cycle_management", 1, "Write-off request"),
    ("KPIs: DSO, CEI and the aging report", "reporting", "course", "6", "reporting_metrics", 1, ""),
    ("SOP writing workshop", "general", "course", "8", "sop_writing,written_communication", 2, ""),
    ("Coaching new joiners", "general", "course", "6", "coaching", 3, ""),
    ("Negotiating a promise to pay", "collections", "course", "6", "negotiation,working_under_pressure", 1,
     "Handling a broken promise to pay"),
)  # fmt: skip
#: person -> [(module, start, due (days from today), hours done, completed (days) or None, evidence)]
PLANS: dict[str, list[tuple[str, int, int, str, int | None, str]]] = {
    JOINER: [
        ("AR Desk and the FBL5N extract", -45, -38, "4", -39, "E-learning certificate"),
        ("Collections call basics", -44, -30, "12", -27, "Classroom days with the team lead"),
        ("Shadowing: customer calls with a senior", -40, 10, "0", None, ""),  # hours from the sessions
        ("Shadowing: dispute calls", -20, 30, "0", None, ""),
        ("Dunning run and blocks", -25, -3, "3", None, "First two chapters done"),
        ("Dispute escalation", -10, 20, "0", None, ""),
        ("Allocation of unapplied cash", 7, 35, "0", None, ""),
    ],
    SENIOR: [
        ("SOP writing workshop", -60, -30, "8", -32, "Wrote 'Dunning run and blocks' v2"),
        ("Coaching new joiners", -30, 14, "5", None, ""),
        ("Payment plans and instalment agreements", -14, 21, "3", None, ""),
        ("Write-off request and legal handover", 5, 40, "0", None, ""),
    ],
    BUDDY: [
        ("Coaching new joiners", -50, -20, "6", -22, "Buddy of Ruben since his first day"),
    ],
}
#: (days from today, hours, topic, notes, module or None for the earliest-due shadowing module, by)
SESSIONS: tuple[tuple[int, str, str, str, str | None, str], ...] = (
    (-38, "3", "Calls with slow payers (NL portfolio)", "Listened in on 9 calls; learnt the opening.",
     None, BUDDY),
    (-31, "2.5", "Broken promises: the second call", "Ruben led two calls, Sanne took over once.",
     None, JOINER),
    (-24, "2", "Customers asking for a copy invoice", "How to send copies from the archive.", None, BUDDY),
    (-17, "2", "Calls before the dunning run", "Which customers to call first.", None, JOINER),
    (-9, "1.5", "A customer with a short payment", "Short payment found and logged as a dispute.",
     None, BUDDY),
    (-15, "2", "Pricing disputes with sales", "Sat in on the weekly call with sales.",
     "Shadowing: dispute calls", BUDDY),
    (-6, "2", "Quality complaints: what to ask", "Ruben wrote the case notes himself.",
     "Shadowing: dispute calls", JOINER),
)  # fmt: skip
RISK_NOTES: tuple[tuple[str, str, str], ...] = (
    (JOINER, "Dunning run and blocks",
     "Month-end close and the cash peak at the end of November took my afternoons; Sanne and I finish it "
     "next week."),
    (SENIOR, "Payment plans and instalment agreements",
     "Covering Jonas's portfolio during his leave; the last two sessions are booked for the week after."),
)  # fmt: skip


def load_demo_training(engine: sa.Engine, today: date | None = None) -> None:
    """The catalogue, two plans with a buddy and shadowing, and a senior's plan (skipped quietly when
    the demo joiner, buddy or senior is missing, or a catalogue already exists)."""
    from ar_core.access import get_actor
    from ar_core.config import today as team_today
    from ar_core.knowledge import (
        add_risk_note,
        assign_buddy,
        log_shadowing,
        save_module,
        set_plan_line,
        training_modules,
    )

    with engine.connect() as conn:
        users = set(conn.execute(sa.select(User.username).where(User.active.is_(True))).scalars())
    if not {JOINER, BUDDY, SENIOR} <= users or not training_modules(engine, SYSTEM).is_empty():
        return
    day = today or team_today()

    def on(days: int) -> date:
        return day + timedelta(days=days)

    ids = {}
    for title, area, kind, hours, skills, level, sops in MODULES:
        ids[title] = save_module(engine, SYSTEM, title=title, area=area, kind=kind, expected_hours=hours,
                                 skills=skills, grants_level=level, sop_refs=sops or None)  # fmt: skip
    lines = {}
    for person, plan in PLANS.items():
        for title, start, due, done, completed, evidence in plan:
            lines[person, title] = set_plan_line(
                engine, SYSTEM, person, ids[title], on(start), on(due), hours_done=Decimal(done),
                completed_on=None if completed is None else on(completed), evidence=evidence or None,
            )  # fmt: skip
    assign_buddy(engine, SYSTEM, JOINER, BUDDY, on(-45))
    actors = {who: get_actor(engine, who) for who in (JOINER, BUDDY)}
    for days, hours, topic, notes, module, by in sorted(SESSIONS):
        line = None if module is None else lines[JOINER, module]
        log_shadowing(engine, actors[by] or SYSTEM, JOINER, on(days), Decimal(hours), topic, notes, line)
    for person, title, note in RISK_NOTES:
        add_risk_note(engine, get_actor(engine, person) or SYSTEM, lines[person, title], note)
