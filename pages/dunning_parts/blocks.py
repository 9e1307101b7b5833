"""Dunning blocks: a customer or one item held back until an end date, with a reason and a note;
lifted by itself after the end date, or early with a note; every block kept as history."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from ar_core.recovery import MANUAL_REASONS, add_block, blockable_items, lift_block, list_blocks
from ui import data, forms
from ui.components import date_column, record_table, time_column

COLUMNS = {
    "block_id": "Block",
    "customer_id": "Customer",
    "_item_key": None,
    "doc_no": "Item",
    "reason": None,
    "reason_label": "Reason",
    "note": "Note",
    "starts_on": date_column("From"),
    "ends_on": date_column("Until"),
    "status": "Status",
    "created_by": "By",
    "created_at": None,
    "lifted_by": "Lifted by",
    "lifted_at": time_column("Lifted"),
    "lift_note": "Why lifted",
}


def show(eng, actor, today: date, flash: str) -> None:
    blocks = list_blocks(eng, actor, as_of=today)
    active = blocks.filter(pl.col("status") == "active")
    st.subheader("Active blocks")
    if active.is_empty():
        st.info("No dunning block is active.")
    else:
        record_table(active, COLUMNS)
    writer = actor.has("collector", "lead", "admin")
    if writer:
        left, right = st.columns(2)
        with left:
            _add(eng, actor, today, flash)
        with right:
            _lift(eng, actor, active, flash)
    st.subheader("History")
    past = blocks.filter(pl.col("status") != "active")
    if past.is_empty():
        st.caption("No block has ended yet.")
    else:
        record_table(past, COLUMNS)


def _add(eng, actor, today: date, flash: str) -> None:
    customers = data.customers(actor)
    if customers.is_empty():
        return
    ids = customers["customer_id"].to_list()
    names = dict(customers.select("customer_id", "name").iter_rows())
    st.markdown("**Block dunning**")
    customer = st.selectbox(
        "Customer", ids, key="dn_block_customer", format_func=lambda c: f"{c} · {names.get(c)}"
    )
    items = blockable_items(eng, actor, customer, today)
    choices = {"": "(the whole customer)"} | {
        k: f"{d} · due {due:%d.%m.%Y}" if due else d
        for k, d, due in items.select("_item_key", "doc_no", "due_date").rows()
    }
    with st.form(forms.key("dn_block", "dn_block_form")):
        key = st.selectbox(
            "Item", list(choices), format_func=choices.get, key=forms.key("dn_block", "dn_b_item")
        )
        reason = st.selectbox(
            "Reason",
            list(MANUAL_REASONS),
            format_func=MANUAL_REASONS.get,
            key=forms.key("dn_block", "dn_b_reason"),
        )
        forms.slot("reason")
        ends_on = st.date_input(
            "Until (included)",
            value=today + timedelta(days=14),
            format="DD.MM.YYYY",
            key=forms.key("dn_block", "dn_b_ends"),
        )
        forms.slot("ends_on")
        note = st.text_input(
            "Note", placeholder="customer pays after month end", key=forms.key("dn_block", "dn_b_note")
        )
        forms.slot("note")
        if st.form_submit_button("Block", type="primary"):
            doc = next((d for k, d in items.select("_item_key", "doc_no").rows() if k == key), None)
            data.save_and_rerun(
                lambda: add_block(
                    eng,
                    actor,
                    customer,
                    reason=reason,
                    ends_on=ends_on,
                    today=today,
                    note=note,
                    item_key=key or None,
                    doc_no=doc,
                ),
                f"Dunning of {customer} blocked until {ends_on:%d.%m.%Y}.",
                "dn_block",
                flash=flash,
            )


def _lift(eng, actor, active: pl.DataFrame, flash: str) -> None:
    if active.is_empty():
        return
    st.markdown("**Lift a block early**")
    labels = {
        r[
            "block_id"
        ]: f"{r['block_id']} · {r['customer_id']} {r['doc_no'] or ''} until {r['ends_on']:%d.%m.%Y}"
        for r in active.iter_rows(named=True)
    }
    with st.form(forms.key("dn_lift", "dn_lift_form")):
        block = st.selectbox(
            "Block", list(labels), format_func=labels.get, key=forms.key("dn_lift", "dn_l_block")
        )
        note = st.text_input("Why", key=forms.key("dn_lift", "dn_l_note"))
        forms.slot("lift_note")
        if st.form_submit_button("Lift"):
            data.save_and_rerun(
                lambda: lift_block(eng, actor, block, note=note),
                f"Block {block} lifted.",
                "dn_lift",
                flash=flash,
                fields={"note": "lift_note"},
            )
