"""Tables of the ledger: customers, snapshots with their totals, item versions and memberships, FX rates."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    language: Mapped[str | None] = mapped_column(sa.String(5))
    collector: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    risk_class: Mapped[str | None] = mapped_column(sa.String(20))
    credit_limit_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    #: The currency of the credit limit (the reporting currency when blank).
    credit_limit_currency: Mapped[str | None] = mapped_column(sa.String(3))
    payment_terms: Mapped[str | None] = mapped_column(sa.String(40))
    company_code: Mapped[str | None] = mapped_column(sa.String(10))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(60))
    contact_email: Mapped[str | None] = mapped_column(sa.String(200))
    #: the group: the parent's customer number and the VAT id (allocations across a group need approval)
    parent_id: Mapped[str | None] = mapped_column(sa.String(40))
    vat_id: Mapped[str | None] = mapped_column(sa.String(40))
    #: the customer's bank accounts, separated by ";" (incoming payments are matched by them)
    ibans: Mapped[str | None] = mapped_column(sa.String(400))
    #: The postal address letters go to (and insolvency announcements are matched by postcode).
    street: Mapped[str | None] = mapped_column(sa.String(200))
    postcode: Mapped[str | None] = mapped_column(sa.String(20))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The snapshot whose import created this customer (removing it removes the customer too).
    created_by_snapshot_id: Mapped[int | None] = mapped_column(BigId)


class CustomerChange(Base):
    """One change to a customer record, by source; a snapshot's changes are undone when it is removed."""

    __tablename__ = "customer_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    #: ``extract`` (a snapshot's import), ``master`` (customer master upload) or ``admin``.
    source: Mapped[str] = mapped_column(sa.String(20))
    snapshot_id: Mapped[int | None] = mapped_column(BigId, index=True)
    created: Mapped[bool] = mapped_column(sa.Boolean(), default=False, server_default=sa.false())
    #: JSON of the changed fields before and after.
    before: Mapped[str | None] = mapped_column(sa.Text())
    after: Mapped[str | None] = mapped_column(sa.Text())
    changed_by: Mapped[str] = mapped_column(sa.String(40))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Snapshot(Base):
    """One committed extract as of a date. Immutable but for retirement (soft removal, items kept)."""

    __tablename__ = "snapshots"
    __table_args__ = (
        sa.Index(
            "uq_snapshots_active_file_hash", "file_hash", unique=True,
            sqlite_where=sa.text("retired_at IS NULL"), postgresql_where=sa.text("retired_at IS NULL"),
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    as_of: Mapped[date] = mapped_column(sa.Date(), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    #: sha256 of the raw file: the same file is never in force twice.
    file_hash: Mapped[str] = mapped_column(sa.String(64))
    source_format: Mapped[str] = mapped_column(sa.String(200))
    rows: Mapped[int] = mapped_column(sa.Integer())
    customers: Mapped[int] = mapped_column(sa.Integer())
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: JSON ``ar_core.ledger.snapshot_scope.Scope``: what part of the ledger this extract covers.
    scope: Mapped[str] = mapped_column(sa.Text(), server_default='{"full": true}')
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_by: Mapped[str | None] = mapped_column(sa.String(40))
    retire_reason: Mapped[str | None] = mapped_column(sa.Text())
    #: Counted at import (NULL for snapshots imported before migration 0009): items open at
    #: ``as_of``, their customers, and whether no item identity occurs twice in the file.
    open_items: Mapped[int | None] = mapped_column(sa.Integer())
    open_customers: Mapped[int | None] = mapped_column(sa.Integer())
    unique_identities: Mapped[bool | None] = mapped_column(sa.Boolean())


class SnapshotTotal(Base):
    """Per-currency totals of a snapshot, kept so listings need not scan the items."""

    __tablename__ = "snapshot_totals"

    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    total_cents: Mapped[int] = mapped_column(sa.BigInteger())
    open_total_cents: Mapped[int] = mapped_column(sa.BigInteger())
    #: The file's own total row for the currency, when it has one (reconciled at validation).
    file_total_cents: Mapped[int | None] = mapped_column(sa.BigInteger())


class VersionBlock(Base):
    """A run of item versions (``OpenItem`` layout without ``source_row``), stored once, immutable.

    Version ids ``first_id .. first_id + n - 1`` are the block's rows in order; ``data`` is a
    zstd Parquet file of them, sorted by customer, so a customer's versions sit in few blocks
    (``min_customer``/``max_customer`` find them). ``company_codes``: the distinct codes inside.
    """

    __tablename__ = "version_blocks"
    __table_args__ = (sa.Index("ix_version_blocks_customer", "min_customer", "max_customer"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    first_id: Mapped[int] = mapped_column(sa.BigInteger(), unique=True)
    n: Mapped[int] = mapped_column(sa.Integer())
    min_customer: Mapped[str] = mapped_column(sa.String(40))
    max_customer: Mapped[str] = mapped_column(sa.String(40))
    company_codes: Mapped[str] = mapped_column(sa.Text())
    data: Mapped[bytes] = mapped_column(sa.LargeBinary())


class SnapshotMember(Base):
    """Which versions make up a snapshot, per chunk of version ids (``id >> CHUNK_BITS``).

    ``bitmap``: zlib of the chunk's membership bits; ``source_rows``: the members' file lines
    (aligned with the members in ascending id order), compressed. ``n``: members in the chunk.
    """

    __tablename__ = "snapshot_members"

    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    chunk: Mapped[int] = mapped_column(sa.Integer(), primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(sa.Integer())
    bitmap: Mapped[bytes] = mapped_column(sa.LargeBinary())
    source_rows: Mapped[bytes] = mapped_column(sa.LargeBinary())


class FxRate(Base):
    """Reporting-currency units per unit of ``currency`` from ``rate_date`` on.

    Kept as integer millionths (``rate_micros``): exact on SQLite, which has no decimal type.
    """

    __tablename__ = "fx_rates"
    __table_args__ = (sa.UniqueConstraint("rate_date", "currency", name="uq_fx_rate_date_currency"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rate_date: Mapped[date] = mapped_column(sa.Date())
    currency: Mapped[str] = mapped_column(sa.String(3))
    rate_micros: Mapped[int] = mapped_column(sa.BigInteger())
    updated_by: Mapped[str] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ItemLayout(DeclarativeBase):
    """The column layout (types and text limits) of one stored item, outside the store's metadata.

    Items are no longer rows of a table: their content lives in :class:`VersionBlock` (each
    distinct version once) and a snapshot is a :class:`SnapshotMember` bitmap over versions. The
    layout stays the one definition of the item columns: the validator's store limits, the
    Parquet blocks' types and the ``open_items`` table of migrations up to 0007 derive from it.
    """


class OpenItem(ItemLayout):
    """One line of a snapshot: ``schema.ITEM_SCHEMA`` with money as integer cents (layout only)."""

    __tablename__ = "open_items"
    #: One index only: every read is "the items of a snapshot" (optionally of one customer).
    #: Comparing snapshots by item identity happens on polars frames, and a second, randomly
    #: ordered index would more than double the bulk load time of a large extract.
    __table_args__ = (sa.Index("ix_open_items_snapshot_customer", "snapshot_id", "customer_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(sa.BigInteger())
    company_code: Mapped[str | None] = mapped_column(sa.String(10))
    customer_id: Mapped[str] = mapped_column(sa.String(40))
    customer_name: Mapped[str | None] = mapped_column(sa.String(200))
    doc_no: Mapped[str] = mapped_column(sa.String(40))
    fiscal_year: Mapped[int | None] = mapped_column(sa.Integer())
    line_item: Mapped[int | None] = mapped_column(sa.Integer())
    doc_type: Mapped[str | None] = mapped_column(sa.String(10))
    doc_date: Mapped[date | None] = mapped_column(sa.Date())
    posting_date: Mapped[date | None] = mapped_column(sa.Date())
    baseline_date: Mapped[date | None] = mapped_column(sa.Date())
    due_date: Mapped[date | None] = mapped_column(sa.Date())
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount_doc_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    doc_currency: Mapped[str | None] = mapped_column(sa.String(3))
    amount_reporting_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    clearing_date: Mapped[date | None] = mapped_column(sa.Date())
    clearing_doc: Mapped[str | None] = mapped_column(sa.String(40))
    dunning_level: Mapped[int | None] = mapped_column(sa.SmallInteger())
    disputed: Mapped[bool | None] = mapped_column(sa.Boolean())
    dispute_reason: Mapped[str | None] = mapped_column(sa.String(40))
    #: The SAP Dispute Management (FSCM) case id; NULL in versions stored before it was read.
    dispute_case: Mapped[str | None] = mapped_column(sa.String(40))
    reference: Mapped[str | None] = mapped_column(sa.Text())
    assignment: Mapped[str | None] = mapped_column(sa.Text())
    text: Mapped[str | None] = mapped_column(sa.Text())
    collector: Mapped[str | None] = mapped_column(sa.String(40))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    source_row: Mapped[int | None] = mapped_column(sa.BigInteger())
