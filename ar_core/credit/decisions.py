"""What people decide about the allocation suggestions, and what the ERP is asked to clear.

A suggestion (:mod:`ar_core.credit.allocation`) is recomputed from the snapshot; a decision is
a person's and is stored (``allocation_decisions``): accepted as suggested, split by hand, or
rejected with a reason. The latest decision per credit counts, older ones stay as history. An
accepted (or split) credit is *pending* until a later snapshot no longer lists it as open: then
the ERP has cleared it and it is *posted*. Refunds of credits are marked here too; above the
``refund_approval_threshold`` setting (reporting currency) they wait for four eyes
(``access.approvals``, kind ``refund``), decided by another lead or controller.

Every write checks write access to the customers involved, re-checks on its own transaction that
the snapshot it validated against is still the latest and that no other decision took the same
invoice, and is audited in that transaction. Bad input is ``InvalidInput(field, message)``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core import config
from ar_core.access import Actor, check_customers_access, readable_customers, record
from ar_core.credit.allocation import SUGGESTION_SCHEMA, customer_groups
from ar_core.errors import InvalidInput, NotFound
from ar_core.memo import memo
from ar_core.money import from_cents, to_cents
from ar_core.schema import MONEY, item_key_expr
from ar_core.store.db import write_transaction
from ar_core.store.models import AllocationDecision, ApprovalRequest, CreditRefund, Snapshot, utcnow

ACCEPTED, SPLIT, REJECTED = "accepted", "split", "rejected"
OPEN, POSTED, PENDING = "open", "posted", "pending"
#: ``status`` of :func:`allocation_suggestions`.
STATUSES = (OPEN, ACCEPTED, SPLIT, REJECTED, POSTED, PENDING)
#: Who may take a suggestion across a customer group (``needs_approval``): the group is the lead's call.
GROUP_ROLES = ("lead",)
#: Who decides a refund above the threshold (besides holding an approval limit for ``refund``).
REFUND_APPROVERS = ("lead", "controller")
MAX_TEXT = 4_000
#: Refund statuses that block a second refund of the same credit.
ACTIVE_REFUNDS = ("approved", "pending")

DECISION_COLUMNS: dict[str, pl.DataType] = {
    "status": pl.String(),
    "decided_by": pl.String(),
    "decided_at": pl.Datetime("us", "UTC"),
    "decision_reason": pl.String(),
    "refund_status": pl.String(),
}
#: :func:`allocation_suggestions`: the suggestion, then the decision laid over it.
DECIDED_SCHEMA: dict[str, pl.DataType] = {**SUGGESTION_SCHEMA, **DECISION_COLUMNS}
CLEARING_SCHEMA: dict[str, pl.DataType] = {
    "company_code": pl.String(),
    "customer_id": pl.String(),
    "credit_doc": pl.String(),
    "invoice_docs": pl.List(pl.String()),
    "amount": MONEY,
    "currency": pl.String(),
    "status": pl.String(),
    "decided_by": pl.String(),
    "decided_at": pl.Datetime("us", "UTC"),
}
REFUND_SCHEMA: dict[str, pl.DataType] = {
    "refund_id": pl.Int64(),
    "credit_key": pl.String(),
    "credit_doc": pl.String(),
    "customer_id": pl.String(),
    "amount": MONEY,
    "currency": pl.String(),
    "reason": pl.String(),
    "status": pl.String(),
    "approval_id": pl.Int64(),
    "requested_by": pl.String(),
    "requested_at": pl.Datetime("us", "UTC"),
}


# --- the snapshot and its open items ------------------------------------------------------------


def _snapshot(engine: sa.Engine, as_of: date | None = None) -> tuple[int, date] | None:
    """(id, as-of) of the latest snapshot in force, or the latest on/before ``as_of``."""
    from ar_core.ledger import snapshot_register

    for snap in snapshot_register(engine):
        if as_of is None or snap.as_of <= as_of:
            return snap.snapshot_id, snap.as_of
    return None


def _latest(engine: sa.Engine) -> tuple[int, date]:
    found = _snapshot(engine)
    if found is None:
        raise InvalidInput("credit_key", "there is no snapshot yet: import an extract first")
    return found


def _check_still_latest(conn: sa.Connection, snapshot_id: int) -> None:
    """On the write's transaction: a snapshot imported since the check would make it stale."""
    latest = conn.execute(
        sa.select(Snapshot.id)
        .where(Snapshot.retired_at.is_(None))
        .order_by(Snapshot.as_of.desc(), Snapshot.id.desc())
        .limit(1)
    ).scalar()
    if latest != snapshot_id:
        raise InvalidInput(
            "credit_key", "the ledger changed (a snapshot was imported or removed): look again"
        )


def _open_frame(engine: sa.Engine, snapshot_id: int, as_of: date) -> pl.DataFrame:
    """The items open at the snapshot keyed by item key (shared: the snapshot never changes)."""
    from ar_core.ledger import ledger_items, ledger_key, open_items

    def compute() -> pl.DataFrame:
        frame = open_items(ledger_items(engine, snapshot_id), as_of).with_columns(item_key_expr())
        return frame.select(
            "_item_key", "customer_id", "company_code", "currency", "doc_no", "amount",
            "fiscal_year", "line_item",
        )  # fmt: skip

    return memo(engine, "credit_open_items", (ledger_key(engine, snapshot_id), as_of), compute, keep=2)


@dataclass(frozen=True)
class Item:
    """An open item as a decision needs it; ``cents`` signed (credits negative)."""

    key: str
    doc: str
    customer_id: str
    company_code: str | None
    currency: str
    cents: int


def _items(frame: pl.DataFrame, keys: Iterable[str]) -> dict[str, Item]:
    wanted = list(dict.fromkeys(keys))
    rows = frame.filter(pl.col("_item_key").is_in(wanted))
    out: dict[str, Item] = {}
    for r in rows.iter_rows(named=True):
        if r["amount"] is None:
            continue
        cents = to_cents(Decimal(r["amount"]))
        key = r["_item_key"]
        if key in out:  # two lines under one key: their open amounts add up
            cents += out[key].cents
        out[key] = Item(key, str(r["doc_no"]), r["customer_id"], r["company_code"], r["currency"], cents)
    return out


def _credit(frame: pl.DataFrame, credit_key: str) -> Item:
    credit = _items(frame, [credit_key]).get(credit_key)
    if credit is None or credit.cents >= 0:
        raise InvalidInput("credit_key", f"{credit_key} is not an open credit in the latest snapshot")
    return credit


# --- suggestions ---------------------------------------------------------------------------------


def _suggestions(engine: sa.Engine, snapshot_id: int, as_of: date) -> pl.DataFrame:
    """The pure suggestions of the whole ledger, once per snapshot, tolerance and customer master.

    Computing them for a million items takes seconds; every page view and write reuses them.
    """
    from ar_core.credit.allocation import suggest_allocations
    from ar_core.ledger import all_customers, customers_version, ledger_items, ledger_key
    from ar_core.settings import get_allocation_tolerance

    tolerance = get_allocation_tolerance(engine)
    key = (ledger_key(engine, snapshot_id), as_of, str(tolerance), customers_version(engine))

    def compute() -> pl.DataFrame:
        items = ledger_items(engine, snapshot_id)
        return suggest_allocations(items, all_customers(engine), as_of, tolerance=tolerance)

    return memo(engine, "credit_suggestions", key, compute, keep=3)


def _suggestion(engine: sa.Engine, snapshot_id: int, as_of: date, credit_key: str) -> dict[str, Any] | None:
    rows = _suggestions(engine, snapshot_id, as_of).filter(pl.col("credit_key") == credit_key)
    return rows.row(0, named=True) if rows.height else None


def _readable_rows(frame: pl.DataFrame, readable: frozenset[str] | None) -> pl.DataFrame:
    """Rows whose credit *and* every invoice belong to readable customers.

    A group suggestion names another customer's invoices: a collector without that customer
    sees neither the row nor its documents (the lead decides group allocations anyway).
    """
    if readable is None:
        return frame
    allowed = list(readable)
    return frame.filter(
        pl.col("customer_id").is_in(allowed)
        & pl.col("invoice_customers").list.eval(pl.element().is_in(allowed)).list.all()
    )


# --- decisions as stored -------------------------------------------------------------------------


def _latest_decisions(conn: sa.Connection, *, customers: frozenset[str] | None = None) -> list[Any]:
    """The latest decision per credit (older ones are history)."""
    d = AllocationDecision
    newest = sa.select(sa.func.max(d.id)).group_by(d.credit_key)
    query = sa.select(d.__table__).where(d.id.in_(newest)).order_by(d.id)
    if customers is not None:
        query = query.where(d.customer_id.in_(sorted(customers)))
    return list(conn.execute(query).all())


def _snapshot_dates(conn: sa.Connection) -> dict[int, date]:
    return dict(conn.execute(sa.select(Snapshot.id, Snapshot.as_of)).all())


def _allocations(row: Any) -> list[dict[str, Any]]:
    return json.loads(row.allocations or "[]")


def _status(row: Any, open_keys: set[str], dates: dict[int, date], as_of: date) -> str | None:
    """The decision's status seen from a snapshot at ``as_of``; ``None``: nothing to show."""
    if row.decision == REJECTED:
        return REJECTED if row.credit_key in open_keys else None
    posted_on = dates.get(row.posted_snapshot_id) if row.posted_snapshot_id is not None else None
    if (posted_on is not None and posted_on <= as_of) or row.credit_key not in open_keys:
        return POSTED
    return row.decision if dates.get(row.snapshot_id) == as_of else PENDING


def _refund_statuses(conn: sa.Connection, credit_keys: Sequence[str]) -> dict[str, str]:
    """The latest refund's status per credit; one with an approval request follows the request."""
    out: dict[str, str] = {}
    for start in range(0, len(credit_keys), 5_000):
        rows = conn.execute(
            sa.select(CreditRefund.credit_key, CreditRefund.status, ApprovalRequest.status.label("approval"))
            .outerjoin(ApprovalRequest, ApprovalRequest.id == CreditRefund.approval_id)
            .where(CreditRefund.credit_key.in_(credit_keys[start : start + 5_000]))
            .order_by(CreditRefund.id)
        )
        for key, status, approval in rows:
            out[key] = approval or status
    return out


def allocation_suggestions(engine: sa.Engine, actor: Actor, *, as_of: date | None = None) -> pl.DataFrame:
    """The suggestions at the latest snapshot (or the latest on/before ``as_of``) that ``actor`` may
    read, with the latest decision per credit laid over them (:data:`DECIDED_SCHEMA`).

    ``status``: ``open`` (no decision), ``accepted``/``split`` (decided on this snapshot),
    ``pending`` (decided on an earlier one, the credit still open), ``posted`` (the credit no longer
    open: the ERP cleared it), ``rejected``. Accepted and split rows show what was decided; a
    decided credit without a suggestion (split by hand, posted) gets a row of its own.
    Decisions taken on later snapshots than the one shown are not laid over it.
    """
    found = _snapshot(engine, as_of)
    if found is None:
        return pl.DataFrame(schema=DECIDED_SCHEMA)
    snapshot_id, snap_as_of = found
    readable = readable_customers(engine, actor)
    base = _readable_rows(_suggestions(engine, snapshot_id, snap_as_of), readable)
    with engine.connect() as conn:
        dates = _snapshot_dates(conn)
        decisions = [
            d
            for d in _latest_decisions(conn, customers=readable)
            if dates.get(d.snapshot_id, date.max) <= snap_as_of
        ]
        keys = sorted(set(base["credit_key"]) | {d.credit_key for d in decisions})
        refunds = _refund_statuses(conn, keys)
    open_frame = _open_frame(engine, snapshot_id, snap_as_of)
    open_items = _items(open_frame, [d.credit_key for d in decisions])
    open_keys = {k for k, i in open_items.items() if i.cents < 0}
    by_key = {r["credit_key"]: r for r in base.iter_rows(named=True)}
    rows = []
    for row in by_key.values():
        rows.append({**row, **dict.fromkeys(DECISION_COLUMNS), "status": OPEN})
    index = {r["credit_key"]: n for n, r in enumerate(rows)}
    for d in decisions:
        status = _status(d, open_keys, dates, snap_as_of)
        if status is None:
            continue
        if d.credit_key in index:
            row = rows[index[d.credit_key]]
        elif d.decision == REJECTED:
            continue  # rejected, and no suggestion left to reject: nothing to show
        else:
            credit = open_items.get(d.credit_key)
            row = {
                **dict.fromkeys(SUGGESTION_SCHEMA), "credit_key": d.credit_key, "credit_doc": d.credit_doc,
                "customer_id": d.customer_id, "company_code": d.company_code, "currency": d.currency,
                "credit_amount": None if credit is None else from_cents(-credit.cents), "rule": d.rule,
                "evidence": f"{d.decision} by {d.decided_by}", "needs_approval": False, "candidates": [],
            }  # fmt: skip
            rows.append(row)
        if d.decision in (ACCEPTED, SPLIT):
            parts = _allocations(d)
            row.update(
                invoice_keys=[p["key"] for p in parts],
                invoice_docs=[p["doc"] for p in parts],
                invoice_customers=[p["customer_id"] for p in parts],
                amount=from_cents(sum(p["cents"] for p in parts)),
            )
            if row["credit_amount"] is not None:
                row["residual"] = row["credit_amount"] - row["amount"]
        row.update(status=status, decided_by=d.decided_by, decided_at=d.decided_at, decision_reason=d.reason)
    for row in rows:
        row["refund_status"] = refunds.get(row["credit_key"])
    frame = pl.DataFrame(rows, schema=DECIDED_SCHEMA) if rows else pl.DataFrame(schema=DECIDED_SCHEMA)
    return frame.sort("customer_id", "credit_key")


# --- writing a decision ----------------------------------------------------------------------


def _claimed(conn: sa.Connection, open_keys: set[str], except_credit: str) -> dict[str, int]:
    """Cents of each invoice that other credits' pending decisions already settle."""
    claimed: dict[str, int] = {}
    for d in _latest_decisions(conn):
        if d.credit_key == except_credit or d.decision == REJECTED or d.posted_snapshot_id is not None:
            continue
        if d.credit_key not in open_keys:  # cleared meanwhile: its invoices are no longer open either
            continue
        for part in _allocations(d):
            claimed[part["key"]] = claimed.get(part["key"], 0) + int(part["cents"])
    return claimed


def _view(row: Any) -> dict[str, Any]:
    return {c: getattr(row, c) for c in ("credit_key", "credit_doc", "customer_id", "decision", "rule",
            "reason", "snapshot_id", "decided_by", "confirmation", "confirmed_on", "posted_snapshot_id")} | {
        "allocations": _allocations(row)}  # fmt: skip


def _write(  # noqa: PLR0917 - one private writer for the three decisions
    engine: sa.Engine,
    actor: Actor,
    snapshot: tuple[int, date],
    credit: Item,
    decision: str,
    parts: list[tuple[Item, int]],
    *,
    rule: str | None,
    reason: str | None,
) -> int:
    """Store one decision after the access check; the claims re-checked on the transaction."""
    check_customers_access(
        engine, actor, {credit.customer_id, *(i.customer_id for i, _ in parts)}, write=True
    )
    open_frame = _open_frame(engine, *snapshot)
    allocations = [{"key": i.key, "doc": i.doc, "customer_id": i.customer_id, "cents": c} for i, c in parts]
    with write_transaction(engine, actor) as conn:
        _check_still_latest(conn, snapshot[0])
        if decision != REJECTED:
            decided_keys = [d.credit_key for d in _latest_decisions(conn)]
            open_keys = {k for k, i in _items(open_frame, decided_keys).items() if i.cents < 0}
            claimed = _claimed(conn, open_keys, credit.key)
            for item, cents in parts:
                if claimed.get(item.key, 0) + cents > item.cents:
                    left = from_cents(max(item.cents - claimed.get(item.key, 0), 0))
                    raise InvalidInput(
                        "invoice_keys",
                        f"invoice {item.doc} is already settled by another credit's decision: "
                        f"{left} left open",
                    )
        values = {
            "credit_key": credit.key, "credit_doc": credit.doc, "customer_id": credit.customer_id,
            "company_code": credit.company_code, "currency": credit.currency, "decision": decision,
            "allocations": json.dumps(allocations), "rule": rule, "reason": reason,
            "snapshot_id": snapshot[0], "decided_by": actor.username, "decided_at": utcnow(),
        }  # fmt: skip
        new_id = conn.execute(
            sa.insert(AllocationDecision).values(**values).returning(AllocationDecision.id)
        ).scalar_one()
        row = conn.execute(
            sa.select(AllocationDecision.__table__).where(AllocationDecision.id == new_id)
        ).one()
        record(conn, actor, f"{decision}_allocation", "allocation_decision", new_id, after=_view(row))
    return int(new_id)


def _spread(cents: int, invoices: list[Item]) -> list[tuple[Item, int]]:
    """``cents`` of a credit over ``invoices`` in order, each up to its open amount."""
    parts, left = [], cents
    for item in invoices:
        take = min(left, item.cents)
        if take > 0:
            parts.append((item, take))
            left -= take
    return parts


def _require_group_lead(actor: Actor) -> None:
    if not actor.has(*GROUP_ROLES):
        raise InvalidInput(
            "credit_key", "this allocation crosses customers of a group (needs approval): a lead decides it"
        )


def accept_suggestion(
    engine: sa.Engine, actor: Actor, credit_key: str, *, invoice_keys: Sequence[str] | None = None
) -> int:
    """Accept the suggestion for ``credit_key`` as it stands; returns the decision id.

    An ambiguous suggestion is accepted only with ``invoice_keys`` naming the invoices of one of
    its candidates; otherwise ``invoice_keys``, if given, must be the suggestion's own (another
    choice is a :func:`split_allocation`). A group suggestion (``needs_approval``) needs a lead.
    """
    snapshot = _latest(engine)
    frame = _open_frame(engine, *snapshot)
    credit = _credit(frame, credit_key)
    row = _suggestion(engine, *snapshot, credit_key)
    if row is None:
        raise InvalidInput("credit_key", f"there is no suggestion for credit {credit.doc}: split it by hand")
    if row["needs_approval"]:
        _require_group_lead(actor)
    chosen = list(invoice_keys or [])
    if row["rule"] == "ambiguous":
        if not chosen:
            raise InvalidInput("invoice_keys", "the suggestion is ambiguous: choose one of its candidates")
        found = _items(frame, chosen)
        docs = sorted(found[k].doc for k in chosen if k in found)
        if len(found) != len(set(chosen)) or docs not in [sorted(c) for c in row["candidates"]]:
            raise InvalidInput("invoice_keys", "choose the invoices of one of the suggestion's candidates")
        invoices = [found[k] for k in dict.fromkeys(chosen)]
        if any(
            i.cents <= 0 or (i.customer_id != credit.customer_id and not row["needs_approval"])
            for i in invoices
        ):
            raise InvalidInput("invoice_keys", "the candidates are open invoices of the credit's customer")
        amount = min(-credit.cents, sum(i.cents for i in invoices))
    else:
        if chosen and sorted(chosen) != sorted(row["invoice_keys"]):
            raise InvalidInput(
                "invoice_keys", "these are not the suggested invoices: split the credit instead"
            )
        found = _items(frame, row["invoice_keys"])
        invoices = [found[k] for k in row["invoice_keys"] if k in found]
        amount = to_cents(row["amount"])
    parts = _spread(amount, invoices)
    if not parts:
        raise InvalidInput("credit_key", "the suggested invoices are no longer open")
    return _write(engine, actor, snapshot, credit, ACCEPTED, parts, rule=row["rule"], reason=None)


def reject_suggestion(engine: sa.Engine, actor: Actor, credit_key: str, reason: str) -> int:
    """Reject the suggestion for ``credit_key``, saying why (the reason is the page's history)."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("reason", "say why the suggestion is wrong")
    if len(text) > MAX_TEXT:
        raise InvalidInput("reason", f"a reason has at most {MAX_TEXT:,} characters")
    snapshot = _latest(engine)
    frame = _open_frame(engine, *snapshot)
    credit = _credit(frame, credit_key)
    row = _suggestion(engine, *snapshot, credit_key)
    if row is None:
        raise InvalidInput("credit_key", f"there is no suggestion for credit {credit.doc} to reject")
    found = _items(frame, row["invoice_keys"])
    parts = [(found[k], 0) for k in row["invoice_keys"] if k in found]  # what was rejected, settling nothing
    return _write(engine, actor, snapshot, credit, REJECTED, parts, rule=row["rule"], reason=text)


def _amount(value: Any) -> int:
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise InvalidInput("allocations", f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput("allocations", f"each amount must be greater than 0, got {value}")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput("allocations", f"{amount} has more than two decimals")
    return to_cents(amount)


def split_allocation(
    engine: sa.Engine, actor: Actor, credit_key: str, allocations: Sequence[tuple[str, Decimal]]
) -> int:
    """Settle ``credit_key`` by hand: ``[(invoice key, amount), ...]``; returns the decision id.

    Amounts > 0, each at most the invoice's open amount, together at most the credit; invoices of
    the credit's customer, company code and currency — another customer of the credit's group
    only when the suggestion is a group one, and then a lead decides.
    """
    if not allocations:
        raise InvalidInput("allocations", "name at least one invoice and its amount")
    snapshot = _latest(engine)
    frame = _open_frame(engine, *snapshot)
    credit = _credit(frame, credit_key)
    wanted = [(str(k), _amount(a)) for k, a in allocations]
    keys = [k for k, _ in wanted]
    if len(set(keys)) != len(keys):
        raise InvalidInput("allocations", "an invoice is named twice")
    found = _items(frame, keys)
    suggestion = _suggestion(engine, *snapshot, credit_key)
    group = bool(suggestion and suggestion["needs_approval"])
    members = _group_members(engine, credit.customer_id) if group else {credit.customer_id}
    for key, cents in wanted:
        item = found.get(key)
        if item is None or item.cents <= 0:
            raise InvalidInput("allocations", f"{key} is not an open invoice in the latest snapshot")
        same_account = (item.company_code, item.currency) == (credit.company_code, credit.currency)
        if item.customer_id not in members or not same_account:
            raise InvalidInput(
                "allocations",
                f"invoice {item.doc} is not an invoice of customer {credit.customer_id} "
                f"in company code {credit.company_code} and {credit.currency}",
            )
        if cents > item.cents:
            raise InvalidInput(
                "allocations",
                f"{from_cents(cents)} exceeds the open amount {from_cents(item.cents)} of {item.doc}",
            )
    total = sum(c for _, c in wanted)
    if total > -credit.cents:
        raise InvalidInput(
            "allocations", f"together {from_cents(total)}: more than the credit's {from_cents(-credit.cents)}"
        )
    if any(found[k].customer_id != credit.customer_id for k in keys):
        _require_group_lead(actor)
    parts = [(found[k], c) for k, c in wanted]
    return _write(engine, actor, snapshot, credit, SPLIT, parts, rule="manual", reason=None)


def _group_members(engine: sa.Engine, customer_id: str) -> set[str]:
    from ar_core.ledger import all_customers

    groups = customer_groups(all_customers(engine))
    group = groups.get(customer_id)
    return {customer_id} if group is None else {c for c, g in groups.items() if g == group}


def record_confirmation(engine: sa.Engine, actor: Actor, credit_key: str, text: str, on: date) -> None:
    """Note the customer's confirmation of where a decided credit belongs (text, day received).

    Kept on the credit's latest accepted or split decision: the proof the ERP team asks for.
    """
    body = (text or "").strip()
    if not body:
        raise InvalidInput("text", "quote or summarise the customer's confirmation")
    if len(body) > MAX_TEXT:
        raise InvalidInput("text", f"a confirmation has at most {MAX_TEXT:,} characters")
    if not isinstance(on, date) or on > config.today():
        raise InvalidInput("on", "the confirmation's day is a date, not in the future")
    d = AllocationDecision
    with engine.connect() as conn:
        latest = conn.execute(
            sa.select(d.__table__).where(d.credit_key == credit_key).order_by(d.id.desc()).limit(1)
        ).first()
    if latest is None or latest.decision == REJECTED:
        raise InvalidInput(
            "credit_key", "accept or split the credit's allocation before noting a confirmation"
        )
    check_customers_access(engine, actor, [latest.customer_id], write=True)
    with write_transaction(engine, actor) as conn:
        newest = conn.execute(sa.select(sa.func.max(d.id)).where(d.credit_key == credit_key)).scalar()
        if newest != latest.id:
            raise InvalidInput("credit_key", "the credit was decided again meanwhile: look again")
        conn.execute(sa.update(d).where(d.id == latest.id).values(confirmation=body, confirmed_on=on))
        record(
            conn, actor, "confirm_allocation", "allocation_decision", latest.id,
            before={"confirmation": latest.confirmation, "confirmed_on": latest.confirmed_on},
            after={"confirmation": body, "confirmed_on": on},
        )  # fmt: skip


# --- refunds -------------------------------------------------------------------------------------


def _reporting_amount(engine: sa.Engine, cents: int, currency: str, as_of: date) -> Decimal | None:
    """The amount in the reporting currency; ``None`` without a rate (then four eyes decide)."""
    from ar_core.ledger import reporting_rates
    from ar_core.settings import get_reporting_currency

    reporting = get_reporting_currency(engine)
    amount = from_cents(cents)
    if currency == reporting:
        return amount
    rates = reporting_rates(engine, as_of, reporting).filter(pl.col("currency") == currency)
    if rates.is_empty() or rates["rate"][0] is None:
        return None
    return (amount * Decimal(str(rates["rate"][0]))).quantize(Decimal("0.01"))


def _active_refund(conn: sa.Connection, credit_key: str) -> int | None:
    rows = conn.execute(
        sa.select(CreditRefund.id, CreditRefund.status, ApprovalRequest.status.label("approval"))
        .outerjoin(ApprovalRequest, ApprovalRequest.id == CreditRefund.approval_id)
        .where(CreditRefund.credit_key == credit_key)
    ).all()
    return next((r.id for r in rows if (r.approval or r.status) in ACTIVE_REFUNDS), None)


def request_refund(engine: sa.Engine, actor: Actor, credit_key: str, reason: str) -> int:
    """Mark an open credit for refund; returns the refund id.

    At or below ``refund_approval_threshold`` (reporting currency) it is approved at once; above
    it (or without an FX rate to tell) a four-eyes request of kind ``refund`` is made in the
    credit's currency, decided with :func:`approve_refund`/:func:`reject_refund`. A credit that is
    already being refunded, or allocated to invoices, is refused.
    """
    from ar_core.access import request_approval, withdraw
    from ar_core.settings import get_refund_approval_threshold

    text = (reason or "").strip()
    if not text:
        raise InvalidInput("reason", "say why the credit is refunded")
    if len(text) > MAX_TEXT:
        raise InvalidInput("reason", f"a reason has at most {MAX_TEXT:,} characters")
    snapshot = _latest(engine)
    credit = _credit(_open_frame(engine, *snapshot), credit_key)
    check_customers_access(engine, actor, [credit.customer_id], write=True)
    cents = -credit.cents
    reporting = _reporting_amount(engine, cents, credit.currency, snapshot[1])
    threshold = get_refund_approval_threshold(engine)
    needs_approval = reporting is None or reporting > threshold

    def check(conn: sa.Connection) -> None:
        existing = _active_refund(conn, credit_key)
        if existing is not None:
            raise InvalidInput("credit_key", f"credit {credit.doc} is already marked for refund ({existing})")
        latest = [d for d in _latest_decisions(conn) if d.credit_key == credit_key]
        if latest and latest[0].decision != REJECTED:
            raise InvalidInput(
                "credit_key", f"credit {credit.doc} is allocated to invoices: it cannot be refunded"
            )

    with engine.connect() as conn:
        check(conn)
    approval_id = None
    if needs_approval:
        approval_id = request_approval(
            engine, actor, kind="refund", reason=text, amount=from_cents(cents), currency=credit.currency,
            subject=f"refund of credit {credit.doc} to customer {credit.customer_id}",
        )  # fmt: skip
    try:
        with write_transaction(engine, actor) as conn:
            _check_still_latest(conn, snapshot[0])
            check(conn)
            values = {
                "credit_key": credit.key, "credit_doc": credit.doc, "customer_id": credit.customer_id,
                "amount_cents": cents, "currency": credit.currency, "reason": text,
                "approval_id": approval_id,
                "status": "pending" if needs_approval else "approved", "requested_by": actor.username,
                "requested_at": utcnow(),
            }  # fmt: skip
            refund_id = conn.execute(
                sa.insert(CreditRefund).values(**values).returning(CreditRefund.id)
            ).scalar_one()
            after = {
                **values,
                "amount": from_cents(cents),
                "threshold": threshold,
                "reporting_amount": reporting,
            }
            record(conn, actor, "request_refund", "credit_refund", refund_id, after=after)
    except BaseException:
        if approval_id is not None:  # the request must not stay without its refund
            withdraw(engine, actor, approval_id, "refund not recorded")
        raise
    return int(refund_id)


def _decide_refund(engine: sa.Engine, actor: Actor, refund_id: int, approved: bool, note: str | None) -> None:
    from ar_core.access import approve, reject

    actor.require(*REFUND_APPROVERS, doing="decide refunds")
    with engine.connect() as conn:
        refund = conn.execute(sa.select(CreditRefund.__table__).where(CreditRefund.id == refund_id)).first()
    if refund is None:
        raise NotFound(f"no refund {refund_id}")
    if refund.approval_id is None:
        raise InvalidInput("refund_id", f"refund {refund_id} is within the threshold: it needs no approval")
    # the primitive's rules: somebody other than the requester, within their limit for refunds
    if approved:
        approve(engine, actor, refund.approval_id, note)
    else:
        reject(engine, actor, refund.approval_id, note or "")
    status = "approved" if approved else "rejected"
    with write_transaction(engine, actor) as conn:
        conn.execute(sa.update(CreditRefund).where(CreditRefund.id == refund_id).values(status=status))
        record(conn, actor, f"{'approve' if approved else 'reject'}_refund", "credit_refund", refund_id,
               before={"status": refund.status}, after={"status": status, "note": note})  # fmt: skip


def approve_refund(engine: sa.Engine, actor: Actor, refund_id: int, note: str | None = None) -> None:
    """Approve a refund waiting for four eyes: a lead or controller other than the requester."""
    _decide_refund(engine, actor, refund_id, True, note)


def reject_refund(engine: sa.Engine, actor: Actor, refund_id: int, note: str) -> None:
    """Reject a refund waiting for four eyes, saying why (same rules as :func:`approve_refund`)."""
    _decide_refund(engine, actor, refund_id, False, note)


def list_refunds(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Refunds of the customers ``actor`` may read (:data:`REFUND_SCHEMA`), newest first.

    The status of one waiting for approval follows its request (decided on the approvals page too).
    """
    readable = readable_customers(engine, actor)
    query = (
        sa.select(CreditRefund.__table__, ApprovalRequest.status.label("approval"))
        .outerjoin(ApprovalRequest, ApprovalRequest.id == CreditRefund.approval_id)
        .order_by(CreditRefund.id.desc())
    )
    if readable is not None:
        query = query.where(CreditRefund.customer_id.in_(sorted(readable)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [
        (r.id, r.credit_key, r.credit_doc, r.customer_id, from_cents(r.amount_cents), r.currency, r.reason,
         r.approval or r.status, r.approval_id, r.requested_by, r.requested_at)
        for r in rows
    ]  # fmt: skip
    return pl.DataFrame(records, schema=REFUND_SCHEMA, orient="row")


# --- clearing -----------------------------------------------------------------------------------


def clearing_proposal(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """The accepted and split allocations ``actor`` may read, for the ERP team to clear
    (:data:`CLEARING_SCHEMA`): ``pending`` until a later snapshot shows the credit cleared,
    then ``posted``. Pending first, then by company code, customer and credit.
    """
    readable = readable_customers(engine, actor)
    with engine.connect() as conn:
        decisions = [d for d in _latest_decisions(conn, customers=readable) if d.decision != REJECTED]
        dates = _snapshot_dates(conn)
    latest = _snapshot(engine)
    open_keys: set[str] = set()
    if latest is not None and decisions:
        found = _items(_open_frame(engine, *latest), [d.credit_key for d in decisions])
        open_keys = {k for k, i in found.items() if i.cents < 0}
    rows = []
    for d in decisions:
        as_of = latest[1] if latest is not None else date.max
        status = _status(d, open_keys, dates, as_of)
        parts = _allocations(d)
        rows.append(
            (d.company_code, d.customer_id, d.credit_doc, [p["doc"] for p in parts],
             from_cents(sum(p["cents"] for p in parts)), d.currency, POSTED if status == POSTED else PENDING,
             d.decided_by, d.decided_at)
        )  # fmt: skip
    frame = pl.DataFrame(rows, schema=CLEARING_SCHEMA, orient="row")
    return frame.sort(
        pl.col("status") != PENDING, "company_code", "customer_id", "credit_doc", nulls_last=True
    )


def clearing_proposal_files(engine: sa.Engine, actor: Actor) -> tuple[bytes, bytes]:
    """The clearing proposal as (XLSX, CSV): typed amounts with a total per currency and status in
    the workbook, every text neutralised in both (document numbers and texts come from outside).
    """
    from ar_core.spreadsheet import csv_bytes, new_workbook, write_row

    frame = clearing_proposal(engine, actor)
    out = io.BytesIO()
    book = new_workbook(out)
    sheet = book.add_worksheet("Clearing proposal")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    money_bold = book.add_format({"num_format": "#,##0.00", "bold": True, "top": 1})
    stamp = book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    headers = ["Company code", "Customer", "Credit document", "Invoices", "Amount", "Currency", "Status",
               "Decided by", "Decided at (UTC)"]  # fmt: skip
    write_row(sheet, 0, headers, bold)
    r = 0
    for r, row in enumerate(frame.iter_rows(named=True), start=1):
        write_row(
            sheet,
            r,
            [row["company_code"], row["customer_id"], row["credit_doc"], ", ".join(row["invoice_docs"])],
        )
        sheet.write_number(r, 4, float(row["amount"]), money)  # xlsx stores doubles; cents are exact in them
        write_row(sheet, r, [None] * 5 + [row["currency"], row["status"], row["decided_by"]])
        if row["decided_at"]:  # a date cell (Excel has no time zones: the UTC wall time)
            sheet.write_datetime(r, 8, row["decided_at"].replace(tzinfo=None), stamp)
    totals = frame.group_by("currency", "status").agg(pl.col("amount").sum()).sort("currency", "status")
    r += 2
    for total in totals.iter_rows(named=True):
        write_row(sheet, r, [f"Total {total['status']}"], bold)
        sheet.write_number(r, 4, float(total["amount"]), money_bold)
        write_row(sheet, r, [None, None, None, None, None, total["currency"]])
        r += 1
    sheet.set_column(0, 2, 16)
    sheet.set_column(3, 3, 40)
    sheet.set_column(4, 8, 16)
    book.close()
    return out.getvalue(), csv_bytes(frame)


def sync_posted(
    conn: sa.Connection, actor: Actor, snapshot_id: int, items: pl.DataFrame | None = None
) -> int:
    """Mark accepted/split decisions whose credit the snapshot no longer lists as open as posted.

    Runs on the caller's transaction after an import (``items``: the snapshot's composed ledger
    when at hand, else read); audited per decision. Decisions taken on later snapshots are left.
    Returns how many were marked.
    """
    from ar_core.ledger import ledger_items, open_items

    as_of = conn.execute(sa.select(Snapshot.as_of).where(Snapshot.id == snapshot_id)).scalar()
    if as_of is None:
        raise NotFound(f"no snapshot {snapshot_id}")
    dates = _snapshot_dates(conn)
    waiting = [
        d
        for d in _latest_decisions(conn)
        if d.decision != REJECTED
        and d.posted_snapshot_id is None
        and dates.get(d.snapshot_id, date.max) <= as_of
    ]
    if not waiting:
        return 0
    ledger = items if items is not None else ledger_items(conn.engine, snapshot_id)
    keys = [d.credit_key for d in waiting]
    still = set(
        open_items(ledger, as_of)
        .filter(pl.col("amount") < 0)
        .with_columns(item_key_expr())
        .filter(pl.col("_item_key").is_in(keys))["_item_key"]
    )
    marked = 0
    for d in waiting:
        if d.credit_key in still:
            continue
        conn.execute(
            sa.update(AllocationDecision)
            .where(AllocationDecision.id == d.id)
            .values(posted_snapshot_id=snapshot_id)
        )
        record(conn, actor, "post_allocation", "allocation_decision", d.id,
               before={"posted_snapshot_id": None}, after={"posted_snapshot_id": snapshot_id})  # fmt: skip
        marked += 1
    return marked


__all__ = [
    "CLEARING_SCHEMA", "DECIDED_SCHEMA", "REFUND_SCHEMA", "STATUSES", "accept_suggestion",
    "allocation_suggestions", "approve_refund", "clearing_proposal", "clearing_proposal_files",
    "list_refunds", "record_confirmation", "reject_refund", "reject_suggestion", "request_refund",
    "split_allocation", "sync_posted",
]  # fmt: skip
