"""KPIs and coaching (migration 0013): monthly credit sales per company code (for extracts that
hold open items only), targets per collector and period, and the append-only 1:1 coaching notes;
the append-only completion of their agreed actions (migration 0023)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow


class MonthlySales(Base):
    """Credit sales of one company code and calendar month, from a sales file (one row per month).

    A later file replaces a month's figure (audited with the old and new value).
    """

    __tablename__ = "monthly_sales"
    __table_args__ = (sa.UniqueConstraint("company_code", "year", "month", name="uq_monthly_sales"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_code: Mapped[str] = mapped_column(sa.String(10))
    year: Mapped[int] = mapped_column(sa.Integer())
    month: Mapped[int] = mapped_column(sa.Integer())
    currency: Mapped[str] = mapped_column(sa.String(3))
    sales_cents: Mapped[int] = mapped_column(sa.BigInteger())
    source_file: Mapped[str] = mapped_column(sa.String(255))
    imported_by: Mapped[str] = mapped_column(sa.String(40))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CollectorTarget(Base):
    """A lead's target for one collector, metric and period (value × 100: money in cents, % in
    hundredths). Setting it again replaces the value (audited)."""

    __tablename__ = "collector_targets"
    __table_args__ = (sa.UniqueConstraint("collector", "metric", "period_start", name="uq_collector_target"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    collector: Mapped[str] = mapped_column(sa.String(40), index=True)
    metric: Mapped[str] = mapped_column(sa.String(40))
    period_start: Mapped[date] = mapped_column(sa.Date())
    period_end: Mapped[date] = mapped_column(sa.Date())
    target_hundredths: Mapped[int] = mapped_column(sa.BigInteger())
    note: Mapped[str | None] = mapped_column(sa.Text())
    set_by: Mapped[str] = mapped_column(sa.String(40))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CoachingNote(Base):
    """The note of one 1:1 between a lead and a collector; never changed or deleted (the database
    refuses UPDATE and DELETE, migration 0013)."""

    __tablename__ = "coaching_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    collector: Mapped[str] = mapped_column(sa.String(40), index=True)
    author: Mapped[str] = mapped_column(sa.String(40))
    met_on: Mapped[date] = mapped_column(sa.Date())
    note: Mapped[str] = mapped_column(sa.Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CoachingAction(Base):
    """An action agreed in a 1:1, with its due date; kept append-only with its note."""

    __tablename__ = "coaching_actions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    note_id: Mapped[int] = mapped_column(sa.ForeignKey("coaching_notes.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(sa.Text())
    due_date: Mapped[date] = mapped_column(sa.Date())


class CoachingActionDone(Base):
    """That an agreed action was done: who marked it, when, with an optional note. One per action,
    never changed or deleted (the database refuses UPDATE and DELETE, migration 0023)."""

    __tablename__ = "coaching_action_done"
    __table_args__ = (sa.UniqueConstraint("action_id", name="uq_coaching_action_done_action"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("coaching_actions.id"))
    done_by: Mapped[str] = mapped_column(sa.String(40))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str | None] = mapped_column(sa.Text())
