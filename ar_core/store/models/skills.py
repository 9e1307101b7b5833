"""Skills profiles (migration 0017): the lead's edits of the skill list, every level a person was
given (the history: an import or a lead's assessment; rises from training modules are read from
the training tables), each collector's named backup, and absences."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow

__all__ = ["Absence", "CollectorBackup", "SkillDefinition", "SkillLevel"]


class SkillDefinition(Base):
    """A skill of the list as the lead edited it (the shipped default list applies until then).

    ``areas`` are the process areas a hard skill covers, comma separated; a retired skill is kept
    (``active`` false) so that its history stays readable.
    """

    __tablename__ = "skill_definitions"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(10))
    areas: Mapped[str] = mapped_column(sa.String(255), default="")
    active: Mapped[bool] = mapped_column(sa.Boolean(), default=True)
    position: Mapped[int] = mapped_column(sa.Integer(), default=0)
    updated_by: Mapped[str] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SkillLevel(Base):
    """One level given to a person for a skill (append-only history; the latest one counts, unless
    a completed training module raised it since). ``source``: ``import`` or ``assessment``."""

    __tablename__ = "skill_levels"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person: Mapped[str] = mapped_column(sa.String(40), index=True)
    skill: Mapped[str] = mapped_column(sa.String(40))
    level: Mapped[int] = mapped_column(sa.Integer())
    source: Mapped[str] = mapped_column(sa.String(12))
    note: Mapped[str | None] = mapped_column(sa.Text())
    set_by: Mapped[str] = mapped_column(sa.String(40))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CollectorBackup(Base):
    """The named backup of one collector's portfolio (one per collector)."""

    __tablename__ = "collector_backups"

    collector: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    backup: Mapped[str] = mapped_column(sa.String(40), index=True)
    set_by: Mapped[str] = mapped_column(sa.String(40))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Absence(Base):
    """A person away from ``starts_on`` to ``ends_on`` (both included); cancelled ones are kept."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person: Mapped[str] = mapped_column(sa.String(40), index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date())
    ends_on: Mapped[date] = mapped_column(sa.Date())
    note: Mapped[str | None] = mapped_column(sa.Text())
    recorded_by: Mapped[str] = mapped_column(sa.String(40))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_by: Mapped[str | None] = mapped_column(sa.String(40))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
