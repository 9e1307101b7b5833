"""What a bank statement reader returns: statements and transactions as frames, problems as values.

One row per transaction (not per booking): a batch booking of 664.05 holding payments of 564.05
and 100.00 is matched against invoices payment by payment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ar_core.ingest.result import ERROR, WARNING, Problem
from ar_core.schema import MONEY

#: One row per statement (camt Stmt, camt.054 Ntfctn, MT940 :20:…:62F: block).
STATEMENT_SCHEMA: dict[str, pl.DataType] = {
    "statement_key": pl.String(),
    "sequence_no": pl.String(),
    "account_iban": pl.String(),
    "account_currency": pl.String(),
    #: When the bank created the statement, wall-clock time as the bank wrote it (offset dropped).
    "created_at": pl.Datetime("us"),
    "from_date": pl.Date(),
    "to_date": pl.Date(),
    #: Signed (negative = debit balance); null when the file has none.
    "opening_balance": MONEY,
    "closing_balance": MONEY,
    "entries": pl.Int64(),
    #: The file name, or "zip name/member" for a statement inside a zip.
    "source": pl.String(),
}

#: One row per transaction: every TxDtls of an entry, or the entry itself when it has none.
TRANSACTION_SCHEMA: dict[str, pl.DataType] = {
    "statement_key": pl.String(),
    "entry_index": pl.Int32(),
    "tx_index": pl.Int32(),
    "entry_reference": pl.String(),
    #: Always positive; ``direction`` carries the sign.
    "amount": MONEY,
    "currency": pl.String(),
    "direction": pl.String(),
    "reversal": pl.Boolean(),
    "booking_date": pl.Date(),
    "value_date": pl.Date(),
    "counterparty_name": pl.String(),
    "counterparty_iban": pl.String(),
    "iban_valid": pl.Boolean(),
    "ultimate_debtor": pl.String(),
    "remittance": pl.String(),
    "creditor_reference": pl.String(),
    "reference_type": pl.String(),
    "reference_valid": pl.Boolean(),
    "end_to_end_id": pl.String(),
    "bank_reference": pl.String(),
    "bank_tx_code": pl.String(),
    "instructed_amount": MONEY,
    "instructed_currency": pl.String(),
    "batch_size": pl.Int32(),
}

CREDIT, DEBIT = "CRDT", "DBIT"
#: reference_type values.
SCOR, CUR = "SCOR", "CUR"


def statements_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=STATEMENT_SCHEMA, orient="row") if rows else empty_statements()


def transactions_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=TRANSACTION_SCHEMA, orient="row") if rows else empty_transactions()


def empty_statements() -> pl.DataFrame:
    return pl.DataFrame(schema=STATEMENT_SCHEMA)


def empty_transactions() -> pl.DataFrame:
    return pl.DataFrame(schema=TRANSACTION_SCHEMA)


@dataclass(frozen=True)
class BankFile:
    """One read bank file (or zip of files).

    With any ERROR problem both frames are empty: a statement is the bank's record of an account,
    and importing part of it would leave payments silently missing.
    """

    format: str
    statements: pl.DataFrame = field(default_factory=empty_statements)
    transactions: pl.DataFrame = field(default_factory=empty_transactions)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]


def finish(fmt: str, statements: list[dict], transactions: list[dict], problems: list[Problem]) -> BankFile:
    """The BankFile of a reader's rows, refused as a whole (empty frames) when any problem is an ERROR."""
    if any(p.severity == ERROR for p in problems):
        return BankFile(fmt, problems=problems)
    return BankFile(fmt, statements_frame(statements), transactions_frame(transactions), problems)
