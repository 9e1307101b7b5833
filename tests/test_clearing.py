"""Clearing between snapshots: identity with leading zeros and nulls, absent or cleared items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.ledger.clearing import cleared_between
from ar_core.schema import ITEM_SCHEMA, empty_items

PREV, NOW = date(2026, 11, 13), date(2026, 11, 20)


def _items(rows: list[tuple]) -> pl.DataFrame:
    """rows: (company_code, fiscal_year, doc_no, line_item, amount, clearing_date)."""
    base = dict.fromkeys(ITEM_SCHEMA)
    recs = [
        {
            **base,
            "customer_id": "K",
            "company_code": cc,
            "fiscal_year": fy,
            "doc_no": doc,
            "line_item": li,
            "amount": Decimal(a),
            "currency": "EUR",
            "clearing_date": cl,
        }
        for cc, fy, doc, li, a, cl in rows
    ]
    return pl.concat([empty_items(), pl.DataFrame(recs, schema=ITEM_SCHEMA)])


PREV_ITEMS = _items(
    [
        ("1000", 2026, "0090001", 1, "10", None),  # listed as "90001" now: same item, open
        ("1000", 2026, "90002", 1, "20", None),  # absent now: cleared
        ("1000", 2026, "90003", 1, "30", None),  # now shows clearing 18.11.: cleared
        ("1000", 2026, "90004", 1, "40", None),  # now shows clearing 21.11. (after as-of): open
        (None, None, "90005", None, "50", None),  # null identity parts match nulls: open
        ("1000", 2026, "90006", 2, "60", None),  # now only line 1 exists: line 2 cleared
        ("1000", 2026, "90007", 1, "70", date(2026, 11, 1)),  # cleared before prev: not prev's open item
    ]
)
NOW_ITEMS = _items(
    [
        ("1000", 2026, "90001", 1, "10", None),
        ("1000", 2026, "90003", 1, "30", date(2026, 11, 18)),
        ("1000", 2026, "90004", 1, "40", date(2026, 11, 21)),
        (None, None, "0090005", None, "50", None),
        ("1000", 2026, "90006", 1, "60", None),
    ]
)


def test_cleared_between():
    out = cleared_between(PREV_ITEMS, NOW_ITEMS, NOW, prev_as_of=PREV)
    assert out.select("doc_no", "line_item", "amount", "cleared_on").rows() == [
        ("90002", 1, Decimal("20.00"), None),
        ("90003", 1, Decimal("30.00"), date(2026, 11, 18)),
        ("90006", 2, Decimal("60.00"), None),
    ]
    assert out.columns == [*ITEM_SCHEMA, "cleared_on"]


def test_without_prev_as_of_all_previous_rows_count():
    out = cleared_between(PREV_ITEMS, NOW_ITEMS, NOW)
    assert out.get_column("doc_no").to_list() == ["90002", "90003", "90006", "90007"]


def test_nothing_cleared_when_identical():
    assert cleared_between(NOW_ITEMS, NOW_ITEMS, NOW).height == 1  # 90003 already cleared on 18.11.
    assert cleared_between(PREV_ITEMS.head(0), NOW_ITEMS, NOW).height == 0
