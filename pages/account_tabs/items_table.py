"""The open items table: local, reporting and document amounts side by side, aged."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.ledger import reporting_rates, to_reporting, with_document_amount
from pages.account_tabs.common import Account
from ui import fmt
from ui.components import date_column, money_column, record_table
from ui.text import escape

COLUMNS = [
    "doc_no", "doc_type", "doc_date", "due_date", "days_overdue", "bucket", "dunning_level", "amount",
    "currency", "amount_rep", "doc_amount", "doc_cur", "disputed", "dispute_reason", "reference", "text",
]  # fmt: skip


def _shown_columns(aged: pl.DataFrame, reporting: str) -> list[str]:
    """Columns that would say nothing are left out, so the table fits the screen (1,600 px)."""
    columns = list(COLUMNS)
    if aged["currency"].eq_missing(reporting).all():
        columns.remove("amount_rep")  # every local amount is already in the reporting currency
    for optional in ("dispute_reason", "reference", "text"):
        if aged[optional].is_null().all():
            columns.remove(optional)
    return columns


def show(ctx: Account, aged: pl.DataFrame) -> None:
    """``aged`` from ``items_tab``; the reporting amount lets a lead compare customers across currencies."""
    reporting = settings.get_reporting_currency(ctx.engine)
    aged, missing = to_reporting(
        with_document_amount(aged), reporting_rates(ctx.engine, ctx.as_of, reporting), reporting
    )
    st.caption(f"Open at {fmt.day(ctx.as_of)}: {aged.height} items.")
    if missing:
        st.warning(f"No FX rate for {escape(', '.join(missing))}: those items have no {reporting} amount.")
    record_table(
        aged.sort("due_date")
        .with_columns(pl.col("disputed").fill_null(False))
        .select(_shown_columns(aged, reporting)),
        {
            "doc_no": "Document",
            "doc_type": "Type",
            "doc_date": date_column("Doc. date"),
            "due_date": date_column("Due"),
            "days_overdue": "Days overdue",
            "bucket": "Bucket",
            "dunning_level": "Dunning",
            "amount": money_column("Amount (local)"),
            "currency": "Local cur.",
            "amount_rep": money_column(f"Amount ({reporting})"),
            "doc_amount": money_column("Doc. amount"),
            "doc_cur": "Doc. cur.",
            "disputed": "Disputed",
            "dispute_reason": "Dispute reason",
            "reference": "Reference",
            "text": "Text",
        },
        download=f"open-items-{ctx.customer_id}",
    )
