"""Approval limits for write-offs and legal handovers, per person (administrators set them).

The limits are ``ar_core.access``'s (one per person and kind, in one currency or unlimited); a
lead or controller decides only requests within theirs. Leads and controllers see the list.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import polars as pl
import streamlit as st

from ar_core.access import list_limits, list_users, set_approval_limit
from ar_core.errors import InvalidInput
from ar_core.recovery import REQUEST_KINDS, WRITE_OFF_APPROVERS
from pages.write_offs_parts.common import Page, saved
from ui import components, forms

FORM = "wo_limits"
COLUMNS = {
    "username": "Person",
    "kind": "Kind",
    "max_amount": components.money_column("Up to (blank: unlimited)"),
    "currency": "Currency (blank: any)",
    "set_by": "Set by",
    "set_at": components.time_column("Set"),
}


def _amount(text: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return Decimal(text.strip().replace(",", ""))
    except InvalidOperation as exc:
        raise InvalidInput("max_amount", f"an amount such as 5000.00, not {text!r}") from exc


def show(page: Page) -> None:
    limits = list_limits(page.engine, page.actor).filter(pl.col("kind").is_in(list(REQUEST_KINDS)))
    if limits.is_empty():
        st.info(
            "Nobody has an approval limit for write-offs or legal handovers yet: nothing can be approved."
        )
    else:
        shown = limits.with_columns(pl.col("kind").replace_strict(REQUEST_KINDS, default=pl.col("kind")))
        components.record_table(shown, COLUMNS)
    if not page.actor.has("admin"):
        st.caption("An administrator sets the approval limits.")
        return
    users = list_users(page.engine, page.actor).filter(pl.col("active"))
    approvers = [
        u
        for u, roles in users.select("username", "roles").iter_rows()
        if {r.strip() for r in roles.split(",")} & set(WRITE_OFF_APPROVERS)
    ]
    if not approvers:
        st.info("No active lead or controller to give a limit to.")
        return
    with st.form(FORM):
        left, middle, right, last = st.columns(4)
        who = left.selectbox("Person", approvers, key=forms.key(FORM, "wo_lim_user"))
        kind = middle.selectbox(
            "Kind", list(REQUEST_KINDS), format_func=REQUEST_KINDS.get, key=forms.key(FORM, "wo_lim_kind")
        )
        amount = right.text_input("Up to (blank: unlimited)", key=forms.key(FORM, "wo_lim_amount"))
        forms.slot("max_amount", right)
        currency = last.text_input("Currency (blank: any)", value="EUR", key=forms.key(FORM, "wo_lim_cur"))
        forms.slot("currency", last)
        if not st.form_submit_button("Set limit"):
            return
    saved(
        lambda: set_approval_limit(
            page.engine, page.actor, who, kind, max_amount=_amount(amount), currency=currency.strip() or None
        ),
        f"Approval limit of {who} for {REQUEST_KINDS[kind].lower()}s set.",
        FORM,
    )
