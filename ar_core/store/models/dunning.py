"""Dunning (migration 0019): procedures per company code, blocks, runs with their letters and lines.

AR Desk's own dunning level of an item is derived from the lines of released letters (the highest
level an item was dunned at, and when): nothing else records it, so it cannot drift from the letters.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow

__all__ = ["DunningBlock", "DunningLetter", "DunningLine", "DunningProcedure", "DunningRun"]


class DunningProcedure(Base):
    """The dunning procedure of one company code (``*``: the default); edited by a lead, audited."""

    __tablename__ = "dunning_procedures"

    company_code: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    #: Days overdue per level, comma separated ("7,21,35,49").
    level_days: Mapped[str] = mapped_column(sa.String(60))
    min_amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    min_days_between: Mapped[int] = mapped_column(sa.Integer())
    #: The automatic block reasons in force, comma separated.
    blocks: Mapped[str] = mapped_column(sa.String(200))
    updated_by: Mapped[str] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DunningBlock(Base):
    """A dunning block of a customer (``item_key`` null) or one item, active while ``ends_on`` ≥ the
    as-of date (null: until lifted) and not lifted; kept after it ends (the history)."""

    __tablename__ = "dunning_blocks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    item_key: Mapped[str | None] = mapped_column(sa.String(120))
    doc_no: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str | None] = mapped_column(sa.Text())
    starts_on: Mapped[date] = mapped_column(sa.Date())
    ends_on: Mapped[date | None] = mapped_column(sa.Date())
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lifted_by: Mapped[str | None] = mapped_column(sa.String(40))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lift_note: Mapped[str | None] = mapped_column(sa.Text())


class DunningRun(Base):
    """A dunning run as of a date: ``proposed`` (under review), ``released`` or ``discarded``."""

    __tablename__ = "dunning_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    as_of: Mapped[date] = mapped_column(sa.Date())
    snapshot_id: Mapped[int | None] = mapped_column(sa.BigInteger())
    status: Mapped[str] = mapped_column(sa.String(20))
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    released_by: Mapped[str | None] = mapped_column(sa.String(40))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    letter_date: Mapped[date | None] = mapped_column(sa.Date())


class DunningLetter(Base):
    """One customer's letter of a run; ``removed_reason`` set when a reviewer took it out. Released
    letters keep their rendering context (JSON) so the PDF is re-rendered the same any day."""

    __tablename__ = "dunning_letters"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("dunning_runs.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    company_code: Mapped[str | None] = mapped_column(sa.String(10))
    currency: Mapped[str] = mapped_column(sa.String(3))
    language: Mapped[str] = mapped_column(sa.String(5))
    level: Mapped[int] = mapped_column(sa.Integer())
    kind: Mapped[str] = mapped_column(sa.String(20))
    open_cents: Mapped[int] = mapped_column(sa.BigInteger())
    credits_cents: Mapped[int] = mapped_column(sa.BigInteger())
    interest_cents: Mapped[int] = mapped_column(sa.BigInteger())
    compensation_cents: Mapped[int] = mapped_column(sa.BigInteger())
    total_cents: Mapped[int] = mapped_column(sa.BigInteger())
    removed_reason: Mapped[str | None] = mapped_column(sa.Text())
    removed_by: Mapped[str | None] = mapped_column(sa.String(40))
    context_json: Mapped[str | None] = mapped_column(sa.Text())
    contact_id: Mapped[int | None] = mapped_column(sa.BigInteger())


class DunningLine(Base):
    """One line of a letter: an overdue invoice at its level, or a credit (negative, no interest)."""

    __tablename__ = "dunning_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    letter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dunning_letters.id", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[str] = mapped_column(sa.String(120), index=True)
    doc_no: Mapped[str] = mapped_column(sa.String(40))
    doc_date: Mapped[date | None] = mapped_column(sa.Date())
    due_date: Mapped[date | None] = mapped_column(sa.Date())
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    days_overdue: Mapped[int] = mapped_column(sa.Integer())
    interest_cents: Mapped[int] = mapped_column(sa.BigInteger())
    is_credit: Mapped[bool] = mapped_column(sa.Boolean())
    level: Mapped[int] = mapped_column(sa.Integer())
    previous_level: Mapped[int] = mapped_column(sa.Integer())
    removed_reason: Mapped[str | None] = mapped_column(sa.Text())
    removed_by: Mapped[str | None] = mapped_column(sa.String(40))
