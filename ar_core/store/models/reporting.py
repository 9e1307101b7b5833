"""Reports (migration 0014): every produced report workbook, kept unchanged with its SHA-256,
and its sign-off (prepared by the author, reviewed by another lead or controller)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow


class ReportRun(Base):
    """One produced report: the layout it followed, the snapshot date, the file bytes and hash."""

    __tablename__ = "report_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    layout: Mapped[str] = mapped_column(sa.String(120))
    as_of: Mapped[date] = mapped_column(sa.Date())
    snapshot_id: Mapped[int | None] = mapped_column(sa.BigInteger())
    file_name: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary())
    sha256: Mapped[str] = mapped_column(sa.String(64))
    checks_ok: Mapped[bool] = mapped_column(sa.Boolean())
    produced_by: Mapped[str] = mapped_column(sa.String(40))
    produced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    prepared_by: Mapped[str | None] = mapped_column(sa.String(40))
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(40))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approval_request_id: Mapped[int | None] = mapped_column(sa.BigInteger())
