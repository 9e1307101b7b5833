"""Overview: the latest snapshot's open balance (my portfolio for a collector) and the trend."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from ar_core import portfolio, snapshots
from ar_core.users import visible_customers
from ui import fmt
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()

st.title("Overview")
listing = snapshots.list_snapshots(eng)
if listing.is_empty():
    if actor.has("lead", "admin"):
        st.info("No snapshot yet. Upload an ERP extract on the **Upload** page to start.")
    else:
        st.info("No snapshot yet. Your team lead uploads the ERP extract; come back after that.")
    st.stop()

latest = listing.sort("as_of", "snapshot_id").row(-1, named=True)


@st.cache_resource(max_entries=4)
def _items(snapshot_id: int) -> pl.DataFrame:
    """Immutable snapshot frame shared by all sessions (never mutated)."""
    return snapshots.load_items(eng, snapshot_id)


scope = visible_customers(eng, actor)
items = portfolio.in_portfolio(_items(latest["snapshot_id"]), scope)
summary = portfolio.open_summary(items, latest["as_of"])
who = "Your portfolio" if scope is not None else "All customers"
st.subheader(f"{who} — snapshot of {fmt.day(latest['as_of'])}")
if summary.is_empty():
    st.info(
        "No open items in your portfolio in this snapshot. Ask your lead to check your portfolio assignment."
    )
else:
    for row in summary.iter_rows(named=True):
        cur = row["currency"]
        share = (row["overdue"] / row["open"] * 100) if row["open"] else 0
        top = st.columns(3)
        top[0].metric(f"Open ({cur})", fmt.money(row["open"], cur))
        top[1].metric(f"Overdue ({cur})", fmt.money(row["overdue"], cur))
        top[2].metric("Share overdue", f"{share:.1f} %")
        bottom = st.columns(3)
        bottom[0].metric(f"Credit balances ({cur})", fmt.money(row["credits"], cur))
        bottom[1].metric("Customers", f"{row['customers']:,}")
        bottom[2].metric("Open items", f"{row['items']:,}")

if scope is None and listing.height > 1:
    st.subheader("Open balance per snapshot")
    trend = snapshots.totals_history(eng)
    chart = (
        alt.Chart(trend.with_columns(pl.col("open_total").cast(pl.Float64)))
        .mark_line(point=True)
        .encode(
            x=alt.X("as_of:T", title="As of", axis=alt.Axis(format="%d.%m.%Y")),
            y=alt.Y("open_total:Q", title="Open balance"),
            color=alt.Color("currency:N", title="Currency"),
            tooltip=[
                alt.Tooltip("as_of:T", format="%d.%m.%Y"),
                "currency:N",
                alt.Tooltip("open_total:Q", format=",.2f"),
            ],
        )
    )
    st.altair_chart(chart, width="stretch")
