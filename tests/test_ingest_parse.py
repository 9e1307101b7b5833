"""Vectorised parsers: numbers, dates, flags as ERP users and SAP write them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ar_core.ingest import parse
from ar_core.money import format_amount


def _money(values: list[str | None], style: parse.NumberStyle, *, spaced: bool = False) -> list:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    helpers, final = parse.money_steps(pl.col("v"), "v", style, spaced=spaced)
    two_step = frame.with_columns(helpers).select(final.alias("m"))["m"].to_list()
    one_step = frame.select(parse.money(pl.col("v"), style, spaced=spaced).alias("v"))["v"].to_list()
    assert two_step == one_step
    return two_step


def test_german_amounts_with_trailing_minus() -> None:
    got = _money(
        ["1.234,56-", "-1.234,56", "1.234.567,89", "0,10", "5", "1.234,5", "12,3x", "1234.56"], parse.GERMAN
    )
    assert got == [
        Decimal("-1234.56"),
        Decimal("-1234.56"),
        Decimal("1234567.89"),
        Decimal("0.10"),
        Decimal("5.00"),
        Decimal("1234.50"),
        None,
        None,  # an English-looking value in a German column is rejected, not read as 123.456,00
    ]


def test_english_amounts_with_trailing_minus() -> None:
    got = _money(["12,678.79-", "-1,234.56", "1234.5", "1,234", "1.005"], parse.ENGLISH)
    assert got == [Decimal("-12678.79"), Decimal("-1234.56"), Decimal("1234.50"), Decimal("1234.00"), None]


def test_space_grouped_amounts() -> None:
    assert _money(["1 234 567,89", "1\u00a0234,00-"], parse.GERMAN, spaced=True) == [
        Decimal("1234567.89"),
        Decimal("-1234.00"),
    ]


def test_amount_limits_and_double_signs() -> None:
    got = _money(["9999999999999999,99", "99999999999999999", "-1,00-", "1,234", ""], parse.GERMAN)
    assert got == [Decimal("9999999999999999.99"), None, None, None, None]


def test_number_style_detection() -> None:
    assert parse.detect_number_style(pl.Series(["1.234,56-", "10,00", "7"]), parse.ENGLISH) == parse.GERMAN
    assert parse.detect_number_style(pl.Series(["12,678.79-", "1.50"]), parse.GERMAN) == parse.ENGLISH
    # a tie keeps the default
    assert parse.detect_number_style(pl.Series(["100", "200"]), parse.ENGLISH) == parse.ENGLISH


amounts = st.decimals(min_value=Decimal("-9999999999999.99"), max_value=Decimal("9999999999999.99"), places=2)


@settings(max_examples=300)
@given(amounts)
def test_german_formatted_decimal_parses_back(value: Decimal) -> None:
    text = format_amount(value, "de", trailing_minus=True)
    assert _money([text], parse.GERMAN) == [value]


@settings(max_examples=200)
@given(amounts)
def test_english_formatted_decimal_parses_back(value: Decimal) -> None:
    assert _money([format_amount(value, "en")], parse.ENGLISH) == [value]


@settings(max_examples=200)
@given(st.text(alphabet="0123456789.,-+ x", max_size=12))
def test_money_parser_never_raises_and_agrees_with_scalar_parser(text: str) -> None:
    from ar_core.money import parse_amount

    (got,) = _money([text], parse.GERMAN)
    if got is not None:  # whatever the vectorised parser accepts, the scalar one reads the same
        assert parse_amount(text, decimal=",") == got


def _dates(values: list[str | None], formats: list[str]) -> list[date | None]:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(parse.dates(pl.col("v"), formats).alias("v"))["v"].to_list()


@pytest.mark.parametrize(
    ("values", "expected_formats"),
    [
        (["31.12.2025", "1.2.2026"], ["%d.%m.%Y"]),
        (["31.12.25", "01.02.26"], ["%d.%m.%y"]),
        (["2025-12-31"], ["%Y-%m-%d"]),
        (["12/31/2025", "1/2/2026"], ["%m/%d/%Y"]),
        (["31/12/2025", "01/02/2026"], ["%d/%m/%Y"]),  # a day over 12 decides
        (["20251231", "00000000"], ["%Y%m%d"]),
        (["31-12-2025"], ["%d-%m-%Y"]),
        (["31.12.2025", "2026-01-05"], ["%d.%m.%Y", "%Y-%m-%d"]),
    ],
)
def test_date_format_detection(values: list[str], expected_formats: list[str]) -> None:
    assert parse.detect_date_formats(pl.Series(values)) == expected_formats


def test_dates_parse_and_reject() -> None:
    assert _dates(["31.12.2025", "31.12.25", "30.02.2026", "x"], ["%d.%m.%Y"]) == [
        date(2025, 12, 31),
        None,
        None,
        None,
    ]
    assert _dates(["20251231", "00000000", "2025123"], ["%Y%m%d"]) == [date(2025, 12, 31), None, None]
    assert _dates(["1/2/2013", "12/31/2013"], ["%m/%d/%Y"]) == [date(2013, 1, 2), date(2013, 12, 31)]
    both = [parse.EXCEL_SERIAL, parse.ISO_DATETIME]
    assert _dates(["46027", "2026-01-05 00:00:00"], both) == [date(2026, 1, 5)] * 2


def test_flags() -> None:
    frame = pl.DataFrame({"v": ["X", None, "Yes", "no", "Y", "n", "true", "FALSE", "1", "0", "", "maybe"]})
    got = frame.select(parse.flags(pl.col("v")).alias("v"))["v"].to_list()
    assert got == [True, False, True, False, True, False, True, False, True, False, False, None]


def test_blank_knows_sap_zero_dates() -> None:
    frame = pl.DataFrame({"v": ["00.00.0000", "00000000", "", None, "01.01.2026"]})
    assert frame.select(parse.blank(pl.col("v"), parse.DATE).alias("v"))["v"].to_list() == [
        True,
        True,
        True,
        True,
        False,
    ]
