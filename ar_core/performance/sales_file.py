"""The monthly sales file: credit sales per company code and calendar month, for the KPIs.

When the extracts hold open items only, the invoices of a period are not all visible any more
(paid ones left the extract), so DSO and CEI take the credit sales from this file instead.

Pure parser: bytes in, rows and problems out. A CSV (``;``, tab or ``,`` separated, UTF-8 or
Windows-1252) or an XLSX (first sheet) with a header row naming four columns, in German or English:

- company code (``Company code``, ``Buchungskreis``, ``BuKr``, ``BUKRS``),
- month (``Month``, ``Period``, ``Monat``, ``Periode``): ``2026-09``, ``09.2026``, ``9/2026``,
  or an Excel date cell (its month),
- credit sales (``Credit sales``, ``Sales``, ``Umsatz``, ``Zielumsatz``, ``Kreditumsatz``):
  ``1.234,56`` or ``1,234.56`` or a number cell, at most two decimals, not negative,
- currency (``Currency``, ``Währung``, ``Whrg``): an ISO code.

Every problem names the file, the row (the line in the file, the Excel row) and the column as
its header is written. A company code and month given twice is a problem (which one is right?).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ar_core.errors import FileProblem
from ar_core.money import parse_amount
from ar_core.schema import KNOWN_CURRENCIES

#: Larger than any sales file (a row per company code and month).
MAX_SALES_BYTES = 5_000_000
_PLACES = Decimal("0.01")
#: The longest company code the store keeps.
MAX_CODE = 10

#: Canonical field -> header spellings (compared lower case, without spaces, dots, _ and -).
SALES_HEADERS: dict[str, tuple[str, ...]] = {
    "company_code": ("companycode", "company", "cocode", "buchungskreis", "bukr", "bukrs", "bkrs"),
    "month": ("month", "period", "monat", "periode", "yearmonth", "jahrmonat"),
    "sales": ("creditsales", "sales", "umsatz", "zielumsatz", "kreditumsatz", "umsatzaufziel",
              "netsales", "invoicedsales", "fakturiert"),
    "currency": ("currency", "cur", "curr", "währung", "waehrung", "whrg", "wahrung"),
}  # fmt: skip
_MONTH_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), (1, 2)),  # 2026-09, 2026/09
    (re.compile(r"^(\d{1,2})[-/.](\d{4})$"), (2, 1)),  # 09.2026, 9/2026
    (re.compile(r"^(\d{4})(\d{2})$"), (1, 2)),  # 202609
)


#: One thing wrong with a sales file (the shared located problem of every uploaded file).
SalesProblem = FileProblem


@dataclass(frozen=True)
class SalesRow:
    """One month's credit sales of one company code, with the row it came from."""

    company_code: str
    year: int
    month: int
    sales: Decimal
    currency: str
    row: int


def _norm(header: object) -> str:
    return re.sub(r"[\s._\-/()]", "", str(header or "").strip().lower())


def _header_map(cells: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _norm(cell)
        for field, spellings in SALES_HEADERS.items():
            if name in spellings and field not in found:
                found[field] = index
    return found


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[tuple[int, list[object]]]:
    text = _decode(data)
    first = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, [c.strip() for c in cells]) for cells in reader]


def _xlsx_rows(data: bytes) -> list[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [(n, list(cells)) for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _month(value: object) -> tuple[int, int] | None:
    if isinstance(value, datetime | date):
        return value.year, value.month
    text = str(value or "").strip()
    for pattern, (y, m) in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match and 1 <= int(match.group(m)) <= 12 and 1900 < int(match.group(y)) < 2200:
            return int(match.group(y)), int(match.group(m))
    return None


def _amount(value: object, semicolon: bool) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None
    text = str(value or "").strip()
    amount = parse_amount(text)
    if amount is not None and amount != amount.quantize(_PLACES) and semicolon:
        amount = parse_amount(text, decimal=",")  # "1.234" in a German file: one thousand ...
    return amount


def _code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value or "").strip()


def _read_row(cell: dict[str, object], semicolon: bool) -> tuple[SalesRow | None, list[tuple[str, str]]]:
    """One data row as a :class:`SalesRow` (``row`` 0), or the ``(field, message)`` problems of its cells."""
    wrong: list[tuple[str, str]] = []
    code = _code(cell["company_code"])
    if not code or len(code) > MAX_CODE:
        wrong.append(("company_code", f"{code!r} is not a company code" if code else "no company code"))
    month = _month(cell["month"])
    if month is None:
        wrong.append(("month", f"cannot read {cell['month']!r} as a month (YYYY-MM or MM.YYYY)"))
    amount = _amount(cell["sales"], semicolon)
    if amount is None:
        wrong.append(("sales", f"cannot read {cell['sales']!r} as an amount"))
    elif amount != amount.quantize(_PLACES):
        wrong.append(("sales", f"{cell['sales']!r} has more than two decimals"))
    elif amount < 0:
        wrong.append(("sales", f"credit sales cannot be negative ({cell['sales']!r})"))
    currency = str(cell["currency"] or "").strip().upper()
    if currency not in KNOWN_CURRENCIES:
        wrong.append(("currency", f"{cell['currency']!r} is not a currency code"))
    if wrong or month is None or amount is None:
        return None, wrong
    return SalesRow(code, month[0], month[1], amount.quantize(_PLACES), currency, 0), []


def _lines(filename: str, data: bytes) -> tuple[list[tuple[int, list[object]]], bool, list[SalesProblem]]:
    """The non-blank lines of the file, whether it is a ``;`` separated text, or why it cannot be read."""
    if len(data) > MAX_SALES_BYTES:
        return (
            [],
            False,
            [SalesProblem(filename, None, None, f"file too large for a sales file ({len(data):,} bytes)")],
        )
    is_xlsx = data[:2] == b"PK"
    try:
        lines = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    except Exception as exc:
        return [], False, [SalesProblem(filename, None, None, f"cannot read the file as XLSX: {exc}")]
    semicolon = not is_xlsx and ";" in _decode(data).lstrip().split("\n", 1)[0]
    lines = [(n, cells) for n, cells in lines if any(str(c or "").strip() for c in cells)]
    if not lines:
        return [], False, [SalesProblem(filename, None, None, "the file is empty")]
    return lines, semicolon, []


def parse_sales_file(filename: str, data: bytes) -> tuple[list[SalesRow], list[SalesProblem]]:
    """The rows of a monthly sales file and its problems (none: every row is good)."""
    lines, semicolon, unreadable = _lines(filename, data)
    if unreadable:
        return [], unreadable
    header_row, header = lines[0]
    columns = _header_map(header)
    if missing := [f.replace("_", " ") for f in SALES_HEADERS if f not in columns]:
        message = (
            f"no column for {', '.join(missing)} in the header (company code, month, credit sales, currency)"
        )
        return [], [SalesProblem(filename, header_row, None, message)]
    titles = {f: str(header[i]).strip() for f, i in columns.items()}
    rows: list[SalesRow] = []
    problems: list[SalesProblem] = []
    seen: dict[tuple[str, int, int], int] = {}
    for row_no, cells in lines[1:]:
        row, wrong = _read_row(
            {f: (cells[i] if i < len(cells) else None) for f, i in columns.items()}, semicolon
        )
        problems += [SalesProblem(filename, row_no, titles[field], message) for field, message in wrong]
        if row is None:
            continue
        key = (row.company_code, row.year, row.month)
        if key in seen:
            given = f"company code {row.company_code} and month {row.month:02d}.{row.year}"
            message = f"{given} already in row {seen[key]}"
            problems.append(SalesProblem(filename, row_no, titles["month"], message))
            continue
        seen[key] = row_no
        rows.append(replace(row, row=row_no))
    return rows, problems
