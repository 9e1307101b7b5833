"""The worklist's totals and table; selecting a row opens the customer's account."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.access import Actor
from ar_core.collections import due_for
from ui import fmt, keys
from ui.components import date_column, money_column, record_table


def metrics(actor: Actor, frame: pl.DataFrame, view: pl.DataFrame, total: int, cur: str) -> None:
    """Totals of what the filters keep; "snoozed" counts the whole portfolio, whatever the filters."""
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric("Customers listed", f"{total:,}")
    m2.metric(f"Overdue, collectable ({cur})", fmt.amount(view["overdue_collectable"].sum()))
    m3.metric(f"In dispute ({cur})", fmt.amount(view["disputed_amount"].sum()))
    m4.metric("Dispute follow-ups due", f"{view['dispute_followups'].sum():,}")
    snoozed = frame.filter(~due_for(actor.username, lead=actor.has("lead"))).height
    m5.metric("Snoozed (later action)", f"{snoozed:,}")


def table(shown: pl.DataFrame, cur: str) -> None:
    """One row per customer; the table is the way into the day's calls (a row opens the account)."""
    rows = shown.select(
        "rank",
        pl.col("customer_name").fill_null(pl.col("customer_id")).alias("customer"),
        "overdue_collectable",
        "disputed_amount",
        "dispute_followups",
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
    st.caption(
        f"Amounts in {cur}. *Overdue (collectable)* leaves out disputed items; *Open* is net of credits."
    )
    event = record_table(
        rows,
        {
            "rank": st.column_config.NumberColumn("#", width=36, pinned=True),
            "customer": st.column_config.TextColumn("Customer", width=190, pinned=True),
            "overdue_collectable": money_column(
                "Overdue (collectable)",
                help="Overdue debits minus disputed ones: the amount the reasons name.",
                width=138,
            ),
            "disputed_amount": money_column("Disputed", width=80),
            "dispute_followups": st.column_config.NumberColumn(
                "Follow-ups",
                help="Dispute follow-ups due: cases being worked whose due or next-action date has come.",
                format="%d",
                width=76,
            ),
            "open_amount": money_column(
                "Open (net of credits)",
                help="Every open item: invoices minus credit memos and payments on account.",
                width=138,
            ),
            "max_days_overdue": st.column_config.NumberColumn(
                "Days", help="Days overdue of the oldest item.", format="%d", width=50
            ),
            "next_action": st.column_config.TextColumn("Next action", width=100),
            "next_action_date": date_column("Action date", width=82),
            "collector": st.column_config.TextColumn("Collector", width=72),
            "why": st.column_config.TextColumn("Why", width=220, help="Every part of the score, in words."),
            "customer_id": None,
            "overdue_amount": None,
        },
        download="worklist",
        height=36 + 35 * rows.height,
        on_select="rerun",
        selection_mode="single-row",
        key="wl_table",
    )
    selected = event.selection.rows if event and event.selection else []
    if selected:
        customer_id = shown["customer_id"][selected[0]]
        st.session_state[keys.ACCOUNT] = customer_id
        st.switch_page("pages/account.py", query_params={"customer": customer_id})
    st.caption("Select a row to open the customer's account. Filters, sort and page stay as they are.")
