"""Item versions: an unchanged item costs nothing new; every snapshot reads back as imported."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from ar_core.collections.lifecycle import import_snapshot, remove_snapshot
from ar_core.ledger.snapshot_scope import Scope
from ar_core.ledger.snapshots import (
    customer_items_history,
    load_customer_items,
    load_items,
    load_snapshot_items,
)
from ar_core.store import bulk
from tests.conftest import LEAD, item, items_frame

W1, W2, W3 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)


def _week(n: int, *, changed: dict[int, dict] | None = None, start: int = 0) -> list[dict]:
    rows = []
    for i in range(start, start + n):
        values = {"doc_no": f"{1800000000 + i}", "customer_id": f"C{i % 7}", "amount": f"{i}.{i % 100:02d}",
                  "source_row": i + 3, "dunning_level": i % 3}  # fmt: skip
        values.update((changed or {}).get(i, {}))
        rows.append(item(**values))
    return rows


def _versions(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT coalesce(sum(n), 0) FROM version_blocks")).scalar_one()


def _expected(rows: list[dict]) -> pl.DataFrame:
    return items_frame(rows).sort("customer_id", "source_row")


def test_unchanged_items_cost_no_new_version_and_changed_content_is_a_new_one(store, make_result):
    first = _week(40)
    import_snapshot(store, LEAD, make_result(first, as_of=W1))
    assert _versions(store) == 40
    # same items, other file lines (source_row is per snapshot, not part of a version)
    moved = [{**r, "source_row": r["source_row"] + 100} for r in first]
    second = import_snapshot(store, LEAD, make_result(moved, as_of=W2)).snapshot_id
    assert _versions(store) == 40
    assert_frame_equal(load_items(store, second), _expected(moved))
    # two items change content (dunning level, amount), three are cleared, one is new
    third_rows = _week(40, changed={5: {"dunning_level": 7}, 6: {"amount": "1.00"}})[3:] + _week(1, start=99)
    third = import_snapshot(store, LEAD, make_result(third_rows, as_of=W3)).snapshot_id
    assert _versions(store) == 43
    assert_frame_equal(load_items(store, third), _expected(third_rows))


def test_a_snapshot_loads_back_exactly_with_nulls_duplicates_and_source_rows(store, make_result):
    rows = [*_week(10), item(doc_no="X", source_row=None), item(doc_no="X", source_row=None)]
    rows.append(item(doc_no="Y", customer_name=None, disputed=None, dunning_level=None, amount="-0.01"))
    sid = import_snapshot(store, LEAD, make_result(rows, as_of=W1)).snapshot_id
    back = load_snapshot_items(store, sid)
    assert back.height == 13
    assert_frame_equal(back.sort("doc_no", "source_row"), items_frame(rows).sort("doc_no", "source_row"))
    # the same duplicates again next week: matched one to one, no new version
    sid2 = import_snapshot(store, LEAD, make_result(rows, as_of=W2)).snapshot_id
    assert _versions(store) == 13
    assert_frame_equal(load_items(store, sid2).sort("doc_no", "source_row"),
                       items_frame(rows).sort("doc_no", "source_row"))  # fmt: skip


def test_out_of_order_import_keeps_every_snapshot_as_imported(store, make_result):
    w1, w3 = _week(30), _week(30, changed={5: {"dunning_level": 9}})[2:]
    s1 = import_snapshot(store, LEAD, make_result(w1, as_of=W1)).snapshot_id
    s3 = import_snapshot(store, LEAD, make_result(w3, as_of=W3)).snapshot_id
    w2 = _week(30)[1:]  # dated between the two, imported last: matched to W1's versions
    s2 = import_snapshot(store, LEAD, make_result(w2, as_of=W2)).snapshot_id
    assert _versions(store) == 31
    for sid, rows in ((s1, w1), (s2, w2), (s3, w3)):
        assert_frame_equal(load_items(store, sid), _expected(rows))


def test_partial_scope_snapshot_composes_and_reads_back(store, make_result):
    full = _week(14)
    s1 = import_snapshot(store, LEAD, make_result(full, as_of=W1)).snapshot_id
    partial = [
        *[r for r in full if r["customer_id"] == "C1"][1:],
        item(customer_id="C1", doc_no="NEW", source_row=1),
    ]
    s2 = import_snapshot(store, LEAD, make_result(partial, as_of=W2),
                         scope=Scope.partial(["1000"], ["C1"])).snapshot_id  # fmt: skip
    assert _versions(store) == 15
    assert_frame_equal(load_snapshot_items(store, s2), _expected(partial))
    ledger = load_items(store, s2)
    assert ledger.height == 14  # C1 lost one item, gained one
    assert set(ledger.filter(pl.col("customer_id") == "C1")["doc_no"]) == {r["doc_no"] for r in partial}
    assert_frame_equal(load_customer_items(store, s2, ["C1"]), _expected(partial))
    history = customer_items_history(store, LEAD, "C2")
    assert history["snapshot_id"].to_list() == [s1, s1, s2, s2]  # C2 repeated under the partial one


def test_retired_snapshot_still_loads_and_no_longer_counts(store, make_result):
    s1 = import_snapshot(store, LEAD, make_result(_week(20), as_of=W1)).snapshot_id
    wrong_rows = _week(5, changed={0: {"amount": "9.99"}})
    wrong = import_snapshot(store, LEAD, make_result(wrong_rows, as_of=W2)).snapshot_id
    remove_snapshot(store, LEAD, wrong)
    assert_frame_equal(load_snapshot_items(store, wrong), _expected(wrong_rows))
    assert_frame_equal(load_items(store, wrong), _expected(wrong_rows))
    history = customer_items_history(store, LEAD, "C0")
    assert set(history["snapshot_id"]) == {s1}
    # the next import is matched to a snapshot in force, never the retired one
    s3 = import_snapshot(store, LEAD, make_result(_week(20), as_of=W3)).snapshot_id
    assert_frame_equal(load_items(store, s3), _expected(_week(20)))
    assert _versions(store) == 21


def test_customer_rows_find_a_customers_items_in_every_snapshot(store, make_result):
    s1 = import_snapshot(store, LEAD, make_result(_week(30), as_of=W1)).snapshot_id
    s2 = import_snapshot(store, LEAD, make_result(_week(30)[7:], as_of=W2)).snapshot_id
    with store.connect() as conn:
        rows = bulk.customer_rows(conn, ["C3"])
    assert rows.group_by("snapshot_id").len().sort("snapshot_id").rows() == [(s1, 4), (s2, 3)]
    assert rows.filter(pl.col("snapshot_id") == s1)["source_row"].to_list() == [6, 13, 20, 27]


def test_member_encoding_round_trips_across_chunks():
    ids = np.array([0, 1, 4095, 4096, 10_000, 2**20 + 5], np.int64)
    rows = np.array([7, bulk._NULL_ROW, -3, 2**40, 0, 12], np.int64)
    encoded = bulk.encode_members(ids[::-1].copy(), rows[::-1].copy())
    assert [e[:2] for e in encoded] == [(0, 3), (1, 1), (2, 1), (256, 1)]
    back_ids, back_rows = bulk.decode_members(encoded)
    assert back_ids.tolist() == ids.tolist() and back_rows.tolist() == rows.tolist()
    with pytest.raises(ValueError, match="twice"):
        bulk.encode_members(np.array([3, 3]), np.array([1, 2]))


def test_a_hash_match_with_other_content_is_a_new_version(monkeypatch):
    """Equality is verified column by column: a colliding hash costs a version, never a wrong one."""
    rows = bulk.item_rows(items_frame(_week(3)), 0).drop("snapshot_id")
    parent = rows.drop("source_row").with_row_index("id", 1).with_columns(pl.col("id").cast(pl.Int64))
    parent = parent.with_columns(pl.col("dunning_level") + 1)  # other content ...
    monkeypatch.setattr(
        bulk,
        "_with_hash",
        lambda df: df.with_columns(
            pl.lit(1, pl.UInt64).alias("_h"), pl.int_range(pl.len(), dtype=pl.UInt32).alias("_k")
        ),
    )  # ... same hash
    matched, new = bulk.match_versions(rows, parent)
    assert matched["id"].null_count() == 3 and new.height == 3


def test_cleared_between_snapshots_equals_the_frame_computation(store, make_result):
    from ar_core.ledger.clearing import cleared_between
    from ar_core.ledger.snapshots import cleared_between_snapshots

    w1 = _week(30)
    w2 = _week(30, changed={4: {"clearing_date": date(2026, 11, 10), "clearing_doc": "1400000001"}})[3:]
    s1 = import_snapshot(store, LEAD, make_result(w1, as_of=W1)).snapshot_id
    s2 = import_snapshot(store, LEAD, make_result(w2, as_of=W2)).snapshot_id
    got = cleared_between_snapshots(store, s1, s2)
    want = cleared_between(load_items(store, s1), load_items(store, s2), W2, prev_as_of=W1)
    assert got.height == 4
    assert_frame_equal(got, want.sort("customer_id", "source_row"))


def test_member_ids_alone_and_reads_across_blocks_match_the_full_decode(store, make_result, monkeypatch):
    """The later snapshot of a comparison reads its version ids without the file lines, and a read
    of ids spread over many blocks (some skipped) gives each block's rows in id order."""
    monkeypatch.setattr(bulk, "BLOCK_ROWS", 4)  # 30 items: 8 blocks, then the changed ones in more
    s1 = import_snapshot(store, LEAD, make_result(_week(30), as_of=W1)).snapshot_id
    changed = {i: {"dunning_level": 3} for i in (2, 11, 25)}
    s2 = import_snapshot(store, LEAD, make_result(_week(30, changed=changed)[1:], as_of=W2)).snapshot_id
    with store.connect() as conn:
        for sid in (s1, s2):
            full_ids, _ = bulk.snapshot_members(conn, sid)
            assert bulk.snapshot_member_ids(conn, sid).tolist() == full_ids.tolist()
        ids = bulk.snapshot_member_ids(conn, s2)
        blocks = conn.execute(sa.text("SELECT count(*) FROM version_blocks")).scalar_one()
        assert ids.size == 29 and blocks == 9
        picked = ids[[0, 1, 9, 27, 28]]  # blocks 1, 3, and the new block of the changed items
        got = bulk.read_versions(conn, picked, ["doc_no", "dunning_level"])
        whole = bulk.read_versions(conn, ids, ["doc_no", "dunning_level"])
    assert got["id"].to_list() == picked.tolist()
    assert got.rows() == whole.filter(pl.col("id").is_in(picked.tolist())).rows()
    assert got.filter(pl.col("dunning_level") == 3)["doc_no"].to_list() == ["1800000011", "1800000025"]
