"""Locale formatting in the four letter languages, the language fallback rule, and the sandbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ar_core.errors import ArDeskError, InvalidInput
from ar_core.recovery import (
    Letter,
    format_date,
    format_money,
    format_number,
    letter_language,
    letter_totals,
    make_letter,
    render_text,
)
from tests.letters_support import CUSTOMER, ITEMS, LETTERHEAD, context


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "1.234,56 €"), ("nl", "€ 1.234,56"), ("en", "€1,234.56"), ("fr", "1 234,56 €")],
)
def test_the_four_examples_of_the_issue_hold_exactly(language, expected):
    assert format_money(Decimal("1234.56"), "EUR", language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "-1.234.567,80 CHF"),
        ("nl", "CHF -1.234.567,80"),
        ("en", "-CHF1,234,567.80"),
        ("fr", "-1 234 567,80 CHF"),
    ],
)
def test_negative_amounts_millions_and_other_currencies(language, expected):
    assert format_money(Decimal("-1234567.80"), "CHF", language) == expected


def test_no_babel_special_spaces_survive():
    for language in ("de", "nl", "en", "fr"):
        text = format_money(Decimal("1234567.00"), "USD", language)
        assert "\u00a0" not in text and "\u202f" not in text


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("de", "2. Dezember 2026", "02.12.2026"),
        ("nl", "2 december 2026", "02-12-2026"),
        ("en", "2 December 2026", "02/12/2026"),
        ("fr", "2 décembre 2026", "02/12/2026"),
    ],
)
def test_dates_per_locale(language, long, short):
    assert format_date(date(2026, 12, 2), language) == long
    assert format_date(date(2026, 12, 2), language, "short") == short


def test_numbers_per_locale():
    assert format_number(Decimal("9.27"), "de") == "9,27"
    assert format_number(Decimal("1234.5"), "en") == "1,234.50"
    assert format_number(Decimal("1234.5"), "fr") == "1 234,50"


def test_bad_values_are_invalid_input_not_value_errors():
    with pytest.raises(InvalidInput):
        format_money(1234.56, "EUR", "de")  # a binary float is refused
    with pytest.raises(InvalidInput):
        format_money(Decimal(1), "EUR", "es")
    with pytest.raises(InvalidInput):
        format_date(date(2026, 1, 1), "it")
    with pytest.raises(InvalidInput):
        format_date(date(2026, 1, 1), "de", "weird")


@pytest.mark.parametrize(
    ("customer", "expected"),
    [
        ({"language": "nl", "country": "DE"}, "nl"),  # the record's own language wins
        ({"language": "FR", "country": "NL"}, "fr"),
        ({"language": "de-AT", "country": None}, "de"),
        ({"language": "es", "country": "AT"}, "de"),  # not one we write in: by country
        ({"language": None, "country": "CH"}, "de"),
        ({"language": "", "country": "be"}, "nl"),
        ({"language": None, "country": "LU"}, "fr"),
        ({"language": None, "country": "FR"}, "fr"),
        ({"language": "it", "country": "IT"}, "en"),  # then English
        ({}, "en"),
    ],
)
def test_language_fallback_rule(customer, expected):
    assert letter_language(customer) == expected


def test_totals_net_credits_and_add_interest_and_compensation():
    totals = letter_totals(ITEMS, Decimal("80.00"))
    # 1234.56 + 8765.40 = 9999.96; credit -500.00; interest 19.61 + 92.77 = 112.38
    assert totals == {
        "currency": "EUR",
        "open": Decimal("9999.96"),
        "credits": Decimal("-500.00"),
        "interest": Decimal("112.38"),
        "compensation": Decimal("80.00"),
        "total": Decimal("9692.34"),
    }


def test_one_letter_per_currency():
    with pytest.raises(InvalidInput, match="one letter per currency"):
        letter_totals([*ITEMS, {**ITEMS[0], "currency": "USD"}])


def test_make_letter_takes_the_customers_language_and_computes_totals():
    customer = {**CUSTOMER, "language": None, "country": "NL"}
    letter = make_letter(
        "reminder",
        customer=customer,
        letterhead=LETTERHEAD,
        letter_date=date(2026, 12, 2),
        items=ITEMS,
        pay_by=date(2026, 12, 16),
        compensation=Decimal("40.00"),
    )
    assert letter.language == "nl"
    assert letter.context["totals"]["total"] == Decimal("9652.34")
    assert letter.context["reference"] == "100234-20261202"
    assert "€ 9.652,34" in render_text(letter)


def test_a_letter_refuses_unknown_kinds_languages_and_missing_facts():
    with pytest.raises(InvalidInput, match="unknown letter"):
        Letter("thank_you", "de", context())
    with pytest.raises(InvalidInput, match="no letters in"):
        Letter("reminder", "es", context())
    ctx = context()
    del ctx["plan"]
    with pytest.raises(InvalidInput, match="lacks plan"):
        Letter("payment_plan", "de", ctx)
    Letter("reminder", "de", ctx)  # a reminder needs no plan


def test_data_is_printed_never_run_and_a_missing_fact_fails_loudly():
    evil = {**CUSTOMER, "customer_id": "{{ 3**13 }}", "name": "{% for x in range(9) %}x{% endfor %}"}
    text = render_text(Letter("reminder", "en", context(customer=evil)))
    assert "{{ 3**13 }}" in text and "1594323" not in text
    ctx = context()
    ctx["letterhead"] = {k: v for k, v in LETTERHEAD.items() if k != "company_name"}
    with pytest.raises(ArDeskError, match="company_name"):
        render_text(Letter("reminder", "de", ctx))
