"""The customer account: item history across snapshots and the statement of account.

An item's history comes from its identity (company code, fiscal year, document number without
leading zeros, line item): the first snapshot that lists it is when it appeared; the first later
snapshot that no longer lists it (or lists it with a clearing date) is when it was cleared.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import yaml
from babel.dates import format_date

from ar_core.portfolio import open_items
from ar_core.spreadsheet import new_workbook, write_row

TEMPLATES = Path(__file__).parent / "templates"
#: Locale used for the statement's date text per correspondence language.
LOCALES = {"de": "de_DE", "nl": "nl_NL", "en": "en_GB", "fr": "fr_FR"}

_IDENTITY = ("company_code", "fiscal_year", "doc_key", "line_item")


def _with_key(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("doc_no").str.strip_chars_start("0").alias("doc_key"))


def item_timeline(history: pl.DataFrame, snapshot_dates: list[date]) -> pl.DataFrame:
    """One row per item of the account: when it appeared, was last listed, and was cleared.

    Args:
        history: the account's lines across snapshots (``snapshot_as_of`` plus item columns).
        snapshot_dates: every snapshot's as-of date, so that "gone from the next one" is known.
    """
    if history.is_empty():
        return pl.DataFrame(
            schema={
                "doc_no": pl.String,
                "doc_type": pl.String,
                "doc_date": pl.Date,
                "due_date": pl.Date,
                "amount": history.schema.get("amount", pl.Decimal(18, 2)),
                "currency": pl.String,
                "first_seen": pl.Date,
                "last_seen": pl.Date,
                "cleared_on": pl.Date,
                "status": pl.String,
            }
        )
    dates = pl.DataFrame({"next_as_of": sorted(snapshot_dates)}).with_columns(
        pl.col("next_as_of").shift(1).alias("as_of")
    )
    keyed = _with_key(history).sort("snapshot_as_of")
    per_item = keyed.group_by(_IDENTITY, maintain_order=True).agg(
        pl.col("doc_no").last(),
        pl.col("doc_type").last(),
        pl.col("doc_date").last(),
        pl.col("due_date").last(),
        pl.col("amount").last(),
        pl.col("currency").last(),
        pl.col("snapshot_as_of").min().alias("first_seen"),
        pl.col("snapshot_as_of").max().alias("last_seen"),
        pl.col("clearing_date").drop_nulls().first().alias("cleared_in_file"),
    )
    latest = max(snapshot_dates)
    per_item = per_item.join(dates, left_on="last_seen", right_on="as_of", how="left")
    cleared = (
        pl.when(pl.col("cleared_in_file").is_not_null())
        .then(pl.col("cleared_in_file"))
        .when(pl.col("last_seen") < latest)
        .then(pl.col("next_as_of"))  # gone from the next snapshot: cleared by then
        .otherwise(None)
    )
    return (
        per_item.with_columns(cleared.alias("cleared_on"))
        .with_columns(
            pl.when(pl.col("cleared_on").is_null())
            .then(pl.lit("open"))
            .otherwise(pl.lit("cleared"))
            .alias("status")
        )
        .select(
            "doc_no",
            "doc_type",
            "doc_date",
            "due_date",
            "amount",
            "currency",
            "first_seen",
            "last_seen",
            "cleared_on",
            "status",
        )
        .sort("first_seen", "doc_no", descending=[True, False])
    )


@cache
def statement_labels(language: str) -> dict:
    """Labels of the statement in the customer's language (English when the language is unknown)."""
    labels = yaml.safe_load((TEMPLATES / "statement.yaml").read_text(encoding="utf-8"))
    return labels.get((language or "en").lower(), labels["en"])


def statement_xlsx(customer: dict, items: pl.DataFrame, as_of: date) -> bytes:
    """The statement of account of one customer: open items at ``as_of``, balance per currency.

    Written in the customer's correspondence language; amounts and dates are typed cells.
    """
    language = (customer.get("language") or "en").lower()
    labels = statement_labels(language)
    name = customer.get("name") or customer["customer_id"]
    as_of_text = format_date(as_of, "long", locale=LOCALES.get(language, "en_GB"))
    rows = open_items(items, as_of).sort("due_date", "doc_no")
    out = io.BytesIO()
    book = new_workbook(out)
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    money = book.add_format({"num_format": "#,##0.00"})
    money_bold = book.add_format({"num_format": "#,##0.00", "bold": True})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet = book.add_worksheet(labels["total"][:31])
    write_row(sheet, 0, [labels["title"].format(customer=name)], title)
    write_row(sheet, 1, [labels["subtitle"].format(as_of=as_of_text)])
    write_row(sheet, 2, [labels["customer_no"], customer["customer_id"]])
    write_row(sheet, 4, labels["columns"], bold)
    r = 5
    for item in rows.iter_rows(named=True):
        days = (as_of - item["due_date"]).days if item["due_date"] else None
        write_row(sheet, r, [item["doc_no"], item["doc_type"]])
        for col, value in ((2, item["doc_date"]), (3, item["due_date"])):
            if value:
                sheet.write_datetime(r, col, value, day)
        write_row(
            sheet, r, [None, None, None, None, max(days, 0) if days is not None else None, item["reference"]]
        )
        sheet.write_number(r, 6, float(item["amount"]), money)  # xlsx stores numbers as doubles anyway
        write_row(sheet, r, [None] * 7 + [item["currency"]])
        r += 1
    r += 1
    totals = rows.group_by("currency").agg(pl.col("amount").sum()).sort("currency")
    for total in totals.iter_rows(named=True):
        write_row(sheet, r, [labels["total"]] + [None] * 5, bold)
        sheet.write_number(r, 6, float(total["amount"]), money_bold)
        write_row(sheet, r, [None] * 7 + [total["currency"]], bold)
        r += 1
    write_row(sheet, r + 1, [labels["note"]])
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 8)
    sheet.set_column(2, 5, 14)
    sheet.set_column(6, 6, 16)
    book.close()
    return out.getvalue()
