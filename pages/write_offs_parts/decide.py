"""Waiting for my approval: the requests a lead or controller may decide, with their items.

Only requests of somebody else within the approver's limit are listed (``ar_core`` decides
that); approving or rejecting goes through the four-eyes service, which checks it all again.
"""

from __future__ import annotations

import streamlit as st

from ar_core.recovery import (
    REQUEST_KINDS,
    approve_write_off,
    reject_write_off,
    write_off_items,
    write_offs_waiting_for,
)
from pages.write_offs_parts.common import ITEM_COLUMNS, REQUEST_COLUMNS, Page, saved, with_kind
from ui import components, fmt, forms
from ui.text import escape

FORM = "wo_decide"
CHOSEN = "wo_decide_request"


def _label(row: dict) -> str:
    name = row["customer_name"] or row["customer_id"]
    amount = fmt.money(row["amount"], row["currency"])
    return f"{row['request_id']} · {REQUEST_KINDS[row['kind']]} · {name} · {amount}"


def show(page: Page) -> None:
    if not page.approves:
        st.info("Leads and controllers with an approval limit decide write-offs and legal handovers.")
        return
    waiting = write_offs_waiting_for(page.engine, page.actor)
    if waiting.is_empty():
        st.info(
            "Nothing waits for you: no request of somebody else within your approval limit. "
            "Your limits per kind are set by an administrator."
        )
        return
    components.record_table(with_kind(waiting, REQUEST_KINDS), REQUEST_COLUMNS)
    rows = {r["request_id"]: r for r in waiting.iter_rows(named=True)}
    rid = st.selectbox("Request to decide", list(rows), key=CHOSEN, format_func=lambda r: _label(rows[r]))
    row = rows[rid]
    who = escape(row["requested_by"])
    st.markdown(f"**{escape(row['reason_label'])}**, asked by {who}: {escape(row['evidence'])}")
    components.record_table(write_off_items(page.engine, page.actor, rid), ITEM_COLUMNS)
    note = st.text_input("Note (needed to reject)", key=forms.key(FORM, "wo_note"))
    forms.slot("note")
    left, right = st.columns(2)
    if left.button("Approve", type="primary", key="wo_approve", icon=":material/check:"):
        saved(lambda: approve_write_off(page.engine, page.actor, rid, note), f"Request {rid} approved.", FORM)
    if right.button("Reject", key="wo_reject", icon=":material/close:"):
        saved(lambda: reject_write_off(page.engine, page.actor, rid, note), f"Request {rid} rejected.", FORM)
