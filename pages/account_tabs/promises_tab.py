"""Promises to pay: record one (date from today, amount within what is open), list, cancel.

The promise's fields live in ``promise_form`` (the contact form records a promise with them too).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.collections import OPEN, cancel_promise, create_promise, list_promises
from pages.account_tabs.common import Account, fk, saved
from pages.account_tabs.promise_form import promise_fields
from ui.components import date_column, money_column, record_table, time_column

FORM_PROMISE, FORM_CANCEL = "promise", "cancel_promise"

SAVED = "Promise saved; the customer leaves today's list until the promised date."


def render(ctx: Account) -> None:
    if ctx.writable:
        _record(ctx)
    plist = list_promises(ctx.engine, ctx.actor, ctx.customer_id)
    if plist.is_empty():
        st.info("No promise to pay recorded.")
        return
    _table(ctx, plist)
    still_open = plist.filter(pl.col("status") == OPEN)
    if ctx.writable and not still_open.is_empty():
        _cancel(ctx, still_open)


def _record(ctx: Account) -> None:
    with st.form(FORM_PROMISE):
        st.markdown("**Record a promise to pay** (a promise made on the phone: log the call on *Contacts*)")
        entry = promise_fields(ctx, fk(FORM_PROMISE, "pr"))
        if st.form_submit_button("Save promise", type="primary") and (args := entry.to_service(ctx)):
            saved(
                lambda: create_promise(ctx.engine, ctx.actor, ctx.customer_id, **args),
                SAVED,
                FORM_PROMISE,
            )


def _table(ctx: Account, plist: pl.DataFrame) -> None:
    """Every promise, cancelled ones too: the record of what the customer said and when."""
    record_table(
        plist.select(
            "promise_id",
            "created_at",
            "created_by",
            "amount",
            "currency",
            "promised_date",
            "status",
            "status_decided_on",
            pl.col("items").list.eval(pl.element().struct.field("doc_no")).list.join(", ").alias("documents"),
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
        ),
        {
            "promise_id": st.column_config.NumberColumn("No.", width="small"),
            "created_at": time_column("Recorded"),
            "created_by": "By",
            "amount": money_column("Amount"),
            "currency": "Cur.",
            "promised_date": date_column("Promised for"),
            "status": "Status",
            "status_decided_on": date_column("Decided on"),
            "documents": "Documents",
            "cancelled_at": time_column("Cancelled"),
            "cancelled_by": "Cancelled by",
            "cancel_reason": "Why cancelled",
        },
        time_zone=ctx.time_zone,
        download=f"promises-{ctx.customer_id}",
    )


def _cancel(ctx: Account, still_open: pl.DataFrame) -> None:
    """Only an open promise can be cancelled: a kept or broken one is history."""
    labels = {r["promise_id"]: _label(r) for r in still_open.iter_rows(named=True)}
    with (
        st.expander("Cancel a promise (the customer withdrew it, or it was entered by mistake)"),
        st.form(FORM_CANCEL),
    ):
        pid = st.selectbox("Promise", list(labels), format_func=labels.get, key=fk(FORM_CANCEL, "pc_id"))
        why = st.text_input("Why is it cancelled?", key=fk(FORM_CANCEL, "pc_reason"))
        if st.form_submit_button("Cancel promise"):
            saved(
                lambda: cancel_promise(ctx.engine, ctx.actor, pid, why),
                f"Promise {pid} cancelled: it no longer counts as open or broken.",
                FORM_CANCEL,
            )


def _label(r: dict) -> str:
    return f"No. {r['promise_id']}: {r['currency']} {r['amount']:,.2f} for {r['promised_date']:%d.%m.%Y}"
