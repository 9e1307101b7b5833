"""Promise kept rate, dispute cycle time and the age of open disputes of a period, by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.disputes import CASE_SCHEMA
from ar_core.performance import dispute_kpis, followup_notes, promise_kpis
from ar_core.schema import MONEY

D = Decimal
START, END = date(2026, 10, 1), date(2026, 10, 31)

PROMISES = pl.DataFrame(
    [
        ("1000", "kept", date(2026, 10, 5), D("100.00")),
        ("1000", "broken", date(2026, 10, 10), D("300.00")),
        ("2000", "partly kept", date(2026, 10, 31), D("600.00")),  # not kept
        ("2000", "open", date(2026, 10, 20), D("200.00")),  # due, not decided yet
        ("2000", "kept", date(2026, 11, 1), D("999.00")),  # after the period
        ("1000", "cancelled", date(2026, 10, 6), D("500.00")),  # withdrawn: never due
        ("2000", "kept", date(2026, 10, 1), D("400.00")),
    ],
    schema={"company_code": pl.String(), "status": pl.String(), "promised_date": pl.Date(), "amount": MONEY},
    orient="row",
)


def test_promise_kept_rate_by_count_and_amount():
    row = promise_kpis(PROMISES, START, END).row(0, named=True)
    # due: 100 kept, 300 broken, 600 partly, 200 open, 400 kept = 5 promises, 1600; kept 2, 500
    assert row == {
        "promises_due": 5, "promises_kept": 2, "promises_undecided": 1,
        "promises_due_amount": D("1600.00"), "promises_kept_amount": D("500.00"),
        "promise_kept_rate": D("40.00"), "promise_kept_rate_amount": D("31.25"),
    }  # fmt: skip
    per = {
        r["company_code"]: r
        for r in promise_kpis(PROMISES, START, END, by="company_code").iter_rows(named=True)
    }
    assert (per["1000"]["promise_kept_rate"], per["1000"]["promise_kept_rate_amount"]) == (
        D("50.00"),
        D("25.00"),
    )
    assert (per["2000"]["promise_kept_rate"], per["2000"]["promise_kept_rate_amount"]) == (
        D("33.33"),
        D("33.33"),
    )
    assert "1 promise(s) due in the period not decided yet" in "; ".join(followup_notes(row))


def test_no_promise_due_gives_none_and_a_note():
    row = promise_kpis(PROMISES, date(2027, 1, 1), date(2027, 1, 31)).row(0, named=True)
    assert (
        row["promises_due"] == 0
        and row["promise_kept_rate"] is None
        and row["promise_kept_rate_amount"] is None
    )
    assert "promise_kept_rate: no promise to pay fell due in the period" in followup_notes(row)


def _case(case_id, kind, code, opened, resolved):
    base = dict.fromkeys(CASE_SCHEMA)
    return {**base, "case_id": case_id, "type": kind, "company_code": code, "customer_id": f"C{case_id}",
            "opened": opened, "resolved": resolved, "status": "resolved" if resolved else "open"}  # fmt: skip


CASES = pl.DataFrame(
    [
        _case(1, "dispute", "1000", date(2026, 9, 1), date(2026, 10, 11)),  # 40 days, resolved in October
        _case(2, "dispute", "1000", date(2026, 10, 2), date(2026, 10, 12)),  # 10 days
        _case(3, "dispute", "2000", date(2026, 8, 1), date(2026, 10, 31)),  # 91 days
        _case(4, "dispute", "2000", date(2026, 9, 1), date(2026, 9, 30)),  # resolved before the period
        _case(5, "dispute", "1000", date(2026, 10, 21), None),  # open at 31.10: 10 days old
        _case(6, "dispute", "2000", date(2026, 9, 30), date(2026, 11, 5)),  # open at 31.10: 31 days old
        _case(7, "inquiry", "1000", date(2026, 10, 1), date(2026, 10, 2)),  # an inquiry: left out
        _case(8, "dispute", "2000", date(2026, 11, 2), None),  # opened after the period
    ],
    schema=CASE_SCHEMA,
)


def test_dispute_cycle_time_and_open_age():
    row = dispute_kpis(CASES, START, END).row(0, named=True)
    # resolved in October: 40, 10, 91 days → 141 / 3 = 47; open at 31.10: 10 and 31 days → 20.5
    assert row == {"disputes_resolved": 3, "dispute_cycle_days": D("47.00"), "open_disputes": 2,
                   "open_dispute_age_days": D("20.50")}  # fmt: skip
    per = {
        r["company_code"]: r for r in dispute_kpis(CASES, START, END, by="company_code").iter_rows(named=True)
    }
    assert (per["1000"]["dispute_cycle_days"], per["1000"]["open_dispute_age_days"]) == (
        D("25.00"),
        D("10.00"),
    )
    assert (per["2000"]["dispute_cycle_days"], per["2000"]["open_dispute_age_days"]) == (
        D("91.00"),
        D("31.00"),
    )


def test_no_dispute_gives_none_and_notes():
    row = dispute_kpis(CASES.clear(), START, END).row(0, named=True)
    assert (
        row["disputes_resolved"] == 0
        and row["dispute_cycle_days"] is None
        and row["open_dispute_age_days"] is None
    )
    notes = followup_notes(row)
    assert "dispute_cycle_days: no dispute resolved in the period" in notes
    assert "open_dispute_age_days: no dispute open at the end of the period" in notes
