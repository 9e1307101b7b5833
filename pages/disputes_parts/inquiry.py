"""Open a customer inquiry by hand (invoice copy, statement, clarification); disputes open on the account."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from ar_core.access import WRITE_ALL_ROLES, Actor
from ar_core.disputes import CASE_TYPES, DEPARTMENTS, open_case
from ui import data, disputes, forms

FORM = "dp_inquiry"
_DISPUTE, INQUIRY = CASE_TYPES


def form(eng: sa.Engine, actor: Actor, reasons: dict) -> None:
    if not actor.has("collector", *WRITE_ALL_ROLES):
        st.info("Your role reads cases but does not open them.")
        return
    customers = data.customers(actor)
    if customers.is_empty():
        st.info("No customers in your portfolio yet. Ask your lead to assign your portfolio.")
        return
    names = dict(
        zip(customers["customer_id"].to_list(), customers["name"].fill_null("").to_list(), strict=True)
    )
    codes = sorted(code for code, r in reasons.items() if r.case_type == INQUIRY)
    st.caption(
        "A dispute is opened on the customer's account, where its items and amounts are chosen. "
        "The reason's SLA sets the due date and its department the resolver, unless you choose one."
    )
    with st.form(FORM):
        c1, c2 = st.columns(2)
        customer_id = c1.selectbox(
            "Customer",
            list(names),
            format_func=lambda c: f"{c} — {names[c]}" if names[c] else c,
            index=None,
            placeholder="Type a name or number",
            key=forms.key(FORM, "dp_iq_customer"),
        )
        forms.slot("customer_id", c1)
        reason = c2.selectbox(
            "Reason",
            codes,
            format_func=lambda c: f"{reasons[c].label} ({reasons[c].sla_days} days)",
            key=forms.key(FORM, "dp_iq_reason"),
        )
        forms.slot("reason", c2)
        c3, c4 = st.columns(2)
        department = c3.selectbox(
            "Resolver department",
            ["", *DEPARTMENTS],
            format_func=lambda d: d or "as the reason says",
            key=forms.key(FORM, "dp_iq_department"),
        )
        forms.slot("resolver_department", c3)
        resolver = c4.text_input("Resolver (person, optional)", key=forms.key(FORM, "dp_iq_resolver"))
        note = st.text_area("What the customer asks for", key=forms.key(FORM, "dp_iq_note"), height=80)
        forms.slot("note")
        if st.form_submit_button("Open the inquiry", type="primary"):
            if customer_id is None:
                forms.show_refusal("customer_id", "Choose the customer who asks.")
                return
            disputes.save(
                lambda: open_case(
                    eng,
                    actor,
                    customer_id,
                    reason=reason,
                    case_type=INQUIRY,
                    note=note,
                    resolver=resolver.strip() or None,
                    resolver_department=department or None,
                ),
                f"Inquiry opened for {customer_id}.",
                FORM,
            )
