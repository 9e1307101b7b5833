"""How many resolved disputes ended in a credit note, and how much was credited, per root cause."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from ar_core.disputes import UNMAPPED, credit_note_share
from pages.root_causes_parts.controls import Scope
from ui.components import count_column, money_column, record_table

BY = {"category": "Root-cause category", "reason": "Reason"}


def show(scope: Scope, currency: str) -> None:
    st.caption(
        "Many credit notes under one root cause mean the invoices were wrong, not the customer: the "
        "signal for the internal customer. Disputes only; inquiries end without a credit note."
    )
    by = st.radio("By", list(BY), format_func=BY.get, key="rc_credit_by", horizontal=True)
    table = credit_note_share(scope.cases, by, scope.start, scope.end).with_columns(
        pl.col(by).fill_null(UNMAPPED)
    )
    if table.is_empty():
        st.info("No dispute resolved yet" + (" in this period." if scope.start else "."))
        return
    chart = table.filter(pl.col("credited") > 0).with_columns(
        pl.col("credited").cast(pl.Float64).alias("credited_f")
    )
    if chart.height:
        st.altair_chart(
            alt.Chart(chart)
            .mark_bar(color="#1f4e79")
            .encode(
                x=alt.X("credited_f:Q", title=f"Credited ({currency})", axis=alt.Axis(format=",.0f")),
                y=alt.Y(f"{by}:N", sort="-x", title=None),
                tooltip=[
                    alt.Tooltip(f"{by}:N", title=BY[by]),
                    alt.Tooltip("credit_notes:Q", title="Credit notes"),
                    alt.Tooltip("share:Q", title="Share of resolved", format=".0%"),
                    alt.Tooltip("credited_f:Q", title=f"Credited ({currency})", format=",.2f"),
                ],
            )
            .properties(height=40 + 34 * chart.height)
        )
    record_table(
        table,
        {
            by: BY[by],
            "n": count_column("Resolved disputes"),
            "credit_notes": count_column("Credit notes"),
            "share": st.column_config.NumberColumn("Share ending in a credit note", format="percent"),
            "amount": money_column(f"Disputed ({currency})"),
            "credited": money_column(f"Credited ({currency})"),
        },
        download=f"credit-notes-{by}",
        height=min(38 + 35 * table.height, 320),
    )
