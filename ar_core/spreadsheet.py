"""Safe XLSX writing for every export: no text ever becomes a live formula.

xlsxwriter, openpyxl and pandas all turn ``=``-text into formulas unless told otherwise, and
customer names, texts and references come from outside: a customer named ``=HYPERLINK(...)``
must stay text (OWASP ASVS 5.0, 1.2.10).
"""

from __future__ import annotations

import io

import xlsxwriter

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def new_workbook(out: io.BytesIO) -> xlsxwriter.Workbook:
    """An in-memory workbook that never converts strings to formulas, URLs or numbers."""
    return xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def write_row(sheet, row: int, values: list[object], fmt=None) -> None:
    """Write one row: text neutralised and written as text, numbers and dates typed."""
    for col, value in enumerate(values):
        safe = neutralise(value)
        if safe is None:
            continue
        if isinstance(safe, str):
            sheet.write_string(row, col, safe, fmt)
        else:
            sheet.write(row, col, safe, fmt)


def neutralise_expr(column: str):
    """:func:`neutralise` as a polars expression, for CSV exports of whole frames."""
    import re

    import polars as pl

    pattern = "^[" + re.escape("".join(FORMULA_TRIGGERS)).replace("\x00", "\\x00") + "]"
    col = pl.col(column)
    return pl.when(col.str.contains(pattern)).then(pl.lit("'") + col).otherwise(col).alias(column)


def neutralised_frame(frame):
    """``frame`` with every text column neutralised (:func:`neutralise_expr`), other columns as they are.

    Columns of lists of text (e.g. reasons) are joined with ``"; "`` first: CSV has no lists.
    """
    import polars as pl

    joined = frame.with_columns(
        pl.col(name).list.join("; ")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List) and dtype.inner == pl.String
    )
    return joined.with_columns(
        neutralise_expr(name) for name, dtype in joined.schema.items() if dtype == pl.String
    )


def csv_bytes(frame) -> bytes:
    """A CSV file of ``frame`` that no spreadsheet runs as formulas (UTF-8 with BOM: Excel reads it)."""
    return neutralised_frame(frame).write_csv(include_bom=True).encode("utf-8")
