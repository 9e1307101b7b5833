"""The ledger as a user may read it: every read takes the acting user and applies the portfolio rule.

The composed ledger of a snapshot is loaded once per server process and shared (``ar_core.memo``):
snapshots are immutable, so it is keyed by the snapshot chain and never cleared by a workflow
write. Each read then narrows it to :func:`ar_core.access.readable_customers` of the actor —
the one rule the worklist, the account view, the Overview and the CLI all use.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, in_portfolio, readable_customers
from ar_core.ledger.snapshots import ledger_key, load_items
from ar_core.memo import memo


def ledger_items(engine: sa.Engine, snapshot_id: int) -> pl.DataFrame:
    """The whole composed ledger at ``snapshot_id``, shared by all sessions (services only; never mutate).

    No permission filter: for services that derive team-wide figures and then scope them
    (the worklist base). Pages read :func:`items_for`.
    """
    key = ledger_key(engine, snapshot_id)
    return memo(engine, "ledger_items", key, lambda: load_items(engine, snapshot_id))


def ledger_currencies(engine: sa.Engine, snapshot_id: int) -> list[str]:
    """The currencies in the ledger at ``snapshot_id``, sorted (no customer data: for FX warnings)."""
    return sorted(ledger_items(engine, snapshot_id)["currency"].drop_nulls().unique().to_list())


def _scope_key(scope: frozenset[str] | None) -> tuple[str, ...] | None:
    return None if scope is None else tuple(sorted(scope))


def items_for(engine: sa.Engine, actor: Actor, snapshot_id: int) -> pl.DataFrame:
    """The items at ``snapshot_id`` of the customers ``actor`` may read (a lead: all)."""
    return in_portfolio(ledger_items(engine, snapshot_id), readable_customers(engine, actor))


def customer_items(engine: sa.Engine, actor: Actor, snapshot_id: int, customer_id: str) -> pl.DataFrame:
    """One customer's items at ``snapshot_id``; ``PermissionDenied``/``NotFound`` outside the portfolio."""
    check_customer_access(engine, actor, customer_id, write=False)
    return ledger_items(engine, snapshot_id).filter(pl.col("customer_id") == customer_id)


def overview_tiles(
    engine: sa.Engine,
    actor: Actor,
    snapshot_id: int,
    *,
    previous: tuple[int, date] | None,
    as_of: date,
    reporting: str,
) -> dict:
    """The Overview tiles of ``actor``'s portfolio (see ``ledger.summary_tiles``), computed once per input."""
    from ar_core.ledger.overview import summary_tiles
    from ar_core.ledger.rates import reporting_rates

    scope = readable_customers(engine, actor)
    fx = reporting_rates(engine, as_of, reporting)
    key = (ledger_key(engine, snapshot_id), previous and (ledger_key(engine, previous[0]), previous[1]),
           _scope_key(scope), as_of, reporting, tuple(fx.iter_rows()))  # fmt: skip

    def compute() -> dict:
        now = in_portfolio(ledger_items(engine, snapshot_id), scope)
        prev = in_portfolio(ledger_items(engine, previous[0]), scope) if previous else None
        return summary_tiles(now, prev, as_of, fx, reporting=reporting,
                             prev_as_of=previous[1] if previous else None)  # fmt: skip

    return memo(engine, "overview_tiles", key, compute, keep=16)


def aging_by(
    engine: sa.Engine,
    actor: Actor,
    snapshot_id: int,
    *,
    as_of: date,
    reporting: str,
    edges: tuple[int, ...],
    by: str,
) -> pl.DataFrame:
    """The aging of ``actor``'s portfolio by one dimension, in the reporting currency, largest first."""
    from ar_core.ledger.aging import aging_table, with_aging
    from ar_core.ledger.fx import to_reporting
    from ar_core.ledger.rates import reporting_rates

    scope = readable_customers(engine, actor)
    fx = reporting_rates(engine, as_of, reporting)
    key = (ledger_key(engine, snapshot_id), _scope_key(scope), as_of, reporting, edges, by,
           tuple(fx.iter_rows()))  # fmt: skip

    def compute() -> pl.DataFrame:
        items = in_portfolio(ledger_items(engine, snapshot_id), scope)
        aged, _missing = to_reporting(with_aging(items, as_of, edges), fx, reporting)
        return aging_table(aged, [by], amount="amount_rep", edges=edges).sort("total", descending=True)

    return memo(engine, "aging_by", key, compute, keep=32)
