"""The contact log: log a contact (and the promise, dispute or inquiry it brought), corrections."""

from __future__ import annotations

import streamlit as st

from ar_core.collections import (
    CHANNELS,
    DELINQUENCY_REASONS,
    DISPUTE_RAISED,
    NEXT_ACTIONS,
    OUTCOMES,
    PROMISE_TO_PAY,
    CallResult,
    list_contacts,
    record_contact,
)
from pages.account_tabs.case_fields import candidates, case_fields
from pages.account_tabs.common import Account, fk, local, saved
from pages.account_tabs.correction_form import correction_form
from pages.account_tabs.promise_form import PROMISE_SLOTS, promise_fields
from ui import forms, tables

FORM_LOG = "log_contact"
#: The promise's refusals show under this form's promise fields (the Promises tab has its own).
PROMISE_PLACES = {f: f"ct_{f}" for f in PROMISE_SLOTS}


def render(ctx: Account) -> None:
    if ctx.writable:
        _log_form(ctx)
    log = list_contacts(ctx.engine, ctx.actor, ctx.customer_id)
    if log.is_empty():
        st.info("No contact logged yet.")
    else:
        tables.show(
            local(log, "contacted_at", ctx.time_zone).select(
                "contact_id",
                "contacted_at",
                "created_by",
                "channel",
                "outcome",
                "reason_label",
                "notes",
                "next_action",
                "next_action_date",
                "corrects_id",
                "correction_note",
                "effective",
            ),
            download=f"contacts-{ctx.customer_id}",
            hide_index=True,
            width="stretch",
            column_config={
                "contact_id": st.column_config.NumberColumn("No.", width="small"),
                "contacted_at": st.column_config.DatetimeColumn("When", format="DD.MM.YYYY HH:mm"),
                "created_by": "By",
                "channel": "Channel",
                "outcome": "Outcome",
                "reason_label": "Reason",
                "notes": st.column_config.TextColumn("Notes", width="large"),
                "next_action": "Next action",
                "next_action_date": st.column_config.DateColumn("Next action date", format="DD.MM.YYYY"),
                "corrects_id": st.column_config.NumberColumn("Corrects no.", width="small"),
                "correction_note": "Correction",
                "effective": st.column_config.CheckboxColumn("Current"),
            },
        )
    if ctx.writable and not log.is_empty():
        correction_form(ctx, log)


def _log_form(ctx: Account) -> None:
    with st.form(FORM_LOG):
        st.markdown("**Log a contact**")
        c1, c2, c3 = st.columns(3)
        channel = c1.selectbox("Channel", CHANNELS, key=fk(FORM_LOG, "ct_channel"))
        forms.slot("channel", c1)
        outcome = c2.selectbox("Outcome", OUTCOMES, key=fk(FORM_LOG, "ct_outcome"))
        forms.slot("outcome", c2)
        reason = c3.selectbox(
            "Delinquency reason",
            ["", *DELINQUENCY_REASONS],
            format_func=lambda c: DELINQUENCY_REASONS.get(c, "—"),
            key=fk(FORM_LOG, "ct_reason"),
        )
        notes = st.text_area("Notes", key=fk(FORM_LOG, "ct_notes"))
        forms.slot("notes")
        n1, n2 = st.columns(2)
        next_action = n1.selectbox("Next action", NEXT_ACTIONS, key=fk(FORM_LOG, "ct_next"))
        next_date = n2.date_input(
            "Next action date", value=None, format="DD.MM.YYYY", key=fk(FORM_LOG, "ct_next_date")
        )
        forms.slot("next_action_date", n2)
        st.markdown(f"**The promise** — fill in when the outcome is *{PROMISE_TO_PAY}*")
        entry = promise_fields(ctx, fk(FORM_LOG, "ct_pr"), slots="ct_")
        st.markdown(
            f"**The dispute or inquiry** — fill in when the outcome is *{DISPUTE_RAISED}* (the items "
            "and the reason), or when the customer asked for an invoice copy, a statement or a "
            "clarification (an inquiry reason, items optional)"
        )
        case = case_fields(ctx, FORM_LOG, "ct_cs", candidates(ctx), kinds=("dispute", "inquiry"),
                           slots="case_")  # fmt: skip
        if not st.form_submit_button("Save contact", type="primary"):
            return
        promise = None
        if entry.given() or outcome == PROMISE_TO_PAY:
            promise = entry.to_service(ctx) if entry.given() else {}
            if promise is None:
                return
        call = {
            "channel": channel, "outcome": outcome, "reason": reason or None, "notes": notes,
            "next_action": next_action, "next_action_date": next_date,
        }  # fmt: skip
        saved(
            lambda: record_contact(ctx.engine, ctx.actor, ctx.customer_id, promise=promise,
                                   case=case.to_service() if case.given() else None, **call),
            _done,
            FORM_LOG,
            fields=PROMISE_PLACES,
        )  # fmt: skip


def _done(result: CallResult) -> str:
    """What the save of a contact says: the promise and the case it brought (by number)."""
    done = "Contact and promise saved." if result.promise_id is not None else "Contact saved."
    if result.case_id is not None:
        done += f" Case {result.case_id} opened and linked to it."
    return done
