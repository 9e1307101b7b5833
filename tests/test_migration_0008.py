"""Migration 0008 on a demo database: every snapshot's items become versions + membership, exactly."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from ar_core.store import bulk
from ar_core.store.db import downgrade, make_engine, migrate


def _old_items(conn: sa.Connection, snapshot_id: int) -> pl.DataFrame:
    query = sa.text(f"SELECT {', '.join(bulk.STORE_COLUMNS[1:])} FROM open_items WHERE snapshot_id = :s")
    rows = pl.read_database(query.bindparams(s=snapshot_id), connection=conn, infer_schema_length=None)
    return bulk.items_frame(rows).sort("customer_id", "source_row")


def test_upgrading_a_0007_demo_database_converts_every_snapshot_exactly(tmp_path):
    from ar_core.demo import load_demo_if_empty
    from ar_core.ledger.snapshots import list_snapshots, load_items, load_snapshot_items, totals_history

    # build the demo on a fresh 0007 database instead, so it is written by the old layout
    old = make_engine(f"sqlite:///{tmp_path / 'old' / 'demo.sqlite'}")
    migrate(old)
    assert load_demo_if_empty(old, tmp_path / "data", items=2000, seed=5)
    downgrade(old, "0007")
    with old.connect() as conn:
        ids = conn.execute(sa.text("SELECT id FROM snapshots ORDER BY as_of, id")).scalars().all()
        before = {sid: _old_items(conn, sid) for sid in ids}
        rows = conn.execute(sa.text("SELECT count(*) FROM open_items")).scalar_one()
    listing_before = list_snapshots(old, include_retired=True)
    totals_before = totals_history(old)
    assert len(ids) > 5 and rows > 10_000
    migrate(old)  # 0007 -> head: open_items converted, then dropped
    with old.connect() as conn:
        assert "open_items" not in sa.inspect(conn).get_table_names()
        versions = conn.execute(sa.text("SELECT sum(n) FROM version_blocks")).scalar_one()
        members = conn.execute(sa.text("SELECT sum(n) FROM snapshot_members")).scalar_one()
    assert members == rows
    assert versions < rows * 0.6  # weekly snapshots share most of their items (the demo churns ~20 %)
    for sid, frame in before.items():
        assert_frame_equal(load_snapshot_items(old, sid), frame)
    assert_frame_equal(list_snapshots(old, include_retired=True), listing_before)
    assert_frame_equal(totals_history(old), totals_before)
    assert load_items(old, ids[-1]).height > 0
    # and back down again: open_items holds the same rows
    downgrade(old, "0007")
    with old.connect() as conn:
        for sid, frame in before.items():
            assert_frame_equal(_old_items(conn, sid), frame)
    old.dispose()
