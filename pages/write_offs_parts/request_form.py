"""Ask for a write-off or a legal handover: one customer's chosen open invoices, reason, evidence.

The customer is chosen first (its open invoices become the choices); the amount is the sum of
the chosen invoices' open amounts, and the request waits for a lead or controller's approval.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import streamlit as st

from ar_core.errors import ArDeskError
from ar_core.ledger import customer_items, open_items
from ar_core.recovery import REQUEST_KINDS, WRITE_OFF_REASONS, request_write_off
from ar_core.schema import item_key
from pages.write_offs_parts.common import Page, saved
from ui import data, fmt, forms
from ui.text import escape

FORM = "wo_request"
CUSTOMER = "wo_customer"


def _open_invoices(page: Page, customer_id: str) -> dict[str, tuple[str, Decimal, str]]:
    """Item key -> (label, open amount, currency) of the customer's open invoices, oldest due first."""
    try:
        items = customer_items(page.engine, page.actor, page.snapshot_id, customer_id)
    except ArDeskError:
        return {}
    debits = open_items(items, page.as_of).filter(pl.col("amount") > 0).sort("due_date", "doc_no")
    return {
        item_key(r["company_code"], r["fiscal_year"], r["doc_no"], r["line_item"]): (
            f"{r['doc_no']} · {fmt.money(r['amount'], r['currency'])} · due {fmt.day(r['due_date'])}",
            r["amount"],
            r["currency"],
        )
        for r in debits.iter_rows(named=True)
    }


def show(page: Page) -> None:
    if not page.requests:
        st.info("Your role approves and reads requests; collectors and leads ask for them.")
        return
    if page.snapshot_id is None:
        st.info("No snapshot yet: open invoices to write off appear with the first ERP extract.")
        return
    customers = data.customers(page.actor).sort("customer_id")
    if customers.is_empty():
        st.info("No customer in your portfolio yet.")
        return
    names = dict(zip(customers["customer_id"], customers["name"], strict=True))
    customer_id = st.selectbox(
        "Customer", list(names), key=CUSTOMER, index=None, placeholder="Choose the customer",
        format_func=lambda c: f"{c} · {names[c] or ''}",
    )  # fmt: skip
    if customer_id is None:
        return
    invoices = _open_invoices(page, customer_id)
    if not invoices:
        st.info(f"{escape(names[customer_id] or customer_id)} has no open invoice in the latest snapshot.")
        return
    with st.form(FORM):
        kind = st.radio("What", list(REQUEST_KINDS), format_func=REQUEST_KINDS.get, horizontal=True,
                        key=forms.key(FORM, "wo_kind"))  # fmt: skip
        chosen = st.multiselect(
            "Open invoices", list(invoices), format_func=lambda k: invoices[k][0],
            key=forms.key(FORM, "wo_items"), placeholder="Choose the invoices",
        )  # fmt: skip
        forms.slot("item_keys")
        reason = st.selectbox("Reason", list(WRITE_OFF_REASONS), format_func=WRITE_OFF_REASONS.get,
                              key=forms.key(FORM, "wo_reason"))  # fmt: skip
        forms.slot("reason")
        evidence = st.text_area(
            "Evidence", key=forms.key(FORM, "wo_evidence"),
            placeholder="What shows the money will not come: letters unanswered, insolvency notice, "
            "agreement with sales…",
        )  # fmt: skip
        forms.slot("evidence")
        if not st.form_submit_button("Ask for approval", type="primary"):
            return
    totals: dict[str, Decimal] = {}
    for k in chosen:
        totals[invoices[k][2]] = totals.get(invoices[k][2], Decimal(0)) + invoices[k][1]
    what = f"{REQUEST_KINDS[kind].lower()} of {fmt.totals(totals)}"

    def ask() -> int:
        return request_write_off(page.engine, page.actor, kind=kind, customer_id=customer_id,
                                 item_keys=chosen, reason=reason, evidence=evidence)  # fmt: skip

    saved(ask, lambda rid: f"Request {rid}: {what} waits for approval.", FORM)
