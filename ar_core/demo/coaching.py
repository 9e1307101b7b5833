"""The demo team's coaching: November targets for every collector and two 1:1s with agreed actions.

Written through the performance services as the demo lead (``lena.lead``), as the lead would on
the Collector metrics page. The targets sit near what the demo team reaches (about EUR 0.8 m
collected a week per collector, a fifth to a half of the top 20 called), so some are met and
some are not; one agreed action is past its due date on the demo's last key date.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ar_core.store.models import User

#: metric -> November target for every collector (money in the reporting currency, shares in %).
TARGETS = {"cash_collected": "2400000.00", "top_n_coverage_pct": "40", "promises_kept_pct": "60"}
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
#: (collector, day of the 1:1, note, [(agreed action, due)])
ONE_ON_ONES = [
    (
        "c.meyer",
        date(2026, 11, 6),
        "Cash is steady, but only 4 of the top 20 worklist customers were called last week and the "
        "overdue grew. Agreed to work the list from the top before the e-mails.",
        [("Call the first ten worklist customers every Monday morning", date(2026, 11, 13)),
         ("Chase Van Houten's open promise and escalate if it breaks again", date(2026, 11, 27))],
    ),
    (
        "j.schneider",
        date(2026, 11, 13),
        "Disputes close faster than the team median. Promises are taken without a date often enough "
        "to lose track; agreed to always ask for the payment date on the call.",
        [("Every promise to pay with a date and the invoices it covers", date(2026, 11, 20)),
         ("Review the over-90 list with the team lead", date(2026, 12, 4))],
    ),
]  # fmt: skip


def load_demo_coaching(engine: sa.Engine) -> None:
    """Targets and 1:1 notes of the demo team (skipped quietly when the demo lead is missing)."""
    from ar_core.access import get_actor
    from ar_core.performance import add_coaching_note, set_target

    lead = get_actor(engine, "lena.lead")
    if lead is None:
        return
    with engine.connect() as conn:
        users = conn.execute(sa.select(User.username, User.roles).where(User.active.is_(True))).all()
    collectors = sorted(u.username for u in users if "collector" in (u.roles or "").split(","))
    for collector in collectors:
        for metric, value in TARGETS.items():
            set_target(engine, lead, collector, metric, *NOVEMBER, value, note="November target")
    for collector, met_on, note, actions in ONE_ON_ONES:
        if collector in collectors:
            add_coaching_note(engine, lead, collector, met_on, note, actions)
