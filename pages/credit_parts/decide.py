"""The decision on one suggested allocation: accept, reject, split by hand, refund, the customer's
confirmation. Each form keeps what was typed after a refusal, which shows under its field.

The split editor and the refund request, which change or leave the allocation, are ``decide_forms``.
"""

from __future__ import annotations

import streamlit as st

from ar_core.credit import accept_suggestion, record_confirmation, reject_suggestion
from pages.credit_parts.common import Credit, credit_invoices, keys_of_documents, saved
from pages.credit_parts.decide_forms import refund, split
from ui import data, forms
from ui.text import escape

FORM_ACCEPT, FORM_REJECT, FORM_CONFIRM = "cr_accept", "cr_reject", "cr_confirm"
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
        invoice_keys = keys_of_documents(credit_invoices(ctx, row), candidates[picked])
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
