"""Write-off and legal handover requests: request, four-eyes approval, exports, the register.

A request covers chosen open debit items of one customer in one currency at the latest snapshot
(whole items: see :mod:`ar_core.recovery.write_off_rules`), with a reason, evidence notes and the
requester. It is decided through an ``ar_core.access`` approval of the same kind (``write_off`` or
``legal_handover``): by a lead or controller (checked here, on the store's current roles) who is
not the requester and whose approval limit for the kind covers the amount (checked by ``access``;
limits are set per person by an admin). A rejected or withdrawn request stays, with its history;
its items may be requested again. The status shown follows the approval request (also when it
was decided on another page), and an approved request becomes "cleared in ERP" once a later
snapshot no longer lists any of its items as open.

Reads are scoped by the acting user (a collector: their portfolio); :func:`items_in_legal` is the
one unscoped read, for the dunning procedure's "in legal" block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import (
    Actor,
    active_actor,
    approve,
    check_customer_access,
    readable_customers,
    record,
    reject,
    request_approval,
    waiting_for,
    withdraw,
)
from ar_core.errors import ArDeskError, InvalidInput, NotFound, PermissionDenied
from ar_core.ledger import customer_items, open_items, snapshot_register
from ar_core.money import from_cents, to_cents
from ar_core.recovery.write_off_rules import (
    ACTIVE,
    APPROVED,
    CLEARED,
    ITEM_SCHEMA,
    KINDS,
    LEGAL_HANDOVER,
    PENDING,
    REASONS,
    REJECTED,
    REQUEST_SCHEMA,
    STATUSES,
    WITHDRAWN,
    reason_label,
    register_rows,
    request_status,
)
from ar_core.schema import item_key_expr
from ar_core.store.db import write_transaction
from ar_core.store.models import ApprovalRequest, WriteOffItem, WriteOffRequest, utcnow

#: Who decides requests (and needs an approval limit for the kind as well).
WRITE_OFF_APPROVERS = ("lead", "controller")
MAX_EVIDENCE_CHARS = 4_000
MAX_ITEMS = 500
_BATCH = 500


# --- reading -------------------------------------------------------------------------------------


def _latest(engine: sa.Engine) -> tuple[int, date] | None:
    """(id, as-of) of the latest snapshot in force."""
    for snap in snapshot_register(engine):
        return snap.snapshot_id, snap.as_of
    return None


def _request_rows(conn: sa.Connection, where: Sequence[Any]) -> list[Any]:
    query = (
        sa.select(WriteOffRequest.__table__,
                  ApprovalRequest.status.label("approval"), ApprovalRequest.decided_by.label("a_by"),
                  ApprovalRequest.decided_at.label("a_at"), ApprovalRequest.decision_note)
        .outerjoin(ApprovalRequest, ApprovalRequest.id == WriteOffRequest.approval_request_id)
        .where(*where)
        .order_by(WriteOffRequest.requested_at.desc(), WriteOffRequest.id.desc())
    )  # fmt: skip
    return conn.execute(query).all()


def _item_rows(conn: sa.Connection, request_ids: Sequence[int]) -> list[Any]:
    rows: list[Any] = []
    ids = list(request_ids)
    for start in range(0, len(ids), _BATCH):
        rows += conn.execute(
            sa.select(WriteOffItem)
            .where(WriteOffItem.request_id.in_(ids[start : start + _BATCH]))
            .order_by(WriteOffItem.request_id, WriteOffItem.due_date, WriteOffItem.doc_no)
        ).all()
    return rows


def _open_keys(engine: sa.Engine, snapshot: tuple[int, date], customer_ids: Iterable[str]) -> set[str]:
    """Item keys open at ``snapshot`` among ``customer_ids``' items (indexed reads of a few accounts)."""
    from ar_core.ledger import load_customer_items

    wanted = sorted(set(customer_ids))
    if not wanted:
        return set()
    items = open_items(load_customer_items(engine, snapshot[0], wanted), snapshot[1])
    return set(items.select(item_key_expr())["_item_key"].to_list())


def _statuses(
    engine: sa.Engine, rows: list[Any], keys: Mapping[int, list[str]]
) -> dict[int, tuple[str, Any]]:
    """Per request: (status, the as-of date of the snapshot that shows it cleared, or None)."""
    latest = _latest(engine)
    approved = [r for r in rows if (r.approval or r.status) == APPROVED]
    newest = None if latest is None else (latest[1], latest[0])
    later = [r for r in approved if newest is not None and newest > (r.snapshot_as_of, r.snapshot_id)]
    open_now = _open_keys(engine, latest, {r.customer_id for r in later}) if later else set()
    out = {}
    for r in rows:
        approval = r.approval or r.status
        status = request_status(
            approval,
            item_keys=keys.get(r.id, []),
            open_keys=open_now,
            requested_on=(r.snapshot_as_of, r.snapshot_id),
            latest=newest,
        )
        out[r.id] = (status, latest[1] if status == CLEARED else None)
    return out


def _frame(engine: sa.Engine, conn: sa.Connection, rows: list[Any]) -> pl.DataFrame:
    items = _item_rows(conn, [r.id for r in rows])
    keys: dict[int, list[str]] = {}
    for i in items:
        keys.setdefault(i.request_id, []).append(i.item_key)
    statuses = _statuses(engine, rows, keys)
    records = []
    for r in rows:
        status, cleared = statuses[r.id]
        records.append(
            (r.id, r.kind, r.customer_id, r.customer_name, r.collector, None, r.reason,
             reason_label(r.reason), r.evidence, from_cents(r.amount_cents), r.currency,
             len(keys.get(r.id, [])), status, STATUSES.get(status, status), r.approval_request_id,
             r.requested_by, r.requested_at,
             r.a_by or r.decided_by, r.a_at or r.decided_at, r.decision_note, r.snapshot_as_of, cleared)
        )  # fmt: skip
    frame = pl.DataFrame(records, schema=REQUEST_SCHEMA, orient="row")
    codes = {}
    for i in items:
        codes.setdefault(i.request_id, set()).add(i.company_code or "")
    return frame.with_columns(
        pl.col("request_id")
        .replace_strict(
            {k: ", ".join(sorted(v)) for k, v in codes.items()}, default=None, return_dtype=pl.String
        )
        .alias("company_code")
    )


def _scope(engine: sa.Engine, actor: Actor) -> list[Any]:
    readable = readable_customers(engine, actor)
    return [] if readable is None else [WriteOffRequest.customer_id.in_(sorted(readable))]


def list_write_offs(
    engine: sa.Engine,
    actor: Actor,
    *,
    kind: str | None = None,
    status: str | None = None,
    customer_id: str | None = None,
) -> pl.DataFrame:
    """Requests ``actor`` may read (``write_off_rules.REQUEST_SCHEMA``), newest first.

    ``status`` filters on the status shown (``write_off_rules.STATUSES``: ``cleared`` too).
    """
    if kind is not None and kind not in KINDS:
        raise InvalidInput("kind", f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    if status is not None and status not in STATUSES:
        raise InvalidInput("status", f"unknown status {status!r}: one of {', '.join(STATUSES)}")
    where = _scope(engine, actor)
    if kind is not None:
        where.append(WriteOffRequest.kind == kind)
    if customer_id is not None:
        check_customer_access(engine, actor, customer_id, write=False)
        where.append(WriteOffRequest.customer_id == customer_id)
    with engine.connect() as conn:
        frame = _frame(engine, conn, _request_rows(conn, where))
    return frame if status is None else frame.filter(pl.col("status") == status)


def requests_with_items(
    engine: sa.Engine, actor: Actor, *, kind: str | None, status: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """:func:`list_write_offs` of a status with every item of those requests (for the files)."""
    requests = list_write_offs(engine, actor, kind=kind, status=status)
    with engine.connect() as conn:
        items = _items_frame(_item_rows(conn, requests["request_id"].to_list()))
    return requests, items


def write_off_items(engine: sa.Engine, actor: Actor, request_id: int) -> pl.DataFrame:
    """The items of one request (``write_off_rules.ITEM_SCHEMA``), by due date."""
    with engine.connect() as conn:
        query = sa.select(WriteOffRequest.customer_id).where(WriteOffRequest.id == request_id)
        row = conn.execute(query).first()
        if row is None:
            raise NotFound(f"no write-off or legal handover request {request_id}")
        check_customer_access(engine, actor, row.customer_id, write=False)
        return _items_frame(_item_rows(conn, [request_id]))


def _items_frame(rows: list[Any]) -> pl.DataFrame:
    records = [
        (i.request_id, i.item_key, i.company_code, i.fiscal_year, i.doc_no, i.line_item, i.doc_type,
         i.doc_date, i.due_date, from_cents(i.amount_cents), i.currency, i.reference, i.dunning_level)
        for i in rows
    ]  # fmt: skip
    return pl.DataFrame(records, schema=ITEM_SCHEMA, orient="row")


def write_offs_waiting_for(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Pending requests ``actor`` may decide: a lead or controller, not their own, within their limit."""
    if not actor.has(*WRITE_OFF_APPROVERS):
        return pl.DataFrame(schema=REQUEST_SCHEMA)
    ids = waiting_for(engine, actor).filter(pl.col("kind").is_in(list(KINDS)))["request_id"].to_list()
    if not ids:
        return pl.DataFrame(schema=REQUEST_SCHEMA)
    with engine.connect() as conn:
        rows = _request_rows(conn, [WriteOffRequest.approval_request_id.in_(ids)])
        return _frame(engine, conn, rows).sort("requested_at", "request_id")


def write_off_register(
    engine: sa.Engine, actor: Actor, *, start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """The register of ``actor``'s readable write-offs (``write_off_rules.WRITE_OFF_REGISTER_SCHEMA``)."""
    return register_rows(list_write_offs(engine, actor, kind="write_off"), start=start, end=end)


def items_in_legal(engine: sa.Engine) -> frozenset[str]:
    """Item keys of approved legal handovers not yet cleared in the ERP (unscoped: for dunning)."""
    with engine.connect() as conn:
        rows = _request_rows(conn, [WriteOffRequest.kind == LEGAL_HANDOVER])
        rows = [r for r in rows if (r.approval or r.status) == APPROVED]
        items = _item_rows(conn, [r.id for r in rows])
    keys: dict[int, list[str]] = {}
    for i in items:
        keys.setdefault(i.request_id, []).append(i.item_key)
    statuses = _statuses(engine, rows, keys)
    return frozenset(k for r in rows if statuses[r.id][0] == APPROVED for k in keys.get(r.id, []))


# --- requesting ----------------------------------------------------------------------------------


def _text(value: str | None, field: str, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, f"say {what}")
    if len(text) > limit:
        raise InvalidInput(field, f"{what} has at most {limit:,} characters")
    return text


def _active_keys(conn: sa.Connection, keys: Sequence[str]) -> dict[str, int]:
    """Item key -> the pending or approved request that already holds it."""
    out: dict[str, int] = {}
    for start in range(0, len(keys), _BATCH):
        rows = conn.execute(
            sa.select(WriteOffItem.item_key, WriteOffRequest.id, WriteOffRequest.status,
                      ApprovalRequest.status.label("approval"))
            .join(WriteOffRequest, WriteOffRequest.id == WriteOffItem.request_id)
            .outerjoin(ApprovalRequest, ApprovalRequest.id == WriteOffRequest.approval_request_id)
            .where(WriteOffItem.item_key.in_(keys[start : start + _BATCH]))
        ).all()  # fmt: skip
        out |= {r.item_key: r.id for r in rows if (r.approval or r.status) in ACTIVE}
    return out


def _collector(conn: sa.Connection, customer_id: str) -> str | None:
    from ar_core.store.models import Customer

    return conn.execute(sa.select(Customer.collector).where(Customer.customer_id == customer_id)).scalar()


def _chosen(
    engine: sa.Engine, actor: Actor, customer_id: str, keys: Sequence[str]
) -> tuple[tuple[int, date], pl.DataFrame]:
    """The latest snapshot and the chosen items in it: open debits of the customer in one currency."""
    latest = _latest(engine)
    if latest is None:
        raise InvalidInput("item_keys", "there is no snapshot yet: import an extract first")
    items = open_items(customer_items(engine, actor, latest[0], customer_id), latest[1])
    chosen = items.with_columns(item_key_expr()).filter(pl.col("_item_key").is_in(list(keys)))
    missing = sorted(set(keys) - set(chosen["_item_key"].to_list()))
    if missing:
        raise InvalidInput("item_keys", f"not an open item of customer {customer_id}: {', '.join(missing)}")
    if chosen.filter(pl.col("amount") <= 0).height:
        raise InvalidInput("item_keys", "only open invoices (debits) are written off or handed over")
    currencies = sorted(set(chosen["currency"].to_list()))
    if len(currencies) != 1:
        raise InvalidInput("item_keys", f"a request covers one currency, not {', '.join(currencies)}")
    return latest, chosen


def request_write_off(
    engine: sa.Engine,
    actor: Actor,
    *,
    kind: str,
    customer_id: str,
    item_keys: Sequence[str],
    reason: str,
    evidence: str,
) -> int:
    """Ask for a write-off or a legal handover of open items of one customer; returns the request id.

    The items are open debits of the customer at the latest snapshot (``schema.item_key``), in one
    currency, in no other pending or approved request; the amount is their open amount. A
    collector asks for their portfolio, a lead for any customer. Audited; the four-eyes request
    is made at once (withdrawn again if the request cannot be stored).
    """
    if kind not in KINDS:
        raise InvalidInput("kind", f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    if reason not in REASONS:
        raise InvalidInput("reason", f"unknown reason {reason!r}: one of {', '.join(REASONS)}")
    notes = _text(evidence, "evidence", "what shows the claim is lost (evidence)", MAX_EVIDENCE_CHARS)
    keys = list(dict.fromkeys(k for k in item_keys if k))
    if not keys:
        raise InvalidInput("item_keys", "choose at least one open item")
    if len(keys) > MAX_ITEMS:
        raise InvalidInput("item_keys", f"a request covers at most {MAX_ITEMS} items")
    check_customer_access(engine, actor, customer_id, write=True)
    latest, chosen = _chosen(engine, actor, customer_id, keys)
    currency = chosen["currency"][0]
    cents = sum(to_cents(Decimal(a)) for a in chosen["amount"].to_list())
    name = next((n for n in chosen["customer_name"].to_list() if n), None)
    with engine.connect() as conn:
        taken = _active_keys(conn, keys)
        collector = _collector(conn, customer_id)
    if taken:
        raise InvalidInput("item_keys", _taken_text(taken))
    collector = collector or next((c for c in chosen["collector"].to_list() if c), None)
    subject = f"{KINDS[kind]} of {len(keys)} item(s) of customer {customer_id} {name or ''}".strip()[:200]
    approval_id = request_approval(engine, actor, kind=kind, subject=subject,
                                   reason=f"{REASONS[reason]}: {notes}", amount=from_cents(cents),
                                   currency=currency)  # fmt: skip
    try:
        with write_transaction(engine, actor) as conn:
            taken = _active_keys(conn, keys)
            if taken:
                raise InvalidInput("item_keys", _taken_text(taken))
            values = {"kind": kind, "customer_id": customer_id, "customer_name": name, "collector": collector,
                      "reason": reason, "evidence": notes, "amount_cents": cents, "currency": currency,
                      "snapshot_id": latest[0], "snapshot_as_of": latest[1], "status": PENDING,
                      "approval_request_id": approval_id, "requested_by": actor.username,
                      "requested_at": utcnow()}  # fmt: skip
            request_id = conn.execute(
                sa.insert(WriteOffRequest).values(**values).returning(WriteOffRequest.id)
            ).scalar_one()
            lines = [_item_values(request_id, r) for r in chosen.iter_rows(named=True)]
            conn.execute(sa.insert(WriteOffItem), lines)
            after = {**values, "amount": from_cents(cents), "items": [v["item_key"] for v in lines]}
            after.pop("requested_at")
            record(conn, actor, f"request_{kind}", "write_off_request", request_id, after=after)
    except BaseException:
        withdraw(engine, actor, approval_id, "request not recorded")
        raise
    return int(request_id)


def _taken_text(taken: Mapping[str, int]) -> str:
    return "already in a pending or approved request: " + ", ".join(
        f"{k} (request {v})" for k, v in sorted(taken.items())
    )


def _item_values(request_id: int, r: Mapping[str, Any]) -> dict[str, Any]:
    return {"request_id": request_id, "item_key": r["_item_key"], "company_code": r["company_code"],
            "fiscal_year": r["fiscal_year"], "doc_no": r["doc_no"], "line_item": r["line_item"],
            "doc_type": r["doc_type"], "doc_date": r["doc_date"], "due_date": r["due_date"],
            "amount_cents": to_cents(Decimal(r["amount"])), "currency": r["currency"],
            "reference": (r["reference"] or None) and str(r["reference"])[:100],
            "dunning_level": r["dunning_level"]}  # fmt: skip


# --- deciding ------------------------------------------------------------------------------------


def _request(engine: sa.Engine, request_id: int) -> Any:
    with engine.connect() as conn:
        query = sa.select(WriteOffRequest.__table__).where(WriteOffRequest.id == request_id)
        row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no write-off or legal handover request {request_id}")
    return row


def _check_approver(engine: sa.Engine, actor: Actor) -> None:
    """A lead or controller as the store has them now (a collector never decides, whatever limit)."""
    actor.require(*WRITE_OFF_APPROVERS, doing="decide write-offs and legal handovers")
    with engine.connect() as conn:
        fresh = active_actor(conn, actor.username)
    if not fresh.has(*WRITE_OFF_APPROVERS):
        raise PermissionDenied(
            f"{actor.username} may not decide write-offs and legal handovers: needs the role "
            "lead or controller"
        )


def _check_still_open(engine: sa.Engine, row: Any) -> None:
    """Refuse approving invoices a later snapshot no longer lists: paid (or cleared) meanwhile."""
    latest = _latest(engine)
    if latest is None or (latest[1], latest[0]) <= (row.snapshot_as_of, row.snapshot_id):
        return
    with engine.connect() as conn:
        items = _item_rows(conn, [row.id])
    still_open = _open_keys(engine, latest, [row.customer_id])
    gone = [i.doc_no for i in items if i.item_key not in still_open]
    if gone:
        raise InvalidInput(
            "request_id",
            f"invoice(s) {', '.join(gone)} of request {row.id} are no longer open in the snapshot of "
            f"{latest[1]:%d.%m.%Y} (paid or cleared meanwhile): reject the request, or ask again",
        )


def _decide(engine: sa.Engine, actor: Actor, request_id: int, status: str, note: str | None) -> None:
    _check_approver(engine, actor)
    row = _request(engine, request_id)
    if row.approval_request_id is None:
        raise ArDeskError(f"request {request_id} has no approval request")
    # the primitive's rules: not the requester, within the approver's limit for the kind
    if status == APPROVED:
        _check_still_open(engine, row)
        approve(engine, actor, row.approval_request_id, note)
    else:
        reject(engine, actor, row.approval_request_id, note or "")
    with write_transaction(engine, actor) as conn:
        conn.execute(
            sa.update(WriteOffRequest)
            .where(WriteOffRequest.id == request_id)
            .values(status=status, decided_by=actor.username, decided_at=utcnow())
        )
        action = f"{'approve' if status == APPROVED else 'reject'}_{row.kind}"
        record(conn, actor, action, "write_off_request", request_id,
               before={"status": row.status}, after={"status": status, "note": note})  # fmt: skip


def approve_write_off(engine: sa.Engine, actor: Actor, request_id: int, note: str | None = None) -> None:
    """Approve a request: a lead or controller, not the requester, whose approval limit covers it."""
    _decide(engine, actor, request_id, APPROVED, (note or "").strip() or None)


def reject_write_off(engine: sa.Engine, actor: Actor, request_id: int, note: str) -> None:
    """Reject a request, saying why (same rules as :func:`approve_write_off`); it keeps its history."""
    text = (note or "").strip()
    if not text:
        raise InvalidInput("note", "say why the request is rejected")
    _decide(engine, actor, request_id, REJECTED, text)


def withdraw_write_off(engine: sa.Engine, actor: Actor, request_id: int, note: str | None = None) -> None:
    """The requester takes back a pending request (its items may be requested again)."""
    row = _request(engine, request_id)
    withdraw(engine, actor, row.approval_request_id, note)
    with write_transaction(engine, actor) as conn:
        where = WriteOffRequest.id == request_id
        conn.execute(sa.update(WriteOffRequest).where(where).values(status=WITHDRAWN))
        record(conn, actor, f"withdraw_{row.kind}", "write_off_request", request_id,
               before={"status": row.status}, after={"status": WITHDRAWN, "note": note})  # fmt: skip
