"""One money rule for every route: text exports and XLSX give the same items and the same problems."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from ar_core.ingest import read_customer_master, read_extract
from ar_core.money import format_amount

HEADERS = [
    "",
    "",
    "Buchungskreis",
    "Konto",
    "Belegnummer",
    "Geschäftsjahr",
    "Belegdatum",
    "Nettofälligkeit",
    "Betrag in Hauswährung",
    "Hauswährung",
]
AMOUNT = "Betrag in Hauswährung"
TITLE = "Kundeneinzelposten  Stichtag 20.11.2026"

#: (customer, document, fiscal year, document date, due date, amount, currency)
Line = tuple[str, str, int, date, date, Decimal, str]


def text_export(lines: list[Line], totals: dict[str, Decimal]) -> bytes:
    """FBL5N 'unconverted' text: title on line 1, blank line 2, header line 3, items from line 4."""
    out = [TITLE, "", "\t".join(HEADERS)]
    for customer, doc, year, doc_date, due, amount, currency in lines:
        cells = ["", "", "1000", customer, doc, str(year), f"{doc_date:%d.%m.%Y}", f"{due:%d.%m.%Y}"]
        out.append("\t".join([*cells, _german(amount), currency]))
    for currency, amount in totals.items():
        out.append("\t".join(["", "*", "", "", "", "", "", "", _german(amount), currency]))
    return ("\r\n".join(out) + "\r\n").encode("cp1252")


def _german(amount: Decimal) -> str:
    """SAP's German notation with trailing minus, keeping every decimal (a sub-cent stays one)."""
    places = max(2, -amount.as_tuple().exponent)  # type: ignore[operator]
    return format_amount(amount, "de", trailing_minus=True, places=places)


def workbook(lines: list[Line], totals: dict[str, Decimal]) -> bytes:
    """The same data as typed XLSX cells (what SAP's spreadsheet export writes): Excel rows match lines."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("FBL5N")
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_string(0, 0, TITLE)
    for col, header in enumerate(HEADERS):
        if header:
            sheet.write_string(2, col, header)
    row = 3
    for customer, doc, year, doc_date, due, amount, currency in lines:
        sheet.write_string(row, 2, "1000")
        sheet.write_string(row, 3, customer)
        sheet.write_string(row, 4, doc)
        sheet.write_number(row, 5, year)
        sheet.write_datetime(row, 6, doc_date, day)
        sheet.write_datetime(row, 7, due, day)
        sheet.write_number(row, 8, float(amount))  # a binary float, as Excel holds it
        sheet.write_string(row, 9, currency)
        row += 1
    for currency, amount in totals.items():
        sheet.write_string(row, 1, "*")
        sheet.write_number(row, 8, float(amount))
        sheet.write_string(row, 9, currency)
        row += 1
    book.close()
    return out.getvalue()


def located(result) -> list[tuple[int | None, str | None, str]]:
    """Problems without the quoted cell text (the routes quote the value as each file writes it)."""
    return [(p.row, p.column, p.message.split("'")[-1]) for p in result.problems]


ONE = ("4711", "1800000001", 2026, date(2026, 10, 1), date(2026, 10, 31))


def test_xlsx_fraction_of_a_cent_is_a_row_problem_not_rounded() -> None:
    lines = [
        (*ONE, Decimal("1234.565"), "EUR"),
        ("4712", "1800000002", 2026, *ONE[3:], Decimal("10.00"), "EUR"),
    ]
    result = read_extract(workbook(lines, {}), "FBL5N.xlsx")
    (error,) = result.errors
    assert (error.row, error.column) == (4, AMOUNT)
    assert error.message == "'1234.565' has fractions of a cent: an amount must be in whole cents"
    assert result.items["amount"].to_list() == [Decimal("10.00")]
    assert result.excluded_summary() == {"EUR": {"rows": 1, "amount": Decimal("0.00")}}


def test_text_fraction_of_a_cent_is_the_same_row_problem() -> None:
    result = read_extract(text_export([(*ONE, Decimal("1234.565"), "EUR")], {}), "FBL5N.txt")
    (error,) = result.errors
    assert (error.row, error.column) == (4, AMOUNT)
    assert error.message == "'1.234,565' has fractions of a cent: an amount must be in whole cents"


def test_float_noise_in_a_cell_is_the_cent_it_stands_for() -> None:
    noisy = [(*ONE, Decimal("0.30000000000000004"), "EUR")]  # =0.1+0.2 pasted as a value
    result = read_extract(workbook(noisy, {}), "FBL5N.xlsx")
    assert result.errors == []
    assert result.items["amount"].to_list() == [Decimal("0.30")]


def test_customer_master_xlsx_credit_limit_with_a_fraction_of_a_cent() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for col, value in enumerate(["Kundennummer", "Name", "Kreditlimit"]):
        sheet.write_string(0, col, value)
    sheet.write_row(1, 0, ["4711", "Müller GmbH"])
    sheet.write_number(1, 2, 25000.005)
    sheet.write_row(2, 0, ["4712", "Jansen B.V."])
    sheet.write_number(2, 2, 234.5)  # would read as 2.345,00 if guessed the German way
    book.close()
    frame, problems = read_customer_master(out.getvalue(), "kunden.xlsx")
    assert [(p.row, p.column, p.message) for p in problems] == [
        (2, "Kreditlimit", "'25000.005' has fractions of a cent: an amount must be in whole cents")
    ]
    assert frame["credit_limit"].to_list() == [Decimal("234.50")]


customers = st.sampled_from(["4711", "0000100001", "815"])
cents = st.integers(min_value=-(10**11), max_value=10**11)
#: Amounts are mostly whole cents; some have a third decimal (a fraction of a cent).
amounts = st.one_of(
    cents.map(lambda c: Decimal(c).scaleb(-2)),
    st.integers(min_value=-(10**9), max_value=10**9)
    .filter(lambda m: m % 10)
    .map(lambda m: Decimal(m).scaleb(-3)),
)
days = st.integers(min_value=0, max_value=3000).map(lambda d: date(2020, 1, 1) + timedelta(days=d))
documents = st.integers(1800000000, 1800000040).map(str)
currencies = st.sampled_from(["EUR", "USD", "CHF"])
years = st.sampled_from([2025, 2026])
lines_strategy = st.lists(
    st.tuples(customers, documents, years, days, days, amounts, currencies), min_size=1, max_size=12
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=lines_strategy, with_totals=st.booleans(), off_by=st.sampled_from([0, 0, 1]))
def test_text_and_xlsx_routes_give_identical_items_and_problems(lines, with_totals, off_by) -> None:
    totals: dict[str, Decimal] = {}
    if with_totals:
        for *_, amount, currency in lines:
            totals[currency] = totals.get(currency, Decimal(0)) + amount
        totals = {c: t.quantize(Decimal("0.01")) + Decimal(off_by) / 100 for c, t in totals.items()}
    from_text = read_extract(text_export(lines, totals), "FBL5N.txt")
    from_xlsx = read_extract(workbook(lines, totals), "FBL5N.xlsx")
    assert_frame_equal(from_text.items, from_xlsx.items)
    assert located(from_text) == located(from_xlsx)
    assert from_text.file_totals() == from_xlsx.file_totals()
    assert from_text.excluded_summary() == from_xlsx.excluded_summary()
    assert [p.row for p in from_text.blocking_errors] == [p.row for p in from_xlsx.blocking_errors]
    if not from_xlsx.errors:  # nothing rounded: the items are exactly the data written
        expected: dict[str, Decimal] = {}
        for *_, amount, currency in lines:
            expected[currency] = expected.get(currency, Decimal(0)) + amount
        assert from_xlsx.totals() == expected
