"""Payment behaviour rules, with values worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from ar_core.collections import BEHAVIOUR_COLUMNS, payment_behaviour
from ar_core.schema import MONEY

AS_OF = date(2026, 11, 20)


def _history(rows):
    """rows: (customer, amount, due, cleared)."""
    return pl.DataFrame(
        [(c, Decimal(a), d, p) for c, a, d, p in rows],
        schema={"customer_id": pl.String, "amount": MONEY, "due_date": pl.Date, "clearing_date": pl.Date},
        orient="row",
    )


def _row(frame, customer):
    return frame.filter(pl.col("customer_id") == customer).row(0, named=True)


def test_ten_paid_in_five_days_and_a_hundred_in_ten_give_7_5_plain_and_9_55_weighted():
    due = date(2026, 11, 1)
    history = _history([("X", "10", due, date(2026, 11, 6)), ("X", "100", due, date(2026, 11, 11))])
    out = payment_behaviour(history, AS_OF)
    assert out.columns == list(BEHAVIOUR_COLUMNS)
    assert _row(out, "X") == {
        "customer_id": "X", "cleared_count": 2, "avg_days_late": 7.5, "weighted_days_late": 9.55,
        "on_time_share": 0.0, "recent_count": 2, "recent_weighted_days_late": 9.55, "trend_days": 0.0,
        "later_than_usual": False,
    }  # fmt: skip


def test_early_payment_counts_as_zero_days_late_not_negative():
    due = date(2026, 11, 10)
    # 20 days early and 4 days late: (0 + 4) / 2 = 2, one of two on time
    history = _history([("E", "50", due, date(2026, 10, 21)), ("E", "50", due, date(2026, 11, 14))])
    out = payment_behaviour(history, AS_OF)
    row = _row(out, "E")
    assert (row["avg_days_late"], row["weighted_days_late"], row["on_time_share"]) == (2.0, 2.0, 50.0)


def test_the_year_is_the_365_days_up_to_as_of_and_the_recent_window_the_last_90():
    year_start, recent_start = AS_OF - timedelta(days=365), AS_OF - timedelta(days=90)
    out = payment_behaviour(
        _history([
            ("W", "100", year_start - timedelta(days=30), year_start),  # 30 late, one day too old: out
            ("W", "100", year_start - timedelta(days=9), year_start + timedelta(days=1)),  # 10 late
            ("W", "100", recent_start - timedelta(days=2), recent_start),  # 2 late, year only
            ("W", "100", recent_start - timedelta(days=5), recent_start + timedelta(days=1)),  # 6, recent
            ("W", "100", AS_OF, AS_OF + timedelta(days=1)),  # cleared after as_of: out
        ]),
        AS_OF,
    )  # fmt: skip
    row = _row(out, "W")
    assert (row["cleared_count"], row["recent_count"]) == (3, 1)
    assert row["weighted_days_late"] == 6.0  # (10 + 2 + 6) / 3
    assert (row["recent_weighted_days_late"], row["trend_days"]) == (6.0, 0.0)
    # nobody paid in the year: no row
    assert payment_behaviour(_history([("Old", "5", date(2024, 1, 1), date(2024, 2, 1))]), AS_OF).is_empty()


def _slipping(customer, recent_late):
    """Three invoices of 100 paid on time in June, three paid ``recent_late`` days late in November."""
    june, nov = date(2026, 6, 1), date(2026, 11, 1)
    on_time = [(customer, "100", june, june)] * 3
    late = [(customer, "100", nov - timedelta(days=recent_late), nov)] * 3
    return on_time + late


def test_later_than_usual_at_the_threshold_with_enough_recent_invoices():
    # year: (0·3 + 20·3) / 6 = 10; recent: 20; trend +10
    out = payment_behaviour(_history(_slipping("S", 20)), AS_OF)
    row = _row(out, "S")
    assert (row["weighted_days_late"], row["recent_weighted_days_late"], row["trend_days"]) == (
        10.0,
        20.0,
        10.0,
    )
    assert row["later_than_usual"] is True  # trend == threshold 10
    assert (
        _row(payment_behaviour(_history(_slipping("S", 20)), AS_OF, threshold_days=11), "S")[
            "later_than_usual"
        ]
        is False
    )
    assert (
        _row(payment_behaviour(_history(_slipping("S", 20)), AS_OF, min_recent=4), "S")["later_than_usual"]
        is False
    )
    # 18 days late recently: trend +9 < 10
    assert _row(payment_behaviour(_history(_slipping("T", 18)), AS_OF), "T")["later_than_usual"] is False


def test_weighting_uses_the_reporting_amount_when_there_is_one():
    due = date(2026, 11, 1)
    frame = _history([("R", "1000", due, date(2026, 11, 11)), ("R", "10", due, due)]).with_columns(
        pl.Series("amount_rep", [Decimal("10"), Decimal("10")], MONEY)  # equal in the reporting currency
    )
    assert _row(payment_behaviour(frame, AS_OF), "R")["weighted_days_late"] == 5.0
