"""Pieces both statement formats share: exact amounts, dates, references and the transaction row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ar_core.ingest.bank.checks import (
    iban_valid,
    nl_payment_reference_valid,
    normalise_iban,
    rf_reference_valid,
)
from ar_core.ingest.bank.result import CUR, SCOR, TRANSACTION_SCHEMA
from ar_core.ingest.result import Problem
from ar_core.money import CENT

#: Largest magnitude Decimal(18, 2) holds.
_LIMIT = Decimal(10) ** 16
_ISO_AMOUNT = re.compile(r"^\d{1,18}(\.\d{1,5})?$")
_RF_LIKE = re.compile(r"^RF\d{2}")
#: "BETALINGSKENM. 1067931951601240" in free text: a Dutch payment reference typed as text.
_NL_IN_TEXT = re.compile(r"BETALINGSKENM(?:ERK)?\.?\s*:?\s*(\d{16})\b", re.IGNORECASE)


@dataclass
class Rows:
    """What one document gave: its format, statement and transaction rows, and problems."""

    format: str
    statements: list[dict[str, Any]] = field(default_factory=list)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def exact_amount(text: str) -> Decimal | None:
    """An unsigned decimal amount as exact cents; None when it is not one or has a fraction of a cent.

    Rounding a fraction of a cent would invent or lose money, so such an amount is refused.
    """
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value >= _LIMIT or value != value.quantize(CENT):
        return None
    return value.quantize(CENT)


def iso_amount(text: str | None) -> Decimal | None:
    """An ISO 20022 amount ("1234.56", no grouping, no sign)."""
    text = (text or "").strip()
    return exact_amount(text) if _ISO_AMOUNT.match(text) else None


def iso_date(text: str | None) -> date | None:
    """The calendar day of an ISO date or date-time as the bank wrote it (its offset is not applied).

    A booking at 23:30+01:00 belongs to that day on the statement, not to the UTC day.
    """
    moment = iso_datetime(text)
    return moment.date() if moment is not None else None


def iso_datetime(text: str | None) -> datetime | None:
    """An ISO date or date-time as naive wall-clock time; None when unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:  # "2024-03-01+01:00" (xs:date with offset) is valid ISO 20022
            moment = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    return moment.replace(tzinfo=None)


def blank_transaction() -> dict[str, Any]:
    return dict.fromkeys(TRANSACTION_SCHEMA)


def set_iban(row: dict[str, Any], text: str | None) -> None:
    """Store a counterparty IBAN normalised, with its check result (None when there is none)."""
    iban = normalise_iban(text)
    row["counterparty_iban"] = iban or None
    row["iban_valid"] = iban_valid(iban) if iban else None


def set_reference(row: dict[str, Any], ref: str | None, *, scor: bool = False, cur: bool = False) -> None:
    """Store a structured creditor reference with its kind and check result.

    ``scor``: the file says ISO 11649 (Cd SCOR); ``cur``: a Dutch payment reference (Issr CUR).
    A reference that starts "RF" + 2 digits is taken as ISO 11649 even untyped. A reference of
    no known kind has no check to run, so its validity stays null.
    """
    ref = re.sub(r"\s+", "", ref or "")
    if not ref:
        return
    row["creditor_reference"] = ref
    if cur and not _RF_LIKE.match(ref.upper()):
        row["reference_type"], row["reference_valid"] = CUR, nl_payment_reference_valid(ref)
    elif scor or _RF_LIKE.match(ref.upper()):
        row["reference_type"], row["reference_valid"] = SCOR, rf_reference_valid(ref)


def reference_from_text(row: dict[str, Any]) -> None:
    """A Dutch payment reference typed into the remittance text, when no structured one came."""
    if row["creditor_reference"] is None and row["remittance"]:
        found = _NL_IN_TEXT.search(row["remittance"])
        if found:
            set_reference(row, found.group(1), cur=True)


def end_to_end(text: str | None) -> str | None:
    """The payer's end-to-end id; None for "NOTPROVIDED", which means there is none."""
    text = (text or "").strip()
    if not text or re.sub(r"[\s_-]", "", text).upper() == "NOTPROVIDED":
        return None
    return text


def where(row: dict[str, Any]) -> str:
    """How a warning names a transaction: entry number and the bank's reference when there is one."""
    name = f"entry {row['entry_index']}"
    if row.get("tx_index") and row.get("batch_size") and row["batch_size"] > 1:
        name += f", transaction {row['tx_index']}"
    if row.get("entry_reference"):
        name += f" (bank reference {row['entry_reference']})"
    return name


def iban_problem(row: dict[str, Any]) -> str | None:
    """The warning for a counterparty IBAN that fails its check, or None when it passes or is absent."""
    if row["iban_valid"] is not False:
        return None
    iban = row["counterparty_iban"]
    if not re.match(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$", iban):
        what = "is not a readable IBAN"
    else:
        what = "fails its check digits or its country's length"
    return f"{where(row)}: counterparty IBAN '{iban[:40]}' {what}; the payment is kept"
