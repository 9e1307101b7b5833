"""Migration 0004 on a database that already holds snapshots: nothing is lost, all is the whole ledger."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.snapshots import list_snapshots, load_items
from ar_core.store.db import make_engine, migrate
from tests.conftest import LEAD, item


def test_upgrading_a_0003_database_keeps_every_item_and_reads_old_snapshots_as_full(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    migrate(engine, "0003")
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO snapshots (id, as_of, file_name, file_hash, source_format, rows, customers, "
            "created_by, created_at) VALUES (1, '2026-11-13', 'old.txt', :h, 'FBL5N', 2, 1, 'lena.lead', "
            "'2026-11-13 08:00:00')"
        ), {"h": "0" * 64})  # fmt: skip
        for doc in ("1", "2"):
            conn.execute(sa.text(
                "INSERT INTO open_items (snapshot_id, company_code, customer_id, doc_no, amount_cents, "
                "currency) VALUES (1, '1000', '100001', :d, 12345, 'EUR')"
            ), {"d": doc})  # fmt: skip
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT sum(n) FROM snapshot_members")).scalar_one() == 2
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
    listing = list_snapshots(engine)
    assert listing.select("snapshot_id", "scope").rows() == [(1, "whole ledger")]
    assert load_items(engine, 1)["doc_no"].to_list() == ["1", "2"]
    # the same file content is still refused while its snapshot is in force
    from ar_core.ingest.result import ExtractResult
    from tests.conftest import items_frame

    later = ExtractResult("new.txt", "1" * 64, "FBL5N", date(2026, 11, 20), items_frame([item(doc_no="3")]))
    assert import_snapshot(engine, LEAD, later).snapshot_id == 2
    engine.dispose()
