"""The monthly sales file: German and English CSV and XLSX, problems naming file, row and column; the
import (who may, all or nothing, audited with the old and the new figure)."""

from __future__ import annotations

import io
import json
from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
import xlsxwriter

from ar_core.errors import PermissionDenied
from ar_core.performance import import_monthly_sales, parse_sales_file, stored_sales
from ar_core.store.models import AuditEntry
from tests.conftest import CONTROLLER, LEAD
from tests.workflow_setup import MEYER

D = Decimal


def _rows(rows):
    return [(r.company_code, r.year, r.month, r.sales, r.currency, r.row) for r in rows]


def test_german_csv_with_semicolons_and_german_numbers():
    data = "Buchungskreis;Monat;Umsatz;Währung\n1000;09.2026;1.234.567,89;EUR\n2000;2026-10;1.234;chf\n"
    rows, problems = parse_sales_file("umsatz.csv", data.encode("cp1252"))
    assert problems == []
    # "1.234" in a German file is one thousand two hundred thirty-four, not 1.234
    assert _rows(rows) == [
        ("1000", 2026, 9, D("1234567.89"), "EUR", 2),
        ("2000", 2026, 10, D("1234.00"), "CHF", 3),
    ]


def test_english_csv_with_commas_quoted_thousands_and_other_month_forms():
    data = 'Company code,Period,Credit sales,Currency\n1000,9/2026,"1,234.50",EUR\n1000,202610,99.9,EUR\n'
    rows, problems = parse_sales_file("sales.csv", data.encode())
    assert problems == []
    assert _rows(rows) == [
        ("1000", 2026, 9, D("1234.50"), "EUR", 2),
        ("1000", 2026, 10, D("99.90"), "EUR", 3),
    ]


def test_every_bad_cell_is_named_by_file_row_and_column():
    data = (
        "Company code;Month;Credit sales;Currency\n"
        "1000;13.2026;100,00;EUR\n"  # no 13th month
        ";2026-09;abc;EUR\n"  # no code, no amount
        "1000;2026-09;1,234;XXX\n"  # three decimals ("1,234" is 1.234 in a German file), no currency
        "1000;2026-10;-5,00;EUR\n"  # negative
        "1000;2026-11;5,00;EUR\n"
        "1000;11.2026;6,00;EUR\n"  # the same month again
    )
    rows, problems = parse_sales_file("s.csv", data.encode())
    assert [str(p) for p in problems] == [
        "s.csv, row 2, column 'Month': cannot read '13.2026' as a month (YYYY-MM or MM.YYYY)",
        "s.csv, row 3, column 'Company code': no company code",
        "s.csv, row 3, column 'Credit sales': cannot read 'abc' as an amount",
        "s.csv, row 4, column 'Credit sales': '1,234' has more than two decimals",
        "s.csv, row 4, column 'Currency': 'XXX' is not a currency code",
        "s.csv, row 5, column 'Credit sales': credit sales cannot be negative ('-5,00')",
        "s.csv, row 7, column 'Month': company code 1000 and month 11.2026 already in row 6",
    ]
    assert _rows(rows) == [("1000", 2026, 11, D("5.00"), "EUR", 6)]


def test_a_header_without_a_needed_column_and_an_empty_file():
    _, problems = parse_sales_file("s.csv", b"Company code;Month;Currency\n1000;2026-09;EUR\n")
    assert [str(p) for p in problems] == [
        "s.csv, row 1: no column for sales in the header (company code, month, credit sales, currency)"
    ]
    assert [str(p) for p in parse_sales_file("e.csv", b"\n\n")[1]] == ["e.csv: the file is empty"]
    assert "cannot read the file as XLSX" in str(parse_sales_file("x.xlsx", b"PK\x03\x04broken")[1][0])


def _xlsx(rows) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, book.add_format({"num_format": "mm.yyyy"}))
            else:
                sheet.write(r, c, value)
    book.close()
    return buf.getvalue()


def test_xlsx_with_number_cells_and_date_cells_as_months():
    data = _xlsx([["BuKr", "Monat", "Zielumsatz", "Whrg"], [1000, datetime(2026, 9, 1), 1234.5, "EUR"],
                  ["2000", "10.2026", 70, "EUR"], ["2000", "11.2026", 1.005, "EUR"]])  # fmt: skip
    rows, problems = parse_sales_file("umsatz.xlsx", data)
    assert _rows(rows) == [
        ("1000", 2026, 9, D("1234.50"), "EUR", 2),
        ("2000", 2026, 10, D("70.00"), "EUR", 3),
    ]
    assert [str(p) for p in problems] == [
        "umsatz.xlsx, row 4, column 'Zielumsatz': 1.005 has more than two decimals"
    ]


def test_import_is_all_or_nothing_audited_with_old_and_new(engine):
    good = b"company code,month,credit sales,currency\n1000,2026-09,100.00,EUR\n1000,2026-10,200.00,EUR\n"
    assert import_monthly_sales(engine, LEAD, "a.csv", good).stored == 2
    bad = b"company code,month,credit sales,currency\n1000,2026-09,150.00,EUR\n1000,2026-99,1.00,EUR\n"
    outcome = import_monthly_sales(engine, CONTROLLER, "b.csv", bad)
    assert (outcome.stored, [p.row for p in outcome.problems]) == (0, [3])
    assert stored_sales(engine, LEAD)["sales"].to_list() == [D("100.00"), D("200.00")]  # unchanged
    fixed = b"company code,month,credit sales,currency\n1000,2026-09,150.00,EUR\n"
    outcome = import_monthly_sales(engine, CONTROLLER, "c.csv", fixed)
    assert (outcome.stored, outcome.replaced) == (1, 1)
    assert stored_sales(engine, LEAD).select("month", "sales", "source_file").rows() == [
        (9, D("150.00"), "c.csv"), (10, D("200.00"), "a.csv")]  # fmt: skip
    with engine.connect() as conn:
        entry = conn.execute(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "import_monthly_sales")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.actor == CONTROLLER.username
    assert json.loads(entry.before) == {"1000 2026-09": "100.00 EUR"}
    assert json.loads(entry.after) == {"file_name": "c.csv", "months": {"1000 2026-09": "150.00 EUR"}}


def test_a_collector_may_not_import_a_sales_file(engine):
    with pytest.raises(PermissionDenied):
        import_monthly_sales(engine, MEYER, "a.csv", b"company code,month,credit sales,currency\n")
