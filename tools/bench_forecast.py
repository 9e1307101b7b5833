"""Bench of expected cash and the payment backtest (issue 11) on the Collector metrics store:
13 weekly snapshots of ``BENCH_ITEMS`` items (``tools.bench_coaching``), so the payment history
compares 12 pairs of consecutive snapshots.

``report`` prints the backtest's figures (model vs "pays on the due date"), which are not times.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.bench_coaching import _engine, _lead, prepare

__all__ = ["backtest", "backtest_floor", "cash", "cash_floor", "prepare", "report"]


def cash(data: Path, _work: Path) -> None:
    """Expected cash for 8 weeks in a fresh process: the payment history of the snapshot chain,
    every open item's expected date, the promises, the weeks."""
    from ar_core.performance import expected_cash
    from tools.bench import _Timed

    engine = _engine(data)
    lead = _lead(engine)
    with _Timed():
        expected_cash(engine, lead)


def _ledger(engine: Any) -> Any:
    from ar_core.collections import snapshot_for
    from ar_core.ledger import ledger_items

    snapshot_id, as_of = snapshot_for(engine)
    return ledger_items(engine, snapshot_id), as_of


def cash_floor(data: Path, _work: Path) -> None:
    """Reading the latest ledger and summing its amounts per week of the due date."""
    import polars as pl

    from tools.bench import _Timed

    engine = _engine(data)
    with _Timed():
        items, _ = _ledger(engine)
        items.group_by(pl.col("due_date").dt.truncate("1w")).agg(pl.col("amount").sum())


def backtest(data: Path, _work: Path) -> None:
    """The backtest in a fresh process (the payment history included)."""
    from ar_core.performance import payment_backtest
    from tools.bench import _Timed

    engine = _engine(data)
    with _Timed():
        payment_backtest(engine, _lead(engine))


def backtest_floor(data: Path, _work: Path) -> None:
    """The latest ledger read and the naive rule's error on what it lists as cleared."""
    import polars as pl

    from tools.bench import _Timed

    engine = _engine(data)
    with _Timed():
        items, _ = _ledger(engine)
        late = (pl.col("clearing_date") - pl.col("due_date")).dt.total_days().abs()
        items.filter(pl.col("clearing_date").is_not_null()).select(late.mean())


def report(data: Path) -> None:
    """Print the backtest's model and naive mean absolute errors on the bench store."""
    from ar_core.performance import payment_backtest

    prepare(data)
    engine = _engine(data)
    result = payment_backtest(engine, _lead(engine))
    print(
        f"performance: payment backtest on {result.invoices:,} invoices cleared {result.cutoff} .. "
        f"{result.as_of}: model MAE {result.mae_days} days, naive MAE ('pays on the due date') "
        f"{result.naive_mae_days} days",
        flush=True,
    )
