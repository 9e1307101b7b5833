"""Bench of the Collector metrics page (issue 11): 13 weekly snapshots of ``BENCH_ITEMS`` items.

The store is built once in ``data/bench/coaching_<items>/`` with the year store's generator
(``tools.bench_store.weeks``: 2 % cleared, 2 % new and 1 % changed a week, eight collectors
``c.user0``..``c.user7``), the collectors as users, about 150 contacts and 10 promises per
collector and week. Measured: the page's rerun after a filter change (the weekly frame kept by
``ar_core.memo``, the reader's rows filtered, period totals and median as the page takes them)
and the first computation of the weekly frame in a fresh process.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

WEEKS = 13
COLLECTORS = [f"c.user{i}" for i in range(8)]
CONTACTS_PER_WEEK = 150
PROMISES_PER_WEEK = 10


def _items() -> int:
    from tools.bench import bench_items

    return bench_items()


def store_dir(data: Path) -> Path:
    return data / f"coaching_{_items()}"


def prepare(data: Path) -> None:
    """Build the 13-week store with users, contacts and promises (once per item count)."""
    folder = store_dir(data)
    if (folder / "done").exists():
        return
    import time

    import numpy as np
    import polars as pl
    import sqlalchemy as sa

    from ar_core.access import Actor, create_user
    from ar_core.store.db import make_engine, migrate
    from ar_core.store.models import ContactEntry, Promise
    from tools.bench_store import _write, weeks

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")
    migrate(engine)
    system = Actor("system", "System", frozenset({"admin"}))
    for name in [*COLLECTORS, "lena.lead"]:
        roles = ["lead"] if name == "lena.lead" else ["collector"]
        create_user(engine, system, username=name, name=name.title(), password="bench-password-1",  # noqa: S106
                    roles=roles, must_change_password=False)  # fmt: skip
    rng = np.random.default_rng(5)
    dates = []
    for week, (as_of, rows) in enumerate(weeks(_items(), WEEKS)):
        _write(engine, as_of, rows, first=week == 0)
        dates.append(as_of)
        if week == 0:
            customers = rows.select("customer_id", "collector").unique("customer_id")
    contacts, promises = [], []
    for as_of in dates[1:]:
        picked = customers[rng.integers(0, customers.height, CONTACTS_PER_WEEK * len(COLLECTORS))]
        for cid, who in picked.iter_rows():
            at = datetime(as_of.year, as_of.month, as_of.day, 10, tzinfo=UTC) - timedelta(
                days=int(rng.integers(0, 7))
            )
            contacts.append({"customer_id": cid, "contacted_at": at, "channel": "phone", "outcome": "reached",
                             "notes": "", "created_by": who, "created_at": at})  # fmt: skip
        for cid, who in picked.head(PROMISES_PER_WEEK * len(COLLECTORS)).iter_rows():
            made = datetime(as_of.year, as_of.month, as_of.day, 11, tzinfo=UTC) - timedelta(days=3)
            status = rng.choice(["kept", "broken", "partly kept"])
            promises.append({"customer_id": cid, "amount_cents": 100_000, "currency": "EUR",
                             "promised_date": as_of, "status": str(status), "status_decided_on": as_of,
                             "created_by": who, "created_at": made})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(sa.insert(ContactEntry), contacts)
        conn.execute(sa.insert(Promise), promises)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    pl.DataFrame().write_csv(folder / "done")
    print(f"  built the coaching store ({WEEKS} weeks) in {time.perf_counter() - started:.0f} s", flush=True)


def _engine(data: Path) -> Any:
    from ar_core.store.db import make_engine

    return make_engine(f"sqlite:///{store_dir(data) / 'ardesk.sqlite'}")


def _lead(engine: Any) -> Any:
    from ar_core.access import get_actor

    return get_actor(engine, "lena.lead")


def rerun(data: Path, _work: Path) -> None:
    """A page rerun after a filter change: the kept weekly frame, the weeks chosen, the team
    compared (period totals, the median) and one collector's targets' attainment."""
    import polars as pl

    from ar_core.performance import attainment, collector_metrics, list_targets, period_totals
    from tools.bench import _Timed

    engine = _engine(data)
    lead = _lead(engine)
    view = collector_metrics(engine, lead)  # computed once (not measured)
    start, end = view.weeks["week_end"][-4], view.weeks["week_end"][-1]
    with _Timed():
        view = collector_metrics(engine, lead)
        rows = view.rows.filter(pl.col("week_end").is_between(start, end))
        period_totals(rows, start, end)
        period_totals(view.median.filter(pl.col("week_end").is_between(start, end)), start, end)
        attainment(
            list_targets(engine, lead, COLLECTORS[0]), view.rows.filter(pl.col("collector") == COLLECTORS[0])
        )


def rerun_floor(data: Path, _work: Path) -> None:
    """The same frame already in hand: filtering it to the weeks chosen."""
    import polars as pl

    from ar_core.performance import collector_metrics
    from tools.bench import _Timed

    engine = _engine(data)
    view = collector_metrics(engine, _lead(engine))
    start, end = view.weeks["week_end"][-4], view.weeks["week_end"][-1]
    with _Timed():
        view.rows.filter(pl.col("week_end").is_between(start, end))


def first(data: Path, _work: Path) -> None:
    """The weekly frame computed in a fresh process: 13 ledgers, 12 cleared-between, 12 rankings."""
    from ar_core.performance import collector_metrics
    from tools.bench import _Timed

    engine = _engine(data)
    lead = _lead(engine)
    with _Timed():
        collector_metrics(engine, lead)


def first_floor(data: Path, _work: Path) -> None:
    """Reading what it needs at least: the 13 snapshots' ledgers (``ledger.load_items``)."""
    from ar_core.ledger import list_snapshots, load_items
    from tools.bench import _Timed

    engine = _engine(data)
    ids = list_snapshots(engine)["snapshot_id"].to_list()
    with _Timed():
        for sid in ids:
            load_items(engine, sid)
