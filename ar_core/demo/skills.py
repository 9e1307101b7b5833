"""The demo team's skills: levels of every collector (one levels file, as a lead would import it,
and a few assessments with their notes), a backup for each portfolio and one absence.

What the demo shows on the Skills page and at the huddle:

- *payment plans* has a coverage gap: only Élise Dubois is independent; Claudia Meyer (trained)
  is closest, and the module "Payment plans and instalment agreements" in her training plan would
  close it;
- French has a single speaker at C1 or above (Élise Dubois), Lotte Peeters at B2 is closest;
- Jonas Schneider is on leave from two days before the demo's day to nine days after it, Claudia
  Meyer covers his portfolio (his customers are on her worklist meanwhile).

Written as the ``system`` operator through the skills services; loaded once (nothing when levels
are stored already or the demo team is missing).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from ar_core.access import Actor
from ar_core.store.models import SkillLevel, User

SYSTEM = Actor(username="system", name="System", roles=frozenset({"admin", "lead"}))

_SKILL_COLUMNS = (
    "cash_collection", "dispute_resolution", "account_reconciliation", "credit_balance_allocation",
    "dunning_cycle_management", "payment_plan_coordination", "reporting_metrics", "financial_analysis",
    "sop_writing", "erp_sap_fi_ar", "customer_communication", "negotiation", "written_communication",
    "coaching", "working_under_pressure", "german", "dutch", "english", "french",
)  # fmt: skip
#: person -> the levels of :data:`_SKILL_COLUMNS` in order (0–3; CEFR or "-" for languages)
LEVELS: dict[str, tuple[object, ...]] = {
    "c.meyer":     (3, 2, 1, 1, 3, 1, 1, 2, 2, 1, 3, 3, 2, 3, 3, "C2", "-", "C1", "B1"),
    "j.schneider": (2, 1, 1, 2, 2, 0, 2, 1, 0, 1, 2, 2, 2, 0, 2, "C2", "-", "C1", "A2"),
    "t.becker":    (2, 1, 2, 1, 1, 0, 1, 1, 0, 3, 2, 1, 2, 0, 2, "C2", "-", "B2", "-"),
    "m.wagner":    (2, 1, 1, 1, 2, 1, 0, 1, 0, 1, 2, 2, 1, 0, 2, "C2", "-", "B2", "-"),
    "s.dejong":    (3, 3, 2, 1, 1, 1, 3, 2, 2, 1, 3, 2, 3, 3, 2, "B2", "C2", "C1", "B1"),
    "r.bakker":    (1, 1, 0, 1, 1, 0, 0, 1, 0, 2, 1, 1, 1, 0, 1, "B1", "C2", "C1", "-"),
    "l.peeters":   (2, 1, 1, 2, 1, 1, 1, 1, 0, 1, 2, 2, 2, 0, 2, "B1", "C2", "C1", "B2"),
    "e.dubois":    (3, 2, 1, 1, 1, 3, 1, 2, 1, 1, 3, 3, 3, 2, 3, "B2", "B2", "C1", "C2"),
}  # fmt: skip
#: (person, skill, level, the lead's note): assessments after the file
ASSESSMENTS: tuple[tuple[str, str, object, str], ...] = (
    ("c.meyer", "payment_plan_coordination", 1,
     "Set up two plans with Élise this quarter; needs the course before working them alone."),
    ("l.peeters", "french", "B2",
     "Handles French calls well; letters still go past Élise. C1 course planned for next year."),
    ("r.bakker", "cash_collection", 1, "First weeks: calls with Sanne listening in."),
)  # fmt: skip
#: collector -> backup (each speaks the portfolio's customer languages at B2 or above)
BACKUPS: dict[str, str] = {
    "c.meyer": "j.schneider", "j.schneider": "c.meyer", "t.becker": "m.wagner", "m.wagner": "t.becker",
    "s.dejong": "r.bakker", "r.bakker": "s.dejong", "l.peeters": "e.dubois", "e.dubois": "l.peeters",
}  # fmt: skip
#: (person, first day, last day (days from the demo's day), note)
ABSENCES: tuple[tuple[str, int, int, str], ...] = (("j.schneider", -2, 9, "Annual leave"),)


def levels_file() -> bytes:
    """The demo's levels as the CSV a lead imports (person, skill, level)."""
    lines = ["person;skill;level"]
    for person, levels in LEVELS.items():
        lines += [f"{person};{skill};{level}" for skill, level in zip(_SKILL_COLUMNS, levels, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def load_demo_skills(engine: sa.Engine, today: date | None = None) -> None:
    """Levels, backups and the absence of the demo team (once; see the module docstring)."""
    from ar_core.config import today as team_day
    from ar_core.knowledge import assess_skill, import_skill_levels, record_absence, set_backup

    with engine.connect() as conn:
        users = set(conn.execute(sa.select(User.username)).scalars())
        stored = conn.execute(sa.select(SkillLevel.id).limit(1)).first()
    if stored is not None or not set(LEVELS) <= users:
        return
    day = today or team_day()
    outcome = import_skill_levels(engine, SYSTEM, "demo_skill_levels.csv", levels_file())
    if outcome.problems:  # the demo's own file: a problem is a bug here
        raise RuntimeError("; ".join(str(p) for p in outcome.problems))
    for person, skill, level, note in ASSESSMENTS:
        assess_skill(engine, SYSTEM, person, skill, level, note)
    for collector, backup in BACKUPS.items():
        set_backup(engine, SYSTEM, collector, backup)
    for person, first, last, note in ABSENCES:
        record_absence(engine, SYSTEM, person, day + timedelta(days=first), day + timedelta(days=last), note)
