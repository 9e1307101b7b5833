"""Customer master data: from the customer master file and from the extracts themselves.

Two sources feed the same table. A customer master upload may set every field; an extract only
knows id, name, country and collector and only fills what is blank: the master wins (collector,
risk class, limits, contacts), so an extract never moves a customer to another collector. A
blank value never overwrites what is known. Every change is recorded with its source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ar_core.access import (
    known_customers,
    parse_roles,
    record,
    record_many,
    refuse_unknown,
    to_json,
    user_row,
)
from ar_core.errors import ArDeskError, InvalidInput
from ar_core.memo import memo
from ar_core.schema import CUSTOMER_ADDRESS_SCHEMA, CUSTOMER_SCHEMA
from ar_core.store import marks
from ar_core.store.bulk import from_cents, to_cents
from ar_core.store.db import write_transaction
from ar_core.store.models import Customer, CustomerChange, utcnow

if TYPE_CHECKING:
    from ar_core.access import Actor

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


#: Where a customer change came from (``customer_changes.source``).
SOURCES = ("extract", "master", "admin")


def merge_customers(
    conn: sa.Connection,
    actor: Actor | str,
    incoming: pl.DataFrame,
    *,
    source: str,
    snapshot_id: int | None = None,
    fill_only: bool = False,
    insert_new: bool = True,
) -> dict[str, Any]:
    """Insert new customers and fill or change known ones, never blanking a known value.

    The customer master wins: an extract (``fill_only``) only fills fields that are blank, so it
    can never re-assign a collector (and with it who may read and write the account). Every
    change is kept in ``customer_changes`` with its source (and snapshot, so removing the snapshot
    can undo it) and audited with before/after, all on the caller's transaction.

    ``incoming`` has ``customer_id`` plus any store columns (``credit_limit_cents`` in cents).
    Returns ``{"inserted": [...], "updated": [...], "before": {...}, "after": {...}}`` where
    before/after hold only the customers that changed.
    """
    if source not in SOURCES:
        raise ArDeskError(f"unknown customer change source {source!r}")
    incoming = _blank_to_null(incoming).filter(pl.col("customer_id").is_not_null())
    incoming = incoming.unique("customer_id", keep="last", maintain_order=True)
    fields = [c for c in incoming.columns if c != "customer_id"]
    existing = _read_existing(conn, incoming["customer_id"].to_list(), fields)
    joined = incoming.join(existing, on="customer_id", how="left", suffix="__old")
    first, second = ("{f}__old", "{f}") if fill_only else ("{f}", "{f}__old")
    joined = joined.with_columns(
        pl.coalesce(pl.col(first.format(f=f)), pl.col(second.format(f=f))).alias(f) for f in fields
    ).with_columns(pl.col("customer_id").is_in(existing["customer_id"].implode()).alias("__known"))
    if not insert_new:
        joined = joined.filter(pl.col("__known"))
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
    if result["inserted"] and snapshot_id is not None:
        table = Customer.__table__
        for start in range(0, len(result["inserted"]), _BATCH):
            conn.execute(
                sa.update(table)
                .where(table.c.customer_id.in_(result["inserted"][start : start + _BATCH]))
                .values(created_by_snapshot_id=snapshot_id)
            )
    _record_changes(conn, actor, result, source=source, snapshot_id=snapshot_id, now=now)
    if result["inserted"] or result["updated"]:
        marks.advance(conn, marks.CUSTOMERS)
    return result


def _record_changes(
    conn: sa.Connection,
    actor: Actor | str,
    result: dict[str, Any],
    *,
    source: str,
    snapshot_id: int | None,
    now: Any,
) -> None:
    """The provenance rows and audit entries of one merge (bulk: an import may create thousands)."""
    who = getattr(actor, "username", actor)
    created = set(result["inserted"])
    changes, audits = [], []
    for key in [*result["inserted"], *result["updated"]]:
        before = result["before"].get(key)
        after = result["after"][key]
        changes.append({"customer_id": key, "source": source, "snapshot_id": snapshot_id,
                        "created": key in created, "before": to_json(before), "after": to_json(after),
                        "changed_by": who, "changed_at": now})  # fmt: skip
        audits.append({"action": "create_customer" if key in created else "change_customer",
                       "entity": "customer", "entity_id": key, "before": before,
                       "after": {**after, "source": source, "snapshot_id": snapshot_id}})  # fmt: skip
    for start in range(0, len(changes), _BATCH):
        conn.execute(sa.insert(CustomerChange), changes[start : start + _BATCH])
    record_many(conn, actor, audits)


def undo_snapshot_changes(conn: sa.Connection, actor: Actor | str, snapshot_id: int) -> dict[str, int]:
    """Undo what a removed snapshot's import did to the customer records, newest change first.

    A field goes back to its value before the import unless something later changed it again
    (then the later value stands). A customer the import created is removed unless another
    snapshot in force lists it or another source has changed it since. Audited per customer.
    """
    table = Customer.__table__
    rows = conn.execute(
        sa.select(CustomerChange)
        .where(CustomerChange.snapshot_id == snapshot_id)
        .order_by(CustomerChange.id.desc())
    ).all()
    counts = {"restored": 0, "removed": 0, "kept": 0}
    for change in rows:
        after = json.loads(change.after or "{}")
        before = json.loads(change.before or "{}")
        later = conn.execute(
            sa.select(CustomerChange.id).where(
                CustomerChange.customer_id == change.customer_id, CustomerChange.id > change.id
            )
        ).first()
        if change.created:
            listed = _listed_elsewhere(conn, change.customer_id, snapshot_id)
            if not listed and later is None:
                conn.execute(sa.delete(table).where(table.c.customer_id == change.customer_id))
                record(conn, actor, "remove_customer", "customer", change.customer_id, before=after,
                       after={"reason": f"created by snapshot {snapshot_id}, which was removed"})  # fmt: skip
                counts["removed"] += 1
            else:
                counts["kept"] += 1
            continue
        fields = [f for f in after if f in table.c]
        current = conn.execute(
            sa.select(*(table.c[f] for f in fields)).where(table.c.customer_id == change.customer_id)
        ).first()
        if current is None:
            continue
        restore = {
            f: before.get(f) for f, now_value in zip(fields, current, strict=True) if now_value == after[f]
        }
        if not restore:
            counts["kept"] += 1
            continue
        conn.execute(
            sa.update(table)
            .where(table.c.customer_id == change.customer_id)
            .values(**restore, updated_at=utcnow())
        )
        record(conn, actor, "change_customer", "customer", change.customer_id,
               before={f: after[f] for f in restore},
               after={**restore, "source": "undo", "snapshot_id": snapshot_id})  # fmt: skip
        counts["restored"] += 1
    if counts["restored"] or counts["removed"]:
        marks.advance(conn, marks.CUSTOMERS)
    return counts


def customers_from_items(items: pl.DataFrame) -> pl.DataFrame:
    """One row per customer of an extract: the last non-blank name, country and collector seen."""
    items = _blank_to_null(items.select("customer_id", *EXTRACT_FIELDS.values()))
    return items.group_by("customer_id", maintain_order=True).agg(
        pl.col(source).drop_nulls().last().alias(target) for target, source in EXTRACT_FIELDS.items()
    )


def upsert_customer_master(engine: sa.Engine, actor: Actor, df: pl.DataFrame) -> dict[str, int]:
    """Load a customer master frame (``CUSTOMER_SCHEMA`` columns, any subset besides the id, and
    the address columns of ``CUSTOMER_ADDRESS_SCHEMA`` when present).

    Leads and admins only; audited with before/after of every customer that changed.
    Returns counts ``{"rows", "inserted", "updated", "unchanged"}``.
    """
    actor.require("lead", "admin", doing="load customer master data")
    if "customer_id" not in df.columns:
        raise InvalidInput("customer_id", "customer master frame needs a customer_id column")
    present = [c for c in (*CUSTOMER_SCHEMA, *CUSTOMER_ADDRESS_SCHEMA) if c in df.columns]
    frame = df.select(
        to_cents(c).alias(_STORE[c]) if c == "credit_limit" else pl.col(c).cast(pl.String) for c in present
    )
    with write_transaction(engine, actor) as conn:
        merged = merge_customers(conn, actor, frame, source="master")
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


def all_customers(engine: sa.Engine) -> pl.DataFrame:
    """Every customer as ``CUSTOMER_SCHEMA`` (credit limit as exact decimal), by id (services only).

    No permission filter: for services that rank or check the whole team's customers and scope
    the result themselves. People read :func:`list_customers`. Read once per change of the
    customer table (every insert and update stamps ``updated_at``; a removal changes the count)
    and shared: the worklist overlays it on every rerun.
    """
    return memo(engine, "all_customers", customers_version(engine), lambda: _read_customers(engine), keep=2)


def customers_version(engine: sa.Engine) -> tuple:
    """Changes with every insert, update and removal of a customer (what caches of it key on).

    The customers' change mark, advanced by the two writers (:func:`merge_customers`, which every
    upload, import and admin move goes through, and :func:`undo_snapshot_changes`); the highest id
    guards a row written past them. Two index look-ups, however many customers.
    """
    with engine.connect() as conn:
        return (
            marks.current(conn, marks.CUSTOMERS),
            conn.execute(sa.select(sa.func.max(Customer.customer_id))).scalar(),
        )


def _read_customers(engine: sa.Engine) -> pl.DataFrame:
    table = Customer.__table__
    query = sa.select(*(table.c[_STORE[c]] for c in CUSTOMER_SCHEMA)).order_by(table.c.customer_id)
    schema = {_STORE[c]: (pl.Int64() if c == "credit_limit" else t) for c, t in CUSTOMER_SCHEMA.items()}
    with engine.connect() as conn:
        frame = pl.DataFrame([tuple(r) for r in conn.execute(query)], schema=schema, orient="row")
    frame = frame.with_columns(from_cents("credit_limit_cents").alias("credit_limit"))
    return frame.select(list(CUSTOMER_SCHEMA))


def find_customers(customers: pl.DataFrame, text: str, limit: int) -> pl.DataFrame:
    """The rows of ``customers`` whose number or name holds ``text``, at most ``limit``, in their order.

    A number matches with or without SAP's leading zeros (``100001`` finds ``0000100001``); a
    name matches case-insensitively anywhere. Blank text finds the first ``limit`` rows.
    """
    words = text.strip()
    if not words:
        return customers.head(limit)
    number = words.lstrip("0") or words
    name = pl.col("name").fill_null("").str.to_lowercase()
    by_number = pl.col("customer_id").str.strip_chars_start("0").str.contains(number, literal=True)
    hit = by_number | name.str.contains(words.lower(), literal=True)
    return customers.filter(hit).head(limit)


def list_customers(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """The customers ``actor`` may read (a collector: portfolio plus escalations; a lead: all)."""
    from ar_core.access import in_portfolio, readable_customers

    return in_portfolio(all_customers(engine), readable_customers(engine, actor))


def move_customers(
    engine: sa.Engine,
    actor: Actor,
    *,
    target: str,
    customers: Iterable[str] = (),
    from_collector: str | None = None,
) -> list[str]:
    """Make ``target`` the collector of the chosen customers, or of all customers of ``from_collector``.

    Admin only. The target must be an active user with the role collector. The change goes
    through the customer-master merge (source ``admin``), so each customer's change is kept
    with its provenance and audited before/after, plus one summary entry. Returns the ids that
    changed (customers already with the target are left alone).
    """
    actor.require("admin", doing="move customers between collectors")
    chosen = {c.strip() for c in customers if c.strip()}
    if not chosen and not from_collector:
        raise InvalidInput("customers", "choose customers or a collector whose customers to move")
    with write_transaction(engine, actor) as conn:
        user = user_row(conn, target)
        if "collector" not in parse_roles(user.roles):
            raise InvalidInput("target", f"{target} is not a collector: only collectors can own customers")
        if not user.active:
            raise InvalidInput("target", f"{target} is not active: activate the user first")
        refuse_unknown("customer", sorted(chosen - known_customers(conn, chosen)))
        if from_collector:
            chosen |= set(conn.execute(
                sa.select(Customer.customer_id).where(Customer.collector == from_collector)
            ).scalars())  # fmt: skip
        ids = sorted(chosen)
        frame = pl.DataFrame({"customer_id": ids, "collector": [target] * len(ids)},
                             schema={"customer_id": pl.String(), "collector": pl.String()})  # fmt: skip
        merged = merge_customers(conn, actor, frame, source="admin", insert_new=False)
        moved = sorted(merged["updated"])
        if moved:
            summary = {"target": target, "from_collector": from_collector, "customers": moved}
            record(conn, actor, "move_customers", "customers", target, after=summary)
    return moved


def _listed_elsewhere(conn: sa.Connection, customer_id: str, snapshot_id: int) -> bool:
    """Whether a snapshot in force other than ``snapshot_id`` lists items of ``customer_id``."""
    from ar_core.store.bulk import customer_rows
    from ar_core.store.models import Snapshot

    others = conn.execute(
        sa.select(Snapshot.id).where(Snapshot.retired_at.is_(None), Snapshot.id != snapshot_id)
    ).scalars().all()  # fmt: skip
    return bool(others) and not customer_rows(conn, [customer_id], others).is_empty()
