"""Tables of the disputes area: cases (disputes and inquiries), their items, notes, escalations,
and the lead's edits of the reason taxonomy.

An item belongs to at most one case, ever (``item_key`` is unique): re-importing an extract or a
collector opening a case twice cannot duplicate it; a closed case is reopened instead.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow


class DisputeReason(Base):
    """A lead's edit of the reason taxonomy (defaults live in code) or the mapping of an unmapped code."""

    __tablename__ = "dispute_reasons"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    #: Root-cause category; NULL keeps an extract's code listed as unmapped.
    category: Mapped[str | None] = mapped_column(sa.String(40))
    sla_days: Mapped[int] = mapped_column(sa.Integer())
    resolver_department: Mapped[str | None] = mapped_column(sa.String(40))
    case_type: Mapped[str] = mapped_column(sa.String(10), default="dispute")
    updated_by: Mapped[str] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DisputeCase(Base):
    """A dispute or an inquiry of one customer, from the extract, the account view or a contact."""

    __tablename__ = "dispute_cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_type: Mapped[str] = mapped_column(sa.String(10))
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    reason: Mapped[str] = mapped_column(sa.String(40))
    resolver_department: Mapped[str | None] = mapped_column(sa.String(40))
    resolver: Mapped[str | None] = mapped_column(sa.String(100))
    owner: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    opened: Mapped[date] = mapped_column(sa.Date())
    due: Mapped[date] = mapped_column(sa.Date())
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    resolution: Mapped[str | None] = mapped_column(sa.String(40))
    resolved: Mapped[date | None] = mapped_column(sa.Date())
    credited_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    level: Mapped[int] = mapped_column(sa.SmallInteger(), default=0)
    next_action_date: Mapped[date | None] = mapped_column(sa.Date())
    #: extract | account | contact | manual
    source: Mapped[str] = mapped_column(sa.String(10))
    #: The ERP's dispute case id (SAP FSCM) when the extract carries one: one case per id.
    erp_case_id: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contact_log.id"))
    #: The snapshot whose clearing closed the case (removing it reopens the case).
    closed_by_snapshot_id: Mapped[int | None] = mapped_column(sa.BigInteger(), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DisputeCaseItem(Base):
    """An open item a case covers, with the disputed part of its amount."""

    __tablename__ = "dispute_case_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True)
    #: ``company code|fiscal year|document without leading zeros|line item``: the item's identity.
    item_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    company_code: Mapped[str | None] = mapped_column(sa.String(10))
    fiscal_year: Mapped[int | None] = mapped_column(sa.Integer())
    doc_no: Mapped[str] = mapped_column(sa.String(40))
    line_item: Mapped[int | None] = mapped_column(sa.Integer())
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    item_amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    currency: Mapped[str] = mapped_column(sa.String(3))
    due_date: Mapped[date | None] = mapped_column(sa.Date())
    cleared_on: Mapped[date | None] = mapped_column(sa.Date())
    #: The snapshot that no longer listed the item as open (removing it reopens the item).
    cleared_by_snapshot_id: Mapped[int | None] = mapped_column(sa.BigInteger(), index=True)


class DisputeNote(Base):
    """One entry of a case's notes thread. Append-only like the contact log."""

    __tablename__ = "dispute_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text())
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DisputeEscalation(Base):
    """A case raised one level (1 team lead, 2 resolver's manager, 3 head of I2C): who, why, to whom."""

    __tablename__ = "dispute_escalations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(sa.SmallInteger())
    to_whom: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.Text())
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
