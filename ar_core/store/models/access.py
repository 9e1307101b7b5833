"""Tables of the access area: users, portfolio assignments, the audit log, four-eyes approvals."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(100))
    #: Comma-separated subset of ``schema.ROLES``, e.g. ``"admin,lead"``.
    roles: Mapped[str] = mapped_column(sa.String(100))
    active: Mapped[bool] = mapped_column(sa.Boolean(), default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Failed logins in a row; at ``users.LOCKOUT_AFTER`` the account is locked for a while.
    failed_logins: Mapped[int] = mapped_column(sa.Integer(), default=0, server_default="0")
    #: Set by an admin's reset (or for a new user): the next login must choose a new password.
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean(), default=False, server_default=sa.false())
    #: Until when the account is locked after too many failed logins (``None``: not locked).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=None)
    #: Lockouts in a row (since the last successful login or unlock): each one lasts longer.
    lockouts: Mapped[int] = mapped_column(sa.Integer(), default=0, server_default="0")
    #: Advanced by logout, lockout, password change or reset, deactivation and role change: a login
    #: cookie or a session that carries an older version is refused.
    session_version: Mapped[int] = mapped_column(sa.Integer(), default=1, server_default="1")


class PortfolioAssignment(Base):
    """A customer or a whole company code that a collector owns (besides the ``collector`` column)."""

    __tablename__ = "portfolio_assignments"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "value", name="uq_portfolio_assignment"),
        sa.CheckConstraint("kind IN ('customer', 'company_code')", name="ck_portfolio_kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    value: Mapped[str] = mapped_column(sa.String(40))


class AuditEntry(Base):
    """Append-only record of every write: who, when, what, before and after (JSON text)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(40))
    action: Mapped[str] = mapped_column(sa.String(60))
    entity: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[str | None] = mapped_column(sa.String(100))
    before: Mapped[str | None] = mapped_column(sa.Text())
    after: Mapped[str | None] = mapped_column(sa.Text())


class ApprovalRequest(Base):
    """A four-eyes request (``ar_core.access.approvals``): somebody other than the requester decides it."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'withdrawn')", name="ck_approval_requests_status"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: ``write_off``, ``legal_handover``, ``payment_plan``, ``refund``, ``sop_version``, ``report_signoff``.
    kind: Mapped[str] = mapped_column(sa.String(30))
    #: The text id of what is approved (a customer id, a document, a report).
    subject: Mapped[str] = mapped_column(sa.String(200), index=True)
    #: The amount at stake in integer cents, with its currency; both ``None`` for no amount.
    amount_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    reason: Mapped[str] = mapped_column(sa.Text())
    requested_by: Mapped[str] = mapped_column(sa.String(40), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: ``pending``, then ``approved``, ``rejected`` or ``withdrawn`` (never changes again).
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(sa.String(40))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(sa.Text())


class ApprovalLimit(Base):
    """Up to which amount (``None``: unlimited) a person may approve requests of one kind."""

    __tablename__ = "approval_limits"
    __table_args__ = (sa.UniqueConstraint("username", "kind", name="uq_approval_limit_user_kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(30))
    max_amount_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    #: The only currency the limit applies in; ``None`` only for an unlimited limit (any currency).
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    set_by: Mapped[str] = mapped_column(sa.String(40))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
