"""The decisions on a suggested allocation that replace or leave it: a split by hand over invoice
and amount rows, and a refund request (four eyes above the threshold). Kept with ``decide``'s
conventions: what was typed stays after a refusal, which shows under its field.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import streamlit as st

from ar_core.credit import request_refund, split_allocation
from pages.credit_parts.common import Credit, credit_invoices, saved
from ui import forms

FORM_SPLIT, FORM_REFUND = "cr_split", "cr_refund"


def split(ctx: Credit, row: dict) -> None:
    """A small editor of invoice and amount rows; together at most the credit."""
    choices = credit_invoices(ctx, row)
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
            placeholder="",  # cells to fill in, not missing values
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
