"""Every request the user may read, rejected and withdrawn ones included, with their items."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.recovery import (
    REQUEST_KINDS,
    WRITE_OFF_STATUSES,
    list_write_offs,
    withdraw_write_off,
    write_off_items,
)
from pages.write_offs_parts.common import ITEM_COLUMNS, REQUEST_COLUMNS, Page, saved, with_kind
from ui import components

STATUS = "wo_hist_status"


def show(page: Page) -> None:
    requests = list_write_offs(page.engine, page.actor)
    if requests.is_empty():
        st.info("No write-off or legal handover has been requested yet.")
        return
    chosen = st.multiselect(
        "Status", list(WRITE_OFF_STATUSES), format_func=WRITE_OFF_STATUSES.get, key=STATUS,
        placeholder="Every status",
    )  # fmt: skip
    shown = requests.filter(pl.col("status").is_in(chosen)) if chosen else requests
    picked = components.record_table(
        with_kind(shown, REQUEST_KINDS), REQUEST_COLUMNS, download="write-off-requests",
        on_select="rerun", selection_mode="single-row", key="wo_hist_table",
    )  # fmt: skip
    selected = picked.selection.rows if picked is not None else []
    if not selected:
        st.caption("Select a request to see its invoices.")
        return
    row = shown.row(selected[0], named=True)
    st.subheader(f"Request {row['request_id']}: {row['status_label']}")
    components.record_table(write_off_items(page.engine, page.actor, row["request_id"]), ITEM_COLUMNS)
    mine = row["status"] == "pending" and row["requested_by"] == page.actor.username
    if mine and st.button("Withdraw my request", key="wo_withdraw"):
        saved(
            lambda: withdraw_write_off(page.engine, page.actor, row["request_id"]),
            f"Request {row['request_id']} withdrawn.",
        )
