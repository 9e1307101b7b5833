"""Charts of the Credit balances page (Altair; amounts as floats for the scale only, tables stay exact)."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

#: Most bars in one chart (the table below lists them all).
TOP = 15


def totals(table: pl.DataFrame, key: str, title: str, *, ordered: bool) -> None:
    """Credit totals per ``key`` as horizontal bars, a credit drawn as a positive amount owed back.

    ``ordered``: keep the table's order (age buckets); else the largest credit first.
    """
    if table.is_empty():
        return
    shown = table if ordered else table.head(TOP)
    frame = shown.with_columns(
        pl.col(key).cast(pl.String).fill_null("—"),
        (-pl.col("total")).cast(pl.Float64).alias("credit"),
    )
    order = frame[key].to_list() if ordered else "-x"
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{key}:N", title=title, sort=order),
            x=alt.X("sum(credit):Q", title="Open credit"),
            color=alt.Color("currency:N", title="Currency"),
            tooltip=[f"{key}:N", "currency:N", "count:Q", alt.Tooltip("credit:Q", format=",.2f")],
        )
        .properties(height=max(140, 30 * frame[key].n_unique()))
    )
    st.altair_chart(chart, width="stretch")
