"""The item history across snapshots: when each item appeared and when it was cleared, below the
customer's payment behaviour (``payment_box``)."""

from __future__ import annotations

import streamlit as st

from ar_core.ledger import customer_items_history, item_timeline
from pages.account_tabs import payment_box
from pages.account_tabs.common import Account
from ui import tables


def render(ctx: Account) -> None:
    payment_box.render(ctx)
    history = customer_items_history(ctx.engine, ctx.actor, ctx.customer_id)
    tables.show(
        item_timeline(history, ctx.snapshot_dates),
        download=f"item-history-{ctx.customer_id}",
        hide_index=True,
        width="stretch",
        column_config={
            "doc_no": "Document",
            "doc_type": "Type",
            "doc_date": st.column_config.DateColumn("Doc. date", format="DD.MM.YYYY"),
            "due_date": st.column_config.DateColumn("Due", format="DD.MM.YYYY"),
            "amount": st.column_config.NumberColumn("Amount (local)", format="%,.2f"),
            "currency": "Cur.",
            "first_seen": st.column_config.DateColumn("Appeared", format="DD.MM.YYYY"),
            "last_seen": st.column_config.DateColumn("Last listed", format="DD.MM.YYYY"),
            "cleared_on": st.column_config.DateColumn("Cleared", format="DD.MM.YYYY"),
            "status": "Status",
        },
    )
