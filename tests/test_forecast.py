"""Expected payment dates, expected cash per week and the backtest, hand-computed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.performance.forecast import (
    backtest,
    expected_payments,
    later_cash,
    usual_days_late,
    week_start,
    weekly_cash,
    weekly_totals,
)
from ar_core.schema import MONEY

AS_OF = date(2026, 11, 20)  # a Friday: its ISO week starts on Monday 16 November
D = date


def _hist(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"customer_id": c, "country": co, "company_code": cc, "due_date": due, "clearing_date": clr,
             "amount": Decimal(a)}
            for c, co, cc, due, clr, a in rows
        ],
        schema_overrides={"amount": MONEY},
    )  # fmt: skip


# K1: 10 days late on 100, 20 on 300, early on 600 -> (1000 + 6000 + 0) / 1000 = 7 days.
# K2: one invoice 31 days late on 1000 -> too few; its segment DE/1000: 38000 / 2000 = 19 days.
HISTORY = _hist([
    ("K1", "DE", "1000", D(2026, 9, 1), D(2026, 9, 11), "100"),
    ("K1", "DE", "1000", D(2026, 9, 10), D(2026, 9, 30), "300"),
    ("K1", "DE", "1000", D(2026, 10, 1), D(2026, 9, 28), "600"),
    ("K2", "DE", "1000", D(2026, 10, 1), D(2026, 11, 1), "1000"),
    ("K2", "DE", "1000", D(2026, 10, 1), D(2026, 12, 1), "9999"),  # cleared after as_of: unknown
])  # fmt: skip


CODES = {"DE": "1000", "NL": "2000"}


def _open(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"customer_id": c, "collector": col, "country": co, "company_code": CODES[co], "doc_no": doc,
             "fiscal_year": 2026, "due_date": due, "amount": Decimal(a), "amount_rep": Decimal(a)}
            for c, col, co, doc, due, a in rows
        ],
        schema_overrides={"amount": MONEY, "amount_rep": MONEY},
    )  # fmt: skip


OPEN = _open([
    ("K1", "c.meyer", "DE", "A", D(2026, 11, 20), "500"),  # +7 -> 27 Nov
    ("K1", "c.meyer", "DE", "B", D(2026, 10, 1), "200"),  # named by K1's promise
    ("K2", "c.meyer", "DE", "C", D(2026, 11, 25), "1000"),  # segment +19 -> 14 Dec
    ("K2", "c.meyer", "DE", "F", D(2026, 11, 1), "250"),  # overdue: K2's general promise covers it
    ("K3", "j.vos", "NL", "D", D(2026, 12, 1), "50"),  # no history anywhere: the due date
    ("K3", "j.vos", "NL", "G", D(2026, 12, 1), "-30"),  # credit note: excluded
    ("K3", "j.vos", "NL", "E", D(2027, 3, 1), "70"),  # beyond the eight weeks
])  # fmt: skip
ITEM = {"company_code": "1000", "fiscal_year": None, "doc_no": "B", "line_item": None}
PROMISES = pl.DataFrame(
    [
        {
            "customer_id": "K1",
            "amount_rep": Decimal("200"),
            "promised_date": D(2026, 11, 30),
            "items": [ITEM],
        },
        {"customer_id": "K2", "amount_rep": Decimal("400"), "promised_date": D(2026, 11, 18), "items": []},
    ],
    schema_overrides={"amount_rep": MONEY},
)


def test_usual_days_late_per_customer_and_segment_with_at_least_three_invoices():
    customers, segments = usual_days_late(HISTORY, AS_OF)
    assert customers.rows() == [("K1", 3, 7)]
    assert segments.rows() == [("DE", "1000", 4, 19)]


def test_expected_dates_customer_segment_due_date_never_before_as_of():
    out = expected_payments(OPEN, HISTORY, AS_OF).sort("doc_no")
    got = {r["doc_no"]: (r["expected_date"], r["basis"]) for r in out.iter_rows(named=True)}
    assert got == {
        "A": (D(2026, 11, 27), "customer"),
        "B": (AS_OF, "customer"),  # 1 Oct + 7 lies in the past: expected on the as-of date
        "C": (D(2026, 12, 14), "segment"),
        "F": (D(2026, 11, 20), "segment"),  # 1 Nov + 19 = 20 Nov
        "D": (D(2026, 12, 1), "due date"),
        "E": (D(2027, 3, 1), "due date"),
    }  # the credit note G is not cash a customer sends


def test_promises_replace_the_items_they_cover():
    out = expected_payments(OPEN, HISTORY, AS_OF, PROMISES)
    predicted = sorted(out.filter(pl.col("kind") == "predicted")["doc_no"].to_list())
    assert predicted == ["A", "C", "D", "E"]  # B named by K1's promise, F overdue under K2's
    promised = out.filter(pl.col("kind") == "promised").sort("customer_id")
    assert promised.select("customer_id", "collector", "amount", "expected_date").rows() == [
        ("K1", "c.meyer", Decimal("200.00"), D(2026, 11, 30)),
        ("K2", "c.meyer", Decimal("400.00"), AS_OF),  # promised for 18 Nov, still open: expected now
    ]


def test_weekly_cash_per_collector_and_in_total():
    weekly = weekly_cash(expected_payments(OPEN, HISTORY, AS_OF, PROMISES), AS_OF)
    assert week_start(AS_OF) == D(2026, 11, 16)
    assert weekly.height == 16  # 8 weeks x 2 collectors, empty weeks included
    meyer = weekly.filter((pl.col("collector") == "c.meyer") & (pl.col("expected") > 0))
    assert meyer.select("week_start", "promised", "predicted").rows() == [
        (D(2026, 11, 16), Decimal("400.00"), Decimal("0.00")),
        (D(2026, 11, 23), Decimal("0.00"), Decimal("500.00")),
        (D(2026, 11, 30), Decimal("200.00"), Decimal("0.00")),
        (D(2026, 12, 14), Decimal("0.00"), Decimal("1000.00")),
    ]
    totals = weekly_totals(weekly)
    assert totals["week_start"].to_list()[-1] == D(2027, 1, 4)
    assert totals.filter(pl.col("week_start") == D(2026, 11, 30)).row(0) == (
        D(2026, 11, 30), Decimal("200.00"), Decimal("50.00"), Decimal("250.00"),
    )  # fmt: skip
    assert totals["expected"].sum() == Decimal("2150.00")  # 400 + 500 + 250 + 1000; E falls after
    expected = expected_payments(OPEN, HISTORY, AS_OF, PROMISES)
    assert later_cash(expected, AS_OF) == Decimal("70.00")  # E (1 Mar 2027) is after the week of 4 Jan
    assert totals["expected"].sum() + later_cash(expected, AS_OF) == expected["amount"].sum()
    assert later_cash(expected, AS_OF, weeks=20) == Decimal("0.00")


def test_backtest_against_pays_on_the_due_date():
    # cutoff = 20 Nov - 91 days = 21 Aug. Known then: K1 10 days on 100, 5 on 100, 0 on 200 -> 3.75 -> 4.
    history = _hist([
        ("K1", "DE", "1000", D(2026, 7, 1), D(2026, 7, 11), "100"),
        ("K1", "DE", "1000", D(2026, 7, 1), D(2026, 7, 6), "100"),
        ("K1", "DE", "1000", D(2026, 7, 10), D(2026, 7, 10), "200"),
        ("K1", "DE", "1000", D(2026, 9, 1), D(2026, 9, 10), "100"),  # predicted 5 Sep: 5 off; naive 9
        ("K3", "NL", "2000", D(2026, 8, 1), D(2026, 9, 1), "100"),  # predicted 21 Aug (cutoff): 11; naive 31
        ("K3", "NL", "2000", D(2026, 8, 1), D(2026, 9, 1), "-100"),  # a credit: not judged
    ])  # fmt: skip
    result = backtest(history, AS_OF)
    assert result.cutoff == D(2026, 8, 21)
    assert (result.invoices, result.mae_days, result.naive_mae_days) == (2, 8.0, 20.0)
    assert result.bases == {"customer": 1, "due date": 1}  # K3 has no known history and no segment
    assert backtest(history, D(2026, 7, 1)).invoices == 0
