"""Statutory interest and compensation: hand-computed cases (pure, with the shipped rate history)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ar_core.errors import ArDeskError, InvalidInput
from ar_core.recovery.interest import compensation, interest_periods, statutory_interest
from ar_core.recovery.rates import MissingRate, RateTable

DATA = Path(__file__).resolve().parents[1] / "ar_core" / "recovery" / "data" / "statutory_rates.csv"
TEN_K = Decimal("10000.00")


@pytest.fixture(scope="module")
def rates() -> RateTable:
    with DATA.open(encoding="utf-8") as handle:
        return RateTable((r["kind"], date.fromisoformat(r["valid_from"]), Decimal(r["rate"]))
                         for r in csv.DictReader(handle))  # fmt: skip


def test_a_rate_holds_until_the_next_row_and_the_newest_until_its_half_years_end(rates):
    assert rates.rate_on("de_base", date(2020, 5, 5)) == Decimal("-0.88")  # 2016-07-01 .. 2022-12-31
    assert rates.rate_on("de_base", date(2022, 12, 31)) == Decimal("-0.88")
    assert rates.rate_on("de_base", date(2023, 1, 1)) == Decimal("1.62")
    assert rates.rate_on("nl_commercial", date(2026, 6, 30)) == Decimal("10.15")
    with pytest.raises(MissingRate, match="second half of 2026"):
        rates.rate_on("nl_commercial", date(2026, 7, 1))
    with pytest.raises(InvalidInput):
        RateTable([("de_base", date(2026, 1, 1), Decimal(1)), ("de_base", date(2026, 1, 1), Decimal(2))])


def test_germany_across_a_half_year_rate_change_rounds_once(rates):
    # 16.06.-30.06.2025: 15 days at 2.27 + 9 = 11.27 %: 10,000 x 0.1127 x 15 / 365 = 46.315068...
    # 01.07.-10.07.2025: 10 days at 1.27 + 9 = 10.27 %: 10,000 x 0.1027 x 10 / 365 = 28.136986...
    # sum 74.452054 -> 74.45 (rounding each part first would give 46.32 + 28.14 = 74.46)
    assert statutory_interest(TEN_K, date(2025, 6, 15), date(2025, 7, 10), "DE", rates) == Decimal("74.45")
    periods = interest_periods(TEN_K, date(2025, 6, 15), date(2025, 7, 10), "DE", rates)
    assert [(p.start, p.end, p.days, p.rate) for p in periods] == [
        (date(2025, 6, 16), date(2025, 6, 30), 15, Decimal("11.27")),
        (date(2025, 7, 1), date(2025, 7, 10), 10, Decimal("10.27")),
    ]


def test_germany_counts_a_leap_year_day_as_one_366th(rates):
    # 22.12.-31.12.2023: 10 days at 3.12 + 9 = 12.12 % / 365: 12,120 / 365 = 33.205479
    # 01.01.-10.01.2024: 10 days at 3.62 + 9 = 12.62 % / 366: 12,620 / 366 = 34.480874 -> 67.686353 -> 67.69
    assert statutory_interest(TEN_K, date(2023, 12, 21), date(2024, 1, 10), "DE", rates) == Decimal("67.69")
    # the whole of February 2024 and 1 March: 30 days at 12.62 % / 366 = 37,860 / 366 = 103.442623 -> 103.44
    assert statutory_interest(TEN_K, date(2024, 1, 31), date(2024, 3, 1), "de", rates) == Decimal("103.44")


def test_germany_before_29_07_2014_used_eight_points(rates):
    # the same 30 days at 3.62 + 8 = 11.62 % / 366: 34,860 / 366 = 95.245902 -> 95.25
    before = statutory_interest(TEN_K, date(2024, 1, 31), date(2024, 3, 1), "DE", rates,
                                contract_date=date(2014, 7, 28))  # fmt: skip
    since = statutory_interest(TEN_K, date(2024, 1, 31), date(2024, 3, 1), "DE", rates,
                               contract_date=date(2014, 7, 29))  # fmt: skip
    assert (before, since) == (Decimal("95.25"), Decimal("103.44"))
    # without a contract date the due date decides: 01.07.-10.07.2014 at -0.73 + 8 = 7.27 % / 365
    # 7,270 / 365 = 19.917808 -> 19.92
    assert statutory_interest(TEN_K, date(2014, 6, 30), date(2014, 7, 10), "DE", rates) == Decimal("19.92")


def test_germany_runs_over_the_long_negative_base_rate(rates):
    # 31.12.2022: 1 day at -0.88 + 9 = 8.12 %: 10,000 x 0.0812 / 365 = 2.224658
    # 01.01.-02.01.2023: 2 days at 10.62 %: 10,000 x 0.1062 x 2 / 365 = 5.819178 -> 8.043836 -> 8.04
    assert statutory_interest(TEN_K, date(2022, 12, 30), date(2023, 1, 2), "DE", rates) == Decimal("8.04")


def test_nothing_is_owed_before_the_day_after_the_due_date_nor_on_credits(rates):
    due = date(2025, 3, 31)
    assert statutory_interest(TEN_K, due, due, "DE", rates) == Decimal("0.00")
    assert statutory_interest(Decimal("-500.00"), due, date(2025, 5, 1), "DE", rates) == Decimal("0.00")
    # one day: 1.4.2025 at 2.27 + 9 = 11.27 %: 10,000 x 0.1127 / 365 = 3.087671 -> 3.09
    assert statutory_interest(TEN_K, due, date(2025, 4, 1), "DE", rates) == Decimal("3.09")


def test_netherlands_adds_a_full_years_interest_to_the_principal(rates):
    # Default from 01.01.2024. Year 1 (leap, 366 days): 182 days at 12.50 % + 184 days at 12.25 %:
    #   10,000 x (0.125 x 182 + 0.1225 x 184) / 366 = 452,900 / 366 = 1,237.431694
    # Year 2 runs on 11,237.431694: 01.01.-31.03.2025, 90 days at 11.15 % / 365:
    #   11,237.431694 x 0.1115 x 90 / 365 = 308.952403
    # total 1,546.384097 -> 1,546.38 (simple interest would be 1,237.43 + 274.93 = 1,512.36)
    assert statutory_interest(TEN_K, date(2023, 12, 31), date(2025, 3, 31), "NL", rates) == Decimal("1546.38")
    periods = interest_periods(TEN_K, date(2023, 12, 31), date(2025, 3, 31), "NL", rates)
    assert [p.principal for p in periods] == [TEN_K, TEN_K, Decimal("11237.43")]


def test_netherlands_compounds_on_the_anniversary_of_default_not_on_new_year(rates):
    # Default from 01.07.2023. Year 1: 01.07.-31.12.2023, 184 days at 12.00 % / 365 = 604.931507
    #   + 01.01.-30.06.2024, 182 days at 12.50 % / 366 = 621.584699  -> 1,226.516206
    # Year 2 from 01.07.2024 on 11,226.516206: 31 days at 12.25 % / 366 = 116.482774
    # total 1,342.998980 -> 1,343.00
    assert statutory_interest(TEN_K, date(2023, 6, 30), date(2024, 7, 31), "NL", rates) == Decimal("1343.00")
    # one day before the anniversary nothing is added yet: only year 1 -> 1,226.52
    assert statutory_interest(TEN_K, date(2023, 6, 30), date(2024, 6, 30), "NL", rates) == Decimal("1226.52")


def test_a_default_from_29_february_completes_its_year_on_28_february(rates):
    # Default from 29.02.2024. Year 1 ends 28.02.2025: 29.02.-30.06.2024, 123 days at 12.50 % / 366
    #   + 01.07.-31.12.2024, 184 days at 12.25 % / 366 + 01.01.-28.02.2025, 59 days at 11.15 % / 365
    #   = 420.081967 + 615.846995 + 180.232877 = 1,216.161838 -> 1,216.16
    # 01.03.2025 runs on 11,216.161838: x 0.1115 / 365 = 3.426307 -> total 1,219.588145 -> 1,219.59
    due = date(2024, 2, 28)
    assert statutory_interest(TEN_K, due, date(2025, 2, 28), "NL", rates) == Decimal("1216.16")
    assert statutory_interest(TEN_K, due, date(2025, 3, 1), "NL", rates) == Decimal("1219.59")


def test_other_countries_use_the_reference_rate_plus_eight_points(rates):
    # 01.07.-30.07.2025: 30 days at 2.15 + 8 = 10.15 % / 365: 30,450 / 365 = 83.424658 -> 83.42
    for country in ("FR", "BE", None, ""):
        interest = statutory_interest(TEN_K, date(2025, 6, 30), date(2025, 7, 30), country, rates)
        assert interest == Decimal("83.42")


def test_a_day_without_a_rate_names_the_missing_half_year(rates):
    with pytest.raises(MissingRate, match=r"German base rate.*second half of 2026") as raised:
        statutory_interest(TEN_K, date(2026, 6, 1), date(2026, 12, 2), "DE", rates)
    assert isinstance(raised.value, ArDeskError)
    assert raised.value.half_year == date(2026, 7, 1)
    with pytest.raises(MissingRate, match="NL statutory commercial rate for the first half of 2013"):
        statutory_interest(TEN_K, date(2013, 5, 1), date(2014, 2, 1), "NL", rates)
    later = RateTable([*rates.rows, ("ecb_reference", date(2026, 7, 1), Decimal("2.15"))])
    with pytest.raises(MissingRate, match="ECB reference rate for the first half of 2027"):
        statutory_interest(TEN_K, date(2026, 6, 1), date(2027, 1, 5), "FR", later)


@pytest.mark.parametrize(("principal", "expected"), [
    ("2500.00", "375.00"),  # 15 % of 2,500
    ("5000.00", "625.00"),  # + 10 % of 2,500
    ("6000.00", "675.00"),  # + 5 % of 1,000
    ("10000.00", "875.00"),  # + 5 % of 5,000
    ("200000.00", "2775.00"),  # + 1 % of 190,000
    ("200100.00", "2775.50"),  # + 0.5 % of 100
    ("266.66", "40.00"),  # 39.999 -> the minimum
    ("100.00", "40.00"),  # 15.00 -> the minimum
    ("300.00", "45.00"),
    ("1000000.00", "6775.00"),  # 2,775 + 0.5 % of 800,000 = 6,775: the maximum reached
    ("999998.00", "6774.99"),
    ("5000000.00", "6775.00"),
])  # fmt: skip
def test_the_dutch_collection_cost_scale_at_its_edges(principal, expected):
    assert compensation("NL", [Decimal(principal)]) == Decimal(expected)


def test_compensation_per_letter():
    # NL: one scale on the sum of the overdue principals (credits left out): 1,500 + 1,000 = 2,500 -> 375
    letter = [Decimal("1500.00"), Decimal("1000.00"), Decimal("-300.00")]
    assert compensation("NL", letter) == Decimal("375.00")
    # DE and others: 40 per overdue invoice
    assert compensation("DE", [Decimal("100.00"), Decimal("200.00"), Decimal("-50.00")]) == Decimal("80.00")
    assert compensation("FR", [Decimal("0.01")]) == Decimal("40.00")
    assert compensation("NL", []) == compensation("DE", []) == Decimal("0.00")
    with pytest.raises(InvalidInput):
        compensation("NL", [2500.0])  # a binary float is never money
    with pytest.raises(InvalidInput):
        statutory_interest(0.1, date(2025, 1, 1), date(2025, 2, 1), "DE", RateTable())
