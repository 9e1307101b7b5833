"""Money helpers: one amount parsed, formatted and converted exactly (never through a binary float)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_core.money import format_amount, from_cents, from_float, parse_amount, to_cents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56-", Decimal("-1234.56")),  # SAP's trailing minus, German
        ("12,678.79-", Decimal("-12678.79")),  # trailing minus, English
        ("-1.234,56", Decimal("-1234.56")),
        ("1 234 567,89", Decimal("1234567.89")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("0,10", Decimal("0.10")),
        ("+5", Decimal("5")),
        ("  42  ", Decimal("42")),
        ("1'234.50", Decimal("1234.50")),
    ],
)
def test_parse_amount_reads_what_users_write(text: str, expected: Decimal) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["", "   ", None, "abc", "1,2,3,x", "-1,00-", "1e5", "--1"])
def test_parse_amount_returns_none_for_garbage(text: str | None) -> None:
    assert parse_amount(text) is None


def test_parse_amount_with_explicit_decimal_reads_ambiguous_values() -> None:
    assert parse_amount("1.234", decimal=",") == Decimal("1234")
    assert parse_amount("1.234", decimal=".") == Decimal("1.234")
    assert parse_amount("1,234", decimal=".") == Decimal("1234")


def test_format_amount_in_german_and_english() -> None:
    assert format_amount(Decimal("1234567.891"), "de") == "1.234.567,89"
    assert format_amount(Decimal("-1234.5"), "en") == "-1,234.50"
    assert format_amount(Decimal("-1234.5"), "de", trailing_minus=True) == "1.234,50-"
    assert format_amount(Decimal("0.005"), "de") == "0,01"  # half-up, as accountants round


def test_cents_round_trip_and_refuse_fractions() -> None:
    assert to_cents(Decimal("1234.56")) == 123456
    assert to_cents(Decimal("-0.10")) == -10
    assert from_cents(-10) == Decimal("-0.10")
    with pytest.raises(ValueError, match="fractions of a cent"):
        to_cents(Decimal("0.001"))


def test_from_float_gives_the_cent_the_user_typed() -> None:
    assert from_float(1234.56) == Decimal("1234.56")
    assert from_float(0.1 + 0.2) == Decimal("0.30")
    assert from_float(-0.005) == Decimal("-0.01")


amounts = st.decimals(min_value=Decimal("-99999999999.99"), max_value=Decimal("99999999999.99"), places=2)


@given(amounts)
def test_german_trailing_minus_round_trips(value: Decimal) -> None:
    assert parse_amount(format_amount(value, "de", trailing_minus=True), decimal=",") == value


@given(amounts)
def test_english_round_trips(value: Decimal) -> None:
    assert parse_amount(format_amount(value, "en"), decimal=".") == value


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_cents_round_trip(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents
