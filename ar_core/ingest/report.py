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
    """Counts, then per currency: the valid items, the file's own total, what would be left out.

    "Left out" is what "commit only the valid rows" drops (both copies of a duplicate); with a
    total row and no blocking error, items total + left-out amount = file total.
    """
    totals, open_totals, stated = result.totals(), result.open_totals(), result.file_totals()
    excluded = result.excluded_summary()
    rows: list[list[object]] = [
        ["File", result.file_name],
        ["SHA-256", result.file_hash],
        ["Format", result.source_format],
        ["As-of date", result.as_of.isoformat() if result.as_of else "not stated"],
        ["Item lines read", result.lines_read],
        ["Valid items", result.items.height],
        ["Rejected rows", result.rejected_rows],
        ["Errors", len(result.errors)],
        ["Blocking errors", len(result.blocking_errors)],
        ["Warnings", len(result.warnings)],
        [],
        ["Currency", "Items total", "File total", "Open total", "Left out: rows", "Left out: amount"],
    ]
    for currency in sorted(set(totals) | set(stated) | set(excluded)):
        file_total, left_out = stated.get(currency), excluded.get(currency)
        rows.append(
            [
                currency,
                format_amount(totals.get(currency, Decimal(0)), "en"),
                format_amount(file_total, "en") if file_total is not None else "",
                format_amount(open_totals.get(currency, Decimal(0)), "en"),
                left_out["rows"] if left_out else 0,
                format_amount(left_out["amount"], "en") if left_out else "",
            ]
        )
    for i, values in enumerate(rows):
        write_row(sheet, i, values, bold if values and values[0] == "Currency" else None)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 5, 22)


def _problems(sheet, result: ExtractResult, bold) -> None:
    write_row(sheet, 0, ["Severity", "Row", "Column", "Problem"], bold)
    blocking = set(result.blocking_errors)  # "blocking error": no choice at commit gets past it
    shown = result.problems if len(result.problems) <= _MAX_ROWS else result.problems[: _MAX_ROWS - 1]
    for i, p in enumerate(shown, start=1):
        severity = "blocking error" if p in blocking else p.severity
        write_row(sheet, i, [severity, p.row, p.column, p.message])
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
