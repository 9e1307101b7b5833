"""The validation report as an XLSX for the person who made the export.

Problem texts quote cell contents from an uploaded file, so the workbook is written with
``strings_to_formulas`` off and every text cell that a spreadsheet would treat as a formula
(``= + - @``, tab, CR, NUL) is prefixed with ``'`` (OWASP formula injection, ASVS 5.0 1.2.10).
"""

from __future__ import annotations

import io
from decimal import Decimal

from ar_core.ingest.result import ExtractResult
from ar_core.money import format_amount
from ar_core.spreadsheet import new_workbook, write_row

#: Data rows a worksheet can hold below its header row.
_MAX_ROWS = 1_048_575


def validation_report_xlsx(result: ExtractResult) -> bytes:
    """Summary sheet (file, format, counts, totals vs the file's totals) and one row per problem."""
    out = io.BytesIO()
    book = new_workbook(out)
    bold = book.add_format({"bold": True})
    _summary(book.add_worksheet("Summary"), result, bold)
    _problems(book.add_worksheet("Problems"), result, bold)
    book.close()
    return out.getvalue()


def _summary(sheet, result: ExtractResult, bold) -> None:
    totals, open_totals = result.totals(), result.open_totals()
    rows: list[list[object]] = [
        ["File", result.file_name],
        ["SHA-256", result.file_hash],
        ["Format", result.source_format],
        ["As-of date", result.as_of.isoformat() if result.as_of else "not stated"],
        ["Item lines read", result.lines_read],
        ["Valid items", result.items.height],
        ["Rejected rows", result.rejected_rows],
        ["Errors", len(result.errors)],
        ["Warnings", len(result.warnings)],
        [],
        ["Currency", "Items total", "File total", "Open total"],
    ]
    for currency in sorted(set(totals) | set(result.file_totals)):
        file_total = result.file_totals.get(currency)
        rows.append(
            [
                currency,
                format_amount(totals.get(currency, Decimal(0)), "en"),
                format_amount(file_total, "en") if file_total is not None else "",
                format_amount(open_totals.get(currency, Decimal(0)), "en"),
            ]
        )
    for i, values in enumerate(rows):
        write_row(sheet, i, values, bold if values and values[0] == "Currency" else None)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 3, 22)


def _problems(sheet, result: ExtractResult, bold) -> None:
    write_row(sheet, 0, ["Severity", "Row", "Column", "Problem"], bold)
    shown = result.problems if len(result.problems) <= _MAX_ROWS else result.problems[: _MAX_ROWS - 1]
    for i, p in enumerate(shown, start=1):
        write_row(sheet, i, [p.severity, p.row, p.column, p.message])
    if len(shown) < len(result.problems):  # a sheet ends at row 1,048,576
        write_row(
            sheet,
            _MAX_ROWS,
            ["note", None, None, f"{len(result.problems) - len(shown):,} more problems not shown"],
        )
    sheet.set_column(0, 1, 10)
    sheet.set_column(2, 2, 26)
    sheet.set_column(3, 3, 100)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, min(len(result.problems), _MAX_ROWS)), 3)
