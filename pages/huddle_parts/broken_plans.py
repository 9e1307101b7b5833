"""Broken payment plans for the huddle: the customers whose agreement failed, to call today.

``show(actor)``: the plans tracked as broken (an instalment unpaid past the broken-after days),
newest verdict first; the worklist ranks those customers up with the reason "payment plan broken".
"""

from __future__ import annotations

import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import list_plans
from pages.payment_plans_parts.common import PLAN_COLUMNS, labelled
from ui import components, data
from ui.resources import engine

SHOWN = ("plan_id", "customer_id", "customer_name", "currency", "debt", "total", "kept", "late", "broken",
         "proposed_by", "status_decided_on")  # fmt: skip
COLUMNS = {k: PLAN_COLUMNS[k] for k in SHOWN}


def show(actor: Actor) -> None:
    broken = list_plans(engine(), actor, status="broken").sort(
        "status_decided_on", descending=True, nulls_last=True
    )
    st.subheader("Broken payment plans")
    if broken.is_empty():
        st.success("No broken payment plan: every plan is kept so far.")
        return
    names = dict(zip(*data.customers(actor).select("customer_id", "name"), strict=True))
    frame = labelled(broken, names)
    components.record_table(frame.select(c for c in COLUMNS if c in frame.columns), COLUMNS)
    st.caption(f"{broken.height} plan(s) broken: their items are no longer blocked from dunning.")
