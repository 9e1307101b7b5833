"""The monthly report's "Write-offs of the month": the register of the period per reason and collector."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl

from ar_core.recovery import WRITE_OFF_SCHEMA
from ar_core.reporting import build_sheet, load_layouts, parse_layout
from tests.test_reporting_sheets import inputs


def request(rid, *, amount, reason="small_balance", collector="c.meyer", decided=date(2026, 10, 5),
            status="approved", currency="EUR", kind="write_off") -> dict:  # fmt: skip
    values = dict.fromkeys(WRITE_OFF_SCHEMA)
    values |= {"request_id": rid, "kind": kind, "status": status, "reason": reason, "amount": Decimal(amount),
               "currency": currency, "collector": collector,
               "decided_at": datetime(decided.year, decided.month, decided.day, 9, tzinfo=UTC)}  # fmt: skip
    return values


def sheet(frame: pl.DataFrame):
    layout = parse_layout(
        {"kind": "monthly", "title": "T", "sheets": [{"topic": "write_off_register"}]}, "t.yaml"
    )
    return build_sheet(layout.sheets[0], inputs(write_off_requests=lambda: frame), layout)


def test_the_monthly_report_has_the_write_offs_of_the_month():
    monthly = load_layouts(None)["monthly"]
    assert "write_off_register" in [s.topic for s in monthly.sheets]
    assert "Write-offs of the month" in [s.title for s in monthly.sheets]


def test_the_register_of_the_month_per_reason_and_collector_with_totals_hand_computed():
    # the inputs' as-of date is 20.11.2026: the month is October 2026
    frame = pl.DataFrame(
        [
            request(1, amount="12.40"),
            request(2, amount="7.60", decided=date(2026, 10, 31)),
            request(3, amount="1250.00", reason="insolvency", collector="j.schneider"),
            request(4, amount="3.00", currency="CHF", status="cleared"),
            request(5, amount="99.00", decided=date(2026, 11, 2)),  # November: not this report's month
            request(6, amount="99.00", decided=date(2026, 9, 30)),  # September
            request(7, amount="50.00", status="rejected"),
            request(8, amount="50.00", kind="legal_handover"),
        ],
        schema=WRITE_OFF_SCHEMA,
        orient="row",
    )
    made = sheet(frame)
    assert made.title == "Write-offs of the month" and made.totals is None  # not part of the totals check
    assert made.frame.rows() == [
        ("Small balance", "c.meyer", "CHF", 1, Decimal("3.00")),
        ("Insolvency", "j.schneider", "EUR", 1, Decimal("1250.00")),
        ("Small balance", "c.meyer", "EUR", 2, Decimal("20.00")),  # 12.40 + 7.60
        ("Total", None, "CHF", 1, Decimal("3.00")),
        ("Total", None, "EUR", 3, Decimal("1270.00")),
    ]
    assert made.note == "Write-offs approved from 01.10.2026 to 31.10.2026, per currency."


def test_a_month_without_write_offs_says_so():
    empty = pl.DataFrame(schema=WRITE_OFF_SCHEMA)
    assert sheet(empty).frame.rows()[0][0] == "No write-off approved from 01.10.2026 to 31.10.2026."
    assert sheet(pl.DataFrame()).frame.rows()[0][0].startswith("No write-off approved")  # no input given
