"""Reporting-currency conversion: exact rounding, the extract's own amount wins, nothing dropped."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from ar_core.ledger.fx import rate_table, to_reporting
from ar_core.schema import MONEY


def _items(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"currency": pl.String, "amount": MONEY, "amount_reporting": MONEY}, orient="row"
    )


RATES = pl.DataFrame({"currency": ["CHF", "GBP"], "rate": [Decimal("1.123456"), Decimal("0.5")]})


def test_conversion_rounds_half_away_from_zero():
    items = _items(
        [
            ("CHF", Decimal("12.34"), None),  # 13.86344704 -> 13.86
            ("GBP", Decimal("0.01"), None),  # 0.005 -> 0.01
            ("GBP", Decimal("-0.01"), None),  # -0.005 -> -0.01
            ("EUR", Decimal("7.00"), None),  # reporting currency: rate 1
        ]
    )
    out, missing = to_reporting(items, RATES)
    assert missing == []
    assert out.get_column("amount_rep").to_list() == [
        Decimal("13.86"),
        Decimal("0.01"),
        Decimal("-0.01"),
        Decimal("7.00"),
    ]
    assert out.schema["amount_rep"] == MONEY
    assert out.columns == [*items.columns, "amount_rep"]


def test_extract_amount_wins_and_missing_rates_are_reported():
    items = _items(
        [
            ("USD", Decimal("10.00"), Decimal("9.21")),  # the ERP converted it: no rate needed
            ("USD", Decimal("5.00"), None),  # no rate: stays null, reported
            ("SEK", Decimal("1.00"), None),
            ("CHF", Decimal("1.00"), None),
        ]
    )
    out, missing = to_reporting(items, RATES)
    assert out.height == 4  # never dropped
    assert out.get_column("amount_rep").to_list() == [Decimal("9.21"), None, None, Decimal("1.12")]
    assert missing == ["SEK", "USD"]


def test_other_reporting_currency_and_no_rates():
    out, missing = to_reporting(
        _items([("CHF", Decimal("3.00"), None), ("EUR", Decimal("1"), None)]), None, "CHF"
    )
    assert out.get_column("amount_rep").to_list() == [Decimal("3.00"), None]
    assert missing == ["EUR"]
    # a given rate for the reporting currency itself is ignored: it is always 1
    table = rate_table(pl.DataFrame({"currency": ["EUR"], "rate": [Decimal("2")]}))
    assert table.rows() == [("EUR", Decimal("1.000000"))]


def test_extract_reporting_amount_only_counts_in_the_group_currency():
    """The ERP's amount_reporting is EUR: reporting in CHF converts from local currency instead."""
    items = _items([("USD", Decimal("10.00"), Decimal("9.21"))])
    chf_rates = pl.DataFrame({"currency": ["USD"], "rate": [Decimal("0.868")]})
    out, missing = to_reporting(items, chf_rates, "CHF")
    assert (out.get_column("amount_rep").to_list(), missing) == ([Decimal("8.68")], [])
