"""The root-cause workbook: one sheet per view, typed and formatted cells, no formula from case text.

Read back with fastexcel (calamine); the number formats, frozen panes and the absence of formulas
are read from the sheet XML itself (openpyxl is not a dependency).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

import fastexcel
import polars as pl
import pytest

from ar_core.disputes.analysis import CASE_SCHEMA, empty_cases
from ar_core.disputes.export import root_cause_workbook

AS_OF = date(2026, 11, 20)
DATES = [date(2026, 11, 13), AS_OF]
HOSTILE = '=HYPERLINK("http://evil.example/x","Click")'
SHEETS = [
    "About", "Pareto reason", "Pareto category", "Pareto customer", "Pareto resolver",
    "Pareto company code", "Pareto country", "Pareto collector", "Trend", "Cycle time reason",
    "Cycle time category", "Past due", "Credit notes", "Cases",
]  # fmt: skip
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
#: The built-in number formats a workbook refers to by id only.
_BUILTIN = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 14: "m/d/yyyy"}


def _case(case_id: int, **values) -> dict:
    base = {
        **dict.fromkeys(CASE_SCHEMA),
        "case_id": case_id,
        "type": "dispute",
        "customer_id": "100",
        "customer_name": "Alpha GmbH",
        "company_code": "1000",
        "country": "DE",
        "collector": "c.meyer",
        "resolver_department": "billing",
        "reason": "PRICE",
        "category": "pricing",
        "status": "open",
        "opened": date(2026, 11, 2),
        "due": date(2026, 11, 30),
        "level": 0,
        "currency": "EUR",
    }
    return {**base, **values}


CASES = pl.DataFrame(
    [
        _case(1, amount=Decimal("500.00"), customer_id="666", customer_name=HOSTILE),
        _case(2, amount=Decimal("300.00"), reason="QTY", category="quantity/delivery",
              opened=date(2026, 11, 10)),
        _case(3, amount=Decimal("150.00"), status="resolved", resolution="credit note issued",
              resolved=date(2026, 11, 12), credited=Decimal("150.00"), due=date(2026, 11, 9)),
        _case(4, amount=Decimal("1234.56"), reason="ZX9", category=None, due=date(2026, 11, 10),
              level=1, opened=date(2026, 10, 1)),
    ],
    schema=CASE_SCHEMA,
)  # fmt: skip


def _sheet(xlsx: bytes, name: str) -> pl.DataFrame:
    return fastexcel.read_excel(xlsx).load_sheet(name).to_polars()


def _xml(xlsx: bytes, name: str) -> ET.Element:
    """The XML of sheet ``name`` (xlsxwriter numbers sheet files in the order they were added)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return ET.fromstring(z.read(f"xl/worksheets/sheet{SHEETS.index(name) + 1}.xml"))


def _number_formats(xlsx: bytes, name: str) -> dict[str, str]:
    """Cell reference -> number format code of every written cell of sheet ``name``."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
    codes = dict(_BUILTIN)
    custom = styles.iterfind("m:numFmts/m:numFmt", _NS)
    codes.update({int(f.get("numFmtId")): f.get("formatCode") for f in custom})
    xfs = [int(xf.get("numFmtId", "0")) for xf in styles.iterfind("m:cellXfs/m:xf", _NS)]
    return {c.get("r"): codes[xfs[int(c.get("s", "0"))]] for c in _xml(xlsx, name).iterfind(".//m:c", _NS)}


def _column(frame: pl.DataFrame, title: str) -> str:
    """The column letter of a header title (the views have fewer than 27 columns)."""
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[frame.columns.index(title)]


def test_one_sheet_per_view_with_the_hand_computed_pareto():
    xlsx = root_cause_workbook(CASES, AS_OF, DATES)
    assert fastexcel.read_excel(xlsx).sheet_names == SHEETS
    by_reason = _sheet(xlsx, "Pareto reason")
    assert by_reason.columns == ["Reason code", "Cases", "Amount (EUR)", "Share", "Cumulative share",
                                 "Vital few (80 %)"]  # fmt: skip
    # open at 20 Nov: 1 (500.00), 2 (300.00), 4 (1,234.56); 3 was resolved on 12 Nov
    assert by_reason["Reason code"].to_list() == ["ZX9", "PRICE", "QTY"]
    assert by_reason["Cases"].to_list() == [1.0, 1.0, 1.0]
    assert by_reason["Amount (EUR)"].to_list() == [1234.56, 500.0, 300.0]
    # xlsx keeps 16 significant digits of a double
    assert by_reason["Share"].to_list() == pytest.approx([123456 / 203456, 50000 / 203456, 30000 / 203456],
                                                         rel=1e-15)  # fmt: skip
    assert by_reason["Cumulative share"].to_list() == pytest.approx([123456 / 203456, 173456 / 203456, 1.0],
                                                                    rel=1e-15)  # fmt: skip
    assert by_reason["Vital few (80 %)"].to_list() == ["Yes", "Yes", "No"]  # 0 %, 60.7 %, 85.3 % before
    assert _sheet(xlsx, "Pareto category")["Root-cause category"].to_list() == [
        "unmapped", "pricing", "quantity/delivery"
    ]  # fmt: skip
    assert _sheet(xlsx, "Pareto resolver").columns[0] == "Resolver department"
    credit = _sheet(xlsx, "Credit notes")
    columns = ("Root-cause category", "Resolved disputes", "Credit notes", "Credited (EUR)")
    assert credit.select(columns).rows() == [("pricing", 1.0, 1.0, 150.0)]
    past = _sheet(xlsx, "Past due")
    assert past.select("Case", "Days late", "Amount × days late").rows() == [(4.0, 10.0, 12345.6)]
    trend = _sheet(xlsx, "Trend")
    # 13 Nov: all four opened, 3 resolved (12 Nov), 1, 2 and 4 open; 20 Nov: nothing new
    assert trend.select("New cases", "Resolved cases", "Open cases").rows() == [(4, 1, 3), (0, 0, 3)]


def test_the_cases_sheet_holds_every_case_with_typed_dates():
    xlsx = root_cause_workbook(CASES, AS_OF, DATES)
    cases = _sheet(xlsx, "Cases")
    assert cases["Case"].to_list() == [1.0, 2.0, 3.0, 4.0]
    assert cases["Root-cause category"].to_list() == ["pricing", "quantity/delivery", "pricing", "unmapped"]
    assert cases["Open at as-of date"].to_list() == ["Yes", "Yes", "No", "Yes"]
    assert cases["Days open / to resolve"].to_list() == [18.0, 10.0, 10.0, 50.0]
    assert cases["Days late"].to_list() == [None, None, None, 10.0]
    assert cases["Opened"].to_list()[0] in (date(2026, 11, 2), datetime(2026, 11, 2))


def test_a_customer_named_like_a_formula_arrives_as_text():
    xlsx = root_cause_workbook(CASES, AS_OF, DATES)
    assert _sheet(xlsx, "Cases")["Customer name"].to_list()[0] == "'" + HOSTILE
    assert _sheet(xlsx, "Pareto customer")["Customer name"].to_list()[1] == "'" + HOSTILE
    for name in SHEETS:
        assert _xml(xlsx, name).find(".//m:f", _NS) is None, f"a formula on {name}"


def test_money_dates_and_shares_are_formatted_and_headers_frozen():
    xlsx = root_cause_workbook(CASES, AS_OF, DATES)
    pareto = _number_formats(xlsx, "Pareto reason")
    assert (pareto["C2"], pareto["D2"], pareto["E2"]) == ("#,##0.00", "0.0%", "0.0%")
    cases = _sheet(xlsx, "Cases")
    formats = _number_formats(xlsx, "Cases")
    assert formats[f"{_column(cases, 'Opened')}2"] == "dd.mm.yyyy"
    assert formats[f"{_column(cases, 'Amount (EUR)')}2"] == "#,##0.00"
    cycle = _number_formats(xlsx, "Cycle time reason")
    assert (cycle["C2"], cycle["F2"]) == ("0.0", "0.0%")  # median days, past SLA
    for name in SHEETS[1:]:
        pane = _xml(xlsx, name).find(".//m:sheetView/m:pane", _NS)
        assert pane is not None and (pane.get("ySplit"), pane.get("state")) == ("1", "frozen"), name


def test_a_period_counts_the_cases_opened_in_it_and_says_so():
    xlsx = root_cause_workbook(CASES, AS_OF, DATES, start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert _sheet(xlsx, "Pareto reason")["Cases"].to_list() == [2.0, 1.0]  # PRICE 1 and 3, QTY 2
    about = fastexcel.read_excel(xlsx).load_sheet("About", header_row=None).to_polars().rows()
    assert ("Pareto sheets", "cases opened from 01.11.2026 to 30.11.2026") in about
    assert ("Cycle time, credit notes", "cases resolved from 01.11.2026 to 30.11.2026") in about


def test_no_cases_still_give_every_sheet_with_its_headers():
    xlsx = root_cause_workbook(empty_cases(), AS_OF, DATES)
    assert fastexcel.read_excel(xlsx).sheet_names == SHEETS
    assert _sheet(xlsx, "Pareto reason").columns[:2] == ["Reason code", "Cases"]
