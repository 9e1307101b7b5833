"""Snapshot items as item versions: each distinct item content stored once, snapshots as bitmaps.

A weekly 1,000,000-item extract changes a few percent of the items, yet a table of rows per
snapshot (``open_items`` up to migration 0007) stored all of them again, ~140 MB a week on SQLite.
Now:

- ``version_blocks``: item versions (the store layout, money as cents, without ``source_row``)
  as immutable zstd Parquet files of :data:`BLOCK_ROWS` consecutive version ids, sorted by
  customer (``min_customer``/``max_customer`` find one customer's blocks);
- ``snapshot_members``: per snapshot and chunk of version ids a compressed bitmap of its
  versions plus their source rows (a file line differs per file, so it is not part of a version).

An import matches its rows to the versions of a parent snapshot (the nearest full one in force)
by a 64-bit in-process hash of the content, verified column by column; only unmatched rows
become new versions. So an unchanged item costs one bit and a source row, a changed item one
new version. Snapshots stay immutable (blocks are never rewritten), readable exactly as imported
(retired or not: retiring only marks the snapshot row), in any import order. Everything is plain
SQLAlchemy BLOB/BYTEA, the same code on SQLite and PostgreSQL.

Money is stored as integer cents; the conversion is decimal arithmetic in polars, never a float.
"""

from __future__ import annotations

import io
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, cast

import numpy as np
import polars as pl
import sqlalchemy as sa

from ar_core.errors import ArDeskError
from ar_core.schema import ITEM_COLUMNS, ITEM_SCHEMA, MONEY, doc_key_expr
from ar_core.store.db import sqlite_path
from ar_core.store.models import SnapshotMember, VersionBlock
from ar_core.store.staging import remove_stale_staging

#: Frame money column -> store column holding integer cents.
MONEY_COLUMNS: dict[str, str] = {
    "amount": "amount_cents",
    "amount_doc": "amount_doc_cents",
    "amount_reporting": "amount_reporting_cents",
}
#: The stored item columns (``snapshot_id`` first, then the ``OpenItem`` layout), in order.
STORE_COLUMNS: tuple[str, ...] = ("snapshot_id", *(MONEY_COLUMNS.get(c, c) for c in ITEM_COLUMNS))
_ITEM_STORE_COLUMNS = ", ".join(STORE_COLUMNS[1:])
#: Rows per COPY chunk: bounds the CSV text held in memory at once.
COPY_CHUNK_ROWS = 100_000
#: SQLite page cache while copying items in (KiB): the index pages stay in memory.
IMPORT_CACHE_KIB = 262_144
#: SQLite's default automatic checkpoint threshold, restored after an import.
WAL_AUTOCHECKPOINT_PAGES = 1000
#: Staging writers run in parallel, at most this many (SQLite allows 10 attached files).
STAGING_THREADS = 4
#: Below this many rows a second staging file costs more than it saves.
MIN_ROWS_PER_PART = 50_000
#: Threads decoding / encoding version blocks (polars and zstd release the GIL; 4 beat 2 on 2 cores).
READ_THREADS = 4


def item_select_columns(alias: str) -> str:
    """The stored item columns, qualified by a table alias, for hand-written SELECTs."""
    return ", ".join(f"{alias}.{c}" for c in STORE_COLUMNS[1:])


def to_cents(column: str) -> pl.Expr:
    """Decimal(18, 2) -> Int64 cents, exactly (``0.10`` -> ``10``, ``-0.01`` -> ``-1``)."""
    return (pl.col(column) * 100).cast(pl.Int64)


def from_cents(column: str) -> pl.Expr:
    """Int64 cents -> Decimal(18, 2), exactly: the division is decimal and always terminates."""
    return (pl.col(column).cast(pl.Decimal(38, 2)) / 100).cast(MONEY)


def item_rows(items: pl.DataFrame, snapshot_id: int) -> pl.DataFrame:
    """The items in the store's layout: ``snapshot_id`` first, money as cents, canonical order.

    Rows are grouped by customer (stable, so file order within a customer): the index
    ``(snapshot_id, customer_id)`` then grows at its end instead of splitting pages all over,
    which halves the load time of a large unsorted extract on both databases.
    """
    missing = [c for c in ITEM_COLUMNS if c not in items.columns]
    if missing:
        raise ArDeskError(f"items frame lacks canonical columns: {missing}")
    exprs = [pl.lit(snapshot_id, dtype=pl.Int64).alias("snapshot_id")]
    for name, dtype in ITEM_SCHEMA.items():
        typed = pl.col(name).cast(dtype)
        exprs.append(to_cents(name).alias(MONEY_COLUMNS[name]) if name in MONEY_COLUMNS else typed)
    rows = items.select(exprs)
    return rows if rows["customer_id"].is_sorted() else rows.sort("customer_id", maintain_order=True)


def items_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """Store rows (as any driver returns them) back to ``ITEM_SCHEMA``, money as exact decimals."""
    exprs = []
    for name, dtype in ITEM_SCHEMA.items():
        column = MONEY_COLUMNS.get(name, name)
        if name in MONEY_COLUMNS:
            exprs.append(from_cents(column).alias(name))
        elif dtype == pl.Date() and rows.schema[column] == pl.String():  # SQLite keeps ISO text
            exprs.append(pl.col(column).str.to_date("%Y-%m-%d").alias(name))
        else:
            exprs.append(pl.col(column).cast(dtype).alias(name))
    return rows.select(exprs)


class ImportTransaction:
    """The one import transaction: a SQLAlchemy connection plus the store's item path.

    Services run their ordinary statements (snapshot row, totals, customers, audit) on
    ``connection``; :meth:`insert_items` adds the items as versions + membership of the snapshot.
    """

    def __init__(self, connection: sa.Connection, items: pl.DataFrame, staged: Sequence[str] = ()) -> None:
        self.connection = connection
        self.items = items
        self._staged = tuple(staged)  # kept for compatibility: nothing is staged any more

    def insert_items(self, snapshot_id: int) -> int:
        """Store the transaction's items as snapshot ``snapshot_id``; returns the row count."""
        if self.items.is_empty():
            return 0
        return write_snapshot_items(
            self.connection, snapshot_id, item_rows(self.items, snapshot_id).drop("snapshot_id")
        )


@contextmanager
def import_transaction(engine: sa.Engine, items: pl.DataFrame) -> Iterator[ImportTransaction]:
    """One all-or-nothing transaction for importing ``items``.

    Any exception inside the block rolls everything back: no snapshot, no items, no audit row.
    On SQLite the write lock is taken at the start (``BEGIN IMMEDIATE``): version ids are
    assigned under it; on PostgreSQL :func:`write_snapshot_items` locks ``version_blocks``.
    """
    database = sqlite_path(engine)
    if database is None:  # PostgreSQL, or in-memory SQLite
        with engine.begin() as conn:
            yield ImportTransaction(conn, items)
        return
    remove_stale_staging(Path(database).parent)  # left by a killed import of an older version
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        try:
            with conn.begin():
                yield ImportTransaction(conn, items)
        finally:
            conn.execution_options(sqlite_begin="")
    _checkpoint_in_background(engine)


def _checkpoint_in_background(engine: sa.Engine) -> None:
    """Fold the import's write-ahead log into the database file off the user's critical path."""

    def run() -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    threading.Thread(target=run, name="ardesk-wal-checkpoint").start()


# --- item versions: encoding ------------------------------------------------------------------

#: Store columns of an item version (everything but ``source_row``, which is per snapshot).
VERSION_COLUMNS: tuple[str, ...] = tuple(c for c in STORE_COLUMNS[1:] if c != "source_row")
#: Rows per version block (one Parquet file each).
BLOCK_ROWS = 8192
#: Version ids per membership chunk: ``chunk = id >> CHUNK_BITS``.
CHUNK_BITS = 12
CHUNK = 1 << CHUNK_BITS
#: ``source_row`` NULL in the membership encoding (int64 wrap-around arithmetic keeps it exact).
_NULL_ROW = np.iinfo(np.int64).min
_HASH_SEED = 7


def version_schema() -> dict[str, pl.DataType]:
    """Polars types of the version columns (money as Int64 cents)."""
    types: dict[str, pl.DataType] = {}
    for name, dtype in ITEM_SCHEMA.items():
        if name == "source_row":
            continue
        types[MONEY_COLUMNS.get(name, name)] = pl.Int64() if name in MONEY_COLUMNS else dtype
    return types


_VERSION_TYPES: dict[str, pl.DataType] = {}


def encode_block(rows: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    rows.select(VERSION_COLUMNS).write_parquet(buf, compression="zstd", compression_level=3, statistics=False)
    return buf.getvalue()


def decode_block(data: bytes, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """One block's versions: ``columns`` (default: all :data:`VERSION_COLUMNS`), in that order.

    Blocks are immutable, so a block written before a column joined the layout (``dispute_case``)
    lacks it: such a column reads as null, and an unchanged item still equals its stored version.
    """
    # one small file per thread: polars' own parallelism inside it only adds overhead
    wanted = list(columns) if columns else list(VERSION_COLUMNS)
    types = _VERSION_TYPES or version_schema()
    try:
        frame = pl.read_parquet(io.BytesIO(bytes(data)), columns=wanted if columns else None, parallel="none")
    except pl.exceptions.ColumnNotFoundError:  # an older block asked for a newer column
        stored = list(pl.read_parquet_schema(io.BytesIO(bytes(data))))
        present = [c for c in wanted if c in stored] or stored[:1]  # one column for the row count
        frame = pl.read_parquet(io.BytesIO(bytes(data)), columns=present, parallel="none")
    if frame.columns != wanted:
        missing = [pl.lit(None, dtype=types[c]).alias(c) for c in wanted if c not in frame.columns]
        frame = frame.with_columns(missing).select(wanted)
    differ = {c: types[c] for c, t in frame.schema.items() if c in types and t != types[c]}
    return frame.cast(cast(Any, differ)) if differ else frame


def _shuffle_compress(values: np.ndarray) -> bytes:
    d = np.diff(values.astype(np.int64), prepend=np.int64(0)).astype("<i8")
    return zlib.compress(d.view(np.uint8).reshape(-1, 8).T.tobytes(), 6)


def _unshuffle(blob: bytes, n: int) -> np.ndarray:
    raw = np.frombuffer(zlib.decompress(bytes(blob)), np.uint8).reshape(8, n).T.copy().view("<i8").ravel()
    return np.cumsum(raw, dtype=np.int64)


def encode_members(ids: np.ndarray, source_rows: np.ndarray) -> list[tuple[int, int, bytes, bytes]]:
    """Version ids (+ aligned source rows) -> rows (chunk, n, bitmap, source_rows), ascending ids."""
    order = np.argsort(ids, kind="stable")
    ids, source_rows = ids[order], source_rows[order]
    if ids.size and not (np.diff(ids) > 0).all():
        raise ValueError("a version appears twice in one snapshot")
    chunks = ids >> CHUNK_BITS
    cuts = np.flatnonzero(np.diff(chunks)) + 1
    out = []
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, ids.size], strict=True):
        if hi <= lo:
            continue
        bits = np.zeros(CHUNK, bool)
        bits[ids[lo:hi] & (CHUNK - 1)] = True
        bitmap = zlib.compress(np.packbits(bits, bitorder="little").tobytes(), 6)
        out.append((int(chunks[lo]), int(hi - lo), bitmap, _shuffle_compress(source_rows[lo:hi])))
    return out


def _bits(blob: bytes) -> np.ndarray:
    return np.unpackbits(np.frombuffer(zlib.decompress(bytes(blob)), np.uint8), bitorder="little").astype(
        bool
    )


def decode_members(rows: Iterable[Sequence[Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Rows of (chunk, n, bitmap, source_rows) -> ascending version ids, aligned source rows."""
    ids, srs = [], []
    for chunk, n, bitmap, srows in sorted(rows, key=lambda r: r[0]):
        ids.append(_chunk_ids(chunk, bitmap))
        srs.append(_unshuffle(srows, int(n)))
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(ids), np.concatenate(srs)


def _chunk_ids(chunk: int, bitmap: bytes) -> np.ndarray:
    return np.flatnonzero(_bits(bitmap)).astype(np.int64) + (int(chunk) << CHUNK_BITS)


# --- item versions: matching a snapshot to its parent's versions ------------------------------


def _with_hash(df: pl.DataFrame) -> pl.DataFrame:
    """+ ``_h`` (in-process 64-bit content hash) and ``_k`` (0, 1, ... among rows of equal hash).

    ``_k`` maps identical rows of one snapshot to distinct versions (a bitmap is a set).
    """
    h = df.select(VERSION_COLUMNS).hash_rows(_HASH_SEED)
    dup = h.is_duplicated()
    k = np.zeros(df.height, np.uint32)
    if dup.any():
        idx = np.flatnonzero(dup.to_numpy())
        ranks = pl.DataFrame({"h": h.gather(idx)}).select(pl.int_range(pl.len()).over("h"))[:, 0]
        k[idx] = ranks.to_numpy()
    return df.with_columns(h.alias("_h"), pl.Series("_k", k))


def match_versions(incoming: pl.DataFrame, parent: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows (version columns + source_row) vs parent versions (``id`` + version columns).

    Returns (incoming + ``id`` (parent's version, or null) + ``rel_id`` (1.. for a new version),
    the new versions with ``rel_id``, numbered in customer order). A parent version is reused
    only when every column is equal (``eq_missing``), so a hash collision costs a duplicate
    version, never a wrong one; the hash is never stored.
    """
    inc = _with_hash(incoming)
    if parent is None or parent.is_empty():
        matched = inc.with_columns(pl.lit(None, pl.Int64).alias("id"))
    else:
        par = _with_hash(parent.select("id", *VERSION_COLUMNS))
        joined = inc.join(par, on=["_h", "_k"], how="left", suffix="_p", maintain_order="left")
        same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(f"{c}_p")) for c in VERSION_COLUMNS])
        matched = joined.with_columns(pl.when(same).then(pl.col("id")).alias("id")).drop(
            [f"{c}_p" for c in VERSION_COLUMNS]
        )
    matched = matched.drop("_h", "_k").with_row_index("_pos")
    new = matched.filter(pl.col("id").is_null()).sort("customer_id", "_pos")
    new = new.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rel_id"))
    matched = matched.join(new.select("_pos", "rel_id"), on="_pos", how="left", maintain_order="left")
    return matched.drop("_pos"), new.drop("_pos")


# --- item versions: the store ------------------------------------------------------------------


def _block_meta(conn: sa.Connection) -> np.ndarray:
    rows = conn.execute(
        sa.select(VersionBlock.id, VersionBlock.first_id, VersionBlock.n).order_by(VersionBlock.first_id)
    ).all()
    return np.array(rows, np.int64).reshape(-1, 3)


def snapshot_members(conn: sa.Connection, snapshot_id: int) -> tuple[np.ndarray, np.ndarray]:
    """One snapshot's version ids (ascending) and their aligned source rows (``_NULL_ROW``: none)."""
    return _members(conn, snapshot_id)


def snapshot_member_ids(conn: sa.Connection, snapshot_id: int) -> np.ndarray:
    """One snapshot's version ids (ascending), without the source rows (their bitmaps only)."""
    rows = conn.execute(
        sa.select(SnapshotMember.chunk, SnapshotMember.bitmap)
        .where(SnapshotMember.snapshot_id == snapshot_id).order_by(SnapshotMember.chunk)
    ).all()  # fmt: skip
    return np.concatenate([_chunk_ids(c, b) for c, b in rows]) if rows else np.zeros(0, np.int64)


def member_rows(
    conn: sa.Connection, ids: np.ndarray, source_rows: np.ndarray, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """Versions ``ids`` (ascending) of one snapshot with their ``source_row``: ``id`` + columns."""
    return with_source_rows(read_versions(conn, ids, columns), source_rows)


def with_source_rows(versions: pl.DataFrame, source_rows: np.ndarray) -> pl.DataFrame:
    """Versions of one snapshot (in member order) + their ``source_row`` from the membership."""
    source = pl.Series("source_row", source_rows, dtype=pl.Int64)
    return versions.with_columns(pl.when(source != _NULL_ROW).then(source).alias("source_row"))


def _members(conn: sa.Connection, snapshot_id: int) -> tuple[np.ndarray, np.ndarray]:
    rows = conn.execute(
        sa.select(SnapshotMember.chunk, SnapshotMember.n, SnapshotMember.bitmap, SnapshotMember.source_rows)
        .where(SnapshotMember.snapshot_id == snapshot_id)
    ).all()  # fmt: skip
    return decode_members(rows)


#: Decoded narrow reads of blocks kept per process (a block is immutable once written, and the key
#: holds its size and checksum, so a rewritten or another store's block is never mistaken for it):
#: the clearing and identity columns every comparison of two snapshots reads again.
_DECODED: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
_DECODED_LOCK = threading.Lock()
_DECODED_MAX = 512
_DECODED_MAX_COLUMNS = 8
#: Whole rows of blocks kept when a read asks for it (``read_versions(keep=True)``): the items
#: cleared between two snapshots come from the blocks most other pairs of the year need too. Bounded
#: by memory (a block of 8,192 versions is about 1–2 MB decoded), least recently used out first.
_KEPT_WIDE: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
_KEPT_WIDE_SIZES: dict[tuple, int] = {}
_KEPT_WIDE_MAX_BYTES = 384 * 1024 * 1024


#: A derived column a read may ask for beside the stored ones: the document key
#: (``ar_core.schema.doc_key``), computed from ``doc_no`` once per kept block.
DOC_KEY = "_doc_key"


def _decode(data: bytes, columns: list[str]) -> pl.DataFrame:
    if DOC_KEY not in columns:
        return decode_block(data, columns)
    stored = ["doc_no" if c == DOC_KEY else c for c in columns]
    return decode_block(data, stored).with_columns(doc_key_expr()).select(columns)


def _decode_kept(
    store: str, block_id: int, data: bytes, columns: list[str], *, keep: bool = False
) -> pl.DataFrame:
    wide = len(columns) > _DECODED_MAX_COLUMNS
    if wide and not keep:
        return _decode(data, columns)
    kept = _KEPT_WIDE if wide else _DECODED
    key = (store, block_id, len(data), zlib.crc32(data), tuple(columns))
    with _DECODED_LOCK:
        hit = kept.get(key)
        if hit is not None:
            kept.move_to_end(key)
            return hit
    frame = _decode(data, columns)
    with _DECODED_LOCK:
        if wide:
            if key not in kept:
                _KEPT_WIDE_SIZES[key] = frame.estimated_size()
            kept[key] = frame
            while len(kept) > 1 and _kept_wide_bytes() > _KEPT_WIDE_MAX_BYTES:
                _KEPT_WIDE_SIZES.pop(kept.popitem(last=False)[0])
        else:
            kept[key] = frame
            while len(kept) > _DECODED_MAX:
                kept.popitem(last=False)
    return frame


def _kept_wide_bytes() -> int:
    return sum(_KEPT_WIDE_SIZES.values())


def read_versions(
    conn: sa.Connection, ids: np.ndarray, columns: Sequence[str] | None = None, *, keep: bool = False
) -> pl.DataFrame:
    """Versions by ascending id (same order out), ``id`` + ``columns`` (default: all; may name
    :data:`DOC_KEY`). Narrow reads are kept decoded per process; whole rows only with ``keep``."""
    cols = list(columns or VERSION_COLUMNS)
    schema = {**version_schema(), DOC_KEY: pl.String()}
    if ids.size == 0:
        return pl.DataFrame(schema={"id": pl.Int64(), **{c: schema[c] for c in cols}})
    meta = _block_meta(conn)
    firsts = meta[:, 1]
    # ids ascending: each block's wanted ids are one run of them, found by its bounds alone
    bounds = np.searchsorted(ids, np.r_[firsts, firsts[-1:] + meta[-1:, 2]])
    needed = np.flatnonzero(bounds[1:] > bounds[:-1])
    data = dict(
        conn.execute(
            sa.select(VersionBlock.id, VersionBlock.data).where(
                VersionBlock.id.in_([int(meta[i, 0]) for i in needed])
            )
        ).all()
    )
    # per block: the wanted rows (ascending ids, so a sorted mask), in parallel; then in id order
    store = str(conn.engine.url)
    spans = [(int(bounds[b]), int(bounds[b + 1])) for b in needed]

    def one(k: int) -> pl.DataFrame:
        block = int(needed[k])
        lo, hi = spans[k]
        frame = _decode_kept(store, int(meta[block, 0]), data[int(meta[block, 0])], cols, keep=keep)
        if hi - lo != frame.height:
            mask = np.zeros(frame.height, bool)
            mask[ids[lo:hi] - firsts[block]] = True
            frame = frame.filter(pl.Series(mask))
        return frame.with_columns(pl.Series("id", ids[lo:hi]))

    if len(needed) > 1:
        with ThreadPoolExecutor(READ_THREADS) as pool:
            frames = list(pool.map(one, range(len(needed))))
    else:
        frames = [one(0)]
    return pl.concat(frames, rechunk=False).select(["id", *cols])


def read_snapshot_rows(
    conn: sa.Connection,
    snapshot_id: int,
    columns: Sequence[str] | None = None,
    *,
    with_id: bool = False,
    sort: bool = True,
) -> pl.DataFrame:
    """One snapshot's rows in the store layout (+ ``source_row``), by customer, then file order."""
    frame = member_rows(conn, *_members(conn, snapshot_id), columns)
    if sort and "customer_id" in frame.columns:
        frame = customer_then_file_order(frame)
    return frame if with_id else frame.drop("id")


def customer_then_file_order(frame: pl.DataFrame) -> pl.DataFrame:
    """Sort by customer, then source row (then version id).

    An extract listed by customer (the usual case) is in that order once sorted by source row,
    an integer sort; only other files need the full sort with its string key.
    """
    by_row = frame.sort("source_row", "id", nulls_last=False)
    if by_row["customer_id"].is_sorted() and by_row["customer_id"].null_count() == 0:
        return by_row
    return frame.sort("customer_id", "source_row", "id")


def _parent(conn: sa.Connection, as_of: date, exclude: int) -> int | None:
    """The snapshot whose versions a new one is matched to: the nearest full one in force."""
    from ar_core.store.models import Snapshot

    has_members = sa.exists().where(SnapshotMember.snapshot_id == Snapshot.id)
    rows = conn.execute(
        sa.select(Snapshot.id, Snapshot.as_of, Snapshot.scope)
        .where(Snapshot.retired_at.is_(None), Snapshot.id != exclude, has_members)
        .order_by(Snapshot.as_of, Snapshot.id)
    ).all()  # fmt: skip
    if not rows:
        return None

    def rank(row: Any) -> tuple[int, int, int]:
        full = '"full": true' in (row.scope or "") or (row.scope or "").strip() in ("", "{}")
        before = row.as_of <= as_of
        distance = abs((as_of - row.as_of).days)
        return (0 if full else 1, 0 if before else 1, distance)

    return min(rows, key=lambda r: (*rank(r), -r.id)).id


def write_snapshot_items(conn: sa.Connection, snapshot_id: int, rows: pl.DataFrame) -> int:
    """Store ``rows`` (store layout + ``source_row``) as snapshot ``snapshot_id``, on ``conn``.

    Rows equal in every column to a version of the parent snapshot reuse it; only the others
    become new versions (blocks of :data:`BLOCK_ROWS`). Returns the row count.
    """
    from ar_core.store.models import Snapshot

    if rows.is_empty():
        return 0
    if conn.dialect.name == "postgresql":  # one importer at a time assigns version ids
        conn.exec_driver_sql("LOCK TABLE version_blocks IN EXCLUSIVE MODE")
    as_of = conn.execute(sa.select(Snapshot.as_of).where(Snapshot.id == snapshot_id)).scalar_one()
    parent_id = _parent(conn, as_of, snapshot_id)
    parent = (
        read_snapshot_rows(conn, parent_id, with_id=True, sort=False).drop("source_row")
        if parent_id
        else None
    )
    content = rows.select(
        *(pl.col(c).cast(t) for c, t in version_schema().items()), pl.col("source_row").cast(pl.Int64)
    )
    matched, new = match_versions(content, parent)
    last = sa.func.max(VersionBlock.first_id + VersionBlock.n - 1)
    base = int(conn.execute(sa.select(sa.func.coalesce(last, 0))).scalar_one())
    blocks = [new.slice(off, BLOCK_ROWS) for off in range(0, new.height, BLOCK_ROWS)]
    if len(blocks) > 1:
        with ThreadPoolExecutor(READ_THREADS) as pool:
            datas = list(pool.map(encode_block, blocks))
    else:
        datas = [encode_block(b) for b in blocks]
    if blocks:
        conn.execute(
            sa.insert(VersionBlock),
            [
                {
                    "first_id": int(base + b["rel_id"][0]),
                    "n": b.height,
                    "min_customer": b["customer_id"].min(),
                    "max_customer": b["customer_id"].max(),
                    "company_codes": ",".join(sorted(b["company_code"].drop_nulls().unique().to_list())),
                    "data": d,
                }
                for b, d in zip(blocks, datas, strict=True)
            ],
        )
    ids = matched.select(pl.coalesce("id", pl.col("rel_id") + base)).to_series().to_numpy()
    srows = matched["source_row"].fill_null(_NULL_ROW).to_numpy()
    members = encode_members(ids.astype(np.int64), srows.astype(np.int64))
    conn.execute(
        sa.insert(SnapshotMember),
        [
            {"snapshot_id": snapshot_id, "chunk": c, "n": n, "bitmap": b, "source_rows": s}
            for c, n, b, s in members
        ],
    )
    return rows.height


def load_items(engine: sa.Engine, snapshot_id: int) -> pl.DataFrame:
    """All items of one snapshot as ``ITEM_SCHEMA`` (money exact), by customer, then file order.

    The snapshot's membership gives its version ids and source rows; the blocks holding them
    are decoded (in threads) and gathered. An unknown snapshot gives an empty frame.
    """
    with engine.connect() as conn:
        rows = read_snapshot_rows(conn, snapshot_id)
    return items_frame(rows.select(STORE_COLUMNS[1:]))


def load_columns(engine: sa.Engine, snapshot_id: int, columns: Sequence[str]) -> pl.DataFrame:
    """A few store columns of one snapshot's items (store layout: money in cents)."""
    with engine.connect() as conn:
        return read_snapshot_rows(conn, snapshot_id, [c for c in columns if c != "source_row"])


def customer_rows(
    conn: sa.Connection, customer_ids: Sequence[str], snapshot_ids: Sequence[int] | None = None
) -> pl.DataFrame:
    """The items of a few customers in the given snapshots (default: all): store layout +
    ``source_row`` + ``snapshot_id``, by snapshot, customer, then file order."""
    wanted = sorted(set(customer_ids))
    schema = {"snapshot_id": pl.Int64(), **version_schema(), "source_row": pl.Int64()}
    empty = pl.DataFrame(schema=schema)
    if not wanted or (snapshot_ids is not None and not snapshot_ids):
        return empty
    lo, hi = wanted[0], wanted[-1]
    block = VersionBlock
    blocks = conn.execute(
        sa.select(block.first_id, block.min_customer, block.max_customer, block.data)
        .where(block.min_customer <= hi, block.max_customer >= lo)
    ).all()  # fmt: skip

    def one(block: Any) -> pl.DataFrame:
        first_id, _, _, data = block
        frame = decode_block(data).with_row_index("id").with_columns(pl.col("id").cast(pl.Int64) + first_id)
        return frame.filter(pl.col("customer_id").is_in(wanted))

    blocks = [b for b in blocks if any(b[1] <= c <= b[2] for c in wanted)]
    with ThreadPoolExecutor(READ_THREADS) as pool:  # a fixed cost per block: decode them in parallel
        frames = list(pool.map(one, blocks))
    versions = pl.concat(frames) if frames else pl.DataFrame()
    if versions.is_empty():
        return empty
    cand = np.sort(versions["id"].to_numpy())
    chunks = sorted({int(c) for c in cand >> CHUNK_BITS})
    query = sa.select(
        SnapshotMember.snapshot_id, SnapshotMember.chunk, SnapshotMember.n, SnapshotMember.bitmap,
        SnapshotMember.source_rows,
    ).where(SnapshotMember.chunk.in_(chunks))  # fmt: skip
    if snapshot_ids is not None:
        query = query.where(SnapshotMember.snapshot_id.in_(list(snapshot_ids)))
    out_sid, out_id, out_sr = [], [], []
    for sid, chunk, n, bitmap, srows in conn.execute(query):
        c_ids = cand[(cand >> CHUNK_BITS) == chunk]
        bits = _bits(bitmap)
        local = c_ids & (CHUNK - 1)
        present = bits[local]
        if not present.any():
            continue
        rank = np.cumsum(bits, dtype=np.int64)[local[present]] - 1
        out_sid.append(np.full(int(present.sum()), sid, np.int64))
        out_id.append(c_ids[present])
        out_sr.append(_unshuffle(srows, int(n))[rank])
    if not out_sid:
        return empty
    source = pl.Series("source_row", np.concatenate(out_sr), dtype=pl.Int64)
    members = pl.DataFrame(
        {"snapshot_id": np.concatenate(out_sid), "id": np.concatenate(out_id)}
    ).with_columns(pl.when(source != _NULL_ROW).then(source).alias("source_row"))
    joined = members.join(versions, on="id").sort("snapshot_id", "customer_id", "source_row", "id")
    return joined.select(list(schema))


def company_codes_in_force(conn: sa.Connection) -> set[str]:
    """Company codes of the versions in the blocks that snapshots in force draw on."""
    from ar_core.store.models import Snapshot

    chunks = conn.execute(
        sa.select(SnapshotMember.chunk).distinct()
        .join(Snapshot, Snapshot.id == SnapshotMember.snapshot_id).where(Snapshot.retired_at.is_(None))
    ).scalars().all()  # fmt: skip
    if not chunks:
        return set()
    meta = conn.execute(sa.select(VersionBlock.first_id, VersionBlock.n, VersionBlock.company_codes)).all()
    spans = sorted(chunks)
    starts = np.array(spans, np.int64) << CHUNK_BITS
    codes: set[str] = set()
    for first_id, n, text in meta:
        # any chunk overlapping [first_id, first_id + n)
        i = np.searchsorted(starts, first_id + n, side="left")
        if i > 0 and starts[i - 1] + CHUNK > first_id:
            codes |= {c for c in (text or "").split(",") if c}
    return codes


_VERSION_TYPES.update(version_schema())


def insert_frame(conn: sa.Connection, table: sa.Table, frame: pl.DataFrame, batch: int = 50_000) -> int:
    """Insert the rows of ``frame`` (columns named as ``table``'s) with the driver's executemany.

    For a first import's tens of thousands of workflow rows (cases opened from an extract):
    SQLAlchemy's per-row parameter processing costs more than the insert itself. Dates and
    UTC timestamps are written as the models' types would (ISO text on SQLite, naive UTC
    timestamps there too); other types pass as they are. Returns the row count.
    """
    if frame.is_empty():
        return 0
    sqlite = conn.dialect.name == "sqlite"
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if sqlite and dtype == pl.Date():
            col = col.dt.strftime("%Y-%m-%d")
        elif sqlite and isinstance(dtype, pl.Datetime):
            col = col.dt.convert_time_zone("UTC").dt.replace_time_zone(None) if dtype.time_zone else col
            col = col.dt.strftime("%Y-%m-%d %H:%M:%S.%6f")
        exprs.append(col.alias(name))
    rows = frame.select(exprs).rows()
    marker = "?" if sqlite else "%s"
    columns = ", ".join(frame.columns)
    sql = f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join([marker] * frame.width)})"
    for start in range(0, len(rows), batch):
        conn.exec_driver_sql(sql, rows[start : start + batch])
    return len(rows)
