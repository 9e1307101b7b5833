"""One fixed letter context for the letter tests: a German customer with three invoices and a credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

LETTERHEAD = {
    "company_name": "Nordwind Handels GmbH",
    "address": "Hafenstraße 12\n20457 Hamburg\nDeutschland",
    "vat_id": "DE123456789",
    "phone": "+49 40 1234567",
    "email": "debitoren@nordwind.example",
    "bank_name": "Hamburger Sparkasse",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "HASPDEHHXXX",
}
CUSTOMER = {
    "customer_id": "100234",
    "name": "Müller & Söhne Bäckerei KG",
    "street": "Lindenallee 7",
    "postcode": "50668",
    "city": "Köln",
    "country": "DE",
    "contact_name": "Frau Weiß",
}
ITEMS = [
    {
        "doc_no": "9000123",
        "doc_date": date(2026, 9, 15),
        "due_date": date(2026, 10, 15),
        "amount": Decimal("1234.56"),
        "currency": "EUR",
        "days_overdue": 48,
        "interest": Decimal("19.61"),
        "is_credit": False,
    },
    {
        "doc_no": "9000188",
        "doc_date": date(2026, 10, 1),
        "due_date": date(2026, 10, 31),
        "amount": Decimal("8765.40"),
        "currency": "EUR",
        "days_overdue": 32,
        "interest": Decimal("92.77"),
        "is_credit": False,
    },
    {
        "doc_no": "7000042",
        "doc_date": date(2026, 10, 20),
        "due_date": None,
        "amount": Decimal("-500.00"),
        "currency": "EUR",
        "days_overdue": None,
        "interest": None,
        "is_credit": True,
    },
]
PLAN = {
    "down_payment": Decimal("1500.00"),
    "instalments": [
        {"due": date(2027, 1, 4), "amount": Decimal("2500.00")},
        {"due": date(2027, 2, 1), "amount": Decimal("2500.00")},
        {"due": date(2027, 3, 1), "amount": Decimal("2999.96")},
    ],
    "fee": Decimal("25.00"),
}
REFUND = {"amount": Decimal("500.00"), "iban": "DE02 1203 0000 0000 2020 51", "date": date(2026, 12, 9)}
RECONCILIATION = {
    "our_balance": Decimal("9499.96"),
    "their_balance": Decimal("8265.40"),
    "difference": Decimal("1234.56"),
    "lines": [
        {"doc_no": "9000123", "text": "invoice_not_booked", "amount": Decimal("1234.56")},
    ],
}


def context(**changes) -> dict:
    """The fixed context of every kind (all blocks present), with ``changes`` applied."""
    from ar_core.recovery.letters import letter_totals

    ctx = {
        "letterhead": dict(LETTERHEAD),
        "customer": dict(CUSTOMER),
        "letter_date": date(2026, 12, 2),
        "as_of": date(2026, 12, 2),
        "reference": "DU-2026-12-02-100234",
        "items": [dict(i) for i in ITEMS],
        "totals": letter_totals(ITEMS, Decimal("80.00")),
        "pay_by": date(2026, 12, 16),
        "plan": PLAN,
        "refund": REFUND,
        "reconciliation": RECONCILIATION,
    }
    ctx.update(changes)
    return ctx
