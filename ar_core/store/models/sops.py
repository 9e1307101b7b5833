"""The SOP register (migration 0015): procedures, their versions (the four-eyes approval goes through
``approval_requests``), attachments kept in the database, per-area settings (review interval, named
approvers, the audience that acknowledges) and the acknowledgements of approved versions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow

__all__ = ["Sop", "SopAcknowledgement", "SopAreaPerson", "SopAreaSetting", "SopAttachment", "SopVersion"]


class Sop(Base):
    """One standard operating procedure: its title, process area and owner; the text is in its versions."""

    __tablename__ = "sops"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    area: Mapped[str] = mapped_column(sa.String(40), index=True)
    owner: Mapped[str] = mapped_column(sa.String(40))
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set when the SOP is retired: every version is read-only from then on.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_by: Mapped[str | None] = mapped_column(sa.String(40))


class SopVersion(Base):
    """One version of an SOP: draft → in_review → approved → superseded or retired."""

    __tablename__ = "sop_versions"
    __table_args__ = (
        sa.UniqueConstraint("sop_id", "version_no", name="uq_sop_versions_no"),
        sa.CheckConstraint(
            "status IN ('draft', 'in_review', 'approved', 'superseded', 'retired')",
            name="ck_sop_versions_status",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sop_id: Mapped[int] = mapped_column(sa.ForeignKey("sops.id", ondelete="CASCADE"), index=True)
    version_no: Mapped[int] = mapped_column(sa.Integer())
    body: Mapped[str] = mapped_column(sa.Text())
    change_summary: Mapped[str] = mapped_column(sa.Text())
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    author: Mapped[str] = mapped_column(sa.String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The file a bulk import read the draft from.
    source_file: Mapped[str | None] = mapped_column(sa.String(255))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approval_request_id: Mapped[int | None] = mapped_column(sa.BigInteger(), index=True)
    approver: Mapped[str | None] = mapped_column(sa.String(40))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    effective_on: Mapped[date | None] = mapped_column(sa.Date())
    #: Why the last review sent it back to draft.
    rejection_note: Mapped[str | None] = mapped_column(sa.Text())
    #: When it was superseded by the next approved version or retired with its SOP.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SopAttachment(Base):
    """An image (PNG, JPEG) or PDF of one version, kept in the database (checked type and size)."""

    __tablename__ = "sop_attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("sop_versions.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(50))
    size_bytes: Mapped[int] = mapped_column(sa.Integer())
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary())
    uploaded_by: Mapped[str] = mapped_column(sa.String(40))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SopAreaSetting(Base):
    """How many months after its effective date an area's SOP is due for review (default 12)."""

    __tablename__ = "sop_area_settings"

    area: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    review_months: Mapped[int] = mapped_column(sa.Integer())
    set_by: Mapped[str] = mapped_column(sa.String(40))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SopAreaPerson(Base):
    """A person named for a process area: ``approver`` (decides its SOP versions) or ``audience``
    (acknowledges its approved versions; without any, every collector and lead does)."""

    __tablename__ = "sop_area_people"
    __table_args__ = (
        sa.UniqueConstraint("area", "username", "kind", name="uq_sop_area_people"),
        sa.CheckConstraint("kind IN ('approver', 'audience')", name="ck_sop_area_people_kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    area: Mapped[str] = mapped_column(sa.String(40), index=True)
    username: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(20))
    set_by: Mapped[str] = mapped_column(sa.String(40))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SopAcknowledgement(Base):
    """One person confirmed they have read one approved version."""

    __tablename__ = "sop_acknowledgements"
    __table_args__ = (sa.UniqueConstraint("version_id", "username", name="uq_sop_acknowledgements"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("sop_versions.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(sa.String(40), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
