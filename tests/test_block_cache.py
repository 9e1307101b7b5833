"""Decoded narrow reads of version blocks are kept per process, never for a block whose bytes changed."""

from __future__ import annotations

from datetime import date

import polars as pl

from ar_core.store import bulk
from ar_core.store.bulk import VERSION_COLUMNS, encode_block, version_schema

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


def test_wide_reads_are_not_kept():
    data = _block(["1800000003"], None)
    columns = list(VERSION_COLUMNS)
    assert bulk._decode_kept("sqlite:///x", 9, data, columns) is not bulk._decode_kept(
        "sqlite:///x", 9, data, columns
    )


def test_the_document_key_is_derived_once_with_the_narrow_read():
    """``_doc_key`` (the number without leading zeros) is kept decoded, so comparing snapshots
    does not strip a million document numbers again on every comparison."""
    data = _block(["0090001234", "90001235", "000"], None)
    keys = bulk._decode_kept("sqlite:///z", 11, data, ["_doc_key", "clearing_date"])
    assert keys.rows() == [("90001234", None), ("90001235", None), ("0", None)]
    assert bulk._decode_kept("sqlite:///z", 11, data, ["_doc_key", "clearing_date"]) is keys
