"""The decision on one suggested allocation: accept, reject, split by hand, refund, the customer's
confirmation. Each form keeps what was typed after a refusal, which shows under its field."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import streamlit as st

from ar_core.credit import (
    accept_suggestion,
    record_confirmation,
    reject_suggestion,
    request_refund,
    split_allocation,
)
from pages.credit_parts.common import Credit, keys_of_documents, open_invoices, saved
from ui import data, forms
from ui.text import escape

FORM_ACCEPT, FORM_REJECT, FORM_SPLIT = "cr_accept", "cr_reject", "cr_split"
FORM_REFUND, FORM_CONFIRM = "cr_refund", "cr_confirm"
#: Which decisions a status offers (a posted credit is the ERP's now).
OFFERED = {
    "open": ("Accept", "Reject", "Split", "Refund"),
    "rejected": ("Accept", "Split", "Refund"),
    "accepted": ("Confirmation", "Split"),
    "split": ("Confirmation", "Split"),
    "pending": ("Confirmation", "Split"),
}


def render(ctx: Credit, row: dict) -> None:
    offered = OFFERED.get(row["status"], ())
    if not offered:
        st.info("The ERP has cleared this credit: nothing left to decide.")
        return
    data.sticky("cr_decision", offered[0], list(offered))
    choice = st.segmented_control("Decision", offered, key="cr_decision", required=True)
    draw = {"Accept": accept, "Reject": reject, "Split": split, "Refund": refund, "Confirmation": confirm}
    draw[choice](ctx, row)


def _invoices(ctx: Credit, row: dict) -> dict[str, str]:
    """Open invoices of the credit's customer (and of the group's customers a group row names)."""
    choices: dict[str, str] = {}
    for customer_id in dict.fromkeys([row["customer_id"], *(row["invoice_customers"] or [])]):
        choices |= open_invoices(ctx, customer_id)
    return choices


def accept(ctx: Credit, row: dict) -> None:
    key, candidates = row["credit_key"], row["candidates"] or []
    with st.form(FORM_ACCEPT):
        picked = None
        if row["rule"] == "ambiguous":
            labels = {i: " + ".join(c) for i, c in enumerate(candidates)}
            picked = st.radio(
                "Candidate",
                list(labels),
                format_func=labels.get,
                index=None,
                key=forms.key(FORM_ACCEPT, "cr_ac_pick"),
            )
            forms.slot("invoice_keys")
        else:
            st.markdown(f"Settle invoices **{escape(', '.join(row['invoice_docs']))}** with this credit.")
        if not st.form_submit_button("Accept", type="primary"):
            return
    invoice_keys = None
    if picked is not None:
        invoice_keys = keys_of_documents(_invoices(ctx, row), candidates[picked])
    elif row["rule"] == "ambiguous":
        invoice_keys = []  # the service says: choose a candidate
    saved(
        lambda: accept_suggestion(ctx.engine, ctx.actor, key, invoice_keys=invoice_keys),
        f"Credit {row['credit_doc']}: allocation accepted.",
        FORM_ACCEPT,
    )


def reject(ctx: Credit, row: dict) -> None:
    with st.form(FORM_REJECT):
        reason = st.text_input("Why is the suggestion wrong?", key=forms.key(FORM_REJECT, "cr_rj_reason"))
        forms.slot("cr_reject_reason")
        if not st.form_submit_button("Reject", type="primary"):
            return
    saved(
        lambda: reject_suggestion(ctx.engine, ctx.actor, row["credit_key"], reason),
        f"Credit {row['credit_doc']}: suggestion rejected.",
        FORM_REJECT,
        fields={"reason": "cr_reject_reason"},
    )


def split(ctx: Credit, row: dict) -> None:
    """A small editor of invoice and amount rows; together at most the credit."""
    choices = _invoices(ctx, row)
    by_label = {label: key for key, label in choices.items()}
    empty = pl.DataFrame(
        {"invoice": [None], "amount": [None]}, schema={"invoice": pl.String, "amount": pl.Float64}
    )
    with st.form(FORM_SPLIT):
        edited = st.data_editor(
            empty,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "invoice": st.column_config.SelectboxColumn("Invoice", options=list(by_label), required=True),
                "amount": st.column_config.NumberColumn("Amount", min_value=0.01, step=0.01, format="%.2f"),
            },
            key=forms.key(FORM_SPLIT, "cr_sp_rows"),
        )
        forms.slot("allocations")
        if not st.form_submit_button("Split", type="primary"):
            return
    rows = [r for r in pl.DataFrame(edited).iter_rows(named=True) if r["invoice"] or r["amount"]]
    allocations = [
        (
            by_label.get(r["invoice"] or "", r["invoice"] or ""),
            Decimal(str(r["amount"] or 0)).quantize(Decimal("0.01")),
        )
        for r in rows
    ]
    saved(
        lambda: split_allocation(ctx.engine, ctx.actor, row["credit_key"], allocations),
        f"Credit {row['credit_doc']}: split over {len(allocations)} invoice(s).",
        FORM_SPLIT,
    )


def refund(ctx: Credit, row: dict) -> None:
    with st.form(FORM_REFUND):
        reason = st.text_input("Why is the credit refunded?", key=forms.key(FORM_REFUND, "cr_rf_reason"))
        forms.slot("cr_refund_reason")
        if not st.form_submit_button("Request refund", type="primary"):
            return
    saved(
        lambda: request_refund(ctx.engine, ctx.actor, row["credit_key"], reason),
        lambda refund_id: f"Credit {row['credit_doc']}: refund {refund_id} requested.",
        FORM_REFUND,
        fields={"reason": "cr_refund_reason"},
    )


def confirm(ctx: Credit, row: dict) -> None:
    with st.form(FORM_CONFIRM):
        c1, c2 = st.columns([3, 1])
        text = c1.text_area(
            "The customer's confirmation", key=forms.key(FORM_CONFIRM, "cr_cf_text"), height=80
        )
        forms.slot("text", c1)
        on = c2.date_input(
            "Received on", value=None, format="DD.MM.YYYY", key=forms.key(FORM_CONFIRM, "cr_cf_on")
        )
        forms.slot("on", c2)
        if not st.form_submit_button("Save confirmation", type="primary"):
            return
    saved(
        lambda: record_confirmation(ctx.engine, ctx.actor, row["credit_key"], text, on),
        f"Credit {row['credit_doc']}: the customer's confirmation is noted.",
        FORM_CONFIRM,
    )
