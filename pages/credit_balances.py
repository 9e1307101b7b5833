"""Credit balances: open credits and miscellaneous items, what each credit should settle, the cash
from the bank, and the reconciliation with a customer's own list.

A collector sees their portfolio, a lead the team's, a controller reads without forms. Only the
open tab runs (a switch reruns the page; the key keeps the tab over saves). The views are
``ar_core.credit``'s pure functions over the items the user may read; decisions, imports and
reconciliations go through its services. Bank statements are imported by leads and admins.
The sections live in ``pages/credit_parts``.
"""

from __future__ import annotations

import streamlit as st

from pages.credit_parts import bank, common, open_credits, reconciliation, suggestions
from ui import components, fmt
from ui.guard import require
from ui.resources import engine

actor = require("collector", "lead", "controller", "admin")
eng = engine()

st.title("Credit balances")
common.show_flash()
latest = components.latest_snapshot(
    "No snapshot yet: open credits appear with the first ERP extract"
    + (
        " — upload it on the **Upload** page."
        if actor.has("lead", "admin")
        else ", which your team lead uploads."
    )
)
ctx = common.Credit(actor=actor, engine=eng, snapshot_id=latest["snapshot_id"], as_of=latest["as_of"])
# Whose credits: the portfolio rule of the core decides what every tab reads, this line says it.
who = "All customers" if ctx.whole_team else "Your portfolio"
st.subheader(f"{who} — snapshot of {fmt.day(ctx.as_of)}, amounts in each company code's currency")
if not ctx.writes:
    st.caption("Read only: your role sees the credits and decisions but records none.")

SECTIONS = {
    "Open credits": open_credits,
    "Suggestions": suggestions,
    "Bank payments": bank,
    "Reconciliation": reconciliation,
}
tabs = st.tabs(list(SECTIONS), key=common.TAB, on_change="rerun")
for tab, section in zip(tabs, SECTIONS.values(), strict=True):
    if tab.open:
        with tab:
            section.render(ctx)
