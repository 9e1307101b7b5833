"""KPI measurements of ``make bench``: the KPIs of a quarter on 13 weekly snapshots of ``BENCH_ITEMS``.

The store is built once per data folder with ``tools.bench_store``'s generator (2 % cleared, 2 %
new per week) through the store's own write path: 13 weekly open-item snapshots, so beginning AR
comes from the first week's snapshot and ending AR from the last one's, and credit sales from the
invoices still visible (no monthly sales file). Measured: ``performance.period_kpis`` for the
period from the day after the first snapshot to the last one (12 weeks, three to four calendar
months) as a lead, with what the running app shares per process already loaded (both snapshots'
``ledger.ledger_items``, the customers; loading one snapshot is the "load one snapshot" row):
both ledgers converted to the reporting currency, promises and cases read, every KPI computed.
The floor: polars reads the same two weeks' items from Parquet and sums their amounts.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

WEEKS = 13


def _folder(data: Path) -> Path:
    from tools.bench import bench_items

    return data / f"kpis_{bench_items()}"


def prepare(data: Path) -> None:
    """The store of 13 weekly snapshots, and the first and last week as Parquet (once)."""
    import polars as pl

    from ar_core.store.db import make_engine, migrate
    from ar_core.store.models import Base  # noqa: F401 (models registered)
    from tools.bench import bench_items
    from tools.bench_store import _write, weeks

    folder = _folder(data)
    if (folder / "done").exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    engine = make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")
    migrate(engine)
    dates = []
    for week, (as_of, rows) in enumerate(weeks(bench_items(), WEEKS)):
        _write(engine, as_of, rows, first=week == 0)
        dates.append(as_of)
        if week in (0, WEEKS - 1):
            rows.write_parquet(folder / f"week{week}.parquet")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    (folder / "dates").write_text(f"{dates[0].isoformat()} {dates[-1].isoformat()}")
    pl.DataFrame().write_csv(folder / "done")
    print(f"  built the KPI store of {WEEKS} weekly snapshots", flush=True)


def _period(folder: Path) -> tuple[date, date]:
    first, last = (date.fromisoformat(d) for d in (folder / "dates").read_text().split())
    return first + timedelta(days=1), last


def _ends(engine) -> list[int]:
    """The first and the last week's snapshot ids."""
    import sqlalchemy as sa

    with engine.connect() as conn:
        ids = list(conn.execute(sa.text("SELECT id FROM snapshots ORDER BY as_of, id")).scalars())
    return [ids[0], ids[-1]]


def kpis_quarter(data: Path, _work: Path) -> None:
    from ar_core.access.actor import Actor
    from ar_core.ledger import all_customers, ledger_items
    from ar_core.performance import period_kpis
    from ar_core.store.db import make_engine
    from tools.bench import _Timed

    folder = _folder(data)
    engine = make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")
    lead = Actor("bench.lead", "Bench Lead", frozenset({"lead"}))
    start, end = _period(folder)
    # as in the running app: the modules imported, both ledgers and the customers loaded once, shared
    import ar_core.collections.promises
    import ar_core.disputes.cases  # noqa: F401

    for snapshot_id in _ends(engine):
        ledger_items(engine, snapshot_id)
    all_customers(engine)
    with _Timed():
        row = period_kpis(engine, lead, start, end).row(0, named=True)
    if row["ending_ar"] is None or row["dso_simple"] is None:
        raise RuntimeError(f"no KPIs: {row['notes']}")


def kpis_floor(data: Path, _work: Path) -> None:
    import polars as pl

    from tools.bench import _Timed

    folder = _folder(data)
    with _Timed():
        for week in (0, WEEKS - 1):
            pl.read_parquet(folder / f"week{week}.parquet", columns=["amount_cents"])["amount_cents"].sum()
