"""Overview: portfolio tiles with the change since the previous snapshot, aging by any dimension, trend."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.access import READ_ALL_ROLES
from ar_core.ledger import AGING_DIMENSIONS, bucket_labels, totals_history
from pages.home_parts import expected_cash, sop_acknowledgements, training_risks
from ui import components, data, fmt, notices, tables
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()

st.title("Overview")
# The person's own follow-ups first, even before the first snapshot: SOPs to read, training at risk.
sop_acknowledgements.show(actor)
training_risks.show(actor)
listing = components.snapshots_or_stop(
    "No snapshot yet. Upload an ERP extract on the **Upload** page to start."
    if actor.has("lead", "admin")
    else "No snapshot yet. Your team lead uploads the ERP extract; come back after that."
)

latest = listing.row(-1, named=True)
previous = listing.row(-2, named=True) if listing.height > 1 else None
as_of = latest["as_of"]
reporting = settings.get_reporting_currency(eng)
before = (previous["snapshot_id"], previous["as_of"]) if previous else None
tiles = data.overview_tiles(actor, latest["snapshot_id"], before, as_of, reporting)

who = "All customers" if actor.has(*READ_ALL_ROLES) else "Your portfolio"
st.subheader(f"{who} — snapshot of {fmt.day(as_of)}, in {reporting}")
notices.fx_warnings(latest["snapshot_id"], as_of, tiles["missing_currencies"])
row1, row2, row3 = st.columns(3), st.columns(3), st.columns(3)
row1[0].metric(f"Open ({reporting})", fmt.amount(tiles["open"]))
row1[1].metric(f"Overdue ({reporting})", fmt.amount(tiles["overdue"]))
row1[2].metric("Share overdue", f"{tiles['pct_overdue']} %")
row2[0].metric(f"Over 90 days ({reporting})", fmt.amount(tiles["over_90"]))
row2[1].metric(f"Credit balances ({reporting})", fmt.amount(tiles["credit_balances"]))
row2[2].metric(f"Disputed ({reporting})", fmt.amount(tiles["disputed"]))
row3[0].metric("Customers", f"{tiles['customers']:,}")
if tiles["new_overdue"] is not None:
    since = fmt.day(previous["as_of"])
    row3[1].metric(f"New overdue since {since} ({reporting})", fmt.amount(tiles["new_overdue"]))
    row3[2].metric(f"Cleared since {since} ({reporting})", fmt.amount(tiles["cleared"]))

expected_cash.show(actor, as_of)

st.subheader("Aging")
labels = {
    "collector": "Collector",
    "country": "Country",
    "company_code": "Company code",
    "currency": "Currency",
    "customer_id": "Customer",
}
dimension = (
    st.segmented_control(
        "By",
        [d for d in AGING_DIMENSIONS if d in labels],
        default="collector",
        format_func=labels.get,
        key="aging_by",
    )
    or "collector"
)
edges = settings.get_aging_edges(eng)
table = data.aging_by(actor, latest["snapshot_id"], as_of, reporting, tuple(edges), by=dimension)
buckets = bucket_labels(edges)
long = table.head(15).unpivot(index=dimension, on=buckets, variable_name="bucket", value_name="amount")
chart = (
    alt.Chart(long.with_columns(pl.col("amount").cast(pl.Float64)))  # chart scale only; the table is exact
    .mark_bar()
    .encode(
        y=alt.Y(f"{dimension}:N", title=labels[dimension], sort="-x"),
        x=alt.X("sum(amount):Q", title=f"Open amount ({reporting})"),
        color=alt.Color(
            "bucket:N",
            title="Days overdue",
            sort=buckets,
            scale=alt.Scale(domain=buckets, scheme="orangered"),
        ),
        order=alt.Order("bucket_order:Q"),
        tooltip=[f"{dimension}:N", "bucket:N", alt.Tooltip("amount:Q", format=",.2f")],
    )
    .transform_calculate(bucket_order=f"indexof({buckets!r}, datum.bucket)")
    .properties(height=max(160, 34 * min(table.height, 15)))
)
st.altair_chart(chart, width="stretch")
tables.show(
    table,
    download=f"aging-by-{dimension}",
    hide_index=True,
    width="stretch",
    column_config={
        dimension: labels[dimension],
        **{b: st.column_config.NumberColumn(b, format="%,.2f") for b in buckets},
        "total": st.column_config.NumberColumn("Total", format="%,.2f"),
    },
)

trend = totals_history(eng).filter(pl.col("whole_ledger"))
if actor.has(*READ_ALL_ROLES) and trend["snapshot_id"].n_unique() > 1:
    st.subheader("Open balance per whole-ledger snapshot")
    st.caption("Snapshots of only some company codes or customers are left out: their totals are partial.")
    line = (
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
    st.altair_chart(line, width="stretch")
