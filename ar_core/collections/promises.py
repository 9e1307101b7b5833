"""Promises to pay: recorded by the collector, decided kept / partly kept / broken from later snapshots.

A promise names an amount, a date and optionally the items it covers (by item identity). Its
status is never typed in: :func:`refresh_promise_statuses` runs the pure rule of
:mod:`ar_core.collections.promise_status` over the stored snapshots and stores what changed, audited as the
``system`` actor. Only promises still ``open`` are re-decided: a decided promise stays decided.

Entry rules: a promise is for today or later (the team's today, or the day it was made when it is
back-dated), and for no more than the customer owes: the open debits in the promised currency, or
the open amount of the items it names. A promise can be withdrawn (``cancelled``, with a reason,
audited) while it is open; a cancelled promise is never decided, never broken and never open, so
the worklist and the huddle do not see it (:func:`promise_frame`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, readable_customers, record
from ar_core.collections.promise_status import CANCELLED, OPEN, STATUSES
from ar_core.errors import ArDeskError, InvalidInput, NotFound
from ar_core.money import from_cents, to_cents
from ar_core.schema import KNOWN_CURRENCIES, MONEY, doc_key
from ar_core.store.db import write_transaction
from ar_core.store.models import Promise, PromiseItem, Snapshot, utcnow

#: Largest promise accepted: far above any receivable, far below what a Decimal(18, 2) holds.
MAX_PROMISE = Decimal("1000000000000")
#: Every status a stored promise can have.
ALL_STATUSES: tuple[str, ...] = (*STATUSES, CANCELLED)
#: Days ahead of today that the entry form proposes as the promised date.
DEFAULT_DAYS_AHEAD = 7
#: Longest cancellation reason kept.
MAX_REASON_CHARS = 1_000
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
    "cancelled_at": pl.Datetime("us", "UTC"),
    "cancelled_by": pl.String(),
    "cancel_reason": pl.String(),
}


def _item(raw: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(raw) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidInput(
            "items", f"a promised item is named by {', '.join(ITEM_FIELDS)}; unknown: {sorted(unknown)}"
        )
    doc_no = str(raw.get("doc_no") or "").strip()
    if not doc_no:
        raise InvalidInput("items", "a promised item needs its document number")
    year, line = raw.get("fiscal_year"), raw.get("line_item")
    return {
        "company_code": raw.get("company_code"),
        "doc_no": doc_no,
        "fiscal_year": None if year is None else int(year),
        "line_item": None if line is None else int(line),
    }


def _check_amount(amount: Decimal) -> int:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidInput("amount", f"the promised amount must be a Decimal, got {amount!r}")
    if amount <= 0:
        raise InvalidInput("amount", f"the promised amount must be positive, got {amount}")
    if amount >= MAX_PROMISE:
        raise InvalidInput("amount", f"the promised amount {amount} is implausibly large (a typo?)")
    try:
        return to_cents(amount)
    except ValueError as exc:
        raise InvalidInput("amount", f"the promised amount {amount} has fractions of a cent") from exc


def promise_value_expr(currency: str) -> pl.Expr:
    """An item's amount in ``currency``: local amount when it is in it, else the document amount.

    The same rule as :mod:`ar_core.collections.promise_status` uses to count what cleared, so that what may be
    promised and what keeps a promise are measured alike. Items in neither currency count 0.
    """
    return (
        pl.when(pl.col("currency") == currency)
        .then(pl.col("amount"))
        .when(pl.col("doc_currency") == currency)
        .then(pl.col("amount_doc"))
        .otherwise(pl.lit(0))
        .cast(MONEY)
    )


def _key(company_code: str | None, fiscal_year: int | None, doc_no: str, line_item: int | None) -> tuple:
    return company_code, fiscal_year, doc_key(doc_no), line_item


def promisable_amount(
    items: pl.DataFrame,
    as_of: date,
    currency: str,
    chosen: Iterable[Mapping[str, Any]] = (),
) -> Decimal:
    """The most a customer can promise in ``currency``: open debits, or the chosen items' open amount.

    ``items`` are the customer's items of the snapshot the promise is made on; items cleared by
    ``as_of`` do not count. Without chosen items only debits count (a credit memo is no reason to
    promise less); with chosen items their net open amount is what they can settle.
    """
    from ar_core.ledger import open_items

    frame = open_items(items, as_of)
    if "doc_currency" not in frame.columns:
        frame = frame.with_columns(
            pl.lit(None, pl.String).alias("doc_currency"), pl.lit(None, MONEY).alias("amount_doc")
        )
    named = {_key(**_item(c)) for c in chosen}
    if named:
        wanted = [_key(*r) in named for r in frame.select(*ITEM_FIELDS).iter_rows()]
        frame = frame.filter(pl.Series(wanted, dtype=pl.Boolean))
    else:
        frame = frame.filter(pl.col("amount") > 0)
    total = frame.select(promise_value_expr(currency.upper()).sum()).item()
    return Decimal(0) if total is None else Decimal(total)


def _snapshot(conn: sa.Connection, snapshot_id: int | None) -> tuple[int, date] | None:
    """``(id, as_of)`` of the given snapshot, or of the latest when ``None`` (``None``: no snapshot)."""
    query = sa.select(Snapshot.id, Snapshot.as_of)
    if snapshot_id is None:  # the latest in force: a removed snapshot is no longer the ledger
        latest = query.where(Snapshot.retired_at.is_(None)).order_by(
            Snapshot.as_of.desc(), Snapshot.id.desc()
        )
        row = conn.execute(latest.limit(1)).first()
        return None if row is None else (row.id, row.as_of)
    row = conn.execute(query.where(Snapshot.id == snapshot_id)).first()
    if row is None:
        raise NotFound(f"no snapshot {snapshot_id}")
    return row.id, row.as_of


def _made_on(engine: sa.Engine, created_at: datetime | None) -> date:
    """The team's calendar day the promise is made on: today, or the day of a back-dated entry."""
    from zoneinfo import ZoneInfo

    from ar_core.config import today
    from ar_core.settings import get_time_zone

    zone = get_time_zone(engine)
    if created_at is None:
        return today(zone)
    return created_at.astimezone(ZoneInfo(zone)).date()


def default_promised_date(engine: sa.Engine) -> date:
    """The date the entry form proposes: the team's today plus :data:`DEFAULT_DAYS_AHEAD` days."""
    return _made_on(engine, None) + timedelta(days=DEFAULT_DAYS_AHEAD)


def _prepare(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    amount: Decimal,
    currency: str,
    promised_date: date,
    items: Iterable[Mapping[str, Any]],
    snapshot_id: int | None,
    created_at: datetime | None,
) -> dict[str, Any]:
    """Check a new promise against every entry rule; the row to insert and its named items.

    Reads only immutable snapshot data, so the checks may run before the write transaction.
    """
    check_customer_access(engine, actor, customer_id, write=True)
    cents = _check_amount(amount)
    currency = (currency or "").strip().upper()
    if currency not in KNOWN_CURRENCIES:
        raise InvalidInput("currency", f"unknown currency {currency!r}")
    if not isinstance(promised_date, date) or isinstance(promised_date, datetime):
        raise InvalidInput("promised_date", f"promised_date must be a date, got {promised_date!r}")
    if created_at is not None and created_at.tzinfo is None:
        raise ArDeskError("created_at needs a time zone")
    made_on = _made_on(engine, created_at)
    if promised_date < made_on:
        raise InvalidInput(
            "promised_date",
            f"the promised date {promised_date:%d.%m.%Y} lies in the past: a promise is for "
            f"{made_on:%d.%m.%Y} or later",
        )
    named = [_item(i) for i in items]
    with engine.connect() as conn:
        snap = _snapshot(conn, snapshot_id)
    if snap is None and named:
        raise InvalidInput("items", "items can only be named once a snapshot is imported")
    if snap is not None:
        from ar_core.ledger import load_customer_items

        sid, as_of = snap
        ledger = load_customer_items(engine, sid, [customer_id])
        _check_items_in(ledger, as_of, sid, customer_id, named)
        most = promisable_amount(ledger, as_of, currency, named)
        if amount > most:
            what = "the chosen items' open amount" if named else f"the open debits in {currency}"
            raise InvalidInput(
                "amount",
                f"the promised amount {currency} {amount:,.2f} exceeds {what} "
                f"({currency} {most:,.2f} at {as_of:%d.%m.%Y})",
            )
    values = {
        "customer_id": customer_id,
        "amount_cents": cents,
        "currency": currency,
        "promised_date": promised_date,
        "snapshot_id": None if snap is None else snap[0],
        "status": OPEN,
        "created_by": actor.username,
        "created_at": created_at or utcnow(),
    }
    return {"values": values, "items": named, "amount": amount}


def _check_items_in(
    ledger: pl.DataFrame, as_of: date, snapshot_id: int, customer_id: str, items: list[dict[str, Any]]
) -> None:
    """Every promised item must be one of the customer's open items in the snapshot the promise is made on."""
    from ar_core.ledger import open_items

    known = {_key(*r) for r in open_items(ledger, as_of).select(*ITEM_FIELDS).iter_rows()}
    for it in items:
        if _key(**it) not in known:
            raise InvalidInput(
                "items",
                f"document {it['doc_no']} is not an item of customer {customer_id} "
                f"open in snapshot {snapshot_id}",
            )


def _insert(conn: sa.Connection, actor: Actor, prepared: dict[str, Any]) -> int:
    values, named = prepared["values"], prepared["items"]
    new_id = conn.execute(sa.insert(Promise).values(**values).returning(Promise.id)).scalar_one()
    if named:
        conn.execute(sa.insert(PromiseItem), [{"promise_id": new_id, **i} for i in named])
    audited = {**values, "amount": prepared["amount"], "items": named}
    del audited["amount_cents"]
    record(conn, actor, "create_promise", "promise", new_id, after=audited)
    return new_id


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
    ``items`` must be the customer's open items in it, and the amount may not exceed what they
    (or, without items, the customer's open debits in ``currency``) come to. The promised date
    is today or later (the team's today; for a back-dated promise, the day of ``created_at``).
    ``created_at`` back-dates a promise taken earlier (demo data, a promise noted on paper); the
    audit record keeps the real time. To log the call that brought the promise in the same
    transaction use :func:`record_call`.
    """
    prepared = _prepare(
        engine, actor, customer_id, amount=amount, currency=currency, promised_date=promised_date,
        items=items, snapshot_id=snapshot_id, created_at=created_at,
    )  # fmt: skip
    with write_transaction(engine, actor) as conn:
        return _insert(conn, actor, prepared)


def record_call(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    promise: Mapping[str, Any] | None = None,
    **contact: Any,
) -> tuple[int, int | None]:
    """Log a contact and, when its outcome is "promise to pay", the promise, in one transaction.

    ``contact`` holds the keyword arguments of :func:`ar_core.collections.contacts.log_contact`; ``promise``
    those of :func:`create_promise` (amount, currency, promised_date, items, snapshot_id). A call
    with the outcome "promise to pay" needs the promise (what was promised is the point of the
    call), and a promise needs that outcome. Everything is checked before anything is written;
    returns ``(contact_id, promise_id or None)``.
    """
    from ar_core.collections.contacts import insert_contacts, validated_entry

    entry = validated_entry({"customer_id": customer_id, **contact})
    check_customer_access(engine, actor, customer_id, write=True)
    prepared = prepared_for_call(engine, actor, customer_id, entry["outcome"], promise)
    with write_transaction(engine, actor) as conn:
        contact_id = insert_contacts(conn, actor, [entry])[0]
        promise_id = _insert(conn, actor, prepared) if prepared else None
    return contact_id, promise_id


def prepared_for_call(
    engine: sa.Engine, actor: Actor, customer_id: str, outcome: str, promise: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The promise a call with ``outcome`` brought, checked and ready for :func:`insert_prepared`.

    A call with the outcome "promise to pay" needs the promise, and a promise needs that outcome.
    """
    from ar_core.collections.reason_codes import PROMISE_TO_PAY

    promised = outcome == PROMISE_TO_PAY
    if promised and not promise:
        raise InvalidInput(
            "amount", "a call with the outcome 'promise to pay' needs the promised amount and date"
        )
    if promise and not promised:
        raise InvalidInput("outcome", "a promise is recorded with the outcome 'promise to pay'")
    if not promise:
        return None
    unknown = set(promise) - {"amount", "currency", "promised_date", "items", "snapshot_id"}
    if unknown:
        raise ArDeskError(f"unknown promise field(s): {', '.join(sorted(unknown))}")
    return _prepare(
        engine, actor, customer_id, amount=promise.get("amount"), currency=promise.get("currency", ""),
        promised_date=promise.get("promised_date"), items=promise.get("items") or (),
        snapshot_id=promise.get("snapshot_id"), created_at=None,
    )  # fmt: skip


#: A promise prepared by :func:`prepared_for_call`, inserted in the caller's transaction.
insert_prepared = _insert


def cancel_promise(engine: sa.Engine, actor: Actor, promise_id: int, reason: str) -> None:
    """Withdraw an open promise with a reason (who may write the customer's records), audited.

    A decided promise (kept, partly kept, broken) stays as the ledger decided it: the verdict is
    evidence, not an entry to take back. A cancelled promise is never decided afterwards.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason", "say why the promise is cancelled")
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidInput("reason", f"the reason may have at most {MAX_REASON_CHARS} characters")
    with engine.connect() as conn:
        row = conn.execute(sa.select(Promise).where(Promise.id == promise_id)).first()
    if row is None:
        raise NotFound(f"no promise {promise_id}")
    check_customer_access(engine, actor, row.customer_id, write=True)
    with write_transaction(engine, actor) as conn:
        status = conn.execute(sa.select(Promise.status).where(Promise.id == promise_id)).scalar_one()
        if status != OPEN:
            raise ArDeskError(f"promise {promise_id} is {status}: only an open promise can be cancelled")
        now = utcnow()
        conn.execute(
            sa.update(Promise)
            .where(Promise.id == promise_id)
            .values(status=CANCELLED, cancelled_at=now, cancelled_by=actor.username, cancel_reason=reason)
        )
        record(
            conn, actor, "cancel_promise", "promise", promise_id,
            before={"customer_id": row.customer_id, "status": status},
            after={"customer_id": row.customer_id, "status": CANCELLED, "cancelled_at": now,
                   "cancel_reason": reason},
        )  # fmt: skip


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
            r.cancelled_at,
            r.cancelled_by,
            r.cancel_reason,
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
    """Every promise not cancelled (``PROMISE_SCHEMA``), no permission filter: worklist and huddle input.

    A cancelled promise is left out: it is neither open (nothing to follow up) nor broken (the
    worklist would otherwise read an undecided promise as open).
    """
    with engine.connect() as conn:
        return _query_promises(conn, None).filter(pl.col("status") != CANCELLED)


def _decide_by_coverage(  # noqa: PLR0917
    engine: sa.Engine,
    pending: pl.DataFrame,
    window: list[tuple[int, date]],
    snapshots: list[tuple[date, pl.DataFrame]],
    as_of: date,
    grace: int,
) -> pl.DataFrame:
    """Decide each promise only on the snapshots whose scope covers its customer.

    A partial extract (one company code) that did not look at a customer's account is no
    evidence about it: it neither keeps nor breaks that customer's promise. Customers covered
    by the same snapshots are decided together (usually one or two groups).
    """
    from ar_core.collections.promise_status import decide
    from ar_core.ledger import snapshot_scopes

    scopes = snapshot_scopes(engine)
    codes: dict[str, set[str | None]] = {}
    for _, frame in snapshots:
        for cid, code in frame.select("customer_id", "company_code").unique().iter_rows():
            codes.setdefault(cid, set()).add(code)
    groups: dict[tuple[int, ...], list[str]] = {}
    for cid in pending["customer_id"].unique().to_list():
        covering = tuple(
            i
            for i, (sid, _) in enumerate(window)
            if sid not in scopes or scopes[sid].covers_customer(cid, codes.get(cid, ()))
        )
        groups.setdefault(covering, []).append(cid)
    frames = [
        decide(
            pending.filter(pl.col("customer_id").is_in(cids)), [snapshots[i] for i in covering], as_of, grace
        )
        for covering, cids in groups.items()
    ]
    return pl.concat(frames, how="diagonal_relaxed") if frames else pending


def refresh_promise_statuses(
    engine: sa.Engine, grace_days: int | None = None, *, loaded: Mapping[int, pl.DataFrame] | None = None
) -> int:
    """Decide the open promises from the stored snapshots and store what changed; returns the count.

    Uses :func:`ar_core.collections.promise_status.decide` as of the latest snapshot with ``grace_days``
    (default: the ``promise_grace_days`` setting). Only the snapshots from the one each open
    promise was made against onward are loaded, each reduced to the promising customers;
    ``loaded`` passes snapshot frames the caller already holds (by snapshot id).
    """
    from ar_core.ledger import list_snapshots, load_customer_items
    from ar_core.settings import get_promise_grace_days

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
    window = snaps.filter(pl.col("as_of") >= first).select("snapshot_id", "as_of").rows()
    snapshots = [
        (
            as_of,
            loaded[sid].filter(pl.col("customer_id").is_in(customers))
            if loaded and sid in loaded
            else load_customer_items(engine, sid, customers),
        )
        for sid, as_of in window
    ]
    as_of = snaps["as_of"][-1]
    decided = _decide_by_coverage(engine, pending, window, snapshots, as_of, grace)
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
