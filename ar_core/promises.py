"""Promises to pay: recorded by the collector, decided kept / partly kept / broken from later snapshots.

A promise names an amount, a date and optionally the items it covers (by item identity). Its
status is never typed in: :func:`refresh_promise_statuses` runs the pure rule of
:mod:`ar_core.promise_status` over the stored snapshots and stores what changed, audited as the
``system`` actor. Only promises still ``open`` are re-decided: a decided promise stays decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.audit import record
from ar_core.errors import ArDeskError, NotFound
from ar_core.escalations import check_customer_access, readable_customers
from ar_core.money import from_cents, to_cents
from ar_core.schema import KNOWN_CURRENCIES, MONEY
from ar_core.store.db import write_transaction
from ar_core.store.models import Promise, PromiseItem, Snapshot, utcnow
from ar_core.users import Actor

#: Status of a promise whose deadline (promised date + grace days) has not passed yet.
OPEN = "open"
#: Largest promise accepted: far above any receivable, far below what a Decimal(18, 2) holds.
MAX_PROMISE = Decimal("1000000000000")
STATUSES: tuple[str, ...] = (OPEN, "kept", "partly kept", "broken")
#: Who the automatic status decisions are audited as.
SYSTEM = "system"
#: The identity fields a promised item is named by (``schema.ITEM_IDENTITY``).
ITEM_FIELDS: tuple[str, ...] = ("company_code", "fiscal_year", "doc_no", "line_item")

ITEM_STRUCT = pl.Struct(
    {"company_code": pl.String(), "fiscal_year": pl.Int32(), "doc_no": pl.String(), "line_item": pl.Int32()}
)
PROMISE_SCHEMA: dict[str, pl.DataType] = {
    "promise_id": pl.Int64(),
    "customer_id": pl.String(),
    "amount": MONEY,
    "currency": pl.String(),
    "promised_date": pl.Date(),
    "created_at": pl.Datetime("us", "UTC"),
    "created_by": pl.String(),
    "status": pl.String(),
    "status_decided_on": pl.Date(),
    "items": pl.List(ITEM_STRUCT),
    #: The snapshot the promise was made against, and its as-of date (the "before" of the decision).
    "snapshot_id": pl.Int64(),
    "snapshot_as_of": pl.Date(),
}


def _item(raw: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(raw) - set(ITEM_FIELDS)
    if unknown:
        raise ArDeskError(f"a promised item is named by {', '.join(ITEM_FIELDS)}; unknown: {sorted(unknown)}")
    doc_no = str(raw.get("doc_no") or "").strip()
    if not doc_no:
        raise ArDeskError("a promised item needs its document number")
    year, line = raw.get("fiscal_year"), raw.get("line_item")
    return {
        "company_code": raw.get("company_code"),
        "doc_no": doc_no,
        "fiscal_year": None if year is None else int(year),
        "line_item": None if line is None else int(line),
    }


def _check_amount(amount: Decimal) -> int:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ArDeskError(f"the promised amount must be a Decimal, got {amount!r}")
    if amount <= 0:
        raise ArDeskError(f"the promised amount must be positive, got {amount}")
    if amount >= MAX_PROMISE:
        raise ArDeskError(f"the promised amount {amount} is implausibly large (a typo?)")
    try:
        return to_cents(amount)
    except ValueError as exc:
        raise ArDeskError(f"the promised amount {amount} has fractions of a cent") from exc


def _check_items_in_snapshot(
    conn: sa.Connection, snapshot_id: int, customer_id: str, items: list[dict[str, Any]]
) -> None:
    """Every promised item must be one of the customer's items in the snapshot the promise is made on."""
    table = sa.table("open_items", *(sa.column(c) for c in ("snapshot_id", "customer_id", *ITEM_FIELDS)))
    rows = conn.execute(
        sa.select(*(table.c[f] for f in ITEM_FIELDS)).where(
            table.c.snapshot_id == snapshot_id, table.c.customer_id == customer_id
        )
    ).all()
    known = {(r.company_code, r.fiscal_year, r.doc_no.lstrip("0"), r.line_item) for r in rows}
    for it in items:
        if (it["company_code"], it["fiscal_year"], it["doc_no"].lstrip("0"), it["line_item"]) not in known:
            raise ArDeskError(
                f"document {it['doc_no']} is not an item of customer {customer_id} in snapshot {snapshot_id}"
            )


def create_promise(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    amount: Decimal,
    currency: str,
    promised_date: date,
    items: Iterable[Mapping[str, Any]] = (),
    snapshot_id: int | None = None,
    created_at: datetime | None = None,
) -> int:
    """Record a promise to pay (the customer's collector, a lead or an admin); returns its id.

    ``snapshot_id`` is the snapshot the collector was looking at (default: the latest); named
    ``items`` must be the customer's items in it. ``created_at`` back-dates a promise taken
    earlier (demo data, a promise noted on paper); the audit record keeps the real time. The
    contact itself is logged separately (:func:`ar_core.contacts.log_contact`).
    """
    check_customer_access(engine, actor, customer_id, write=True)
    cents = _check_amount(amount)
    currency = (currency or "").strip().upper()
    if currency not in KNOWN_CURRENCIES:
        raise ArDeskError(f"unknown currency {currency!r}")
    if not isinstance(promised_date, date) or isinstance(promised_date, datetime):
        raise ArDeskError(f"promised_date must be a date, got {promised_date!r}")
    if created_at is not None and created_at.tzinfo is None:
        raise ArDeskError("created_at needs a time zone")
    named = [_item(i) for i in items]
    with write_transaction(engine) as conn:
        if snapshot_id is None:
            snapshot_id = conn.execute(
                sa.select(Snapshot.id).order_by(Snapshot.as_of.desc(), Snapshot.id.desc()).limit(1)
            ).scalar()
        elif conn.execute(sa.select(Snapshot.id).where(Snapshot.id == snapshot_id)).first() is None:
            raise NotFound(f"no snapshot {snapshot_id}")
        if named:
            if snapshot_id is None:
                raise ArDeskError("items can only be named once a snapshot is imported")
            _check_items_in_snapshot(conn, snapshot_id, customer_id, named)
        values = {
            "customer_id": customer_id,
            "amount_cents": cents,
            "currency": currency,
            "promised_date": promised_date,
            "snapshot_id": snapshot_id,
            "status": OPEN,
            "created_by": actor.username,
            "created_at": created_at or utcnow(),
        }
        new_id = conn.execute(sa.insert(Promise).values(**values).returning(Promise.id)).scalar_one()
        if named:
            conn.execute(sa.insert(PromiseItem), [{"promise_id": new_id, **i} for i in named])
        audited = {**values, "amount": amount, "items": named}
        del audited["amount_cents"]
        record(conn, actor, "create_promise", "promise", new_id, after=audited)
    return new_id


def _query_promises(conn: sa.Connection, customer_ids: Iterable[str] | None) -> pl.DataFrame:
    query = (
        sa.select(Promise, Snapshot.as_of.label("snapshot_as_of"))
        .outerjoin(Snapshot, Snapshot.id == Promise.snapshot_id)
        .order_by(Promise.promised_date.desc(), Promise.id.desc())
    )
    if customer_ids is not None:
        query = query.where(Promise.customer_id.in_(sorted(customer_ids)))
    rows = conn.execute(query).all()
    ids = [r.id for r in rows]
    items: dict[int, list[dict[str, Any]]] = {}
    if ids:
        item_query = sa.select(PromiseItem).order_by(PromiseItem.id)
        if customer_ids is not None:
            item_query = item_query.where(PromiseItem.promise_id.in_(ids))
        for it in conn.execute(item_query):
            items.setdefault(it.promise_id, []).append({f: getattr(it, f) for f in ITEM_FIELDS})
    records = [
        (
            r.id,
            r.customer_id,
            from_cents(r.amount_cents),
            r.currency,
            r.promised_date,
            r.created_at,
            r.created_by,
            r.status,
            r.status_decided_on,
            items.get(r.id, []),
            r.snapshot_id,
            r.snapshot_as_of,
        )
        for r in rows
    ]
    return pl.DataFrame(records, schema=PROMISE_SCHEMA, orient="row")


def list_promises(engine: sa.Engine, actor: Actor, customer_id: str | None = None) -> pl.DataFrame:
    """Promises, latest promised date first (``PROMISE_SCHEMA``): one customer's, or all the actor may see."""
    if customer_id is not None:
        check_customer_access(engine, actor, customer_id, write=False)
        wanted: Iterable[str] | None = [customer_id]
    else:
        wanted = readable_customers(engine, actor)
    with engine.connect() as conn:
        return _query_promises(conn, wanted)


def promise_frame(engine: sa.Engine) -> pl.DataFrame:
    """Every promise (``PROMISE_SCHEMA``), no permission filter: input of the worklist and huddle."""
    with engine.connect() as conn:
        return _query_promises(conn, None)


def refresh_promise_statuses(
    engine: sa.Engine, grace_days: int | None = None, *, loaded: Mapping[int, pl.DataFrame] | None = None
) -> int:
    """Decide the open promises from the stored snapshots and store what changed; returns the count.

    Uses :func:`ar_core.promise_status.decide` as of the latest snapshot with ``grace_days``
    (default: the ``promise_grace_days`` setting). Only the snapshots from the one each open
    promise was made against onward are loaded, each reduced to the promising customers;
    ``loaded`` passes snapshot frames the caller already holds (by snapshot id).
    """
    from ar_core.promise_status import decide
    from ar_core.settings import get_promise_grace_days
    from ar_core.snapshots import list_snapshots, load_customer_items

    grace = get_promise_grace_days(engine) if grace_days is None else int(grace_days)
    pending = promise_frame(engine).filter(pl.col("status") == OPEN)
    snaps = list_snapshots(engine).sort("as_of", "snapshot_id")
    if pending.is_empty() or snaps.is_empty():
        return 0
    # decide() starts each promise at the snapshot on or before its creation date
    made_on = min(
        d for d in (pending["snapshot_as_of"].min(), pending["created_at"].dt.date().min()) if d is not None
    )
    starts = snaps.filter(pl.col("as_of") <= made_on)
    first = starts["as_of"][-1] if not starts.is_empty() else snaps["as_of"][0]
    customers = pending["customer_id"].unique().sort().to_list()
    snapshots = [
        (
            as_of,
            loaded[sid].filter(pl.col("customer_id").is_in(customers))
            if loaded and sid in loaded
            else load_customer_items(engine, sid, customers),
        )
        for sid, as_of in snaps.filter(pl.col("as_of") >= first).select("snapshot_id", "as_of").iter_rows()
    ]
    as_of = snaps["as_of"][-1]
    decided = decide(pending, snapshots, as_of, grace)
    changed = (
        pending.select("promise_id", "status", "status_decided_on")
        .join(decided.select("promise_id", "status", "status_decided_on"), on="promise_id", suffix="_new")
        .filter(
            (pl.col("status") != pl.col("status_new"))
            | pl.col("status_decided_on").ne_missing(pl.col("status_decided_on_new"))
        )
    )
    if changed.is_empty():
        return 0
    with write_transaction(engine) as conn:
        for pid, old, old_on, new, new_on in changed.select(
            "promise_id", "status", "status_decided_on", "status_new", "status_decided_on_new"
        ).iter_rows():
            if new not in STATUSES:
                raise ArDeskError(f"promise_status.decide returned an unknown status {new!r}")
            conn.execute(
                sa.update(Promise).where(Promise.id == pid).values(status=new, status_decided_on=new_on)
            )
            record(
                conn,
                SYSTEM,
                "decide_promise",
                "promise",
                pid,
                before={"status": old, "status_decided_on": old_on},
                after={"status": new, "status_decided_on": new_on, "as_of": as_of, "grace_days": grace},
            )
    return changed.height
