"""Bank statement readers (camt.053, camt.054, MT940, zips of them): pure, no store, no page.

Public API: :func:`read_bank_file` gives a :class:`BankFile` with ``statements``
(:data:`STATEMENT_SCHEMA`), ``transactions`` (:data:`TRANSACTION_SCHEMA`, one row per transaction)
and ``problems``; the check-digit functions of :mod:`ar_core.ingest.bank.checks`.
"""

from __future__ import annotations

from ar_core.ingest.bank.checks import (
    iban_check_digits,
    iban_valid,
    nl_payment_reference_valid,
    normalise_iban,
    rf_reference_valid,
)
from ar_core.ingest.bank.reader import read_bank_file
from ar_core.ingest.bank.result import STATEMENT_SCHEMA, TRANSACTION_SCHEMA, BankFile

__all__ = [
    "STATEMENT_SCHEMA",
    "TRANSACTION_SCHEMA",
    "BankFile",
    "iban_check_digits",
    "iban_valid",
    "nl_payment_reference_valid",
    "normalise_iban",
    "read_bank_file",
    "rf_reference_valid",
]
