"""Four-eyes approvals as one primitive: request, then approve or reject by somebody else.

A request names its ``kind`` (:data:`KINDS`), the ``subject`` it is about (a customer id, a
document, a report) and optionally an amount with its currency. Only a person other than the
requester decides it, and only within their approval limit for the kind (:func:`set_approval_limit`,
admin only): a limit has a maximum amount (``None``: unlimited) and applies only in its own
currency; an unlimited limit without a currency applies in every currency. A request without an
amount needs only a limit for its kind. A kind of :data:`ROLE_DECIDED` (a report sign-off: no
amount to limit) needs no limit but one of its roles. The requester may withdraw a request while
it is pending.

Every step is audited in the same transaction as the change (entity ``approval_request`` or
``approval_limit``), and every write re-reads the acting user's active flag and roles from the
store, so a user deactivated (or stripped of a role) since logging in can no longer act.
Money comes in and goes out as :class:`~decimal.Decimal`; the store keeps integer cents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access.actor import Actor
from ar_core.access.audit import record
from ar_core.access.scope import SEE_ALL_ROLES
from ar_core.errors import ApprovalRefused, ArDeskError, InvalidInput, NotFound, PermissionDenied
from ar_core.money import from_cents, to_cents
from ar_core.store.db import write_transaction
from ar_core.store.models import ApprovalLimit, ApprovalRequest, Sop, SopAreaPerson, SopVersion, User, utcnow

#: What can be put up for approval.
KINDS = ("write_off", "legal_handover", "payment_plan", "refund", "sop_version", "report_signoff")
STATUSES = ("pending", "approved", "rejected", "withdrawn")
#: Kinds decided by role instead of an approval limit: a report sign-off has no amount to limit,
#: and every holder of one of these roles (other than the requester) may decide it.
ROLE_DECIDED: dict[str, tuple[str, ...]] = {
    "report_signoff": ("lead", "controller"),
    "sop_version": ("lead",),
}
#: Kinds that people named for the request's subject may decide besides the roles above: an SOP
#: version by a named approver of its SOP's process area (the SOP register keeps the names in
#: ``sop_area_people``; access reads that table, never the knowledge code).
NAMED_DECIDERS = ("sop_version",)
#: Roles that see every request in :func:`list_requests`; others see what they asked or decided.
#: Largest amount accepted: far above any receivable, far below what a Decimal(18, 2) holds.
MAX_AMOUNT = Decimal("1000000000000")
MAX_SUBJECT_CHARS = 200
CURRENCY_RE = re.compile(r"[A-Z]{3}")

REQUEST_SCHEMA: dict[str, pl.DataType] = {
    "request_id": pl.Int64(),
    "kind": pl.String(),
    "subject": pl.String(),
    "amount": pl.Decimal(18, 2),
    "currency": pl.String(),
    "reason": pl.String(),
    "requested_by": pl.String(),
    "requested_at": pl.Datetime("us", "UTC"),
    "status": pl.String(),
    "decided_by": pl.String(),
    "decided_at": pl.Datetime("us", "UTC"),
    "decision_note": pl.String(),
}

LIMIT_SCHEMA: dict[str, pl.DataType] = {
    "username": pl.String(),
    "kind": pl.String(),
    "max_amount": pl.Decimal(18, 2),  # null: unlimited
    "currency": pl.String(),  # null: every currency (unlimited limits only)
    "set_by": pl.String(),
    "set_at": pl.Datetime("us", "UTC"),
}


@dataclass(frozen=True)
class Limit:
    """One approval limit: ``max_cents`` ``None`` is unlimited, ``currency`` ``None`` is any."""

    max_cents: int | None
    currency: str | None

    def covers(self, amount_cents: int | None, currency: str | None) -> bool:
        """Whether a request of this amount and currency lies within the limit."""
        if amount_cents is None:
            return True
        if self.currency is not None and self.currency != currency:
            return False
        return self.max_cents is None or amount_cents <= self.max_cents


# --- checks ----------------------------------------------------------------------------------


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput("kind", f"unknown approval kind {kind!r}: one of {', '.join(KINDS)}")
    return kind


def _check_currency(currency: str | None) -> str:
    text = (currency or "").strip().upper()
    if not CURRENCY_RE.fullmatch(text):
        raise InvalidInput("currency", f"a currency is a three-letter code such as EUR, got {currency!r}")
    return text


def _cents(amount: Decimal, what: str) -> int:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidInput(what.replace(" ", "_"), f"the {what} must be a Decimal, got {amount!r}")
    if amount < 0 or amount > MAX_AMOUNT:
        raise InvalidInput(
            what.replace(" ", "_"), f"the {what} must lie between 0 and {MAX_AMOUNT}, got {amount}"
        )
    try:
        return to_cents(amount)
    except ValueError as exc:
        raise InvalidInput(what.replace(" ", "_"), f"the {what} {amount} has fractions of a cent") from exc


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ArDeskError(f"say {what}")
    return text


def _acting_user(conn: sa.Connection, actor: Actor) -> frozenset[str]:
    """The actor's roles as the store has them now; refused when unknown or deactivated."""
    row = conn.execute(sa.select(User.active, User.roles).where(User.username == actor.username)).first()
    if row is None or not row.active:
        raise PermissionDenied(f"{actor.username} is not an active user")
    return frozenset(r for r in row.roles.split(",") if r)


def _limit(conn: sa.Connection, username: str, kind: str) -> Limit | None:
    row = conn.execute(
        sa.select(ApprovalLimit.max_amount_cents, ApprovalLimit.currency).where(
            ApprovalLimit.username == username, ApprovalLimit.kind == kind
        )
    ).first()
    return None if row is None else Limit(row.max_amount_cents, row.currency)


def _request_row(conn: sa.Connection, request_id: int) -> Any:
    row = conn.execute(sa.select(ApprovalRequest).where(ApprovalRequest.id == request_id)).first()
    if row is None:
        raise NotFound(f"no approval request {request_id}")
    return row


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else from_cents(cents)


def _audit_view(row: Any) -> dict[str, Any]:
    """The audited state of a request: what a later reader needs to see what was decided."""
    return {"kind": row.kind, "subject": row.subject, "amount": _money(row.amount_cents),
            "currency": row.currency, "reason": row.reason, "requested_by": row.requested_by,
            "status": row.status, "decided_by": row.decided_by,
            "decision_note": row.decision_note}  # fmt: skip


# --- requests --------------------------------------------------------------------------------


def request_approval(
    engine: sa.Engine,
    actor: Actor,
    *,
    kind: str,
    subject: str,
    reason: str,
    amount: Decimal | None = None,
    currency: str | None = None,
) -> int:
    """Put something up for approval (any active user); returns the request id.

    ``amount`` and ``currency`` come together or not at all (an SOP version has no amount).
    """
    _check_kind(kind)
    subject_text = _text(subject, "what is to be approved (the subject)")
    if len(subject_text) > MAX_SUBJECT_CHARS:
        raise InvalidInput("subject", f"the subject may have at most {MAX_SUBJECT_CHARS} characters")
    reason_text = _text(reason, "why this needs approval (the reason)")
    if (amount is None) != (currency is None):
        raise InvalidInput("currency", "give an amount together with its currency, or neither")
    cents = None if amount is None else _cents(amount, "amount")
    code = None if currency is None else _check_currency(currency)
    with write_transaction(engine, actor) as conn:
        _acting_user(conn, actor)
        values = {"kind": kind, "subject": subject_text, "amount_cents": cents, "currency": code,
                  "reason": reason_text, "requested_by": actor.username, "requested_at": utcnow(),
                  "status": "pending"}  # fmt: skip
        request_id = conn.execute(
            sa.insert(ApprovalRequest).values(**values).returning(ApprovalRequest.id)
        ).scalar_one()
        after = _audit_view(_request_row(conn, request_id))
        record(conn, actor, "request_approval", "approval_request", request_id, after=after)
    return int(request_id)


def _decide(engine: sa.Engine, actor: Actor, request_id: int, status: str, note: str | None) -> None:
    with write_transaction(engine, actor) as conn:
        roles = _acting_user(conn, actor)
        row = _request_row(conn, request_id)
        if row.status != "pending":
            raise ApprovalRefused(f"approval request {request_id} is already {row.status}")
        if row.requested_by == actor.username:
            raise ApprovalRefused("four eyes: somebody other than the requester must decide this request")
        limit = None if row.kind in ROLE_DECIDED else _limit(conn, actor.username, row.kind)
        if row.kind == "sop_version" and _sop_author(conn, request_id) == actor.username:
            raise ApprovalRefused("four eyes: the author of an SOP version never approves it")
        if row.kind in ROLE_DECIDED:
            if roles.isdisjoint(ROLE_DECIDED[row.kind]) and not _named_decider(conn, row, actor.username):
                needed = " or ".join(ROLE_DECIDED[row.kind])
                named = " (or to be named approver of the SOP's area)" if row.kind in NAMED_DECIDERS else ""
                raise ApprovalRefused(
                    f"{actor.username} may not decide {row.kind}: needs the role {needed}{named}"
                )
        elif limit is None:
            raise ApprovalRefused(f"{actor.username} has no approval limit for {row.kind}")
        elif not limit.covers(row.amount_cents, row.currency):
            raise ApprovalRefused(
                f"{_money(row.amount_cents)} {row.currency} lies outside the approval limit "
                f"of {actor.username} for {row.kind} ({_limit_text(limit)})"
            )
        before = _audit_view(row)
        done = conn.execute(
            sa.update(ApprovalRequest)
            .where(ApprovalRequest.id == request_id, ApprovalRequest.status == "pending")
            .values(status=status, decided_by=actor.username, decided_at=utcnow(), decision_note=note)
        ).rowcount
        if done != 1:  # decided concurrently between the read and the update
            raise ApprovalRefused(f"approval request {request_id} was decided meanwhile")
        after = _audit_view(_request_row(conn, request_id))
        action = "approve" if status == "approved" else "reject"
        record(conn, actor, action, "approval_request", request_id, before=before, after=after)


def _sop_author(conn: sa.Connection, request_id: int) -> str | None:
    """The author of the SOP version put up for approval by ``request_id`` (``None``: none)."""
    return conn.execute(
        sa.select(SopVersion.author).where(SopVersion.approval_request_id == request_id)
    ).scalar()


def _sop_areas_named(conn: sa.Connection, username: str) -> set[str]:
    """The process areas whose SOP versions ``username`` is a named approver of."""
    query = sa.select(SopAreaPerson.area).where(
        SopAreaPerson.username == username, SopAreaPerson.kind == "approver"
    )
    return set(conn.execute(query).scalars())


def _sop_request_areas(conn: sa.Connection, request_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Approval request id -> (process area, author) of the SOP version it is about."""
    if not request_ids:
        return {}
    rows = conn.execute(
        sa.select(SopVersion.approval_request_id, Sop.area, SopVersion.author)
        .join(Sop, Sop.id == SopVersion.sop_id)
        .where(SopVersion.approval_request_id.in_(request_ids))
    ).all()
    return {r.approval_request_id: (r.area, r.author) for r in rows}


def _named_decider(conn: sa.Connection, row: Any, username: str) -> bool:
    """Whether ``username`` is named to decide this request's subject (:data:`NAMED_DECIDERS`)."""
    if row.kind != "sop_version":
        return False
    area = _sop_request_areas(conn, [row.id]).get(row.id, (None, None))[0]
    return area is not None and area in _sop_areas_named(conn, username)


def _limit_text(limit: Limit) -> str:
    amount = "unlimited" if limit.max_cents is None else f"up to {from_cents(limit.max_cents)}"
    return f"{amount} {limit.currency or 'in any currency'}"


def approve(engine: sa.Engine, actor: Actor, request_id: int, note: str | None = None) -> None:
    """Approve a pending request: not one's own, and within one's approval limit for its kind."""
    _decide(engine, actor, request_id, "approved", (note or "").strip() or None)


def reject(engine: sa.Engine, actor: Actor, request_id: int, note: str) -> None:
    """Reject a pending request, saying why (same rules as :func:`approve`)."""
    _decide(engine, actor, request_id, "rejected", _text(note, "why the request is rejected"))


def withdraw(engine: sa.Engine, actor: Actor, request_id: int, note: str | None = None) -> None:
    """The requester takes back their own request while it is still pending."""
    with write_transaction(engine, actor) as conn:
        _acting_user(conn, actor)
        row = _request_row(conn, request_id)
        if row.requested_by != actor.username:
            raise PermissionDenied(f"only {row.requested_by} may withdraw approval request {request_id}")
        if row.status != "pending":
            raise ApprovalRefused(f"approval request {request_id} is already {row.status}")
        before = _audit_view(row)
        done = conn.execute(
            sa.update(ApprovalRequest)
            .where(ApprovalRequest.id == request_id, ApprovalRequest.status == "pending")
            .values(status="withdrawn", decided_by=actor.username, decided_at=utcnow(),
                    decision_note=(note or "").strip() or None)
        ).rowcount  # fmt: skip
        if done != 1:
            raise ApprovalRefused(f"approval request {request_id} was decided meanwhile")
        after = _audit_view(_request_row(conn, request_id))
        record(conn, actor, "withdraw_approval", "approval_request", request_id, before=before, after=after)


# --- limits ----------------------------------------------------------------------------------


def set_approval_limit(
    engine: sa.Engine,
    actor: Actor,
    username: str,
    kind: str,
    *,
    max_amount: Decimal | None,
    currency: str | None,
) -> None:
    """Set (or replace) how much ``username`` may approve of ``kind`` (admin only).

    ``max_amount=None`` is unlimited; a maximum needs its currency. An unlimited limit with a
    currency applies only in that currency, without one in every currency.
    """
    actor.require("admin", doing="set approval limits")
    _check_kind(kind)
    cents = None if max_amount is None else _cents(max_amount, "approval limit")
    if cents is not None and currency is None:
        raise InvalidInput("currency", "an approval limit with a maximum amount needs its currency")
    code = None if currency is None else _check_currency(currency)
    with write_transaction(engine, actor) as conn:
        if "admin" not in _acting_user(conn, actor):
            raise PermissionDenied(f"{actor.username} may not set approval limits: needs the role admin")
        user = conn.execute(sa.select(User.active).where(User.username == username)).first()
        if user is None:
            raise NotFound(f"no user {username!r}")
        if not user.active:
            raise ArDeskError(f"{username} is deactivated: enable the user before giving an approval limit")
        old = _limit(conn, username, kind)
        values = {"max_amount_cents": cents, "currency": code, "set_by": actor.username, "set_at": utcnow()}
        where = (ApprovalLimit.username == username, ApprovalLimit.kind == kind)
        if old is None:
            conn.execute(sa.insert(ApprovalLimit).values(username=username, kind=kind, **values))
        else:
            conn.execute(sa.update(ApprovalLimit).where(*where).values(**values))
        before = None if old is None else {"max_amount": _money(old.max_cents), "currency": old.currency}
        after = {"max_amount": _money(cents), "currency": code}
        record(
            conn,
            actor,
            "set_approval_limit",
            "approval_limit",
            f"{username}:{kind}",
            before=before,
            after=after,
        )


def remove_approval_limit(engine: sa.Engine, actor: Actor, username: str, kind: str) -> None:
    """Take away ``username``'s approval limit for ``kind`` (admin only): they can no longer decide it."""
    actor.require("admin", doing="remove approval limits")
    _check_kind(kind)
    with write_transaction(engine, actor) as conn:
        if "admin" not in _acting_user(conn, actor):
            raise PermissionDenied(f"{actor.username} may not remove approval limits: needs the role admin")
        old = _limit(conn, username, kind)
        if old is None:
            raise NotFound(f"{username} has no approval limit for {kind}")
        conn.execute(
            sa.delete(ApprovalLimit).where(ApprovalLimit.username == username, ApprovalLimit.kind == kind)
        )
        record(conn, actor, "remove_approval_limit", "approval_limit", f"{username}:{kind}",
               before={"max_amount": _money(old.max_cents), "currency": old.currency})  # fmt: skip


def list_limits(engine: sa.Engine, actor: Actor, username: str | None = None) -> pl.DataFrame:
    """Approval limits (``LIMIT_SCHEMA``): everybody's for admins, leads, controllers; else one's own."""
    if username != actor.username:
        actor.require(*SEE_ALL_ROLES, doing="see other people's approval limits")
    query = sa.select(ApprovalLimit).order_by(ApprovalLimit.username, ApprovalLimit.kind)
    if username is not None:
        query = query.where(ApprovalLimit.username == username)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [(r.username, r.kind, _money(r.max_amount_cents), r.currency, r.set_by, r.set_at) for r in rows]
    return pl.DataFrame(records, schema=LIMIT_SCHEMA, orient="row")


# --- reading ---------------------------------------------------------------------------------


def _frame(rows: list[Any]) -> pl.DataFrame:
    records = [
        (r.id, r.kind, r.subject, _money(r.amount_cents), r.currency, r.reason, r.requested_by,
         r.requested_at, r.status, r.decided_by, r.decided_at, r.decision_note)
        for r in rows
    ]  # fmt: skip
    return pl.DataFrame(records, schema=REQUEST_SCHEMA, orient="row")


def waiting_for(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Pending requests ``actor`` may decide (``REQUEST_SCHEMA``), oldest first.

    Not their own, of a kind they hold a limit for, and within that limit's amount and currency.
    A deactivated (or unknown) user has nothing waiting.
    """
    with engine.connect() as conn:
        user = conn.execute(sa.select(User.active, User.roles).where(User.username == actor.username)).first()
        if user is None or not user.active:
            return _frame([])
        limits = {
            r.kind: Limit(r.max_amount_cents, r.currency)
            for r in conn.execute(sa.select(ApprovalLimit).where(ApprovalLimit.username == actor.username))
            if r.kind not in ROLE_DECIDED
        }
        roles = set(user.roles.split(","))
        limits |= {kind: Limit(None, None) for kind, who in ROLE_DECIDED.items() if roles.intersection(who)}
        named = _sop_areas_named(conn, actor.username)
        if named and "sop_version" not in limits:
            limits["sop_version"] = Limit(None, None)  # narrowed to the named areas below
        if not limits:
            return _frame([])
        rows = conn.execute(
            sa.select(ApprovalRequest)
            .where(
                ApprovalRequest.status == "pending",
                ApprovalRequest.requested_by != actor.username,
                ApprovalRequest.kind.in_(limits),
            )
            .order_by(ApprovalRequest.requested_at, ApprovalRequest.id)
        ).all()
        sops = _sop_request_areas(conn, [r.id for r in rows if r.kind == "sop_version"])
    lead_for_sops = not roles.isdisjoint(ROLE_DECIDED["sop_version"])

    def may(r: Any) -> bool:
        if r.kind != "sop_version":
            return limits[r.kind].covers(r.amount_cents, r.currency)
        area, author = sops.get(r.id, (None, None))
        return author != actor.username and (lead_for_sops or area in named)

    return _frame([r for r in rows if may(r)])


def list_requests(
    engine: sa.Engine,
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    subject: str | None = None,
    requested_by: str | None = None,
    since: datetime | None = None,
) -> pl.DataFrame:
    """Requests, newest first (``REQUEST_SCHEMA``), filtered by the given fields.

    Leads, controllers and admins see every request; everybody else the ones they asked for or
    decided.
    """
    if status is not None and status not in STATUSES:
        raise InvalidInput("status", f"unknown approval status {status!r}: one of {', '.join(STATUSES)}")
    if kind is not None:
        _check_kind(kind)
    query = sa.select(ApprovalRequest).order_by(
        ApprovalRequest.requested_at.desc(), ApprovalRequest.id.desc()
    )
    if not actor.has(*SEE_ALL_ROLES):
        query = query.where(
            sa.or_(
                ApprovalRequest.requested_by == actor.username, ApprovalRequest.decided_by == actor.username
            )
        )
    filters = [(ApprovalRequest.status, status), (ApprovalRequest.kind, kind),
               (ApprovalRequest.subject, subject), (ApprovalRequest.requested_by, requested_by)]  # fmt: skip
    for column, value in filters:
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(ApprovalRequest.requested_at >= since)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return _frame(rows)
