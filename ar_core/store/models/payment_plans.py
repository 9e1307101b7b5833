"""Payment plans (migration 0020): a plan over chosen open items of one customer, its items and instalments.

Only ``status`` (and the decision fields) of a plan change after it is made; the instalments keep
the schedule agreed with the customer and the status tracking gives them from later snapshots.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow

__all__ = ["PaymentPlan", "PaymentPlanInstalment", "PaymentPlanItem"]


class PaymentPlan(Base):
    """A payment plan: ``pending_approval`` (above the threshold) or ``active`` at once, then
    ``completed``/``broken`` from the tracking, or ``rejected``/``cancelled``."""

    __tablename__ = "payment_plans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    #: The chosen items' open amount when the plan was made.
    debt_cents: Mapped[int] = mapped_column(sa.BigInteger())
    down_payment_cents: Mapped[int] = mapped_column(sa.BigInteger())
    fee_cents: Mapped[int] = mapped_column(sa.BigInteger())
    interest_cents: Mapped[int] = mapped_column(sa.BigInteger())
    #: The yearly flat interest rate in hundredths of a percent (250 = 2.50 %).
    interest_bp: Mapped[int] = mapped_column(sa.Integer())
    frequency: Mapped[str] = mapped_column(sa.String(10))
    instalment_count: Mapped[int] = mapped_column(sa.Integer())
    first_due: Mapped[date] = mapped_column(sa.Date())
    #: The country whose public holidays moved the dates (null: weekends only).
    country: Mapped[str | None] = mapped_column(sa.String(2))
    note: Mapped[str | None] = mapped_column(sa.Text())
    #: The snapshot the proposer looked at (kept if it is removed).
    snapshot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("snapshots.id", ondelete="SET NULL"))
    snapshot_as_of: Mapped[date] = mapped_column(sa.Date())
    approval_request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("approval_requests.id"))
    proposed_by: Mapped[str] = mapped_column(sa.String(40))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(sa.String(40))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The snapshot date at which the tracking last changed the status (broken, completed).
    status_decided_on: Mapped[date | None] = mapped_column(sa.Date())
    closed_by: Mapped[str | None] = mapped_column(sa.String(40))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_note: Mapped[str | None] = mapped_column(sa.Text())


class PaymentPlanItem(Base):
    """An open item a plan covers (``ar_core.schema.item_key``) with its open amount then."""

    __tablename__ = "payment_plan_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_plans.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(sa.String(120), index=True)
    doc_no: Mapped[str] = mapped_column(sa.String(40))
    due_date: Mapped[date | None] = mapped_column(sa.Date())
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())


class PaymentPlanInstalment(Base):
    """One payment of the schedule (``seq`` 0: the down payment) and its tracked status."""

    __tablename__ = "payment_plan_instalments"
    __table_args__ = (sa.UniqueConstraint("plan_id", "seq", name="uq_payment_plan_instalments_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_plans.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(sa.Integer())
    due_on: Mapped[date] = mapped_column(sa.Date())
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    covered_on: Mapped[date | None] = mapped_column(sa.Date())
