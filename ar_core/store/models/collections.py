"""Tables of the collections workflow: the contact log, promises to pay, escalations."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow


class ContactEntry(Base):
    """One logged contact with a customer. Append-only: a mistake is fixed by a correction entry.

    ``corrects_id`` points at the entry a correction replaces; the replaced entry stays as it was.
    """

    __tablename__ = "contact_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    channel: Mapped[str] = mapped_column(sa.String(20))
    outcome: Mapped[str] = mapped_column(sa.String(30))
    reason: Mapped[str | None] = mapped_column(sa.String(30))
    notes: Mapped[str] = mapped_column(sa.Text(), default="")
    next_action: Mapped[str | None] = mapped_column(sa.String(40))
    next_action_date: Mapped[date | None] = mapped_column(sa.Date())
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contact_log.id"), index=True)
    correction_note: Mapped[str | None] = mapped_column(sa.Text())
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Promise(Base):
    """A promise to pay. Only ``status``/``status_decided_on`` change, decided from later snapshots."""

    __tablename__ = "promises"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    currency: Mapped[str] = mapped_column(sa.String(3))
    promised_date: Mapped[date] = mapped_column(sa.Date())
    #: The snapshot the collector looked at when the promise was made (kept if it is deleted).
    snapshot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("snapshots.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    status_decided_on: Mapped[date | None] = mapped_column(sa.Date())
    #: A promise withdrawn by the collector (status ``cancelled``), with who, when and why.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by: Mapped[str | None] = mapped_column(sa.String(40))
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text())
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PromiseItem(Base):
    """An open item a promise names, by item identity (``schema.ITEM_IDENTITY``)."""

    __tablename__ = "promise_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    promise_id: Mapped[int] = mapped_column(sa.ForeignKey("promises.id", ondelete="CASCADE"), index=True)
    company_code: Mapped[str | None] = mapped_column(sa.String(10))
    fiscal_year: Mapped[int | None] = mapped_column(sa.Integer())
    doc_no: Mapped[str] = mapped_column(sa.String(40))
    line_item: Mapped[int | None] = mapped_column(sa.Integer())


class Escalation(Base):
    """A second-voice escalation of a customer to a senior collector or a lead."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    from_user: Mapped[str] = mapped_column(sa.String(40))
    to_user: Mapped[str] = mapped_column(sa.String(40), index=True)
    reason: Mapped[str] = mapped_column(sa.Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(sa.String(40))
    resolution_note: Mapped[str | None] = mapped_column(sa.Text())
