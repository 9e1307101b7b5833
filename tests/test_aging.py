"""Aging buckets pinned at their edges, and the aging table's exact sums."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest

from ar_core.ledger.aging import aging_table, bucket_index_expr, bucket_labels, with_aging
from ar_core.ledger.fx import to_reporting
from ar_core.schema import ITEM_SCHEMA, empty_items

AS_OF = date(2026, 11, 20)


def _items(rows: list[dict]) -> pl.DataFrame:
    base = dict.fromkeys(ITEM_SCHEMA)
    return pl.concat([empty_items(), pl.DataFrame([{**base, **r} for r in rows], schema=ITEM_SCHEMA)])


def _aged_days(days: list[int], edges=None) -> list[str]:
    rows = [
        {"customer_id": "A", "doc_no": str(i), "due_date": AS_OF - timedelta(days=d), "amount": Decimal(1)}
        for i, d in enumerate(days)
    ]
    aged = with_aging(_items(rows), AS_OF) if edges is None else with_aging(_items(rows), AS_OF, edges)
    return aged.get_column("bucket").cast(pl.String).to_list()


def test_bucket_edges():
    days = [-5, 0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 360, 361]
    assert _aged_days(days) == [
        "not due",
        "not due",
        "1-30",
        "1-30",
        "31-60",
        "31-60",
        "61-90",
        "61-90",
        "91-180",
        "91-180",
        "181-360",
        "181-360",
        ">360",
    ]


def test_days_overdue_and_open_only():
    rows = [
        {"customer_id": "A", "doc_no": "1", "due_date": date(2026, 10, 21), "amount": Decimal(1)},
        {
            "customer_id": "A",
            "doc_no": "2",
            "due_date": date(2026, 1, 1),
            "amount": Decimal(1),
            "clearing_date": date(2026, 11, 20),
        },  # cleared on the as-of date: gone
    ]
    aged = with_aging(_items(rows), AS_OF)
    assert aged.select("doc_no", "days_overdue").rows() == [("1", 30)]


def test_configurable_edges():
    assert bucket_labels((10, 20)) == ["not due", "1-10", "11-20", ">20"]
    assert _aged_days([0, 10, 11, 20, 21], (10, 20)) == ["not due", "1-10", "11-20", "11-20", ">20"]
    with pytest.raises(ValueError, match="increasing"):
        _aged_days([1], (30, 30))


def test_bucket_index():
    frame = pl.DataFrame({"d": [0, 1, 30, 31, 360, 361]})
    assert frame.select(bucket_index_expr(pl.col("d"))).to_series().to_list() == [0, 1, 1, 2, 5, 6]


ROWS = [
    {
        "customer_id": "A",
        "collector": "c.meyer",
        "doc_no": "1",
        "due_date": AS_OF,
        "amount": Decimal("100.10"),
        "currency": "EUR",
    },
    {
        "customer_id": "A",
        "collector": "c.meyer",
        "doc_no": "2",
        "due_date": date(2026, 11, 19),
        "amount": Decimal("-20.05"),
        "currency": "EUR",
    },
    {
        "customer_id": "B",
        "collector": "c.meyer",
        "doc_no": "3",
        "due_date": date(2026, 8, 1),
        "amount": Decimal("10.00"),
        "currency": "CHF",
    },
    {
        "customer_id": "C",
        "collector": "j.vos",
        "doc_no": "4",
        "due_date": date(2025, 1, 1),
        "amount": Decimal("5.55"),
        "currency": "USD",
    },
]


def test_aging_table_by_customer_and_currency():
    aged = with_aging(_items(ROWS), AS_OF)
    table = aging_table(aged, by=["customer_id", "currency"])
    zero = Decimal("0.00")
    assert table.columns == ["customer_id", "currency", *bucket_labels(), "total"]
    assert table.row(0) == ("A", "EUR", Decimal("100.10"), Decimal("-20.05"), *[zero] * 5, Decimal("80.05"))
    assert table.row(1) == (
        "B",
        "CHF",
        zero,
        zero,
        zero,
        zero,
        Decimal("10.00"),
        zero,
        zero,
        Decimal("10.00"),
    )
    assert table.row(2)[-2:] == (Decimal("5.55"), Decimal("5.55"))


def test_aging_table_in_reporting_currency_keeps_unconverted_visible():
    rates = pl.DataFrame({"currency": ["CHF"], "rate": [Decimal("1.055")]})
    rep, missing = to_reporting(with_aging(_items(ROWS), AS_OF), rates)
    assert missing == ["USD"]
    table = aging_table(rep, by=["collector"], amount="amount_rep")
    # c.meyer: 100.10 - 20.05 + 10.00 x 1.055 (= 10.55) = 90.60; j.vos: USD without a rate -> 0, still listed
    assert table.select("collector", "total").rows() == [
        ("c.meyer", Decimal("90.60")),
        ("j.vos", Decimal("0.00")),
    ]
