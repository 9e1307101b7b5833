"""The store: engine set-up, migrations, exact money conversion and the bulk item path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from ar_core.errors import ArDeskError, ConfigError
from ar_core.schema import ITEM_SCHEMA, MONEY
from ar_core.store import bulk
from ar_core.store.db import downgrade, make_engine, migrate, normalise_url, write_transaction
from ar_core.store.models import Base, Snapshot
from tests.conftest import item, items_frame

TABLES = {
    "users", "portfolio_assignments", "customers", "snapshots", "snapshot_totals", "version_blocks",
    "snapshot_members", "audit_log", "saved_mappings",
}  # fmt: skip


# --- engine ---------------------------------------------------------------------------------


def test_sqlite_engine_creates_folder_and_sets_pragmas(tmp_path):
    path = tmp_path / "new" / "deeper" / "ardesk.sqlite"
    eng = make_engine(f"sqlite:///{path}")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert path.exists()
    eng.dispose()


def test_default_url_comes_from_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("AR_DATABASE_URL", raising=False)
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path / "data"))
    eng = make_engine()
    assert eng.url.database == str(tmp_path / "data" / "ardesk.sqlite")
    eng.dispose()


def test_postgres_urls_use_psycopg_and_other_databases_are_refused():
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(ConfigError, match="unsupported database"):
        normalise_url("mysql://u@h/db")
    with pytest.raises(ConfigError, match="not a database URL"):
        normalise_url("no url at all")


def test_write_transaction_takes_the_sqlite_write_lock_up_front(engine):
    with write_transaction(engine) as conn:
        # a second writer cannot start while we only read so far
        other = sa.create_engine(engine.url, connect_args={"timeout": 0.1})
        with other.connect() as c2, pytest.raises(sa.exc.OperationalError, match="locked"):
            c2.exec_driver_sql("BEGIN IMMEDIATE")
        other.dispose()
        conn.execute(sa.select(1))


# --- migrations -----------------------------------------------------------------------------


def test_migrations_create_every_table_and_downgrade_removes_them(store):
    assert set(sa.inspect(store).get_table_names()) >= TABLES
    migrate(store)  # idempotent
    downgrade(store)
    assert set(sa.inspect(store).get_table_names()) <= {"alembic_version"}
    migrate(store)
    assert set(sa.inspect(store).get_table_names()) >= TABLES


def test_models_match_the_migrated_schema(store):
    inspector = sa.inspect(store)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(columns) == set(table.columns.keys()), table.name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, f"{table.name}.{column.name}"


def test_version_blocks_have_the_customer_range_index(store):
    indexes = {ix["name"]: ix["column_names"] for ix in sa.inspect(store).get_indexes("version_blocks")}
    assert indexes["ix_version_blocks_customer"] == ["min_customer", "max_customer"]
    assert "open_items" not in sa.inspect(store).get_table_names()


# --- money ----------------------------------------------------------------------------------

AMOUNTS = [
    "0.10",
    "1234567.89",
    "-0.01",
    "0.00",
    "0.07",
    "-1234.56",
    "9999999999999999.99",
    "-9999999999999999.99",
]


def test_cents_conversion_is_exact_both_ways():
    frame = pl.DataFrame({"amount": [Decimal(a) for a in AMOUNTS] + [None]}, schema={"amount": MONEY})
    cents = frame.select(bulk.to_cents("amount"))
    assert cents["amount"].to_list() == [
        10,
        123456789,
        -1,
        0,
        7,
        -123456,
        999999999999999999,
        -999999999999999999,
        None,
    ]
    back = cents.select(bulk.from_cents("amount"))
    assert back.schema["amount"] == MONEY
    assert_frame_equal(back, frame)


# --- bulk path ------------------------------------------------------------------------------


def _snapshot(conn: sa.Connection) -> int:
    return conn.execute(
        sa.insert(Snapshot)
        .values(as_of=date(2026, 11, 20), file_name="x", file_hash="f" * 64, source_format="t", rows=0,
                customers=0, created_by="test")
        .returning(Snapshot.id)
    ).scalar_one()  # fmt: skip


def _tricky_items(n: int = 1_500) -> pl.DataFrame:
    """Nulls in the first 1,100 stored rows of text and date columns (ADBC infers types from early rows),
    umlauts, quotes, commas and newlines (CSV for COPY), empty strings, every amount of AMOUNTS."""
    rows = []
    for i in range(n):
        late = i >= 1_100
        rows.append(item(
            customer_id=f"{100000 + i // 10:010d}", doc_no=f"{1800000000 + i}", source_row=i + 5,
            amount=AMOUNTS[i % len(AMOUNTS)], amount_doc="-0.01" if late else None,
            doc_currency="USD" if late else None, clearing_date=date(2026, 11, 3) if late else None,
            clearing_doc="1400000001" if late else None, text='Größe "A", 1\nzwei' if late else None,
            reference="" if i % 2 else None, disputed=None if i % 3 == 0 else i % 3 == 1,
            dunning_level=None if i % 5 == 0 else i % 4, fiscal_year=None if i % 11 == 0 else 2026,
        ))  # fmt: skip
    return items_frame(rows)


def _roundtrip(store: sa.Engine, items: pl.DataFrame) -> pl.DataFrame:
    with bulk.import_transaction(store, items) as tx:
        sid = _snapshot(tx.connection)
        assert tx.insert_items(sid) == items.height
    return bulk.load_items(store, sid)


def test_items_round_trip_exactly(store):
    items = _tricky_items()
    back = _roundtrip(store, items)
    assert back.schema == pl.Schema(ITEM_SCHEMA)
    assert_frame_equal(back, items.sort("customer_id", "source_row"))


def test_items_come_back_grouped_by_customer_in_file_order(store):
    rows = [item(customer_id=c, doc_no=str(i), source_row=i) for i, c in enumerate(["B", "A", "B", "A", "C"])]
    back = _roundtrip(store, items_frame(rows))
    assert back.select("customer_id", "source_row").rows() == [
        ("A", 1),
        ("A", 3),
        ("B", 0),
        ("B", 2),
        ("C", 4),
    ]


def test_unknown_snapshot_loads_as_empty_frame(store):
    back = bulk.load_items(store, 999)
    assert back.is_empty()
    assert back.schema == pl.Schema(ITEM_SCHEMA)


def test_items_frame_missing_a_column_is_misuse():
    with pytest.raises(ArDeskError, match="lacks canonical columns"):
        bulk.item_rows(items_frame([item()]).drop("country"), 1)


def test_import_transaction_rolls_back_everything_on_error(store):
    with (
        pytest.raises(RuntimeError, match="boom"),
        bulk.import_transaction(store, items_frame([item()])) as tx,
    ):
        tx.insert_items(_snapshot(tx.connection))
        raise RuntimeError("boom")
    with store.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM snapshots")).scalar_one() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM snapshot_members")).scalar_one() == 0


def test_staging_files_are_removed_and_the_pool_stays_usable(engine, tmp_path):
    items = items_frame([item()])
    _roundtrip(engine, items)
    assert not [p for p in (tmp_path / "store").iterdir() if p.name.startswith(".ardesk-staging")]
    with engine.connect() as conn:  # nothing stays attached to pooled connections
        assert "ar_staging" not in [r[1] for r in conn.exec_driver_sql("PRAGMA database_list")]


def test_in_memory_sqlite_uses_the_core_fallback():
    eng = make_engine("sqlite://", poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False})
    migrate(eng)
    items = items_frame([item(doc_no="1", amount="0.10"), item(doc_no="2", amount="-0.01", source_row=6)])
    assert_frame_equal(_roundtrip(eng, items), items)


def test_bulk_paths_never_corrupt_a_database_the_pool_holds_open(engine, make_result):
    """ADBC carries its own SQLite library; it must only ever touch private staging files.

    (An ADBC connection to the live file corrupted it: "database disk image is malformed".)
    """
    from ar_core.collections.lifecycle import import_snapshot, remove_snapshot
    from ar_core.ledger.snapshots import load_items
    from tests.conftest import LEAD

    reader = engine.connect()
    reader.exec_driver_sql("SELECT count(*) FROM snapshots").scalar_one()  # an open read transaction
    ids = []
    for n in range(3):
        rows = [item(doc_no=str(i), customer_id=str(i % 7), source_row=i) for i in range(200 * (n + 1))]
        as_of = date(2026, 11, 6 + 7 * n)
        ids.append(import_snapshot(engine, LEAD, make_result(rows, as_of=as_of)).snapshot_id)
        assert load_items(engine, ids[-1]).height == 200 * (n + 1)
    remove_snapshot(engine, LEAD, ids[0])
    reader.rollback()
    reader.close()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        # removal retires a snapshot: its 200 items stay for the auditor
        assert conn.exec_driver_sql("SELECT sum(n) FROM snapshot_members").scalar_one() == 1200


def test_a_database_folder_with_spaces_and_umlauts_works(tmp_path):
    eng = make_engine(
        f"sqlite:///{tmp_path / 'Gemeinsame Dateien' / 'Forderungsmanagement für Ü'}/ar desk.sqlite"
    )
    migrate(eng)
    items = items_frame([item(doc_no="1"), item(doc_no="2", source_row=6)])
    assert_frame_equal(_roundtrip(eng, items), items)
    eng.dispose()


def test_head_revision_is_alembics_head():
    from alembic.script import ScriptDirectory

    from ar_core.store.db import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_current_database_starts_without_loading_alembic(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'current.sqlite'}"
    eng = make_engine(url)
    migrate(eng)
    eng.dispose()
    code = (
        "import sys\nfrom ar_core.store.db import make_engine, migrate\n"
        f"migrate(make_engine({url!r}))\nprint('alembic' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"
