"""Store measurements of ``make bench``: a year of weekly snapshots in the item-version store.

A fast synthetic generator (numpy/polars, no files) builds ``BENCH_ITEMS`` items and 52 weekly
changes of them (2 % cleared, 2 % new, 1 % changed dunning level per week) and writes them
through the store's own path (``bulk.write_snapshot_items``), once per data folder. The 53rd
week is kept as Parquet (store layout) and written as the German SAP FBL5N list download
(``week53.txt``, every canonical column) that re-imports to exactly the stored content, so its
import adds versions only for the ~3 % new and changed items.

Measured then: the space of 1 vs 52 snapshots; the import of the 53rd as a user runs it, the
whole process ``python -m ar_core import week53.txt --scope full`` into a copy of the year, with
the whole-process floor of the first import (polars reads the file, ADBC writes it) and its
ratio budget; loading one snapshot, one customer's history over the year, the items cleared
between two snapshots and the totals per snapshot of the year.
"""

from __future__ import annotations

import shutil
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

WEEKS = 52
START = date(2025, 11, 28)
TEXTS = ["Rechnung", "Lieferung", "Rechnung Ersatzteile", "Dienstleistung", "Wartungsvertrag", "Frachtkosten",
         "Gutschrift Preisdifferenz", "Gutschrift Retoure", "Bonusgutschrift", "Zahlung a Konto"]  # fmt: skip


def _items() -> int:
    from tools.bench import bench_items

    return bench_items()


def store_dir(data: Path) -> Path:
    return data / f"store_{_items()}"


def week53_txt(data: Path) -> Path:
    return store_dir(data) / "week53.txt"


def _as_of_53(folder: Path) -> date:
    return date.fromisoformat((folder / "week53.as_of").read_text())


def _items_53(folder: Path) -> int:
    import polars as pl

    return int(pl.scan_parquet(folder / "week53.parquet").select(pl.len()).collect().item())


def _customers(n: int, rng: Any) -> Any:
    import polars as pl

    return pl.DataFrame({
        "customer_id": [f"{1_000_000 + i}" for i in range(n)],
        "customer_name": [f"Kunde {i} GmbH" for i in range(n)],
        "company_code": rng.choice(["1000", "2000", "3000", "NL01"], n),
        "country": rng.choice(["DE", "NL", "AT", "BE"], n),
        "collector": [f"c.user{i % 8}" for i in range(n)],
    })  # fmt: skip


def _new_items(n: int, first_doc: int, customers: Any, rng: Any, as_of: date) -> Any:
    """``n`` new items in the store layout (money as cents, no ``source_row``)."""
    import numpy as np
    import polars as pl

    from ar_core.store.bulk import version_schema

    cust = customers[rng.integers(0, customers.height, n)]
    doc = np.datetime64(as_of) - rng.integers(0, 400, n).astype("timedelta64[D]")
    due = doc + rng.choice([14, 30, 45, 60], n).astype("timedelta64[D]")
    amount = rng.lognormal(9, 1.5, n).astype(np.int64) * rng.choice([1, 1, 1, 1, -1], n)
    docs = np.arange(first_doc, first_doc + n)
    disputed = rng.random(n) < 0.03
    frame = pl.DataFrame({
        **{c: cust[c] for c in ("company_code", "customer_id", "customer_name", "collector", "country")},
        "doc_no": pl.Series(docs).cast(pl.String).str.zfill(10),
        "fiscal_year": doc.astype("datetime64[Y]").astype(int) + 1970,
        "line_item": rng.choice([1, 1, 1, 2], n), "doc_type": rng.choice(["RV", "DR", "DG", "AB"], n),
        "doc_date": doc, "posting_date": doc, "baseline_date": doc, "due_date": due,
        "amount_cents": amount, "currency": "EUR", "amount_doc_cents": amount,
        "doc_currency": rng.choice(["EUR"] * 8 + ["USD", "GBP"], n),
        "dunning_level": rng.choice([0, 0, 0, 1, 2, 3], n), "disputed": disputed,
        "dispute_reason": pl.Series(np.where(disputed, "PRICE", "")).replace("", None),
        "reference": pl.Series(docs % 100_000).cast(pl.String),
        "assignment": pl.Series(docs * 7).cast(pl.String),
        "text": np.array(TEXTS)[rng.integers(0, len(TEXTS), n)],
    })  # fmt: skip
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in version_schema().items()
    )


def _file_order(frame: Any) -> Any:
    import polars as pl

    frame = frame.sort("customer_id", "doc_no", "line_item")
    return frame.with_columns(pl.int_range(3, frame.height + 3, dtype=pl.Int64).alias("source_row"))


def weeks(items: int, count: int, seed: int = 11) -> Any:
    """Yield (as_of, rows) for ``count`` weeks: the store layout + ``source_row``, file order."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    customers = _customers(max(1, items // 20), rng)
    state = _file_order(_new_items(items, 90_000_000, customers, rng, START))
    next_doc = 90_000_000 + items
    for week in range(count):
        as_of = START + timedelta(weeks=week)
        if week:
            keep = rng.random(state.height) >= 0.02
            state = state.filter(pl.Series(keep)).drop("source_row")
            bump = pl.Series(rng.random(state.height) < 0.01)
            state = state.with_columns(
                pl.when(bump).then((pl.col("dunning_level") + 1) % 4).otherwise(pl.col("dunning_level"))
            )
            fresh = _new_items(int(items * 0.02), next_doc, customers, rng, as_of)
            next_doc += fresh.height
            state = _file_order(pl.concat([state, fresh]))
        yield as_of, state


def _write(engine: Any, as_of: date, rows: Any, first: bool) -> int:
    import polars as pl
    import sqlalchemy as sa

    from ar_core.ledger.customers import customers_from_items, merge_customers
    from ar_core.ledger.items import snapshot_facts
    from ar_core.store import bulk
    from ar_core.store.models import Snapshot, SnapshotTotal, utcnow

    with engine.begin() as conn:
        sid = conn.execute(sa.insert(Snapshot).values(
            as_of=as_of, file_name=f"week_{as_of}.csv", file_hash=f"{as_of}".ljust(64, "0"),
            source_format="bench", rows=rows.height, customers=rows["customer_id"].n_unique(),
            created_by="bench", created_at=utcnow(), scope='{"full": true}',
            **snapshot_facts(bulk.items_frame(rows), as_of)).returning(Snapshot.id)).scalar_one()  # fmt: skip
        open_ = pl.col("clearing_date").is_null() | (pl.col("clearing_date") > as_of)
        totals = rows.group_by("currency").agg(
            pl.col("amount_cents").sum().alias("total_cents"),
            pl.col("amount_cents").filter(open_).sum().alias("open_total_cents"),
        )
        conn.execute(sa.insert(SnapshotTotal), [{"snapshot_id": sid, **t} for t in totals.to_dicts()])
        bulk.write_snapshot_items(conn, sid, rows)
        if first:
            merge_customers(conn, "bench", customers_from_items(bulk.items_frame(rows)), source="extract",
                            snapshot_id=sid, fill_only=True)  # fmt: skip
    return sid


def _write_week53_txt(folder: Path) -> None:
    """The 53rd week as SAP's German list download with every canonical column (once).

    ``write_txt`` takes money as integer cents in ``amount``/``amount_doc`` and prints it as
    ``1.234,56-``; it has no column for ``amount_reporting``, which the generator leaves empty,
    so reading the file back gives exactly the stored content (only ``source_row`` differs: the
    file has five lines above its first item). Written under a ``.partial`` name, then renamed.
    """
    import polars as pl

    from ar_core.demo.writers import GERMAN_LABELS, write_txt

    path = folder / "week53.txt"
    if path.exists():
        return
    rows = pl.read_parquet(folder / "week53.parquet")
    if rows["amount_reporting_cents"].null_count() != rows.height:
        raise RuntimeError("week53.parquet has reporting amounts, which the list download cannot carry")
    cents = {"amount_cents": "amount", "amount_doc_cents": "amount_doc"}
    frame = rows.rename(cents).select(list(GERMAN_LABELS))
    partial = path.with_name(path.stem + ".partial" + path.suffix)
    write_txt(frame, partial, _as_of_53(folder))
    partial.replace(path)
    print(f"  wrote {path.name} ({rows.height:,} items)", flush=True)


def prepare(data: Path) -> None:
    """Build the 1-snapshot and the 52-snapshot store and the 53rd week (once), then its file."""
    folder = store_dir(data)
    if not (folder / "done").exists():
        _build(folder)
    _write_week53_txt(folder)


def _build(folder: Path) -> None:
    """The stores of 1 and 52 snapshots, week 26 and the 53rd week as Parquet, the 53rd's as-of."""
    import time

    import polars as pl

    from ar_core.store.db import make_engine, migrate
    from ar_core.store.models import Base  # noqa: F401 (models registered)

    shutil.rmtree(folder, ignore_errors=True)
    (folder / "one").mkdir(parents=True)
    (folder / "year").mkdir(parents=True)
    started = time.perf_counter()
    one = make_engine(f"sqlite:///{folder / 'one' / 'ardesk.sqlite'}")
    year = make_engine(f"sqlite:///{folder / 'year' / 'ardesk.sqlite'}")
    migrate(one)
    migrate(year)
    for week, (as_of, rows) in enumerate(weeks(_items(), WEEKS + 1)):
        if week == WEEKS:  # the 53rd: imported by the measurement (as week53.txt)
            rows.write_parquet(folder / "week53.parquet")
            (folder / "week53.as_of").write_text(as_of.isoformat())
            break
        if week == 0:
            _write(one, as_of, rows, first=True)
        if week == WEEKS // 2:
            rows.write_parquet(folder / "week26.parquet")
        _write(year, as_of, rows, first=week == 0)
    for engine in (one, year):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    pl.DataFrame().write_csv(folder / "done")
    print(
        f"  built the store of {WEEKS} weekly snapshots in {time.perf_counter() - started:.0f} s", flush=True
    )


def _engine(folder: Path) -> Any:
    from ar_core.store.db import make_engine

    return make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir() if p.name.startswith("ardesk.sqlite")) / 1e6


def space_year(data: Path, _work: Path) -> None:
    from tools.bench import _record

    _record(_size_mb(store_dir(data) / "year"))


def space_one(data: Path, _work: Path) -> None:
    from tools.bench import _record

    _record(_size_mb(store_dir(data) / "one"))


#: At most this share of the 53rd week's items may become new versions (~3 % are new or changed);
#: more means the file no longer reads back to the stored content and the import is not the one
#: meant to be measured.
MAX_NEW_VERSION_SHARE = 0.05


def _versions(db: Path) -> tuple[int, int]:
    """(item versions, snapshots) in a SQLite store."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(db)) as conn:
        versions = conn.execute("SELECT coalesce(sum(n), 0) FROM version_blocks").fetchone()[0]
        snapshots = conn.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    return int(versions), int(snapshots)


def import_53rd(data: Path, work: Path) -> None:
    """``python -m ar_core import week53.txt --scope full`` into a fresh copy of the year, per run.

    The copy (every ``ardesk.sqlite*`` file, then migrated) is not timed; after each run the store
    must hold one more snapshot and new versions only for the new and changed items.
    """
    from ar_core.store.db import migrate
    from tools.bench import PROCESS_RUNS, _cli_env, _process_seconds, _record_median

    folder = store_dir(data)
    path = week53_txt(data)
    items = _items_53(folder)
    cmd = [sys.executable, "-m", "ar_core", "import", str(path), "--scope", "full",
           "--as-of", _as_of_53(folder).isoformat()]  # fmt: skip
    times = []
    for n in range(PROCESS_RUNS):
        run = work / f"run{n}"
        run.mkdir()
        for p in (folder / "year").iterdir():
            if p.name.startswith("ardesk.sqlite"):
                shutil.copy(p, run / p.name)
        engine = _engine(run)
        migrate(engine)  # an existing, migrated store (the year may predate a migration)
        engine.dispose()
        before = _versions(run / "ardesk.sqlite")
        times.append(_process_seconds(cmd, _cli_env(run, "ardesk.sqlite")))
        after = _versions(run / "ardesk.sqlite")
        new = after[0] - before[0]
        if after[1] != before[1] + 1 or new > MAX_NEW_VERSION_SHARE * items:
            raise RuntimeError(f"the 53rd import made {after[1] - before[1]} snapshots, {new:,} new versions")
        shutil.rmtree(run)  # a copy of the year per run, not three at once
    _record_median(times)


def import_floor(data: Path, work: Path) -> None:
    """A whole Python process: polars reads week53.txt (text columns), ADBC writes it to SQLite."""
    from tools.bench import _FLOOR_TXT_SCRIPT, floor_process

    floor_process(_FLOOR_TXT_SCRIPT, week53_txt(data), work, str(_items_53(store_dir(data))))


def _year_ids(engine: Any) -> list[int]:
    import sqlalchemy as sa

    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT id FROM snapshots ORDER BY as_of, id")).scalars())


def load_one(data: Path, _work: Path) -> None:
    from ar_core.ledger.snapshots import load_items
    from tools.bench import _Timed

    engine = _engine(store_dir(data) / "year")
    sid = _year_ids(engine)[WEEKS // 2]
    load_items(engine, _year_ids(engine)[0])  # warm the OS cache like a running app
    with _Timed():
        items = load_items(engine, sid)
    assert items.height > 0


def load_floor(data: Path, _work: Path) -> None:
    import polars as pl

    from tools.bench import _Timed

    with _Timed():
        pl.read_parquet(store_dir(data) / "week26.parquet")


def customer_history(data: Path, _work: Path) -> None:
    from ar_core.access.actor import Actor
    from ar_core.ledger.snapshots import customer_items_history
    from tools.bench import _Timed

    engine = _engine(store_dir(data) / "year")
    actor = Actor(username="bench", name="Benchmark", roles=frozenset({"lead"}))
    customer = f"{1_000_000 + max(1, _items() // 20) // 2}"
    customer_items_history(engine, actor, "1000001")  # warm
    with _Timed():
        history = customer_items_history(engine, actor, customer)
    assert history["snapshot_id"].n_unique() == WEEKS, history.height


def history_floor(data: Path, _work: Path) -> None:
    import polars as pl

    from tools.bench import _Timed

    customer = f"{1_000_000 + max(1, _items() // 20) // 2}"
    with _Timed():
        pl.scan_parquet(store_dir(data) / "week26.parquet").filter(
            pl.col("customer_id") == customer
        ).collect()


def cleared(data: Path, _work: Path) -> None:
    from ar_core.ledger.snapshots import cleared_between_snapshots
    from tools.bench import _Timed

    engine = _engine(store_dir(data) / "year")
    ids = _year_ids(engine)
    cleared_between_snapshots(engine, ids[1], ids[2])  # warm
    with _Timed():
        frame = cleared_between_snapshots(engine, ids[10], ids[30])
    assert frame.height > 0


def cleared_floor(data: Path, _work: Path) -> None:
    import polars as pl

    from tools.bench import _Timed

    with _Timed():
        frame = pl.read_parquet(store_dir(data) / "week26.parquet", columns=["doc_no", "clearing_date"])
        frame.filter(pl.col("clearing_date").is_null()).select(pl.col("doc_no").n_unique())


def totals_year(data: Path, _work: Path) -> None:
    from ar_core.ledger.snapshots import totals_history
    from tools.bench import _Timed

    engine = _engine(store_dir(data) / "year")
    with _Timed():
        frame = totals_history(engine)
    assert frame["snapshot_id"].n_unique() == WEEKS


def totals_floor(data: Path, _work: Path) -> None:
    import sqlalchemy as sa

    from tools.bench import _Timed

    engine = _engine(store_dir(data) / "year")
    with _Timed(), engine.connect() as conn:
        conn.execute(sa.text("SELECT * FROM snapshot_totals")).all()
