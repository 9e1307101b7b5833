"""Portfolio summary rules: open at the as-of date, overdue only for debits past due, exact cents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.portfolio import in_portfolio, open_summary
from ar_core.schema import ITEM_SCHEMA, empty_items

AS_OF = date(2026, 11, 20)


def _items(rows: list[dict]) -> pl.DataFrame:
    base = dict.fromkeys(ITEM_SCHEMA)
    return pl.concat([empty_items(), pl.DataFrame([{**base, **r} for r in rows], schema=ITEM_SCHEMA)])


ROWS = [
    # overdue by 1 day
    {
        "customer_id": "A",
        "doc_no": "1",
        "due_date": date(2026, 11, 19),
        "amount": Decimal("100.10"),
        "currency": "EUR",
    },
    # due today: not overdue
    {"customer_id": "A", "doc_no": "2", "due_date": AS_OF, "amount": Decimal("50.00"), "currency": "EUR"},
    # a credit past its due date: a credit balance, never overdue
    {
        "customer_id": "B",
        "doc_no": "3",
        "due_date": date(2026, 1, 1),
        "amount": Decimal("-20.05"),
        "currency": "EUR",
    },
    # cleared before the as-of date: not open
    {
        "customer_id": "B",
        "doc_no": "4",
        "due_date": date(2026, 1, 1),
        "amount": Decimal("999.99"),
        "currency": "EUR",
        "clearing_date": date(2026, 11, 1),
    },
    # cleared after the as-of date: still open at as-of
    {
        "customer_id": "C",
        "doc_no": "5",
        "due_date": date(2026, 10, 1),
        "amount": Decimal("0.30"),
        "currency": "CHF",
        "clearing_date": date(2026, 11, 21),
    },
]


def test_open_summary_per_currency():
    summary = open_summary(_items(ROWS), AS_OF)
    assert summary.to_dicts() == [
        {
            "currency": "CHF",
            "open": Decimal("0.30"),
            "overdue": Decimal("0.30"),
            "credits": Decimal("0.00"),
            "items": 1,
            "customers": 1,
        },
        # 100.10 + 50.00 - 20.05 = 130.05; overdue only the 100.10
        {
            "currency": "EUR",
            "open": Decimal("130.05"),
            "overdue": Decimal("100.10"),
            "credits": Decimal("-20.05"),
            "items": 3,
            "customers": 2,
        },
    ]


def test_portfolio_scope():
    items = _items(ROWS)
    assert in_portfolio(items, None).height == 5
    assert in_portfolio(items, {"B"})["doc_no"].to_list() == ["3", "4"]
    assert in_portfolio(items, set()).height == 0
