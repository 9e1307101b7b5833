"""Incoming payments of the Bank payments tab: how each was matched, and the form that confirms
or corrects whose it is. Apart from the import (``bank``), which only leads and admins see.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.credit import bank_payments, confirm_payment
from ar_core.errors import ArDeskError
from pages.credit_parts.common import Credit, open_invoices, refused, saved
from pages.credit_parts.labels import texts
from ui import forms
from ui.components import date_column, money_column, record_table
from ui.data import sticky
from ui.text import escape

FORM_CONFIRM = "cr_bank_confirm"
STATUS = {"all": "All", "matched": "Matched", "ambiguous": "Ambiguous", "unmatched": "Unmatched"}
# Whether and to what a payment was matched first (it fits 1,600 px), the bank's details after.
COLUMNS = {
    "payment_id": "Payment",
    "booking_date": date_column("Booked"),
    "amount": money_column("Amount"),
    "currency": "Currency",
    "counterparty_name": "Payer",
    "customer_id": "Customer",
    "invoice_docs": "Invoices",
    "rule": "Rule",
    "confidence": st.column_config.ProgressColumn(
        "Confidence", min_value=0.0, max_value=1.0, format="percent"
    ),
    "status": "Status",
    "applied": st.column_config.CheckboxColumn("Applied in ERP"),
    "name_flag": st.column_config.CheckboxColumn("Name differs"),
    "remittance": st.column_config.TextColumn("Remittance", width="large"),
    "counterparty_iban": "Payer IBAN",
    "creditor_reference": "Creditor reference",
    "end_to_end_id": "End-to-end id",
    "evidence": st.column_config.TextColumn("Evidence", width="large"),
    "value_date": date_column("Value date"),
    "statement_key": "Statement",
}


def render(ctx: Credit) -> None:
    try:
        every = bank_payments(ctx.engine, ctx.actor, status="all")
    except ArDeskError as exc:
        refused(exc, "The bank payments cannot be shown")
        return
    st.subheader("Incoming payments")
    if every.is_empty():
        st.info(
            "No bank statement imported yet."
            if ctx.whole_team
            else "No bank payment matched to your portfolio yet."
        )
        return
    sticky("cr_bank_status", "all", list(STATUS))
    status = st.segmented_control(
        "Status", list(STATUS), format_func=STATUS.get, key="cr_bank_status", required=True
    )
    shown = every if status == "all" else every.filter(pl.col("status") == status)
    if shown.is_empty():
        st.info(f"No {STATUS[status].lower()} payment.")
        return
    # an IBAN as printed on paper, in groups of four
    grouped = pl.col("counterparty_iban").str.replace_all(r"(.{4})", "$1 ").str.strip_chars()
    event = record_table(
        texts(shown, "invoice_docs").with_columns(grouped).select([c for c in COLUMNS if c in shown.columns]),
        COLUMNS,
        download="bank-payments",
        on_select="rerun" if ctx.writes else "ignore",
        selection_mode="single-row",
        key="cr_bank_table",
    )
    rows = event.selection.rows if ctx.writes and event and event.selection else []
    if ctx.writes and not rows:
        st.caption("Select a payment to confirm or correct whose it is and what it pays.")
    if rows:
        confirm(ctx, shown.row(rows[0], named=True))


def confirm(ctx: Credit, row: dict) -> None:
    """Whose payment it is (the payer's IBAN is learned for that customer) and, optionally, which invoices."""
    pid = row["payment_id"]
    st.markdown(f"**Payment {pid}** from {escape(row['counterparty_name'] or 'an unknown payer')}")
    customer = st.text_input(
        "Customer", value=row["customer_id"] or "", key=forms.key(FORM_CONFIRM, f"cr_pc_customer_{pid}")
    ).strip()
    forms.slot("customer_id")
    choices = open_invoices(ctx, customer)
    with st.form(FORM_CONFIRM):
        invoices = st.multiselect(
            "Invoices it pays (none: the customer only)",
            list(choices),
            format_func=choices.get,
            key=forms.key(FORM_CONFIRM, f"cr_pc_invoices_{pid}"),
        )
        forms.slot("invoice_keys")
        if not st.form_submit_button("Confirm", type="primary"):
            return
    saved(
        lambda: confirm_payment(
            ctx.engine, ctx.actor, pid, customer_id=customer, invoice_keys=invoices or None
        ),
        f"Payment {pid} confirmed for customer {escape(customer)}.",
        FORM_CONFIRM,
    )
