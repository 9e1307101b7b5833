"""Open items with aging, local, reporting and document amounts; the statement; disputes."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.ledger import (
    STATEMENT_LANGUAGES,
    reporting_rates,
    statement_language,
    statement_xlsx,
    to_reporting,
    with_aging,
    with_document_amount,
)
from pages.account_tabs.common import Account
from ui import fmt, tables
from ui.text import escape

LANGUAGE_NAMES = {"de": "Deutsch", "nl": "Nederlands", "en": "English", "fr": "Français"}


def _aged(ctx: Account) -> pl.DataFrame:
    return with_aging(ctx.items, ctx.as_of, settings.get_aging_edges(ctx.engine))


def aging_chart(ctx: Account) -> None:
    aged = _aged(ctx)
    if not aged.height:
        return
    labels = aged["bucket"].dtype.categories.to_list()
    by_bucket = (
        pl.DataFrame({"bucket": labels})
        .join(
            aged.group_by(pl.col("bucket").cast(pl.String)).agg(pl.col("amount").sum()),
            on="bucket",
            how="left",
        )
        .with_columns(pl.col("amount").fill_null(0).cast(pl.Float64))  # chart scale only; totals stay exact
    )
    st.altair_chart(
        alt.Chart(by_bucket)
        .mark_bar()
        .encode(
            x=alt.X("bucket:N", title="Aging bucket", sort=labels, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("amount:Q", title="Open (local cur.)"),
            tooltip=["bucket:N", alt.Tooltip("amount:Q", format=",.2f")],
        )
        .properties(height=180),
        width="stretch",
    )


def render(ctx: Account) -> None:
    reporting = settings.get_reporting_currency(ctx.engine)
    aged, missing = to_reporting(
        with_document_amount(_aged(ctx)), reporting_rates(ctx.engine, ctx.as_of, reporting), reporting
    )
    st.caption(f"Open at {fmt.day(ctx.as_of)}: {aged.height} items.")
    if missing:
        st.warning(f"No FX rate for {escape(', '.join(missing))}: those items have no {reporting} amount.")
    columns = [
        "doc_no", "doc_type", "doc_date", "due_date", "days_overdue", "bucket", "dunning_level", "amount",
        "currency", "amount_rep", "doc_amount", "doc_cur", "disputed", "dispute_reason", "reference", "text",
    ]  # fmt: skip
    # Columns that would say nothing are left out, so the table fits the screen (1,600 px).
    if aged["currency"].eq_missing(reporting).all():
        columns.remove("amount_rep")  # every local amount is already in the reporting currency
    for optional in ("dispute_reason", "reference", "text"):
        if aged[optional].is_null().all():
            columns.remove(optional)
    tables.show(
        aged.sort("due_date").with_columns(pl.col("disputed").fill_null(False)).select(columns),
        download=f"open-items-{ctx.customer_id}",
        hide_index=True,
        width="stretch",
        column_config={
            "doc_no": "Document",
            "doc_type": "Type",
            "doc_date": st.column_config.DateColumn("Doc. date", format="DD.MM.YYYY"),
            "due_date": st.column_config.DateColumn("Due", format="DD.MM.YYYY"),
            "days_overdue": "Days overdue",
            "bucket": "Bucket",
            "dunning_level": "Dunning",
            "amount": st.column_config.NumberColumn("Amount (local)", format="%,.2f"),
            "currency": "Local cur.",
            "amount_rep": st.column_config.NumberColumn(f"Amount ({reporting})", format="%,.2f"),
            "doc_amount": st.column_config.NumberColumn("Doc. amount", format="%,.2f"),
            "doc_cur": "Doc. cur.",
            "disputed": "Disputed",
            "dispute_reason": "Dispute reason",
            "reference": "Reference",
            "text": "Text",
        },
    )
    _statement(ctx)


def _statement(ctx: Account) -> None:
    default = statement_language(ctx.customer)
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    language = c1.selectbox(
        "Statement language",
        STATEMENT_LANGUAGES,
        index=STATEMENT_LANGUAGES.index(default),
        format_func=lambda code: f"{LANGUAGE_NAMES[code]}{' (customer)' if code == default else ''}",
        key=f"st_lang_{ctx.customer_id}",
    )
    c2.download_button(
        f"Statement of account (XLSX, {language.upper()})",
        statement_xlsx(
            ctx.customer,
            ctx.items,
            ctx.as_of,
            language=language,
            letterhead=settings.get_letterhead(ctx.engine),
        ),
        file_name=f"statement-{ctx.customer_id}-{ctx.as_of.isoformat()}-{language}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="statement",
    )


def disputes(ctx: Account) -> None:
    disputed = with_document_amount(_aged(ctx)).filter(pl.col("disputed").fill_null(False))
    if disputed.is_empty():
        st.info("No disputed item in this snapshot.")
        return
    tables.show(
        disputed.select(
            "doc_no",
            "due_date",
            "days_overdue",
            "amount",
            "currency",
            "doc_amount",
            "doc_cur",
            "dispute_reason",
        ),
        download=f"disputes-{ctx.customer_id}",
        hide_index=True,
        width="stretch",
        column_config={
            "doc_no": "Document",
            "due_date": st.column_config.DateColumn("Due", format="DD.MM.YYYY"),
            "days_overdue": "Days overdue",
            "amount": st.column_config.NumberColumn("Amount (local)", format="%,.2f"),
            "currency": "Local cur.",
            "doc_amount": st.column_config.NumberColumn("Doc. amount", format="%,.2f"),
            "doc_cur": "Doc. cur.",
            "dispute_reason": "Dispute reason",
        },
    )
