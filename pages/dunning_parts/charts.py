"""The overview's charts: overdue items per level, and the trend per snapshot."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st


def levels_chart(recorded: pl.DataFrame, by_days: pl.DataFrame) -> None:
    frame = pl.concat(
        [
            recorded.with_columns(pl.lit("AR Desk letters").alias("by")),
            by_days.with_columns(pl.lit("Days overdue").alias("by")),
        ]
    )
    if frame.is_empty():
        st.info("No overdue item.")
        return
    chart = (
        alt.Chart(frame.with_columns(pl.col("amount").cast(pl.Float64)))
        .mark_bar()
        .encode(
            x=alt.X(
                "level:O", title="Level (0: no letter yet, 4: final notice)", axis=alt.Axis(labelAngle=0)
            ),
            xOffset="by:N",
            y=alt.Y("items:Q", title="Items"),
            color=alt.Color("by:N", title=None),
            tooltip=["by", "label", "items", "customers", alt.Tooltip("amount:Q", format=",.2f")],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")


def trend_chart(trend: pl.DataFrame) -> None:
    shown = trend.filter((pl.col("source") == "procedure") & (pl.col("level") > 0))
    if shown.n_unique("as_of") < 2:
        st.info("The trend appears from the second snapshot on.")
        return
    # the snapshot as a label (a time axis would shift the Friday by the browser's time zone)
    shown = shown.sort("as_of").with_columns(
        pl.col("as_of").dt.strftime("%d.%m.").alias("snapshot"),
        pl.col("amount").cast(pl.Float64),
        pl.col("level").cast(pl.String),
    )
    order = shown["snapshot"].unique(maintain_order=True).to_list()
    chart = (
        alt.Chart(shown)
        .mark_line(point=True)
        .encode(
            x=alt.X("snapshot:O", title="Snapshot", sort=order, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("items:Q", title="Overdue items"),
            color=alt.Color("level:N", title="Level by days"),
            tooltip=["snapshot", "level", "items", alt.Tooltip("amount:Q", format=",.2f", title="Overdue")],
        )
        .properties(height=240)
    )
    st.altair_chart(chart, width="stretch")
