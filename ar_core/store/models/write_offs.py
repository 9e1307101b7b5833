"""Legal handover and write-off requests (migration 0021) with the open items they cover.

A request is decided through a four-eyes approval (``approval_requests``); its status follows that
request. Whether the ERP has posted it ("cleared in ERP") is not stored: it is read from the
snapshots (its items no longer open in a later one).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow

__all__ = ["WriteOffItem", "WriteOffRequest"]


class WriteOffRequest(Base):
    """A request to write off, or to hand over to the legal partner, chosen open items of one customer."""

    __tablename__ = "write_off_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: ``write_off`` or ``legal_handover``
    kind: Mapped[str] = mapped_column(sa.String(20))
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    customer_name: Mapped[str | None] = mapped_column(sa.String(200))
    #: the customer's collector when the request was made (the register's "per collector")
    collector: Mapped[str | None] = mapped_column(sa.String(40))
    #: the reason code (``recovery.write_off_rules.REASONS``)
    reason: Mapped[str] = mapped_column(sa.String(30))
    evidence: Mapped[str] = mapped_column(sa.Text())
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    currency: Mapped[str] = mapped_column(sa.String(3))
    #: the snapshot whose open items were chosen: a later one without them shows the request cleared
    snapshot_id: Mapped[int] = mapped_column(BigId)
    snapshot_as_of: Mapped[date] = mapped_column(sa.Date())
    #: ``pending``, ``approved``, ``rejected``, ``withdrawn`` (as its approval request)
    status: Mapped[str] = mapped_column(sa.String(20))
    approval_request_id: Mapped[int | None] = mapped_column(BigId, index=True)
    requested_by: Mapped[str] = mapped_column(sa.String(40))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(sa.String(40))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WriteOffItem(Base):
    """One open item of a request, as the snapshot showed it (for the posting and the handover file)."""

    __tablename__ = "write_off_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("write_off_requests.id", ondelete="CASCADE"), index=True
    )
    #: ``company code|fiscal year|document without leading zeros|line item`` (``schema.item_key``)
    item_key: Mapped[str] = mapped_column(sa.String(120), index=True)
    company_code: Mapped[str | None] = mapped_column(sa.String(10))
    fiscal_year: Mapped[int | None] = mapped_column(sa.Integer())
    doc_no: Mapped[str] = mapped_column(sa.String(40))
    line_item: Mapped[int | None] = mapped_column(sa.Integer())
    doc_type: Mapped[str | None] = mapped_column(sa.String(10))
    doc_date: Mapped[date | None] = mapped_column(sa.Date())
    due_date: Mapped[date | None] = mapped_column(sa.Date())
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    currency: Mapped[str] = mapped_column(sa.String(3))
    reference: Mapped[str | None] = mapped_column(sa.String(100))
    #: the ERP's dunning level of the item in that snapshot
    dunning_level: Mapped[int | None] = mapped_column(sa.Integer())
