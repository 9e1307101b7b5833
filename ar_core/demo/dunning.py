"""Demo dunning: the default procedure stored, two dunning blocks and one run released a few weeks
back, all through the real services as the ``system`` operator.

- a **customer block** on the largest overdue account of Claudia Meyer's portfolio: "customer pays
  after month end", until the last day of next month;
- an **item block** on the oldest overdue invoice of a Dutch customer: being clarified, two weeks;
- a **run** as of the snapshot three weeks before the latest, reviewed (one customer taken out: the
  account manager calls first) and released on the Monday after: its letters are in the contact
  log and the items' levels rose, so today's run proposes the next level for those still open.

The shipped rate table may stop before the run's half-year; the rates of the next half-year are
then entered as unchanged (source "demo"), as a lead would, so the demo's interest is computed.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor
from ar_core.errors import InvalidInput
from ar_core.ledger import ledger_items, list_snapshots, open_items

SYSTEM = Actor(username="system", name="System", roles=frozenset({"admin", "lead"}))
#: How many weeks before the latest snapshot the released run lies.
RUN_WEEKS_BACK = 3


def _rates_until(engine: sa.Engine, day: date) -> None:
    """Enter the missing half-year rates up to ``day`` as the half-year before's (demo only)."""
    from ar_core.recovery import RATE_KINDS, add_rate, load_rate_table

    for kind in RATE_KINDS:
        table = load_rate_table(engine)
        start = date(day.year, 1 if day.month < 7 else 7, 1)
        before = start - timedelta(days=1)
        try:
            table.rate_on(kind, day)
        except Exception:
            with suppress(InvalidInput):
                add_rate(
                    engine,
                    SYSTEM,
                    kind,
                    start,
                    table.rate_on(kind, before),
                    source="demo: the half-year before's rate",
                )


def load_demo_dunning(engine: sa.Engine) -> None:
    """Store the demo's procedure, blocks and released run (see the module docstring)."""
    from ar_core.recovery import (
        add_block,
        list_runs,
        propose_dunning_run,
        release_run,
        remove_from_run,
        run_letters,
        set_procedure,
    )

    snaps = list_snapshots(engine).sort("as_of")
    if snaps.is_empty() or not list_runs(engine, SYSTEM).is_empty():
        return
    latest = snaps.row(-1, named=True)
    back = snaps.filter(pl.col("as_of") <= latest["as_of"] - timedelta(weeks=RUN_WEEKS_BACK))
    _rates_until(engine, max(latest["as_of"], date.today()))  # noqa: DTZ011 - the rates the app needs now
    set_procedure(
        engine,
        SYSTEM,
        {
            "company_code": "*",
            "level_days": [7, 21, 35, 49],
            "min_amount": "25.00",
            "min_days_between": 14,
            "blocks": ["disputed", "promised", "payment_plan", "legal", "insolvency"],
        },
    )
    today = latest["as_of"]
    items = open_items(ledger_items(engine, latest["snapshot_id"]), today)
    overdue = items.filter((pl.col("amount") > 0) & (pl.col("due_date") < today - timedelta(days=7)))
    meyer = (
        overdue.filter(pl.col("collector") == "c.meyer")
        .group_by("customer_id")
        .agg(pl.col("amount").sum())
        .sort(["amount", "customer_id"], descending=[True, False])
    )
    month_end = (today.replace(day=1) + timedelta(days=62)).replace(day=1) - timedelta(days=1)
    if meyer.height:
        add_block(
            engine,
            SYSTEM,
            meyer["customer_id"][0],
            reason="agreement",
            ends_on=month_end,
            today=today,
            note="customer pays after month end",
        )
    dutch = overdue.filter(pl.col("country") == "NL").sort("due_date", "doc_no")
    if dutch.height:
        from ar_core.schema import item_key_expr

        row = dutch.with_columns(item_key_expr()).row(0, named=True)
        add_block(
            engine,
            SYSTEM,
            row["customer_id"],
            reason="clarification",
            ends_on=today + timedelta(days=14),
            today=today,
            item_key=row["_item_key"],
            doc_no=row["doc_no"],
            note="delivery note requested from the warehouse",
        )
    if back.is_empty():
        return
    run_as_of = back["as_of"][-1]
    run_id = propose_dunning_run(engine, SYSTEM, run_as_of)
    letters = run_letters(engine, SYSTEM, run_id).sort("total", descending=True)
    if letters.height > 1:
        remove_from_run(
            engine,
            SYSTEM,
            run_id,
            customer_id=letters["customer_id"][0],
            reason="key account: the account manager calls first",
        )
    release_run(engine, SYSTEM, run_id, letter_date=run_as_of + timedelta(days=3))
