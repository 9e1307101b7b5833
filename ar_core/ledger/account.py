"""The customer account: item history across snapshots, document amounts, the statement of account.

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

from ar_core.errors import ArDeskError
from ar_core.ledger.items import doc_key_expr, open_items
from ar_core.spreadsheet import new_workbook, write_row

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
#: Locale used for the statement's date text per correspondence language.
LOCALES = {"de": "de_DE", "nl": "nl_NL", "en": "en_GB", "fr": "fr_FR"}

_IDENTITY = ("company_code", "fiscal_year", "doc_key", "line_item")


def _with_key(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(doc_key_expr().alias("doc_key"))


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


def with_document_amount(items: pl.DataFrame) -> pl.DataFrame:
    """``items`` plus ``doc_amount`` and ``doc_cur``: each item in its own (document) currency.

    ``amount``/``currency`` are the local currency the ledger reconciles in; an invoice written in
    CHF or USD is what the customer sees and pays, so the account and the statement show it too.
    Items without a document amount (an extract that has none, or one in local currency) show
    the local amount.
    """
    has_doc = pl.col("doc_currency").is_not_null() & pl.col("amount_doc").is_not_null()
    return items.with_columns(
        pl.when(has_doc).then(pl.col("amount_doc")).otherwise(pl.col("amount")).alias("doc_amount"),
        pl.when(has_doc).then(pl.col("doc_currency")).otherwise(pl.col("currency")).alias("doc_cur"),
    )


#: The languages a statement can be written in.
STATEMENT_LANGUAGES: tuple[str, ...] = tuple(LOCALES)


def statement_language(customer: dict) -> str:
    """The customer's correspondence language when a statement exists in it, else English."""
    language = (customer.get("language") or "en").strip().lower()
    return language if language in LOCALES else "en"


@cache
def statement_labels(language: str) -> dict:
    """Labels of the statement in ``language`` (English when the language is unknown)."""
    labels = yaml.safe_load((TEMPLATES / "statement.yaml").read_text(encoding="utf-8"))
    return labels.get((language or "en").lower(), labels["en"])


def letterhead_lines(letterhead: dict[str, str], labels: dict) -> list[str]:
    lines = [letterhead.get("address", "")]
    contact = [
        labels["letterhead"][f].format(value=letterhead[f])
        for f in ("phone", "email", "vat_id")
        if letterhead.get(f)
    ]
    lines.append(" · ".join(contact))
    return [line for text in lines for line in text.splitlines() if line.strip()]


def bank_lines(letterhead: dict[str, str], labels: dict) -> list[str]:
    return [
        labels["letterhead"][f].format(value=letterhead[f])
        for f in ("bank_name", "iban", "bic")
        if letterhead.get(f)
    ]


def statement_xlsx(
    customer: dict,
    items: pl.DataFrame,
    as_of: date,
    *,
    language: str | None = None,
    letterhead: dict[str, str] | None = None,
) -> bytes:
    """The statement of account of one customer: open items at ``as_of`` in their own currencies.

    One section per document currency (an invoice in CHF is listed and totalled in CHF, as the
    customer booked it) with its balance; each item says whether it is disputed. The sender's
    letterhead (``ar_core.settings.get_letterhead``) heads the sheet and its bank details close
    it. ``language`` (de, nl, en, fr) defaults to the customer's. Amounts and dates are typed
    cells; every text passes :func:`ar_core.spreadsheet.write_row` (no formula injection).
    """
    language = statement_language(customer) if language is None else language.strip().lower()
    if language not in LOCALES:
        raise ArDeskError(f"no statement in {language!r}: choose one of {', '.join(LOCALES)}")
    labels = statement_labels(language)
    letterhead = letterhead or {}
    rows = with_document_amount(open_items(items, as_of)).sort("doc_cur", "due_date", "doc_no")
    out = io.BytesIO()
    book = new_workbook(out)
    formats = {
        "bold": book.add_format({"bold": True}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "money": book.add_format({"num_format": "#,##0.00"}),
        "money_bold": book.add_format({"num_format": "#,##0.00", "bold": True, "top": 1}),
        "day": book.add_format({"num_format": "dd.mm.yyyy"}),
    }
    sheet = book.add_worksheet(labels["sheet"][:31])
    r = write_heading(sheet, customer, as_of, language, labels, letterhead, formats)
    if rows.is_empty():
        write_row(sheet, r, [labels["no_items"]])
        r += 1
    for (currency,), section in rows.group_by("doc_cur", maintain_order=True):
        r = _write_section(sheet, r, str(currency), section, as_of, labels, formats)
    write_row(sheet, r, [labels["note"]])
    bank = bank_lines(letterhead, labels)
    if bank:
        write_row(sheet, r + 2, [labels["bank_intro"]], formats["bold"])
        for i, line in enumerate(bank):
            write_row(sheet, r + 3 + i, [line])
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 8)
    sheet.set_column(2, 5, 14)
    sheet.set_column(6, 6, 16)
    sheet.set_column(8, 8, 12)
    book.close()
    return out.getvalue()


def write_heading(  # noqa: PLR0917 - the sheet and what it says, in reading order
    sheet, customer, as_of, language, labels, letterhead, formats, letterhead_labels=None
) -> int:
    """Letterhead, title, as-of date and customer number of a statement; returns the next free row.

    Shared by every statement to the customer (of account, of a reconciliation); ``labels`` hold
    the title, subtitle and customer-number texts, ``letterhead_labels`` (default ``labels``) the
    letterhead's.
    """
    r = 0
    if letterhead.get("company_name"):
        write_row(sheet, r, [letterhead["company_name"]], formats["title"])
        r += 1
    for line in letterhead_lines(letterhead, letterhead_labels or labels):
        write_row(sheet, r, [line])
        r += 1
    r += 1 if r else 0
    name = customer.get("name") or customer["customer_id"]
    as_of_text = format_date(as_of, "long", locale=LOCALES[language])
    write_row(sheet, r, [labels["title"].format(customer=name)], formats["title"])
    write_row(sheet, r + 1, [labels["subtitle"].format(as_of=as_of_text)])
    write_row(sheet, r + 2, [labels["customer_no"], customer["customer_id"]])
    return r + 4


def _write_section(sheet, r, currency, section, as_of, labels, formats) -> int:  # noqa: PLR0917
    """One currency: its header, its items with the disputed flag, its balance; the next free row."""
    write_row(sheet, r, [labels["section"].format(currency=currency)], formats["bold"])
    write_row(sheet, r + 1, labels["columns"], formats["bold"])
    r += 2
    for item in section.iter_rows(named=True):
        days = (as_of - item["due_date"]).days if item["due_date"] else None
        write_row(sheet, r, [item["doc_no"], item["doc_type"]])
        for col, value in ((2, item["doc_date"]), (3, item["due_date"])):
            if value:
                sheet.write_datetime(r, col, value, formats["day"])
        overdue = max(days, 0) if days is not None else None
        write_row(sheet, r, [None, None, None, None, overdue, item["reference"]])
        sheet.write_number(r, 6, float(item["doc_amount"]), formats["money"])  # xlsx stores doubles
        disputed = labels["disputed_yes"] if item["disputed"] else labels["disputed_no"]
        write_row(sheet, r, [None] * 7 + [currency, disputed])
        r += 1
    write_row(sheet, r, [labels["total"]] + [None] * 5, formats["bold"])
    sheet.write_number(r, 6, float(section["doc_amount"].sum()), formats["money_bold"])
    write_row(sheet, r, [None] * 7 + [currency], formats["bold"])
    return r + 2
