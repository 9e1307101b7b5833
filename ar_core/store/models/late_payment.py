"""Late payment (migration 0018): statutory interest rates, insolvency cases, external credit
information (imported files, credit-agency ratings, insolvency announcements and their review)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow

__all__ = ["CreditRating", "ExternalImport", "InsolvencyAnnouncement", "InsolvencyCase", "StatutoryRate"]


class StatutoryRate(Base):
    """One published yearly rate of a kind (``de_base``, ``nl_commercial``, ``ecb_reference``) valid
    from a half-year's first day, in hundredths of a percentage point (−0.88 % = −88). The shipped
    history is seeded by migration 0018; a lead adds each new half-year (audited)."""

    __tablename__ = "statutory_rates"
    __table_args__ = (sa.UniqueConstraint("kind", "valid_from", name="uq_statutory_rate"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    valid_from: Mapped[date] = mapped_column(sa.Date())
    rate_bp: Mapped[int] = mapped_column(sa.Integer())
    source: Mapped[str | None] = mapped_column(sa.String(200))
    entered_by: Mapped[str] = mapped_column(sa.String(40))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InsolvencyCase(Base):
    """A customer's insolvency proceeding: ongoing while ``ended_on`` is null (collections and dunning
    hold), with the claim filed and the quota received so far."""

    __tablename__ = "insolvency_cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    opened_on: Mapped[date] = mapped_column(sa.Date())
    ended_on: Mapped[date | None] = mapped_column(sa.Date())
    court: Mapped[str | None] = mapped_column(sa.String(200))
    case_number: Mapped[str | None] = mapped_column(sa.String(80))
    administrator: Mapped[str | None] = mapped_column(sa.String(200))
    claim_filed_on: Mapped[date | None] = mapped_column(sa.Date())
    claim_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    currency: Mapped[str] = mapped_column(sa.String(3))
    quota_received_cents: Mapped[int] = mapped_column(sa.BigInteger(), default=0)
    note: Mapped[str | None] = mapped_column(sa.Text())
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExternalImport(Base):
    """One imported file of external information (``ratings`` or ``announcements``)."""

    __tablename__ = "external_imports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    rows: Mapped[int] = mapped_column(sa.Integer())
    imported_by: Mapped[str] = mapped_column(sa.String(40))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CreditRating(Base):
    """A credit agency's rating of a customer on a date: score, rating and recommended limit."""

    __tablename__ = "credit_ratings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("external_imports.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    agency: Mapped[str] = mapped_column(sa.String(80))
    rated_on: Mapped[date] = mapped_column(sa.Date())
    score: Mapped[int | None] = mapped_column(sa.Integer())
    rating: Mapped[str | None] = mapped_column(sa.String(20))
    limit_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    currency: Mapped[str] = mapped_column(sa.String(3))


class InsolvencyAnnouncement(Base):
    """A published insolvency announcement and the customer it was matched to (by normalised name and
    postcode): ``open`` in the review queue until a lead confirms or dismisses it; ``unmatched``
    when no customer fits."""

    __tablename__ = "insolvency_announcements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("external_imports.id", ondelete="CASCADE"), index=True
    )
    court: Mapped[str] = mapped_column(sa.String(200))
    case_number: Mapped[str] = mapped_column(sa.String(80))
    debtor_name: Mapped[str] = mapped_column(sa.String(200))
    street: Mapped[str | None] = mapped_column(sa.String(200))
    postcode: Mapped[str | None] = mapped_column(sa.String(20))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    announced_on: Mapped[date] = mapped_column(sa.Date())
    kind: Mapped[str] = mapped_column(sa.String(20))
    customer_id: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    matched_by: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20))
    decided_by: Mapped[str | None] = mapped_column(sa.String(40))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    case_id: Mapped[int | None] = mapped_column(BigId)
