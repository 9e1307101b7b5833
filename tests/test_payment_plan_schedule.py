"""Instalment schedules, hand-computed: sums to the cent, odd cents first, month-end clamping,
weekends and public holidays (DE Christmas, NL Koningsdag) moved to the next business day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ar_core.errors import InvalidInput
from ar_core.recovery.schedule import add_months, build_schedule, next_business_day, split_evenly


def _rows(schedule):
    return [(r.seq, r.due, r.amount) for r in schedule.rows]


def test_the_odd_cents_go_to_the_first_instalments_and_the_rows_sum_to_the_debt():
    # 1,000.00 in 3: 333.34 + 333.33 + 333.33;
    # 100.00 in 7 = 10,000 cents = 7 x 1,428 + 4: 14.29 x 4 + 14.28 x 3
    assert split_evenly(Decimal("1000.00"), 3) == [Decimal("333.34"), Decimal("333.33"), Decimal("333.33")]
    parts = split_evenly(Decimal("100.00"), 7)
    assert parts == [Decimal("14.29")] * 4 + [Decimal("14.28")] * 3
    assert sum(parts) == Decimal("100.00")


def test_a_monthly_plan_over_christmas_in_germany():
    # 25.12.2026 is a Friday (1st Christmas day), 26.12 Saturday, 27.12 Sunday -> Monday 28.12;
    # 25.01.2027 Monday; 25.02 Thursday; 25.03 Thursday.
    s = build_schedule(Decimal("1000.00"), 4, date(2026, 12, 25), "month", country="DE")
    assert _rows(s) == [
        (1, date(2026, 12, 28), Decimal("250.00")),
        (2, date(2027, 1, 25), Decimal("250.00")),
        (3, date(2027, 2, 25), Decimal("250.00")),
        (4, date(2027, 3, 25), Decimal("250.00")),
    ]
    assert s.note == ""


def test_the_second_christmas_day_moves_too():
    # 26.12.2025 is a Friday, a holiday in DE -> Monday 29.12.2025 (27/28 weekend)
    assert next_business_day(date(2025, 12, 26), "DE") == date(2025, 12, 29)
    # without the country only weekends move: Friday stays
    assert next_business_day(date(2025, 12, 26), None) == date(2025, 12, 26)


def test_koningsdag_and_easter_monday_in_the_netherlands():
    # 27.01.2027 Wed; 27.02 Sat -> Mon 01.03; 27.03 Sat, 29.03 Easter Monday -> Tue 30.03;
    # 27.04 Koningsdag (Tue) -> Wed 28.04
    s = build_schedule(Decimal("400.01"), 4, date(2027, 1, 27), "month", country="NL")
    assert _rows(s) == [
        (1, date(2027, 1, 27), Decimal("100.01")),
        (2, date(2027, 3, 1), Decimal("100.00")),
        (3, date(2027, 3, 30), Decimal("100.00")),
        (4, date(2027, 4, 28), Decimal("100.00")),
    ]
    # in Germany 27.04 is a working day
    de = build_schedule(Decimal("400.01"), 4, date(2027, 1, 27), "month", country="DE")
    assert de.rows[3].due == date(2027, 4, 27)


def test_month_ends_are_clamped_and_the_anchor_day_is_kept():
    assert add_months(date(2027, 1, 31), 1, 31) == date(2027, 2, 28)
    assert add_months(date(2027, 1, 31), 2, 31) == date(2027, 3, 31)
    s = build_schedule(Decimal("300.00"), 3, date(2027, 1, 29), "month")  # 29.01 Fri, 28.02 Sun, 29.03
    assert [r.due for r in s.rows] == [date(2027, 1, 29), date(2027, 3, 1), date(2027, 3, 29)]
    assert "weekends" in s.note


def test_quarterly_and_weekly_steps():
    q = build_schedule(Decimal("999.99"), 3, date(2027, 1, 15), "quarter", country="DE")
    assert _rows(q) == [
        (1, date(2027, 1, 15), Decimal("333.33")),
        (2, date(2027, 4, 15), Decimal("333.33")),
        (3, date(2027, 7, 15), Decimal("333.33")),
    ]
    # weekly from Wednesday 23.12.2026: 30.12, 06.01.2027 (a holiday only in some German states)
    w = build_schedule(Decimal("10.00"), 3, date(2026, 12, 23), "week", country="DE")
    assert [r.due for r in w.rows] == [date(2026, 12, 23), date(2026, 12, 30), date(2027, 1, 6)]
    assert [r.amount for r in w.rows] == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]


def test_the_down_payment_is_its_own_first_row():
    s = build_schedule(Decimal("1000.00"), 3, date(2027, 2, 1), "month", down=Decimal("100.00"),
                       down_on=date(2027, 1, 16), country="DE")  # fmt: skip
    # 16.01.2027 is a Saturday -> Monday 18.01; the rest 900.00 in 3
    assert _rows(s) == [
        (0, date(2027, 1, 18), Decimal("100.00")),
        (1, date(2027, 2, 1), Decimal("300.00")),
        (2, date(2027, 3, 1), Decimal("300.00")),
        (3, date(2027, 4, 1), Decimal("300.00")),
    ]
    assert sum(r.amount for r in s.rows) == Decimal("1000.00") == s.total


def test_fee_and_flat_interest_are_added_and_still_split_to_the_cent():
    # financed 1,200.00 at 5 % for 6 months = 30.00; fee 15.00 -> 1,245.00 in 6 = 207.50
    s = build_schedule(Decimal("1200.00"), 6, date(2027, 2, 1), "month", fee=Decimal("15.00"),
                       interest_pct=Decimal("5"))  # fmt: skip
    assert (s.interest, s.fee, s.total) == (Decimal("30.00"), Decimal("15.00"), Decimal("1245.00"))
    assert {r.amount for r in s.rows} == {Decimal("207.50")}


def test_an_unknown_country_moves_weekends_only_and_says_so():
    s = build_schedule(Decimal("100.00"), 1, date(2027, 1, 2), "month", country="XX")  # Saturday
    assert s.rows[0].due == date(2027, 1, 4)
    assert "XX" in s.note


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("10.001")}, "amount"),
        ({"down": Decimal("100.00")}, "down"),
        ({"instalments": 0}, "instalments"),
        ({"every": "day"}, "every"),
        ({"country": "Germany"}, "country"),
        ({"down": Decimal("1"), "down_on": date(2027, 3, 1)}, "down_on"),
        ({"interest_pct": Decimal("80")}, "interest_pct"),
    ],
)
def test_refusals_name_their_field(kwargs, field):
    args = {"amount": Decimal("100.00"), "instalments": 2, "first": date(2027, 2, 1), "every": "month"}
    with pytest.raises(InvalidInput) as err:
        build_schedule(**{**args, **kwargs})
    assert err.value.field == field
