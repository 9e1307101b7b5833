"""Portfolio summary rules: open at the as-of date, overdue only for debits past due, exact cents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.access.scope import in_portfolio
from ar_core.ledger.overview import open_summary, summary_tiles
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
            "disputed": Decimal("0.00"),
            "items": 1,
            "customers": 1,
        },
        # 100.10 + 50.00 - 20.05 = 130.05; overdue only the 100.10
        {
            "currency": "EUR",
            "open": Decimal("130.05"),
            "overdue": Decimal("100.10"),
            "credits": Decimal("-20.05"),
            "disputed": Decimal("0.00"),
            "items": 3,
            "customers": 2,
        },
    ]


def test_portfolio_scope():
    items = _items(ROWS)
    assert in_portfolio(items, None).height == 5
    assert in_portfolio(items, {"B"})["doc_no"].to_list() == ["3", "4"]
    assert in_portfolio(items, set()).height == 0


PREV_AS_OF = date(2026, 11, 13)
TILE_PREV = [
    {
        "customer_id": "A",
        "doc_no": "1",
        "due_date": date(2026, 11, 1),
        "amount": Decimal("100"),
        "currency": "EUR",
    },
    # not yet overdue on 13.11., overdue now
    {
        "customer_id": "A",
        "doc_no": "2",
        "due_date": date(2026, 11, 15),
        "amount": Decimal("200"),
        "currency": "EUR",
    },
    {
        "customer_id": "B",
        "doc_no": "3",
        "due_date": date(2026, 10, 1),
        "amount": Decimal("300"),
        "currency": "EUR",
    },
    {
        "customer_id": "B",
        "doc_no": "4",
        "due_date": date(2026, 10, 1),
        "amount": Decimal("50"),
        "currency": "CHF",
    },
    {
        "customer_id": "C",
        "doc_no": "5",
        "due_date": date(2026, 10, 1),
        "amount": Decimal("-40"),
        "currency": "EUR",
    },
]
TILE_NOW = [
    TILE_PREV[0],
    TILE_PREV[1],
    {**TILE_PREV[3], "clearing_date": date(2026, 11, 18)},
    {
        "customer_id": "B",
        "doc_no": "6",
        "due_date": date(2026, 8, 1),
        "amount": Decimal("1000"),
        "currency": "EUR",
        "disputed": True,
    },
    {
        "customer_id": "C",
        "doc_no": "7",
        "due_date": date(2026, 11, 1),
        "amount": Decimal("-25"),
        "currency": "EUR",
    },
    {
        "customer_id": "A",
        "doc_no": "8",
        "due_date": date(2026, 12, 1),
        "amount": Decimal("500"),
        "currency": "EUR",
    },
    {
        "customer_id": "D",
        "doc_no": "9",
        "due_date": date(2026, 11, 1),
        "amount": Decimal("10"),
        "currency": "USD",
    },
]
TILE_RATES = pl.DataFrame({"currency": ["CHF"], "rate": [Decimal("1.05")]})


def test_summary_tiles_with_previous_snapshot():
    tiles = summary_tiles(_items(TILE_NOW), _items(TILE_PREV), AS_OF, TILE_RATES, prev_as_of=PREV_AS_OF)
    assert tiles == {
        "open": Decimal("1775.00"),  # 100 + 200 + 1000 - 25 + 500 (USD 10 has no rate)
        "overdue": Decimal("1300.00"),
        "pct_overdue": Decimal("73.2"),  # 1300 / 1775
        "over_90": Decimal("1000.00"),  # 111 days
        "credit_balances": Decimal("-25.00"),
        "disputed": Decimal("1000.00"),
        "customers": 4,
        "new_overdue": Decimal("1200.00"),  # doc 2 (due 15.11.) and doc 6 (new)
        "cleared": Decimal("312.50"),  # doc 3: 300, doc 4: CHF 50 x 1.05, doc 5: -40
        "missing_currencies": ["USD"],
    }


def test_summary_tiles_first_snapshot_and_empty():
    tiles = summary_tiles(_items(TILE_PREV), None, PREV_AS_OF, TILE_RATES)
    assert (tiles["new_overdue"], tiles["cleared"]) == (None, None)
    assert tiles["open"] == Decimal("612.50")  # 100 + 200 + 300 + 52.50 - 40
    empty = summary_tiles(empty_items(), empty_items(), AS_OF, None)
    assert empty["open"] == empty["cleared"] == Decimal("0.00") and empty["pct_overdue"] == Decimal("0.0")


def test_open_summary_counts_open_disputed_items():
    rows = [
        {"customer_id": "A", "doc_no": "1", "due_date": AS_OF, "amount": Decimal("40.00"), "currency": "EUR",
         "disputed": True},
        {"customer_id": "A", "doc_no": "2", "due_date": AS_OF, "amount": Decimal("60.00"), "currency": "EUR",
         "disputed": False},
        {"customer_id": "A", "doc_no": "3", "due_date": AS_OF, "amount": Decimal("99.00"), "currency": "EUR",
         "disputed": True, "clearing_date": date(2026, 11, 1)},  # cleared: not open
    ]  # fmt: skip
    assert open_summary(_items(rows), AS_OF)["disputed"].to_list() == [Decimal("40.00")]
