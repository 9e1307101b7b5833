"""Write demo snapshots the way SAP FBL5N exports look in a German-speaking AR team.

Three routes a lead meets in practice: the "unconverted" list download (tab separated text,
title lines, empty column A, a ``*`` marker column, SAP's trailing minus), a CSV saved from Excel
(semicolon, Windows-1252) and the spreadsheet export (XLSX with typed cells). Each ends with one
total row per currency whose amount is the exact sum of the lines, as the ALV total does.
Formatting is done with polars expressions on whole columns so a million lines write in seconds.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import xlsxwriter

#: Canonical column -> German FBL5N label, in the order of the standard demo layout.
GERMAN_LABELS: dict[str, str] = {
    "company_code": "Buchungskreis",
    "customer_id": "Konto",
    "customer_name": "Name 1",
    "doc_no": "Belegnummer",
    "fiscal_year": "Geschäftsjahr",
    "line_item": "Position",
    "doc_type": "Belegart",
    "doc_date": "Belegdatum",
    "posting_date": "Buchungsdatum",
    "baseline_date": "Basisdatum",
    "due_date": "Nettofälligkeit",
    "amount": "Betrag in Hauswährung",
    "currency": "Hauswährung",
    "amount_doc": "Betrag in Belegwährung",
    "doc_currency": "Belegwährung",
    "clearing_date": "Ausgleichsdatum",
    "clearing_doc": "Ausgleichsbeleg",
    "dunning_level": "Mahnstufe",
    "assignment": "Zuordnung",
    "reference": "Referenz",
    "text": "Text",
    "collector": "Sachbearbeiter",
    "country": "Land",
    "disputed": "Streitfall",
    "dispute_reason": "Klärungsgrund",
    "dispute_case": "Klärungsfall",
}
#: A user-defined layout as saved from Excel: other order, no baseline/posting date.
CSV_LAYOUT = [
    "customer_id",
    "customer_name",
    "company_code",
    "doc_type",
    "doc_no",
    "line_item",
    "fiscal_year",
    "doc_date",
    "due_date",
    "amount",
    "currency",
    "amount_doc",
    "doc_currency",
    "dunning_level",
    "disputed",
    "dispute_reason",
    "dispute_case",
    "assignment",
    "reference",
    "text",
    "collector",
    "country",
    "clearing_date",
    "clearing_doc",
]
#: The spreadsheet export's layout (fewer columns: xlsxwriter writes cell by cell).
XLSX_LAYOUT = [
    "company_code",
    "customer_id",
    "customer_name",
    "doc_type",
    "doc_no",
    "fiscal_year",
    "line_item",
    "doc_date",
    "due_date",
    "amount",
    "currency",
    "amount_doc",
    "doc_currency",
    "dunning_level",
    "disputed",
    "dispute_reason",
    "dispute_case",
    "collector",
]
_C1 = re.compile(b"[\x80-\x9f]")
_MONEY = ("amount", "amount_doc")
_DATES = ("doc_date", "posting_date", "baseline_date", "due_date", "clearing_date")
#: Fixed workbook metadata so the same seed gives byte-identical files.
_FIXED_CREATED = datetime(2026, 1, 1)  # noqa: DTZ001 - xlsxwriter wants a naive datetime


_PAD3 = pl.Series([f"{i:03d}" for i in range(1000)])
_PAD2 = pl.Series([f"{i:02d}" for i in range(100)])
_PLAIN = pl.Series([str(i) for i in range(1000)])


def german_amount(expr: pl.Expr) -> pl.Expr:
    """Integer cents as SAP prints them for a German user: ``1.234,56`` and ``1.234,56-``.

    Digit groups come from lookup tables instead of number-to-text casts: five times faster,
    which is what makes a million-line file write in a couple of seconds.
    """
    cents = expr.abs()
    e = cents // 100

    def pad3(x: pl.Expr) -> pl.Expr:
        return pl.lit(_PAD3).gather(x)

    def plain(x: pl.Expr) -> pl.Expr:  # every branch is evaluated: keep indices in range
        return pl.lit(_PLAIN).gather(x % 1_000)

    dot = pl.lit(".")
    euros = (
        pl.when(e < 1_000)
        .then(plain(e))
        .when(e < 1_000_000)
        .then(pl.concat_str(plain(e // 1_000), dot, pad3(e % 1_000)))
        .when(e < 1_000_000_000)
        .then(pl.concat_str(plain(e // 1_000_000), dot, pad3(e // 1_000 % 1_000), dot, pad3(e % 1_000)))
        .otherwise(
            pl.concat_str(
                (e // 1_000_000_000).cast(pl.String),
                dot,
                pad3(e // 1_000_000 % 1_000),
                dot,
                pad3(e // 1_000 % 1_000),
                dot,
                pad3(e % 1_000),
            )
        )
    )
    sign = pl.when(expr < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(euros, pl.lit(","), pl.lit(_PAD2).gather(cents % 100), sign)


def german_amount_text(cents: int) -> str:
    """One amount in the same notation (for total rows)."""
    return pl.select(german_amount(pl.lit(cents, dtype=pl.Int64))).item()


def _as_text(df: pl.DataFrame, columns: list[str], *, zero_pad_line: bool) -> pl.DataFrame:
    """Every column as the text the list output shows (null for blanks)."""
    exprs = []
    for col in columns:
        e = pl.col(col)
        if col in _MONEY:
            e = german_amount(e)
        elif col in _DATES:
            days = df[col].drop_nulls().unique()  # a few hundred distinct dates: format each once
            e = e.replace_strict(days, days.dt.strftime("%d.%m.%Y"), default=None, return_dtype=pl.String)
        elif col == "disputed":
            e = pl.when(e).then(pl.lit("X"))
        elif col == "line_item" and zero_pad_line:
            e = e.cast(pl.String).str.zfill(3)
        else:
            e = e.cast(pl.String)
        exprs.append(e.alias(col))
    return df.select(exprs)


def _totals(df: pl.DataFrame) -> list[tuple[str, int]]:
    """(currency, exact sum in cents) per local currency, sorted."""
    sums = df.group_by("currency").agg(pl.col("amount").sum()).sort("currency")
    return [(c, int(s)) for c, s in sums.iter_rows()]


def write_txt(df: pl.DataFrame, path: Path, as_of: date) -> Path:
    """The 'unconverted' list download: title lines, tab separated, columns A/B for markers."""
    columns = list(GERMAN_LABELS)
    key = as_of.strftime("%d.%m.%Y")
    buf = io.BytesIO()
    head = [
        f"{key}{' ' * 17}Dynamische Listenausgabe{' ' * 19}1",
        f"Kundeneinzelposten  Stichtag {key}",
        "",
        "\t".join(["", "", *GERMAN_LABELS.values()]),
        "",
    ]
    buf.write("\r\n".join(head).encode("utf-8"))
    body = _as_text(df, columns, zero_pad_line=True)
    body.insert_column(0, pl.lit("").alias("_a")).insert_column(1, pl.lit("").alias("_b"))
    body.write_csv(buf, separator="\t", include_header=False, quote_style="never", line_terminator="\r\n")
    for currency, cents in _totals(df):
        cells = ["", "*"] + [""] * len(columns)
        cells[2 + columns.index("amount")] = german_amount_text(cents)
        cells[2 + columns.index("currency")] = currency
        buf.write(("\t".join(cells) + "\r\n").encode("utf-8"))
    path.write_bytes(buf.getvalue())
    return path


def write_csv(df: pl.DataFrame, path: Path, as_of: date, *, encoding: str = "cp1252") -> Path:
    """A CSV saved from Excel on a German PC: semicolons, Windows-1252, title line padded."""
    columns = CSV_LAYOUT
    sep = ";"
    body = _as_text(df, columns, zero_pad_line=False)
    header = sep.join(GERMAN_LABELS[c] for c in columns)
    title = f"Kundeneinzelposten  Stichtag {as_of.strftime('%d.%m.%Y')}" + sep * (len(columns) - 1)
    buf = io.BytesIO()
    body.write_csv(buf, separator=sep, include_header=False, line_terminator="\r\n")
    totals = []
    for currency, cents in _totals(df):
        cells = [""] * len(columns)
        cells[0] = "*"
        cells[columns.index("amount")] = german_amount_text(cents)
        cells[columns.index("currency")] = currency
        totals.append(sep.join(cells))
    with path.open("wb") as fh:
        fh.write(_encode("\r\n".join([title, header]) + "\r\n", encoding))
        fh.write(_encode(buf.getvalue().decode("utf-8"), encoding))
        fh.write(_encode("\r\n".join(totals) + "\r\n", encoding))
    return path


def _encode(text: str, encoding: str) -> bytes:
    """Encode, taking CPython's near-memcpy Latin-1 path when it gives the same bytes as cp1252.

    cp1252 and Latin-1 agree on every character except U+0080..U+009F (C1 controls), so a text
    that encodes to Latin-1 without bytes in that range is already valid cp1252.
    """
    if encoding.lower().replace("-", "") in ("cp1252", "windows1252"):
        try:
            raw = text.encode("latin-1")
        except UnicodeEncodeError:
            return text.encode("cp1252")
        if not _C1.search(raw):
            return raw
    return text.encode(encoding)


def write_xlsx(df: pl.DataFrame, path: Path) -> Path:
    """The spreadsheet export: header in row 1, typed numbers and dates, totals without doc number.

    Amounts are written as numbers (Excel stores binary floats, as SAP's export does); dates as
    Excel serial numbers under a date format, which is what a typed date cell is.
    """
    columns = XLSX_LAYOUT
    epoch = date(1899, 12, 30)
    out = df.select(
        [
            (pl.col(c) / 100).alias(c)
            if c in _MONEY
            else (pl.col(c) - pl.lit(epoch)).dt.total_days().alias(c)
            if c in _DATES
            else pl.when(pl.col(c)).then(pl.lit("X")).alias(c)
            if c == "disputed"
            else pl.col(c)
            for c in columns
        ]
    )
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as wb:
        wb.set_properties({"created": _FIXED_CREATED, "author": "AR Desk demo"})
        ws = wb.add_worksheet("Tabelle1")
        bold = wb.add_format({"bold": True})
        date_fmt = wb.add_format({"num_format": "dd.mm.yyyy"})
        money_fmt = wb.add_format({"num_format": "#,##0.00"})
        for i, c in enumerate(columns):
            fmt = date_fmt if c in _DATES else money_fmt if c in _MONEY else None
            ws.set_column(i, i, 24 if c in ("customer_name", "text") else 12, fmt)
        ws.write_row(0, 0, [GERMAN_LABELS[c] for c in columns], bold)
        write_row = ws.write_row
        for r, row in enumerate(out.iter_rows(), start=1):
            write_row(r, 0, row)
        r = out.height + 1
        for currency, cents in _totals(df):
            ws.write_number(r, columns.index("amount"), float(Decimal(cents) / 100), money_fmt)
            ws.write_string(r, columns.index("currency"), currency)
            r += 1
    return path


def write_customer_master(master: pl.DataFrame, path: Path) -> Path:
    """The customer master as a semicolon CSV (UTF-8), credit limits in German notation."""
    cents = (pl.col("credit_limit") * 100).cast(pl.Int64)
    master.with_columns(german_amount(cents).alias("credit_limit")).write_csv(
        path, separator=";", line_terminator="\r\n"
    )
    return path
