"""Worklist: whom to call first and why — my portfolio by default, the team for a lead."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.collections import (
    DISPUTE_STATES,
    due_for,
    filter_worklist,
    page,
    unrated_limit_currencies,
)
from ar_core.ledger import bucket_labels
from ui import data, fmt, keys, notices, tables
from ui.data import sticky
from ui.guard import require
from ui.resources import engine
from ui.text import escape

actor = require()
eng = engine()

st.title("Worklist")
snaps = data.snapshot_list()
if snaps.is_empty():
    st.info("No snapshot yet: the worklist starts with the first ERP extract (Upload page).")
    st.stop()
latest = snaps.row(-1, named=True)
# Filters, sort and page survive a visit to an account: every widget is drawn through `sticky`.
if actor.has("lead", "controller", "admin"):
    collectors = data.collectors()
    choices = ["Team (all collectors)", *collectors]
    sticky("wl_who", actor.username if actor.username in collectors else choices[0], choices)
    who = st.selectbox("Portfolio", choices, key="wl_who")
    chosen = None if who.startswith("Team") else who
else:
    who, chosen = actor.username, None
# The core scopes and ranks: "rank 1" is the first call of the chosen portfolio, not the team's.
frame, missing_fx = data.worklist(actor, latest["snapshot_id"], latest["as_of"], chosen)
notices.fx_warnings(latest["snapshot_id"], latest["as_of"], missing_fx)
if chosen is None and not actor.has("lead", "controller", "admin"):
    st.caption(f"Your portfolio, snapshot of {fmt.day(latest['as_of'])}; cases escalated to you included.")
unrated = unrated_limit_currencies(frame)
if unrated:
    st.warning(
        f"No FX rate for the credit-limit currency {escape(', '.join(unrated))}: those limits are not judged "
        "(no *credit limit exceeded*). A lead can enter rates under Settings."
    )


def _pick(label: str, column: str, key: str, container, options: list | None = None) -> list:
    options = options if options is not None else sorted(frame[column].drop_nulls().unique().to_list())
    sticky(key, [], options)
    return container.multiselect(label, options, key=key)


with st.expander("Filters", expanded=False):
    c1, c2, c3 = st.columns(3)
    countries = _pick("Country", "country", "wl_country", c1)
    codes = _pick("Company code", "company_code", "wl_cc", c2)
    risk = _pick("Risk class", "risk_class", "wl_risk", c3)
    c4, c5, c6 = st.columns(3)
    buckets = _pick("Worst aging bucket", "", "wl_bucket", c4, bucket_labels(settings.get_aging_edges(eng)))
    sticky("wl_dispute", "all", ["all", *DISPUTE_STATES])
    dispute = c5.selectbox("Disputes", ["all", *DISPUTE_STATES], key="wl_dispute")
    sticky("wl_today", True)
    today_only = c6.toggle(
        "Due today only",
        key="wl_today",
        help="Hides customers with a promise not yet due or a call-back agreed for later — never a "
        "case escalated to you, nor (for a lead) a legal-review case.",
    )
lead = actor.has("lead")
view = filter_worklist(
    frame,
    countries=countries or None,
    company_codes=codes or None,
    risk_classes=risk or None,
    buckets=buckets or None,
    dispute_state=None if dispute == "all" else dispute,
    today_only=today_only,
    viewer=actor.username,
    lead=lead,
)

cur = frame["currency"][0] if frame.height else settings.get_reporting_currency(eng)
SORTS = {
    "Priority (rank)": ("rank", False),
    "Overdue (collectable)": ("overdue_collectable", True),
    "Days overdue": ("max_days_overdue", True),
    "Open (net of credits)": ("open_amount", True),
}
s1, s2, s3 = st.columns([2, 1, 1])
sticky("wl_sort", "Priority (rank)", list(SORTS))
sort_label = s1.selectbox("Sort by", list(SORTS), key="wl_sort")
sticky("wl_size", 25, [25, 50, 100])
page_size = s2.selectbox("Rows per page", [25, 50, 100], key="wl_size")
column, descending = SORTS[sort_label]
view = view.sort(column, descending=descending, nulls_last=True)
pages = max(1, -(-view.height // page_size))
# A new choice of portfolio, filter, sort or page size starts at page 1; coming back does not.
choice = repr((who, countries, codes, risk, buckets, dispute, today_only, sort_label, page_size))
if st.session_state.get("_kept_wl_choice", choice) != choice:
    st.session_state["wl_page"] = 1
st.session_state["_kept_wl_choice"] = choice
sticky("wl_page", 1)
st.session_state["wl_page"] = min(max(1, int(st.session_state["wl_page"])), pages)
page_no = s3.number_input(f"Page (of {pages})", min_value=1, max_value=pages, key="wl_page")
shown, total = page(view, int(page_no), page_size)

m1, m2, m3, m4 = st.columns(4)
m1.metric("Customers listed", f"{total:,}")
m2.metric(f"Overdue, collectable ({cur})", fmt.amount(view["overdue_collectable"].sum()))
m3.metric(f"In dispute ({cur})", fmt.amount(view["disputed_amount"].sum()))
m4.metric("Snoozed (later action)", f"{frame.filter(~due_for(actor.username, lead=lead)).height:,}")

if shown.is_empty():
    st.info(
        "Nothing to show with these filters."
        + (" Switch off *Due today only* to see snoozed customers." if today_only else "")
    )
    st.stop()
table = shown.select(
    "rank",
    pl.col("customer_name").fill_null(pl.col("customer_id")).alias("customer"),
    "overdue_collectable",
    "disputed_amount",
    "open_amount",
    "max_days_overdue",
    "next_action",
    "next_action_date",
    "collector",
    pl.col("reasons").list.join("; ").alias("why"),
    "customer_id",
    "overdue_amount",
)
# Who, how much, why and what next fit 1,600 px with the sidebar open: the customer stays pinned,
# the customer number and the gross overdue are in the data (download, account page), not on screen.
st.markdown(
    "<style>[data-testid='stMainBlockContainer'] {padding-left: 2rem; padding-right: 2rem;}</style>",
    unsafe_allow_html=True,
)
money = st.column_config.NumberColumn
st.caption(f"Amounts in {cur}. *Overdue (collectable)* leaves out disputed items; *Open* is net of credits.")
event = tables.show(
    table,
    download="worklist",
    height=36 + 35 * table.height,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="wl_table",
    column_config={
        "rank": st.column_config.NumberColumn("#", width=36, pinned=True),
        "customer": st.column_config.TextColumn("Customer", width=190, pinned=True),
        "overdue_collectable": money(
            "Overdue (collectable)",
            help="Overdue debits minus disputed ones: the amount the reasons name.",
            format="%,.2f",
            width=138,
        ),
        "disputed_amount": money("Disputed", format="%,.2f", width=80),
        "open_amount": money(
            "Open (net of credits)",
            help="Every open item: invoices minus credit memos and payments on account.",
            format="%,.2f",
            width=138,
        ),
        "max_days_overdue": money("Days", help="Days overdue of the oldest item.", format="%d", width=50),
        "next_action": st.column_config.TextColumn("Next action", width=100),
        "next_action_date": st.column_config.DateColumn("Action date", format="DD.MM.YYYY", width=82),
        "collector": st.column_config.TextColumn("Collector", width=80),
        "why": st.column_config.TextColumn("Why", width=285, help="Every part of the score, in words."),
        "customer_id": None,
        "overdue_amount": None,
    },
)
selected = event.selection.rows if event and event.selection else []
if selected:
    customer_id = shown["customer_id"][selected[0]]
    st.session_state[keys.ACCOUNT] = customer_id
    st.switch_page("pages/account.py", query_params={"customer": customer_id})
st.caption("Select a row to open the customer's account. Filters, sort and page stay as they are.")
