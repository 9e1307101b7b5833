"""Readable column labels and grid text of the credit views, kept apart from the page state so
every tab formats its tables the same way without pulling in the save machinery."""

from __future__ import annotations

import polars as pl

from ui.components import date_column, money_column

#: Readable labels of the columns the credit views share.
LABELS = {
    "customer_id": "Customer",
    "customer_name": "Name",
    "company_code": "Company code",
    "collector": "Collector",
    "doc_no": "Document",
    "doc_type": "Doc type",
    "age_days": "Age (days)",
    "age_bucket": "Age",
    "currency": "Currency",
    "reference": "Reference",
    "text": "Text",
    "days_overdue": "Days overdue",
    "bucket": "Aging bucket",
    "reasons": "Why listed",
}


def columns(**extra) -> dict:
    """Column labels and formats: the shared labels, dates as dates, money as money, plus ``extra``."""
    return {
        **LABELS,
        "doc_date": date_column("Document date"),
        "due_date": date_column("Due date"),
        "amount": money_column("Amount"),
        **extra,
    }


def texts(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    """List columns joined into one readable text (``a, b``), enums as plain text, for the grid."""
    out = []
    for name in names:
        if name not in frame.columns:
            continue
        dtype = frame.schema[name]
        if isinstance(dtype, pl.List):
            out.append(pl.col(name).list.eval(pl.element().cast(pl.String)).list.join(", ").alias(name))
        else:
            out.append(pl.col(name).cast(pl.String))
    return frame.with_columns(out) if out else frame
