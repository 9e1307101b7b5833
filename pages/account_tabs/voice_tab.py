"""Second voice: escalate to a person you choose, re-assign or resolve an open escalation."""

from __future__ import annotations

import streamlit as st

from ar_core.collections import escalate, escalation_targets, may_handle, reassign, resolve
from pages.account_tabs.common import Account, fk, saved
from ui.text import escape

FORM_ESCALATE = "escalate"


def _choose(ctx: Account, label: str, key: str, exclude: tuple[str, ...] = ()) -> str | None:
    targets = escalation_targets(ctx.engine, ctx.actor, ctx.customer_id, exclude=exclude)
    shown = {
        r["username"]: f"{r['name']} ({r['username']}) — {r['role']}" for r in targets.iter_rows(named=True)
    }
    return st.selectbox(
        label, list(shown), index=None, format_func=shown.get, placeholder="Choose a person", key=key
    )


def _handle(ctx: Account, esc: dict) -> None:
    """Resolve or re-assign one open escalation (its receiver, its sender, a lead, an admin)."""
    eid = esc["escalation_id"]
    left, right = st.columns(2)
    resolve_form, reassign_form = f"resolve_{eid}", f"reassign_{eid}"
    with left, st.form(resolve_form):
        agreed = st.text_input(
            "What was agreed (closes the escalation)", key=fk(resolve_form, f"esc_resolution_{eid}")
        )
        if st.form_submit_button("Resolve escalation"):
            saved(
                lambda: resolve(ctx.engine, ctx.actor, eid, agreed),
                "Escalation resolved.",
                resolve_form,
            )
    with right, st.form(reassign_form):
        to = _choose(
            ctx,
            "Hand to",
            fk(reassign_form, f"esc_reassign_to_{eid}"),
            exclude=(esc["to_user"], esc["from_user"]),
        )
        why = st.text_input("Why", key=fk(reassign_form, f"esc_reassign_why_{eid}"))
        if st.form_submit_button("Re-assign escalation"):
            if to is None:
                st.error("Choose whom to hand the escalation to.")
            else:
                saved(
                    lambda: reassign(ctx.engine, ctx.actor, eid, to_username=to, note=why),
                    f"Escalation handed to {escape(to)}: the case is on their worklist.",
                    reassign_form,
                )


def render(ctx: Account) -> None:
    st.caption("A lead or another collector takes the case as second voice: it appears on their worklist.")
    if ctx.escalations.is_empty():
        st.info("No open escalation.")
    for esc in ctx.escalations.iter_rows(named=True):
        st.markdown(
            f"**Escalation {esc['escalation_id']}**: {escape(esc['from_user'])} → "
            f"**{escape(esc['to_user'])}** · {escape(esc['reason'])}"
        )
        if ctx.writable and may_handle(ctx.actor, esc["from_user"], esc["to_user"]):
            _handle(ctx, esc)
    if ctx.writable and ctx.escalations.is_empty():
        with st.form(FORM_ESCALATE):
            st.markdown("**Escalate this customer**")
            to = _choose(ctx, "To", fk(FORM_ESCALATE, "esc_to"))
            why = st.text_input("Why", key=fk(FORM_ESCALATE, "esc_why"))
            if st.form_submit_button("Escalate"):
                if to is None:
                    st.error("Choose whom to escalate to.")
                else:
                    saved(
                        lambda: escalate(ctx.engine, ctx.actor, ctx.customer_id, to_username=to, reason=why),
                        f"Escalated to {escape(to)}: the case is on their worklist.",
                        FORM_ESCALATE,
                    )
