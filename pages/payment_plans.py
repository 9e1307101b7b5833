"""Payment plans: the plans and their instalments tracked against the snapshots, the large ones
waiting for four eyes, and a proposal for a customer who cannot pay at once.

A collector proposes for their portfolio, a lead for any customer; above the approval threshold a
lead or controller other than the proposer, within their approval limit, approves
(``ar_core.recovery`` checks every rule). Instalments are seen kept, late or broken as later
snapshots show the items cleared. Only the open tab runs; the sections live in
``pages/payment_plans_parts``.
"""

from __future__ import annotations

import streamlit as st

from ar_core.ledger import customer_items
from pages.payment_plans_parts import approvals, plans_list, proposal, settings_form
from pages.payment_plans_parts.common import FLASH, PROPOSERS, TAB
from ui import data, fmt
from ui.guard import require
from ui.resources import engine

actor = require("collector", "lead", "controller", "admin")
eng = engine()

st.title("Payment plans")
data.show_flash(FLASH)
customers = data.customers(actor).sort("customer_id")
names = dict(zip(customers["customer_id"], customers["name"], strict=True))
snapshots = data.snapshot_list()
latest = snapshots.row(-1, named=True) if not snapshots.is_empty() else None
who = "All customers" if actor.has("lead", "controller", "admin") else "Your portfolio"
st.caption(f"{who} — instalments tracked up to the snapshot of {fmt.day(latest['as_of'])}." if latest
           else f"{who} — no snapshot yet.")  # fmt: skip


def propose() -> None:
    if latest is None:
        st.info("No snapshot yet: open items to put into a plan appear with the first ERP extract.")
        return
    if customers.is_empty():
        st.info("No customer in your portfolio yet.")
        return
    customer_id = st.selectbox(
        "Customer", list(names), key="pp_customer", index=None, placeholder="Choose the customer",
        format_func=lambda c: f"{c} · {names[c] or ''}",
    )  # fmt: skip
    if customer_id is None:
        return
    items = customer_items(eng, actor, latest["snapshot_id"], customer_id)
    proposal.form(eng, actor, customer_id, items, as_of=latest["as_of"], today=data.team_today())


SECTIONS = {
    "Plans": lambda: plans_list.show(eng, actor, names),
    "Waiting for my approval": lambda: approvals.show(eng, actor, names),
    "Propose": propose,
    "Settings": lambda: settings_form.show(eng, actor),
}
if not actor.has(*PROPOSERS):
    SECTIONS.pop("Propose")
tabs = st.tabs(list(SECTIONS), key=TAB, on_change="rerun")
for tab, section in zip(tabs, SECTIONS.values(), strict=True):
    if tab.open:
        with tab:
            section()
