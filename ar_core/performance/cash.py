"""Expected cash read from the store: the forecast rules (:mod:`ar_core.performance.forecast`) on a
snapshot's open items, the payment history known at it and today's open promises.

The team's expected payments are computed once per snapshot, promise content, settings and rates
(``ar_core.memo``: a million items take about a second) and each reader gets the rows of the
customers they may read — a collector their portfolio, a lead everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
import sqlalchemy as sa

from ar_core import settings
from ar_core.access import Actor, in_portfolio, readable_customers
from ar_core.performance.forecast import (
    Backtest,
    backtest,
    later_cash,
    weekly_cash,
    weekly_totals,
)
from ar_core.performance.forecast import expected_payments as _expected
from ar_core.schema import MONEY

_OPEN_COLS = ("customer_id", "collector", "country", "company_code", "doc_no", "fiscal_year", "line_item",
              "due_date", "amount", "currency", "amount_reporting", "clearing_date")  # fmt: skip


@dataclass(frozen=True)
class ExpectedCash:
    """Expected cash per ISO week for one reader: per collector and in total, reporting currency."""

    snapshot_id: int
    as_of: date
    currency: str
    weekly: pl.DataFrame  #: forecast.WEEK_SCHEMA
    totals: pl.DataFrame  #: week_start, promised, predicted, expected
    later: Decimal = Decimal("0.00")  #: expected after the eighth week (not in the weeks)


def _snapshot(engine: sa.Engine, as_of: date | None) -> tuple[int, date]:
    from ar_core.collections import snapshot_for

    return snapshot_for(engine, as_of)


def _history(engine: sa.Engine, snapshot_id: int) -> pl.DataFrame:
    from ar_core.collections import payment_history

    return payment_history(engine, snapshot_id)


def _team_expected(engine: sa.Engine, snapshot_id: int, as_of: date) -> pl.DataFrame:
    """Every customer's expected payments at the snapshot (unscoped, shared: never mutate)."""
    from ar_core.collections import promise_frame
    from ar_core.ledger import (
        all_customers,
        ledger_items,
        ledger_key,
        open_items,
        reporting_rates,
        to_reporting,
    )
    from ar_core.memo import memo

    reporting = settings.get_reporting_currency(engine)
    fx = reporting_rates(engine, as_of, reporting)
    promises = promise_frame(engine).filter(pl.col("status") == "open")  # today's open promises
    customers = all_customers(engine)
    key = (
        ledger_key(engine, snapshot_id),
        reporting,
        tuple(fx.iter_rows()),
        promises.height,
        int(promises.select("promise_id", "amount", "promised_date").hash_rows(seed=5).sum()),
        customers.height,
        int(customers.select("customer_id", "collector").hash_rows(seed=5).sum()),
    )

    def compute() -> pl.DataFrame:
        ledger = ledger_items(engine, snapshot_id)
        items = open_items(ledger.select([c for c in _OPEN_COLS if c in ledger.columns]), as_of)
        items, _missing = to_reporting(items, fx, reporting)
        master = customers.select("customer_id", pl.col("collector").alias("_mc")).unique("customer_id")
        items = items.join(master, on="customer_id", how="left").with_columns(
            pl.coalesce("_mc", "collector").alias("collector")
        )
        prom, _ = to_reporting(
            promises.with_columns(pl.lit(None, MONEY).alias("amount_reporting")), fx, reporting
        )
        prom = prom.join(master, on="customer_id", how="left").rename({"_mc": "collector"})
        return _expected(items.filter(pl.col("amount_rep").is_not_null()), _history(engine, snapshot_id),
                         as_of, prom)  # fmt: skip

    return memo(engine, "expected_payments", key, compute, keep=4)


def expected_payments(
    engine: sa.Engine, actor: Actor, as_of: date | None = None, *, collector: str | None = None
) -> pl.DataFrame:
    """Each open invoice's and open promise's expected payment (``forecast.EXPECTED_SCHEMA``) of the
    customers ``actor`` may read, at the latest snapshot on or before ``as_of``. An unknown
    ``collector`` (no customers) is refused naming it, not answered with no cash."""
    from ar_core.performance.period import collector_customers

    snapshot_id, snap_as_of = _snapshot(engine, as_of)
    rows = in_portfolio(_team_expected(engine, snapshot_id, snap_as_of), readable_customers(engine, actor))
    if collector is None:
        return rows
    theirs = rows.filter(pl.col("collector") == collector)
    if theirs.is_empty():
        collector_customers(engine, collector)  # refuses a name that is no collector's
    return theirs


def expected_cash(
    engine: sa.Engine, actor: Actor, as_of: date | None = None, *, collector: str | None = None
) -> ExpectedCash:
    """Expected cash for the eight ISO weeks from the snapshot's as-of week (promised vs predicted)."""
    snapshot_id, snap_as_of = _snapshot(engine, as_of)
    rows = expected_payments(engine, actor, snap_as_of, collector=collector)
    weekly = weekly_cash(rows, snap_as_of)
    return ExpectedCash(
        snapshot_id,
        snap_as_of,
        settings.get_reporting_currency(engine),
        weekly,
        weekly_totals(weekly),
        later_cash(rows, snap_as_of),
    )


def payment_backtest(engine: sa.Engine, actor: Actor, as_of: date | None = None) -> Backtest:
    """The backtest (``forecast.backtest``) on the payment history of the customers ``actor`` may read."""
    snapshot_id, snap_as_of = _snapshot(engine, as_of)
    history = in_portfolio(_history(engine, snapshot_id), readable_customers(engine, actor))
    return backtest(history, snap_as_of)
