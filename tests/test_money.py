"""Money helpers: one amount parsed, formatted and converted exactly (never through a binary float)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ar_core.money import float_amount_text, format_amount, from_cents, from_float, parse_amount, to_cents


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
    assert from_float(1000.0) == Decimal("1000.00")
    assert from_float(-0.1) == Decimal("-0.10")
    assert from_float(0.1 + 0.2) == Decimal("0.30")  # arithmetic noise beyond Excel's 15 digits
    assert from_float(1234.5600000000002) == Decimal("1234.56")
    # 16 significant digits that a double still holds exactly: kept, not cut to 15
    assert from_float(12345678901234.56) == Decimal("12345678901234.56")


@pytest.mark.parametrize("value", [1234.565, -0.005, 0.001, 1234.5650000000001, 1e-7, 5e-324])
def test_from_float_refuses_fractions_of_a_cent(value: float) -> None:
    with pytest.raises(ValueError, match="fractions of a cent"):
        from_float(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e16])
def test_from_float_refuses_what_is_no_amount(value: float) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        from_float(value)


def test_float_amount_text_is_the_same_rule_for_a_whole_column() -> None:
    values = [1234.56, 1000.0, 0.1 + 0.2, 1234.565, -0.005, None]
    texts = pl.select(float_amount_text(pl.Series(values, dtype=pl.Float64))).to_series().to_list()
    assert texts == ["1234.56", "1000.0", "0.3", "1234.565", "-0.005", None]


@settings(deadline=None)  # the first polars call of a process can take longer than the default
@given(st.decimals(min_value=Decimal("-9999999999999.99"), max_value=Decimal("9999999999999.99"), places=2))
def test_every_whole_cent_float_reads_back_exactly(value: Decimal) -> None:
    assert from_float(float(value)) == value


@settings(deadline=None)
@given(
    st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1).filter(lambda m: m % 10 != 0),
)
def test_every_float_with_a_fraction_of_a_cent_is_refused(mills: int) -> None:
    """Three decimals, the last not 0, within Excel's 15 significant digits."""
    with pytest.raises(ValueError, match="fractions of a cent"):
        from_float(float(Decimal(mills).scaleb(-3)))


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
