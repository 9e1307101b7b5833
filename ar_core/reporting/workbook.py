"""The report workbook: an About sheet, one sheet per topic, and the Totals check sheet.

Every text cell goes through ``ar_core.spreadsheet.neutralise`` and is written as text (a
customer named ``=HYPERLINK(...)`` stays text); the workbook itself never turns strings into
formulas, URLs or numbers (``spreadsheet.new_workbook``). Each topic sheet has its headings in the
first row, frozen, and typed cells: money ``#,##0.00``, dates ``dd.mm.yyyy``, percentages ``0.00%``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import polars as pl

from ar_core.reporting.layouts import TOPICS, Layout
from ar_core.reporting.sheets import TOTAL, Sheet
from ar_core.spreadsheet import neutralise, new_workbook

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "dd.mm.yyyy"
PCT_FORMAT = "0.00%"
ABOUT = "About"
CHECKS = "Totals check"
_WIDTH = {"money": 15, "date": 12, "pct": 11, "int": 10, "number": 12, "text": 14}


@dataclass(frozen=True)
class Cover:
    """What the About sheet says about a run."""

    layout: Layout
    as_of: date
    requested_as_of: date
    snapshot_id: int
    reporting: str
    produced_by: str
    produced_at: datetime
    period: tuple[date, date]


class _Formats:
    def __init__(self, book) -> None:
        self.head = book.add_format(
            {"bold": True, "bg_color": "#E8EEF4", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})
        self.bold = book.add_format({"bold": True})
        self.ok = book.add_format({"bg_color": "#C6EFCE", "font_color": "#006100", "bold": True})
        self.bad = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True})
        self.kinds = {}
        for total in (False, True):
            for kind, num in (
                ("money", MONEY_FORMAT),
                ("date", DATE_FORMAT),
                ("pct", PCT_FORMAT),
                ("int", "#,##0"),
                ("number", "#,##0.00"),
                ("text", None),
            ):
                spec = {"num_format": num} if num else {}
                if total:
                    spec |= {"bold": True, "top": 1}
                self.kinds[kind, total] = book.add_format(spec)


def _cell(sheet, row: int, col: int, value: object, kind: str, fmt) -> None:  # noqa: PLR0917
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row, col, str(neutralise(value)), fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, fmt)
    elif isinstance(value, Decimal | int | float):
        number = float(Decimal(str(value)) / 100) if kind == "pct" else float(value)
        sheet.write_number(row, col, number, fmt)
    else:
        sheet.write_string(row, col, str(neutralise(str(value))), fmt)


def _table(book, formats: _Formats, sheet: Sheet) -> None:
    ws = book.add_worksheet(sheet.title)
    for col, column in enumerate(sheet.columns):
        ws.write_string(0, col, str(neutralise(column.heading)), formats.head)
        width = max(_WIDTH[column.kind], min(len(column.heading) + 2, 28))
        if column.name in ("customer_name", "reasons", "definition", "inputs", "notes", "subject", "reason"):
            width = 40
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    first = sheet.columns[0].name if sheet.columns else None
    for r, values in enumerate(sheet.frame.iter_rows(), start=1):
        total = first is not None and values[0] == TOTAL
        for col, (column, value) in enumerate(zip(sheet.columns, values, strict=True)):
            _cell(ws, r, col, value, column.kind, formats.kinds[column.kind, total])
    if sheet.frame.height and sheet.columns:
        ws.autofilter(0, 0, sheet.frame.height, len(sheet.columns) - 1)
    if sheet.note:
        ws.write_string(sheet.frame.height + 2, 0, str(neutralise(sheet.note)), formats.note)


def _about(book, formats: _Formats, cover: Cover, sheets: Sequence[Sheet], ok: bool) -> None:
    ws = book.add_worksheet(ABOUT)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, str(neutralise(cover.layout.title)), formats.title)
    lines = [
        ("Kind", cover.layout.kind, "text"),
        ("Layout", f"{cover.layout.name} ({cover.layout.file})", "text"),
        ("Snapshot as of", cover.as_of, "date"),
        ("Asked for as of", cover.requested_as_of, "date"),
        ("Snapshot id", cover.snapshot_id, "int"),
        ("KPI period from", cover.period[0], "date"),
        ("KPI period to", cover.period[1], "date"),
        ("Reporting currency", cover.reporting, "text"),
        ("Produced by", cover.produced_by, "text"),
        ("Produced at (UTC)", cover.produced_at.strftime("%d.%m.%Y %H:%M:%S"), "text"),
        (
            "Totals check",
            "every total equals the snapshot" if ok else "DIFFERENCES: see Totals check",
            "text",
        ),
    ]
    for r, (label, value, kind) in enumerate(lines, start=2):
        ws.write_string(r, 0, label, formats.bold)
        _cell(
            ws,
            r,
            1,
            value,
            kind,
            formats.kinds[kind, False] if label != "Totals check" else (formats.ok if ok else formats.bad),
        )
    r = len(lines) + 3
    ws.write_string(r, 0, "Sheets", formats.bold)
    for i, sheet in enumerate(sheets, start=r + 1):
        ws.write_string(i, 0, str(neutralise(sheet.title)))
        ws.write_string(i, 1, str(neutralise(TOPICS[sheet.topic].description)))
    if cover.layout.description:
        ws.write_string(1, 0, str(neutralise(cover.layout.description)), formats.note)


def _checks(book, formats: _Formats, checks: pl.DataFrame) -> None:
    ws = book.add_worksheet(CHECKS)
    heads = ("Sheet", "Currency", "Report total", "Snapshot total", "Difference", "Result")
    kinds = ("text", "text", "money", "money", "money", "text")
    for col, (head, kind) in enumerate(zip(heads, kinds, strict=True)):
        ws.write_string(0, col, head, formats.head)
        ws.set_column(col, col, 34 if col == 0 else _WIDTH[kind] + 2)
    ws.freeze_panes(1, 0)
    for r, row in enumerate(checks.iter_rows(named=True), start=1):
        values = (row["name"], row["currency"], row["report_total"], row["snapshot_total"], row["difference"])
        for col, (value, kind) in enumerate(zip(values, kinds, strict=False)):
            _cell(ws, r, col, value, kind, formats.kinds[kind, False])
        ws.write_string(r, 5, "OK" if row["ok"] else "DIFFERENCE", formats.ok if row["ok"] else formats.bad)
    note = checks.height + 2
    if checks.is_empty():
        ws.write_string(1, 0, "No total of this layout is a snapshot's own total: nothing to check.")
        note = 3
    ws.write_string(
        note,
        0,
        "Each report total that is a snapshot's own (a checked sheet, every row of an aging trend, the "
        "KPIs' beginning and ending AR on a snapshot's day) per currency against the open total that "
        "snapshot stored at import (ledger.snapshot_totals); the difference must be 0.00.",
        formats.note,
    )


def report_xlsx(cover: Cover, sheets: Sequence[Sheet], checks: pl.DataFrame) -> bytes:
    """The workbook's bytes: About, the topic sheets in layout order, Totals check."""
    out = io.BytesIO()
    book = new_workbook(out)
    book.set_properties(
        {
            "title": cover.layout.title,
            "author": cover.produced_by,
            "created": cover.produced_at.replace(tzinfo=None),
        }
    )
    formats = _Formats(book)
    ok = bool(checks["ok"].all()) if checks.height else True
    _about(book, formats, cover, sheets, ok)
    for sheet in sheets:
        _table(book, formats, sheet)
    _checks(book, formats, checks)
    book.close()
    return out.getvalue()


def sheet_names(sheets: Sequence[Sheet]) -> list[str]:
    """The workbook's sheet names in order."""
    return [ABOUT, *(s.title for s in sheets), CHECKS]
