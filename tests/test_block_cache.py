"""Decoded reads of version blocks are kept per process (narrow ones always, whole rows when asked),
never for a block whose bytes changed."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from ar_core.collections.lifecycle import import_snapshot
from ar_core.store import bulk
from ar_core.store.bulk import VERSION_COLUMNS, encode_block, version_schema
from tests.conftest import LEAD, item

NARROW = ["doc_no", "clearing_date"]


def _block(docs: list[str], cleared: date | None) -> bytes:
    schema = version_schema()
    rows = pl.DataFrame({c: pl.Series(c, [None] * len(docs), dtype=schema[c]) for c in VERSION_COLUMNS})
    rows = rows.with_columns(
        pl.Series("doc_no", docs), pl.lit(cleared, dtype=pl.Date()).alias("clearing_date")
    )
    return encode_block(rows)


def test_a_block_read_twice_is_decoded_once_and_a_rewritten_block_again():
    first = _block(["1800000001", "1800000002"], None)
    a = bulk._decode_kept("sqlite:///x", 7, first, NARROW)
    assert a.rows() == [("1800000001", None), ("1800000002", None)]
    assert bulk._decode_kept("sqlite:///x", 7, first, NARROW) is a  # kept: the same frame
    # the same block id with other bytes (a test store rewritten, another database): read anew
    rewritten = _block(["1800000001", "1800000002"], date(2026, 11, 20))
    b = bulk._decode_kept("sqlite:///x", 7, rewritten, NARROW)
    assert b.rows() == [("1800000001", date(2026, 11, 20)), ("1800000002", date(2026, 11, 20))]
    assert bulk._decode_kept("sqlite:///y", 7, first, NARROW) is not a  # another store: its own entry


def test_wide_reads_are_kept_only_when_asked_and_within_their_memory_budget(monkeypatch):
    """Whole rows are kept for the reads that come back to the same blocks (the items cleared
    between two snapshots of a year share most of their blocks), never beyond the budget."""
    data = _block(["1800000003"], None)
    columns = list(VERSION_COLUMNS)
    assert bulk._decode_kept("sqlite:///x", 9, data, columns) is not bulk._decode_kept(
        "sqlite:///x", 9, data, columns
    )  # a whole snapshot's load: kept by the ledger's own cache, not twice
    kept = bulk._decode_kept("sqlite:///w", 9, data, columns, keep=True)
    assert bulk._decode_kept("sqlite:///w", 9, data, columns, keep=True) is kept
    assert kept.rows() == bulk._decode(data, columns).rows()
    # a budget for one block: the next block pushes the first out
    monkeypatch.setattr(bulk, "_KEPT_WIDE_MAX_BYTES", kept.estimated_size() + 1)
    other = _block(["1800000004"], None)
    bulk._decode_kept("sqlite:///w", 10, other, columns, keep=True)
    assert bulk._decode_kept("sqlite:///w", 9, data, columns, keep=True) is not kept
    assert bulk._kept_wide_bytes() <= kept.estimated_size() + 1


def test_read_versions_keeps_whole_rows_when_asked(store, make_result, monkeypatch):
    """Asking twice for the same versions' whole rows decodes their block once."""
    sid = import_snapshot(store, LEAD, make_result([item(doc_no=f"{1800000000 + i}") for i in range(5)],
                                                   as_of=date(2026, 11, 6))).snapshot_id  # fmt: skip
    decoded = []
    real = bulk.decode_block
    monkeypatch.setattr(
        bulk, "decode_block", lambda data, columns=None: decoded.append(1) or real(data, columns)
    )
    with store.connect() as conn:
        ids, _ = bulk.snapshot_members(conn, sid)
        first = bulk.read_versions(conn, np.asarray(ids), keep=True)
        second = bulk.read_versions(conn, np.asarray(ids), keep=True)
        bulk.read_versions(conn, np.asarray(ids))  # not kept: decoded again
    assert first.equals(second) and sorted(first["doc_no"]) == [f"{1800000000 + i}" for i in range(5)]
    assert len(decoded) == 2


def test_the_document_key_is_derived_once_with_the_narrow_read():
    """``_doc_key`` (the number without leading zeros) is kept decoded, so comparing snapshots
    does not strip a million document numbers again on every comparison."""
    data = _block(["0090001234", "90001235", "000"], None)
    keys = bulk._decode_kept("sqlite:///z", 11, data, ["_doc_key", "clearing_date"])
    assert keys.rows() == [("90001234", None), ("90001235", None), ("0", None)]
    assert bulk._decode_kept("sqlite:///z", 11, data, ["_doc_key", "clearing_date"]) is keys
