"""The write-off register: approved write-offs per month, reason and collector (a chart, then tables).

Amounts stay per currency (never added across currencies); the chart draws floats for its scale
only, the tables keep the exact amounts.
"""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from ar_core.recovery import register_totals, write_off_register
from pages.write_offs_parts.common import Page
from ui import components

CURRENCY = "wo_reg_currency"
COLUMNS = {
    "period": "Month",
    "reason": "Reason",
    "collector": "Collector",
    "currency": "Currency",
    "requests": components.count_column("Write-offs"),
    "amount": components.money_column("Amount"),
}


def _chart(table: pl.DataFrame, currency: str) -> None:
    frame = table.filter(pl.col("currency") == currency).with_columns(pl.col("amount").cast(pl.Float64))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("period:O", title="Month approved"),
            y=alt.Y("sum(amount):Q", title=f"Written off ({currency})"),
            color=alt.Color("reason:N", title="Reason"),
            tooltip=[
                "period:O",
                "reason:N",
                "collector:N",
                "requests:Q",
                alt.Tooltip("amount:Q", format=",.2f"),
            ],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")


def show(page: Page) -> None:
    table = write_off_register(page.engine, page.actor)
    if table.is_empty():
        st.info("No write-off approved yet: the register fills as leads and controllers approve requests.")
        return
    currencies = sorted(table["currency"].unique().to_list())
    currency = currencies[0]
    if len(currencies) > 1:
        currency = st.segmented_control(
            "Currency", currencies, key=CURRENCY, default=currencies[0], required=True
        )
    _chart(table, currency)
    left, right = st.columns(2)
    with left:
        st.markdown("**Per reason**")
        components.record_table(register_totals(table, "reason"), COLUMNS)
    with right:
        st.markdown("**Per collector**")
        components.record_table(register_totals(table, "collector"), COLUMNS)
    st.markdown("**Per month, reason and collector**")
    components.record_table(table, COLUMNS, download="write-off-register")
