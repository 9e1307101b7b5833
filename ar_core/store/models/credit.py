"""Credit balances and cash from the bank (migration 0012): bank statements and their payments,
IBANs learned per customer, decisions on allocation suggestions, refunds, reconciliations."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ar_core.store.models.base import Base
from ar_core.store.types import BigId, UTCDateTime, utcnow


class BankStatement(Base):
    """One imported statement (camt.053 Stmt, camt.054 Ntfctn or one MT940 statement).

    The same statement imported twice is recognised by its account, key and sequence number.
    """

    __tablename__ = "bank_statements"
    __table_args__ = (
        sa.UniqueConstraint("account_iban", "statement_key", "sequence_no", name="uq_bank_statement"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    format: Mapped[str] = mapped_column(sa.String(30))
    statement_key: Mapped[str] = mapped_column(sa.String(140))
    sequence_no: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    account_iban: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    from_date: Mapped[date | None] = mapped_column(sa.Date())
    to_date: Mapped[date | None] = mapped_column(sa.Date())
    opening_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    closing_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    entries: Mapped[int] = mapped_column(sa.Integer(), default=0)
    source_file: Mapped[str] = mapped_column(sa.String(255))
    imported_by: Mapped[str] = mapped_column(sa.String(40))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BankPayment(Base):
    """One transaction of a statement (a ``TxDtls``), with what AR Desk matched it to.

    Only incoming customer payments (credits, not reversals) are matched; the others are kept so
    the statement stays complete. ``applied_snapshot_id`` is set when a later snapshot shows the
    matched invoices cleared (the ERP applied the cash).
    """

    __tablename__ = "bank_payments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bank_statements.id", ondelete="CASCADE"), index=True
    )
    entry_index: Mapped[int] = mapped_column(sa.Integer())
    tx_index: Mapped[int] = mapped_column(sa.Integer())
    entry_reference: Mapped[str | None] = mapped_column(sa.String(140))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    currency: Mapped[str] = mapped_column(sa.String(3))
    direction: Mapped[str] = mapped_column(sa.String(4))
    reversal: Mapped[bool] = mapped_column(sa.Boolean(), default=False)
    booking_date: Mapped[date | None] = mapped_column(sa.Date())
    value_date: Mapped[date | None] = mapped_column(sa.Date())
    counterparty_name: Mapped[str | None] = mapped_column(sa.String(200))
    counterparty_iban: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    iban_valid: Mapped[bool | None] = mapped_column(sa.Boolean())
    remittance: Mapped[str | None] = mapped_column(sa.Text())
    creditor_reference: Mapped[str | None] = mapped_column(sa.String(80))
    reference_type: Mapped[str | None] = mapped_column(sa.String(10))
    end_to_end_id: Mapped[str | None] = mapped_column(sa.String(80))
    bank_reference: Mapped[str | None] = mapped_column(sa.String(140))
    bank_tx_code: Mapped[str | None] = mapped_column(sa.String(80))
    #: the match: customer, invoices (JSON lists of item keys and document numbers), rule, confidence
    customer_id: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    customer_rule: Mapped[str | None] = mapped_column(sa.String(20))
    invoice_keys: Mapped[str | None] = mapped_column(sa.Text())
    invoice_docs: Mapped[str | None] = mapped_column(sa.Text())
    matched_cents: Mapped[int | None] = mapped_column(sa.BigInteger())
    rule: Mapped[str | None] = mapped_column(sa.String(20))
    confidence: Mapped[float | None] = mapped_column(sa.Float())
    evidence: Mapped[str | None] = mapped_column(sa.Text())
    candidates: Mapped[str | None] = mapped_column(sa.Text())
    name_flag: Mapped[bool] = mapped_column(sa.Boolean(), default=False)
    #: ``matched``, ``ambiguous``, ``unmatched`` (incoming payments), ``other`` (debits, reversals)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    #: a person confirmed (or corrected) the match; the IBAN is then learned for the customer
    confirmed_by: Mapped[str | None] = mapped_column(sa.String(40))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    applied_snapshot_id: Mapped[int | None] = mapped_column(BigId)


class CustomerIban(Base):
    """An IBAN known to belong to a customer: from the customer master or a confirmed payment."""

    __tablename__ = "customer_ibans"

    iban: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    #: ``master`` or ``confirmed``
    source: Mapped[str] = mapped_column(sa.String(20))
    learned_by: Mapped[str] = mapped_column(sa.String(40))
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AllocationDecision(Base):
    """A person's decision on what an open credit settles: accepted (as suggested or split by hand)
    or rejected with a reason. The latest decision per credit counts; older ones stay as history.

    ``posted_snapshot_id`` is set when a later snapshot shows the credit and its invoices cleared.
    """

    __tablename__ = "allocation_decisions"
    __table_args__ = (
        sa.CheckConstraint("decision IN ('accepted', 'rejected', 'split')", name="ck_allocation_decision"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    credit_key: Mapped[str] = mapped_column(sa.String(120), index=True)
    credit_doc: Mapped[str] = mapped_column(sa.String(40))
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    company_code: Mapped[str | None] = mapped_column(sa.String(10))
    currency: Mapped[str] = mapped_column(sa.String(3))
    decision: Mapped[str] = mapped_column(sa.String(20))
    #: JSON list of {"key", "doc", "customer_id", "cents"}: what the credit settles, per invoice
    allocations: Mapped[str] = mapped_column(sa.Text(), default="[]")
    rule: Mapped[str | None] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.Text())
    snapshot_id: Mapped[int] = mapped_column(BigId)
    decided_by: Mapped[str] = mapped_column(sa.String(40))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the customer confirmed where the credit belongs (text of the confirmation, when, who noted it)
    confirmation: Mapped[str | None] = mapped_column(sa.Text())
    confirmed_on: Mapped[date | None] = mapped_column(sa.Date())
    posted_snapshot_id: Mapped[int | None] = mapped_column(BigId)


class CreditRefund(Base):
    """A credit marked for refund; above the threshold it waits for a four-eyes approval."""

    __tablename__ = "credit_refunds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    credit_key: Mapped[str] = mapped_column(sa.String(120), index=True)
    credit_doc: Mapped[str] = mapped_column(sa.String(40))
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger())
    currency: Mapped[str] = mapped_column(sa.String(3))
    reason: Mapped[str] = mapped_column(sa.Text())
    #: the approval request (``access.approvals``) when the amount needs one
    approval_id: Mapped[int | None] = mapped_column(BigId)
    #: ``approved`` (within the threshold, or approved), ``pending``, ``rejected``, ``withdrawn``
    status: Mapped[str] = mapped_column(sa.String(20))
    requested_by: Mapped[str] = mapped_column(sa.String(40))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Reconciliation(Base):
    """The outcome of a reconciliation with the customer's own list, as recorded on the account."""

    __tablename__ = "reconciliations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    snapshot_id: Mapped[int] = mapped_column(BigId)
    as_of: Mapped[date] = mapped_column(sa.Date())
    currency: Mapped[str] = mapped_column(sa.String(3))
    source_file: Mapped[str] = mapped_column(sa.String(255))
    our_cents: Mapped[int] = mapped_column(sa.BigInteger())
    their_cents: Mapped[int] = mapped_column(sa.BigInteger())
    #: JSON: counts and totals of matched, only ours, only theirs, differences
    summary: Mapped[str] = mapped_column(sa.Text())
    contact_id: Mapped[int | None] = mapped_column(BigId)
    created_by: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
