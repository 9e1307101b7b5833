"""Open items with aging, local, reporting and document amounts; the statement.

A chart of the open amounts by aging bucket, then the table (``items_table``); the statement
download lives in ``statement``.
"""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.ledger import with_aging
from pages.account_tabs import items_table, statement
from pages.account_tabs.common import Account


def _aged(ctx: Account) -> pl.DataFrame:
    return with_aging(ctx.items, ctx.as_of, settings.get_aging_edges(ctx.engine))


def aging_chart(aged: pl.DataFrame) -> None:
    """Open amounts by aging bucket, above the items (a collector reads the shape before the rows)."""
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
    aged = _aged(ctx)
    aging_chart(aged)
    items_table.show(ctx, aged)
    statement.download(ctx)
