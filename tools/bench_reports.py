"""Report measurement of ``make bench``: the weekly report on 13 weekly snapshots of ``BENCH_ITEMS``.

Uses the store ``tools.bench_kpis`` builds (13 weekly open-item snapshots, 1,000,000 items each by
default). Measured in a fresh process, as a lead: ``reporting.build_report`` of the default weekly
layout at the last snapshot — the ledger read, aging by collector, the KPIs of the week
(``performance.period_kpis``: two ledgers), the team worklist's top cases, disputes, credits, the
XLSX workbook and its totals check (the stored run's insert is left out, so the shared bench store
stays as built). The floor: polars reads the last week's items from Parquet and sums them per
collector, the least an aging-by-collector report costs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tools import bench_kpis


def prepare(data: Path) -> None:
    bench_kpis.prepare(data)


def _last(folder: Path) -> date:
    return date.fromisoformat((folder / "dates").read_text().split()[1])


def weekly_report(data: Path, _work: Path) -> None:
    from ar_core.access.actor import Actor
    from ar_core.reporting import build_report
    from ar_core.store.db import make_engine
    from tools.bench import _Timed

    folder = bench_kpis._folder(data)
    engine = make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")
    lead = Actor("bench.lead", "Bench Lead", frozenset({"lead"}))
    with _Timed():
        produced, _sheets = build_report(engine, lead, "weekly", _last(folder))
    if not produced.ok:
        raise RuntimeError(f"totals check failed: {produced.checks.rows()}")


def weekly_report_floor(data: Path, _work: Path) -> None:
    import polars as pl

    from tools.bench import _Timed

    folder = bench_kpis._folder(data)
    with _Timed():
        frame = pl.read_parquet(
            folder / f"week{bench_kpis.WEEKS - 1}.parquet", columns=["collector", "amount_cents"]
        )
        frame.group_by("collector").agg(pl.col("amount_cents").sum())
