"""Parallel staging of a SQLite import keeps every row, in order, exactly."""

from __future__ import annotations

from decimal import Decimal

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.snapshots import load_items
from ar_core.store import bulk
from tests.conftest import LEAD, item


def test_items_staged_in_several_files_arrive_complete_and_in_order(engine, make_result, monkeypatch):
    monkeypatch.setattr(bulk, "MIN_ROWS_PER_PART", 2)  # 7 rows -> 4 staging files on >= 4 cores, 2 on 2
    rows = [
        item(doc_no=f"18000000{i:02d}", customer_id="C1", amount=f"{i}.0{i}", source_row=i) for i in range(7)
    ]
    outcome = import_snapshot(engine, LEAD, make_result(rows))
    loaded = load_items(engine, outcome.snapshot_id)
    assert loaded["doc_no"].to_list() == [f"18000000{i:02d}" for i in range(7)]
    # 0.00 + 1.01 + 2.02 + ... + 6.06 = 21.21
    assert loaded["amount"].sum() == Decimal("21.21")
    assert outcome.totals == {"EUR": Decimal("21.21")}
