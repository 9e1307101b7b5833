"""Training plans (migration 0016): the module catalogue, each person's plan lines, buddies of new
joiners, their shadowing sessions and the notes people write to explain a risk of delay.

Hours are exact (``NUMERIC(8, 2)``: a quarter of an hour is 0.25, never a float). The skills
helper reads :class:`TrainingModule` and :class:`TrainingPlanLine` (a completed line grants the
module's level for each skill it builds).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow

__all__ = ["ShadowingSession", "TrainingBuddy", "TrainingModule", "TrainingPlanLine", "TrainingRiskNote"]

HOURS = sa.Numeric(8, 2)


class TrainingModule(Base):
    """One module of the catalogue: what it teaches, how, in how many hours, on which SOPs."""

    __tablename__ = "training_modules"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), unique=True)
    area: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[str] = mapped_column(sa.String(20))
    expected_hours: Mapped[Decimal] = mapped_column(HOURS)
    skills: Mapped[str | None] = mapped_column(sa.Text())  # skill keys it builds, comma-separated
    grants_level: Mapped[int | None] = mapped_column(sa.Integer())  # 0-3, NULL: grants none
    sop_refs: Mapped[str | None] = mapped_column(sa.Text())  # SOP ids or titles, free text
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrainingPlanLine(Base):
    """One module in one person's plan: planned start and due, hours done, completion, evidence."""

    __tablename__ = "training_plan_lines"
    __table_args__ = (sa.UniqueConstraint("person", "module_id", name="uq_training_plan_line"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person: Mapped[str] = mapped_column(sa.String(40), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("training_modules.id"), index=True)
    start_on: Mapped[date] = mapped_column(sa.Date())
    due_on: Mapped[date] = mapped_column(sa.Date())
    hours_done: Mapped[Decimal] = mapped_column(HOURS)
    completed_on: Mapped[date | None] = mapped_column(sa.Date())
    evidence: Mapped[str | None] = mapped_column(sa.Text())
    updated_by: Mapped[str] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrainingBuddy(Base):
    """The buddy (a senior) assigned to a new joiner; one per joiner, replaced when reassigned."""

    __tablename__ = "training_buddies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person: Mapped[str] = mapped_column(sa.String(40), unique=True)
    buddy: Mapped[str] = mapped_column(sa.String(40), index=True)
    since: Mapped[date] = mapped_column(sa.Date())
    assigned_by: Mapped[str] = mapped_column(sa.String(40))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShadowingSession(Base):
    """A shadowing session of a joiner with their buddy; its hours counted to one plan line."""

    __tablename__ = "shadowing_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person: Mapped[str] = mapped_column(sa.String(40), index=True)
    buddy: Mapped[str] = mapped_column(sa.String(40))
    held_on: Mapped[date] = mapped_column(sa.Date())
    hours: Mapped[Decimal] = mapped_column(HOURS)
    topic: Mapped[str] = mapped_column(sa.String(200))
    notes: Mapped[str | None] = mapped_column(sa.Text())
    plan_line_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("training_plan_lines.id", ondelete="SET NULL"), index=True
    )
    logged_by: Mapped[str] = mapped_column(sa.String(40))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrainingRiskNote(Base):
    """A person's note explaining why a module of their plan is late or at risk (kept as written)."""

    __tablename__ = "training_risk_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_plan_lines.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
