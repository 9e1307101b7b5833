"""The collection workflow as a user may read it: every read takes the acting user.

One portfolio rule (:func:`ar_core.access.readable_customers`) narrows each result: a collector
reads their portfolio and what is escalated to them, leads, controllers and admins read all.
The lead's "collector X" view is collector X's own rule (:func:`ar_core.access.collector_scope`),
so a lead sees exactly what X sees, customers assigned on the admin page included.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import polars as pl
import sqlalchemy as sa

from ar_core.access import READ_ALL_ROLES, Actor, collector_scope, in_portfolio, readable_customers
from ar_core.errors import PermissionDenied


def worklist_for(
    engine: sa.Engine,
    actor: Actor,
    snapshot_id: int,
    as_of: date,
    *,
    today: date | None = None,
    collector: str | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """The ranked worklist ``actor`` may read, and the currencies without an FX rate.

    Ranks count within what is returned: "rank 1" is this reader's (or the chosen collector's)
    first call, not the team's. ``collector`` narrows it to that collector's own view: a
    collector may ask for themselves only. The team's ranked list behind it is computed once
    per change and shared by every session (:func:`shared_team_worklist`), so one collector's call
    makes one recomputation, not one per open browser; the portfolio rule is applied after.
    """
    frame, missing = shared_team_worklist(engine, snapshot_id, as_of, today=today)
    frame = in_portfolio(frame, readable_customers(engine, actor))
    if collector:
        if collector != actor.username and not actor.has(*READ_ALL_ROLES):
            raise PermissionDenied(f"{actor.username} may not see {collector}'s worklist")
        frame = in_portfolio(frame, collector_scope(engine, collector))
    return rank_within(frame), missing


def workflow_mark(engine: sa.Engine) -> tuple[int, ...]:
    """Moves with every write: the audit log's last entry (every service audits its writes), and
    the case tables' version (the snapshot sync closes cases item by item)."""
    from ar_core.disputes import cases_version
    from ar_core.store.models import AuditEntry

    with engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.id), 0))).scalar_one()
    return (int(last), *cases_version(engine))


def shared_team_worklist(
    engine: sa.Engine, snapshot_id: int, as_of: date, *, today: date | None = None
) -> tuple[pl.DataFrame, list[str]]:
    """The whole team's ranked worklist with every case being worked laid over it (services only),
    once per snapshot chain, day and change of the workflow records (:func:`workflow_mark`)."""
    from ar_core.collections.team import team_worklist
    from ar_core.disputes import working_cases
    from ar_core.ledger import ledger_key
    from ar_core.memo import memo

    def compute() -> tuple[pl.DataFrame, list[str]]:
        cases, parts = working_cases(engine)
        return team_worklist(engine, snapshot_id, as_of, today=today, cases=cases, case_items=parts)

    key = (ledger_key(engine, snapshot_id), as_of, today, workflow_mark(engine))
    return memo(engine, "team_worklist", key, compute, keep=4)


def cases_being_worked(
    engine: sa.Engine, actor: Actor, customer_id: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The dispute and inquiry cases being worked that ``actor`` may read (of one customer, or all),
    and their items with the case's ``customer_id``: the disputed parts ``worklist.with_case_parts``
    lays over the items."""
    from ar_core.disputes import case_items, list_cases

    cases = list_cases(engine, actor, status="open", customer_id=customer_id)
    items = case_items(engine, actor, cases["case_id"].to_list()) if cases.height else None
    if items is None or items.is_empty():
        return cases, pl.DataFrame()
    return cases, items.join(cases.select("case_id", "customer_id"), on="case_id", how="inner")


def rank_within(frame: pl.DataFrame) -> pl.DataFrame:
    """Renumber the team ranks 1..n within a portfolio, keeping their order."""
    return frame.sort("rank").with_columns(
        pl.int_range(1, pl.len() + 1, dtype=frame.schema["rank"]).alias("rank")
    )


def open_escalations(engine: sa.Engine, actor: Actor, *, since: datetime | None = None) -> pl.DataFrame:
    """Unresolved escalations of the customers ``actor`` may read, oldest first."""
    from ar_core.collections.escalations import escalation_frame

    return in_portfolio(escalation_frame(engine, since=since), readable_customers(engine, actor))


def open_promises(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Every promise not cancelled of the customers ``actor`` may read (``PROMISE_SCHEMA``)."""
    from ar_core.collections.promises import promise_frame

    return in_portfolio(promise_frame(engine), readable_customers(engine, actor))


def latest_contacts(
    engine: sa.Engine, actor: Actor, customer_ids: Iterable[str] | None = None
) -> pl.DataFrame:
    """Per customer ``actor`` may read, the latest effective contact entry (``SUMMARY_SCHEMA``)."""
    from ar_core.collections.contacts import contact_summary

    wanted = None if customer_ids is None else list(customer_ids)
    return in_portfolio(contact_summary(engine, wanted), readable_customers(engine, actor))
