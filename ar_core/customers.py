"""Customer master data: from the customer master file and from the extracts themselves.

Two sources feed the same table. A customer master upload may set every field; an extract only
knows id, name, country and collector. The merge rule is the same for both: a blank value never
overwrites what is already known (an export that leaves ``Land`` empty must not erase the
country), and an extract never touches language, risk class or credit limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ar_core.audit import record
from ar_core.schema import CUSTOMER_SCHEMA
from ar_core.store.bulk import from_cents, to_cents
from ar_core.store.db import write_transaction
from ar_core.store.models import Customer, utcnow

if TYPE_CHECKING:
    from ar_core.users import Actor

#: Customer fields an extract provides, as ``customers`` column <- item column.
EXTRACT_FIELDS: dict[str, str] = {"name": "customer_name", "country": "country", "collector": "collector"}
#: Store columns of ``CUSTOMER_SCHEMA`` (money in cents).
_STORE = {name: ("credit_limit_cents" if name == "credit_limit" else name) for name in CUSTOMER_SCHEMA}
#: Rows per upsert statement batch.
_BATCH = 5_000


def _blank_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim text and turn empty text into null, so "blank" has one meaning."""
    return frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c, t in frame.schema.items() if t == pl.String()
    )


def _read_existing(conn: sa.Connection, ids: list[str], fields: Sequence[str]) -> pl.DataFrame:
    table = Customer.__table__
    schema = {
        "customer_id": pl.String(),
        **{f: (pl.Int64() if f.endswith("_cents") else pl.String()) for f in fields},
    }
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        query = sa.select(table.c.customer_id, *(table.c[f] for f in fields)).where(
            table.c.customer_id.in_(chunk)
        )
        rows.extend(tuple(r) for r in conn.execute(query).all())
    return pl.DataFrame(rows, schema=schema, orient="row")


def _upsert_statement(dialect: str, fields: Sequence[str]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Customer.__table__)
    set_ = {f: stmt.excluded[f] for f in (*fields, "updated_at")}
    return stmt.on_conflict_do_update(index_elements=["customer_id"], set_=set_)


def merge_customers(conn: sa.Connection, incoming: pl.DataFrame) -> dict[str, Any]:
    """Insert new customers and fill or change known ones, never blanking a known value.

    ``incoming`` has ``customer_id`` plus any store columns (``credit_limit_cents`` in cents).
    Returns ``{"inserted": [...], "updated": [...], "before": {...}, "after": {...}}`` where
    before/after hold only the customers that changed, for the audit log.
    """
    incoming = _blank_to_null(incoming).filter(pl.col("customer_id").is_not_null())
    incoming = incoming.unique("customer_id", keep="last", maintain_order=True)
    fields = [c for c in incoming.columns if c != "customer_id"]
    existing = _read_existing(conn, incoming["customer_id"].to_list(), fields)
    joined = incoming.join(existing, on="customer_id", how="left", suffix="__old")
    joined = joined.with_columns(
        pl.coalesce(pl.col(f), pl.col(f"{f}__old")).alias(f) for f in fields
    ).with_columns(pl.col("customer_id").is_in(existing["customer_id"].implode()).alias("__known"))
    changed = (
        pl.any_horizontal(pl.col(f).ne_missing(pl.col(f"{f}__old")) for f in fields)
        if fields
        else pl.lit(False)
    )
    to_write = joined.filter(~pl.col("__known") | changed)
    result: dict[str, Any] = {"inserted": [], "updated": [], "before": {}, "after": {}}
    if to_write.is_empty():
        return result
    now = utcnow()
    rows = [{**r, "updated_at": now} for r in to_write.select("customer_id", *fields).iter_rows(named=True)]
    stmt = _upsert_statement(conn.dialect.name, fields)
    for start in range(0, len(rows), _BATCH):
        conn.execute(stmt, rows[start : start + _BATCH])
    for r in to_write.iter_rows(named=True):
        key = r["customer_id"]
        if r["__known"]:
            result["updated"].append(key)
            result["before"][key] = {f: r[f"{f}__old"] for f in fields if r[f] != r[f"{f}__old"]}
            result["after"][key] = {f: r[f] for f in fields if r[f] != r[f"{f}__old"]}
        else:
            result["inserted"].append(key)
            result["after"][key] = {f: r[f] for f in fields if r[f] is not None}
    return result


def customers_from_items(items: pl.DataFrame) -> pl.DataFrame:
    """One row per customer of an extract: the last non-blank name, country and collector seen."""
    items = _blank_to_null(items.select("customer_id", *EXTRACT_FIELDS.values()))
    return items.group_by("customer_id", maintain_order=True).agg(
        pl.col(source).drop_nulls().last().alias(target) for target, source in EXTRACT_FIELDS.items()
    )


def upsert_customer_master(engine: sa.Engine, actor: Actor, df: pl.DataFrame) -> dict[str, int]:
    """Load a customer master frame (``CUSTOMER_SCHEMA`` columns, any subset besides the id).

    Leads and admins only; audited with before/after of every customer that changed.
    Returns counts ``{"rows", "inserted", "updated", "unchanged"}``.
    """
    actor.require("lead", "admin", doing="load customer master data")
    if "customer_id" not in df.columns:
        raise ValueError("customer master frame needs a customer_id column")
    present = [c for c in CUSTOMER_SCHEMA if c in df.columns]
    frame = df.select(
        to_cents(c).alias(_STORE[c]) if c == "credit_limit" else pl.col(c).cast(pl.String) for c in present
    )
    with write_transaction(engine) as conn:
        merged = merge_customers(conn, frame)
        counts = {
            "rows": frame.height,
            "inserted": len(merged["inserted"]),
            "updated": len(merged["updated"]),
        }
        counts["unchanged"] = frame["customer_id"].n_unique() - counts["inserted"] - counts["updated"]
        if merged["inserted"] or merged["updated"]:
            record(conn, actor, "upsert_customer_master", "customers", None,
                   before=merged["before"], after={**counts, "changes": merged["after"]})  # fmt: skip
    return counts


def list_customers(engine: sa.Engine, actor: Actor | None = None) -> pl.DataFrame:
    """All customers as ``CUSTOMER_SCHEMA`` (credit limit as exact decimal), by id.

    With an ``actor`` the list is limited to what that user may see (a collector's portfolio).
    """
    table = Customer.__table__
    query = sa.select(*(table.c[_STORE[c]] for c in CUSTOMER_SCHEMA)).order_by(table.c.customer_id)
    schema = {_STORE[c]: (pl.Int64() if c == "credit_limit" else t) for c, t in CUSTOMER_SCHEMA.items()}
    with engine.connect() as conn:
        frame = pl.DataFrame([tuple(r) for r in conn.execute(query)], schema=schema, orient="row")
    frame = frame.with_columns(from_cents("credit_limit_cents").alias("credit_limit"))
    frame = frame.select(list(CUSTOMER_SCHEMA))
    if actor is not None:
        from ar_core.users import visible_customers

        visible = visible_customers(engine, actor)
        if visible is not None:
            frame = frame.filter(pl.col("customer_id").is_in(sorted(visible)))
    return frame
