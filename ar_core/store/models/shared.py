"""Tables every area shares: saved import mappings and application settings."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow


class SavedMapping(Base):
    """A named YAML mapping for generic CSV/XLSX extracts, reusable from the Upload page."""

    __tablename__ = "saved_mappings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    yaml_text: Mapped[str] = mapped_column(sa.Text())
    created_by: Mapped[str] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- workflow records (migration 0002): kept across snapshots --------------------------------


class AppSetting(Base):
    """One application setting as JSON text (priority weights, grace days, aging edges, ...)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text())
    updated_by: Mapped[str] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChangeMark(Base):
    """A counter per group of tables, advanced by every write to them (``ar_core.store.marks``)."""

    __tablename__ = "change_marks"

    area: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    mark: Mapped[int] = mapped_column(sa.BigInteger(), server_default="0")
