"""The statement of account and the reconciliation statement as letters (for their PDF versions).

The XLSX statements (``ar_core.ledger.statement_xlsx``, ``ar_core.credit.reconciliation_xlsx``)
stay what the customer's accounting imports; these give the same facts as a letter to read, in
the customer's language, from the templates ``statement.<lang>.j2`` and ``reconciliation.<lang>.j2``.
A letter is written per currency, so a statement with CHF and EUR invoices is two letters.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.ledger import open_items, with_document_amount
from ar_core.recovery.letters import Letter, make_letter

ZERO = Decimal("0.00")


def statement_letters(
    customer: Mapping,
    items: pl.DataFrame,
    as_of: date,
    letterhead: Mapping,
    *,
    letter_date: date | None = None,
    language: str | None = None,
) -> list[Letter]:
    """One statement letter per document currency of the customer's open items at ``as_of``.

    Amounts are in each item's document currency (what the customer booked); credits are the
    negative items. Without open items, one letter saying so (in the credit-limit currency, or EUR).
    """
    rows = with_document_amount(open_items(items, as_of)).sort("doc_cur", "due_date", "doc_no")
    by_currency: dict[str, list[dict]] = {}
    for row in rows.iter_rows(named=True):
        amount = Decimal(row["doc_amount"])
        days = (as_of - row["due_date"]).days if row["due_date"] else 0
        by_currency.setdefault(str(row["doc_cur"]), []).append(
            {
                "doc_no": row["doc_no"],
                "doc_date": row["doc_date"],
                "due_date": row["due_date"],
                "amount": amount,
                "currency": str(row["doc_cur"]),
                "days_overdue": max(days, 0),
                "interest": ZERO,
                "is_credit": amount < 0,
            }
        )
    if not by_currency:
        by_currency[str(customer.get("credit_limit_currency") or "EUR")] = []
    return [
        make_letter(
            "statement",
            customer=customer,
            letterhead=letterhead,
            letter_date=letter_date or as_of,
            as_of=as_of,
            items=lines,
            currency=currency,
            language=language,
            reference=f"{customer['customer_id']}-{as_of:%Y%m%d}"
            + (f"-{currency}" if len(by_currency) > 1 else ""),
        )
        for currency, lines in by_currency.items()
    ]


def reconciliation_letter(
    rec,
    customer: Mapping,
    letterhead: Mapping,
    *,
    letter_date: date | None = None,
    language: str | None = None,
) -> Letter:
    """The reconciliation statement of ``rec`` (``ar_core.credit.Reconciliation``) as a letter.

    Its lines explain the difference (our balance − theirs) to the cent: items open only with us
    (plus), items only in their list (minus) and the amount differences of matched documents.
    """
    lines = [
        {"doc_no": r["doc_no"], "text": r["reason"], "amount": Decimal(r["amount"])}
        for r in rec.only_ours.iter_rows(named=True)
    ]
    lines += [
        {"doc_no": r["their_reference"] or "", "text": r["reason"], "amount": -Decimal(r["amount"])}
        for r in rec.only_theirs.iter_rows(named=True)
    ]
    lines += [
        {"doc_no": r["doc_no"], "text": "amount_difference", "amount": Decimal(r["difference"])}
        for r in rec.differences.iter_rows(named=True)
    ]
    return make_letter(
        "reconciliation",
        customer=customer,
        letterhead=letterhead,
        letter_date=letter_date or rec.as_of,
        as_of=rec.as_of,
        currency=rec.currency or "EUR",
        language=language,
        reference=f"{customer['customer_id']}-{rec.as_of:%Y%m%d}",
        reconciliation={
            "our_balance": rec.our_balance,
            "their_balance": rec.their_balance,
            "difference": rec.difference,
            "lines": lines,
        },
    )
