"""Waiting for my approval: plans above the threshold that this lead or controller may decide.

Only plans of somebody else within the approver's limit are listed (``ar_core`` decides that);
approving or rejecting goes through the four-eyes service, which checks it all again.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import approve_plan, plan_instalments, plans_waiting_for, reject_plan
from pages.payment_plans_parts.common import APPROVERS, INSTALMENT_COLUMNS, PLAN_COLUMNS, labelled, saved
from ui import components, fmt, forms
from ui.text import escape

FORM = "pp_decide"


def show(eng: sa.Engine, actor: Actor, names: Mapping[str, str]) -> None:
    if not actor.has(*APPROVERS):
        st.info("Leads and controllers with an approval limit for payment plans decide the large ones.")
        return
    waiting = plans_waiting_for(eng, actor)
    if waiting.is_empty():
        st.info("Nothing waits for you: no plan of somebody else within your approval limit.")
        return
    components.record_table(labelled(waiting, names), PLAN_COLUMNS)
    rows = {r["plan_id"]: r for r in waiting.iter_rows(named=True)}
    pid = st.selectbox(
        "Plan to decide", list(rows), key="pp_decide_plan",
        format_func=lambda p: f"{p} · {names.get(rows[p]['customer_id']) or rows[p]['customer_id']} · "
        f"{fmt.money(rows[p]['debt'], rows[p]['currency'])}",
    )  # fmt: skip
    row = rows[pid]
    st.markdown(f"Proposed by **{escape(row['proposed_by'])}**: {escape(row['note'] or 'no note')}")
    components.record_table(plan_instalments(eng, actor, pid), INSTALMENT_COLUMNS)
    note = st.text_input("Note (needed to reject)", key=forms.key(FORM, "pp_decide_note"))
    forms.slot("note")
    left, right = st.columns(2)
    if left.button("Approve", type="primary", key="pp_approve", icon=":material/check:"):
        saved(lambda: approve_plan(eng, actor, pid, note), f"Plan {pid} approved: it is active.", FORM)
    if right.button("Reject", key="pp_reject", icon=":material/close:"):
        saved(lambda: reject_plan(eng, actor, pid, note), f"Plan {pid} rejected.", FORM)
