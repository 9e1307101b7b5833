"""Worklist: whom to call first and why — my portfolio by default, the team for a lead."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core import worklist as wl
from ar_core.aging import bucket_labels
from ar_core.escalations import escalated_to, readable_customers
from ar_core.team_worklist import for_user
from ui import data, fmt, keys
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()

st.title("Worklist")
snaps = data.snapshot_list()
if snaps.is_empty():
    st.info("No snapshot yet: the worklist starts with the first ERP extract (Upload page).")
    st.stop()
latest = snaps.row(-1, named=True)
full, missing_fx = data.worklist(latest["snapshot_id"], latest["as_of"])
if missing_fx:
    st.warning(
        "No FX rate for " + ", ".join(missing_fx) + f" on {fmt.day(latest['as_of'])}: those items are "
        "left out of the reporting-currency amounts. A lead can enter rates under Settings."
    )

# Who: a collector sees their own portfolio plus cases escalated to them; others pick.
scope = readable_customers(eng, actor)
if scope is None:
    collectors = sorted(c for c in full["collector"].unique().to_list() if c)
    who = st.selectbox(
        "Portfolio",
        ["Team (all collectors)", *collectors],
        key="wl_who",
        index=1 + collectors.index(actor.username) if actor.username in collectors else 0,
    )
    frame = (
        full
        if who.startswith("Team")
        else full.filter(
            (pl.col("collector") == who) | pl.col("customer_id").is_in(list(escalated_to(eng, who)))
        )
    )
else:
    frame = for_user(full, scope)
    st.caption(f"Your portfolio, snapshot of {fmt.day(latest['as_of'])}; cases escalated to you included.")

# Ranks count within the chosen portfolio: "rank 1" is this person's first call, not the team's.
frame = frame.sort("rank").with_columns(pl.int_range(1, pl.len() + 1).alias("rank"))

with st.expander("Filters", expanded=False):
    c1, c2, c3 = st.columns(3)
    countries = c1.multiselect(
        "Country", sorted(frame["country"].drop_nulls().unique().to_list()), key="wl_country"
    )
    codes = c2.multiselect(
        "Company code", sorted(frame["company_code"].drop_nulls().unique().to_list()), key="wl_cc"
    )
    risk = c3.multiselect(
        "Risk class", sorted(frame["risk_class"].drop_nulls().unique().to_list()), key="wl_risk"
    )
    c4, c5, c6 = st.columns(3)
    buckets = c4.multiselect(
        "Worst aging bucket", bucket_labels(settings.get_aging_edges(eng)), key="wl_bucket"
    )
    dispute = c5.selectbox("Disputes", ["all", "with dispute", "without dispute"], key="wl_dispute")
    today_only = c6.toggle(
        "Due today only",
        value=True,
        key="wl_today",
        help="Hides customers with a promise not yet due or a call-back agreed for later.",
    )
view = wl.filter_worklist(
    frame,
    countries=countries or None,
    company_codes=codes or None,
    risk_classes=risk or None,
    buckets=buckets or None,
    dispute_state=None if dispute == "all" else dispute,
    today_only=today_only,
)

SORTS = {
    "Priority (rank)": ("rank", False),
    "Overdue amount": ("overdue_amount", True),
    "Days overdue": ("max_days_overdue", True),
    "Open amount": ("open_amount", True),
}
s1, s2, s3 = st.columns([2, 1, 1])
sort_label = s1.selectbox("Sort by", list(SORTS), key="wl_sort")
page_size = s2.selectbox("Rows per page", [25, 50, 100], key="wl_size")
column, descending = SORTS[sort_label]
view = view.sort(column, descending=descending, nulls_last=True)
pages = max(1, -(-view.height // page_size))
page_no = s3.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, key="wl_page")
shown, total = wl.page(view, int(page_no), page_size)

m1, m2, m3, m4 = st.columns(4)
cur = full["currency"][0] if full.height else "EUR"
m1.metric("Customers listed", f"{total:,}")
m2.metric(f"Overdue ({cur})", fmt.amount(view["overdue_amount"].sum()))
m3.metric(f"In dispute ({cur})", fmt.amount(view["disputed_amount"].sum()))
m4.metric("Snoozed (later action)", f"{frame.filter(~pl.col('due_today')).height:,}")

if shown.is_empty():
    st.info(
        "Nothing to show with these filters."
        + (" Switch off *Due today only* to see snoozed customers." if today_only else "")
    )
    st.stop()
table = shown.select(
    "rank",
    "customer_id",
    "customer_name",
    "collector",
    "overdue_amount",
    "open_amount",
    "disputed_amount",
    "max_days_overdue",
    "dunning_level",
    "score",
    "next_action",
    "next_action_date",
    pl.col("reasons").list.join("; ").alias("why"),
)
event = st.dataframe(
    table,
    height=36 + 35 * table.height,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="wl_table",
    column_config={
        "rank": st.column_config.NumberColumn("Rank", width="small"),
        "customer_id": "Customer",
        "customer_name": "Name",
        "collector": "Collector",
        "overdue_amount": st.column_config.NumberColumn(f"Overdue ({cur})", format="%,.2f"),
        "open_amount": st.column_config.NumberColumn(f"Open ({cur})", format="%,.2f"),
        "disputed_amount": st.column_config.NumberColumn(f"Disputed ({cur})", format="%,.2f"),
        "max_days_overdue": st.column_config.NumberColumn("Max days", format="%d"),
        "dunning_level": st.column_config.NumberColumn("Dunning", format="%d"),
        "score": st.column_config.ProgressColumn(
            "Score", format="%.0f", min_value=0, max_value=float(full["score"].max() or 1)
        ),
        "next_action": "Next action",
        "next_action_date": st.column_config.DateColumn("Action date", format="DD.MM.YYYY"),
        "why": st.column_config.TextColumn("Why", width="large"),
    },
)
selected = event.selection.rows if event and event.selection else []
if selected:
    st.session_state[keys.ACCOUNT] = shown["customer_id"][selected[0]]
    st.switch_page("pages/account.py")
st.caption("Select a row to open the customer's account.")
