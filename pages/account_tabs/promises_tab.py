"""Promises to pay: record one (date from today, amount within what is open), list, cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
import streamlit as st

from ar_core.collections import (
    OPEN,
    cancel_promise,
    create_promise,
    default_promised_date,
    list_promises,
    promisable_amount,
)
from ar_core.config import today
from ar_core.money import parse_amount
from pages.account_tabs.common import Account, fk, local, saved
from ui import forms, tables

FORM_PROMISE, FORM_CANCEL = "promise", "cancel_promise"

SAVED = "Promise saved; the customer leaves today's list until the promised date."


@dataclass
class PromiseInput:
    amount_text: str
    currency: str
    promised_date: date | None
    docs: list[str]

    def given(self) -> bool:
        return bool(self.amount_text.strip())

    def to_service(self, ctx: Account) -> dict | None:
        """The keyword arguments of ``promises.create_promise``; ``None`` (and an error) when unreadable."""
        amount = parse_amount(self.amount_text)
        if amount is None:
            st.error(f"Amount: {self.amount_text!r} is not an amount (write 12.500,00 or 12500.00).")
            return None
        debits = _debits(ctx)
        chosen = (
            debits.filter(pl.col("doc_no").is_in(self.docs))
            .select("company_code", "fiscal_year", "doc_no", "line_item")
            .to_dicts()
        )
        return {
            "amount": Decimal(amount),
            "currency": self.currency,
            "promised_date": self.promised_date,
            "items": chosen,
            "snapshot_id": ctx.snapshot_id,
        }


def _debits(ctx: Account) -> pl.DataFrame:
    from ar_core.ledger import open_items

    return open_items(ctx.items, ctx.as_of).filter(pl.col("amount") > 0).sort("due_date", "doc_no")


def promise_fields(ctx: Account, prefix: str) -> PromiseInput:
    """The promise's widgets (inside the caller's form): amount, currency, date, items."""
    debits = _debits(ctx)
    currencies = sorted(
        set(debits["currency"].to_list()) | set(debits["doc_currency"].drop_nulls().to_list())
    )
    currencies = currencies or ["EUR"]
    caps = ", ".join(f"{cur} {promisable_amount(ctx.items, ctx.as_of, cur):,.2f}" for cur in currencies)
    first_day = today(ctx.time_zone)
    p1, p2, p3 = st.columns(3)
    amount_text = p1.text_input(
        "Promised amount", placeholder="e.g. 12.500,00 or 12500.00", key=f"{prefix}_amount",
        help=f"At most the open debits ({caps}), or the chosen items' open amount.",
    )  # fmt: skip
    forms.slot("amount", p1)
    currency = p2.selectbox("Currency", currencies, key=f"{prefix}_cur")
    forms.slot("currency", p2)
    when = p3.date_input(
        "Promised payment date",
        value=default_promised_date(ctx.engine),
        min_value=first_day,
        format="DD.MM.YYYY",
        key=f"{prefix}_date",
    )
    forms.slot("promised_date", p3)
    docs = st.multiselect("Items covered (optional)", debits["doc_no"].to_list(), key=f"{prefix}_items")
    forms.slot("items")
    st.caption(f"Open debits: {caps}. The date is today ({first_day:%d.%m.%Y}) or later.")
    return PromiseInput(amount_text, currency, when, docs)


def render(ctx: Account) -> None:
    if ctx.writable:
        with st.form(FORM_PROMISE):
            st.markdown(
                "**Record a promise to pay** (a promise made on the phone: log the call on *Contacts*)"
            )
            entry = promise_fields(ctx, fk(FORM_PROMISE, "pr"))
            if st.form_submit_button("Save promise", type="primary") and (args := entry.to_service(ctx)):
                saved(
                    lambda: create_promise(ctx.engine, ctx.actor, ctx.customer_id, **args),
                    SAVED,
                    FORM_PROMISE,
                )
    plist = list_promises(ctx.engine, ctx.actor, ctx.customer_id)
    if plist.is_empty():
        st.info("No promise to pay recorded.")
        return
    shown = local(local(plist, "created_at", ctx.time_zone), "cancelled_at", ctx.time_zone)
    tables.show(
        shown.select(
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
        download=f"promises-{ctx.customer_id}",
        hide_index=True,
        width="stretch",
        column_config={
            "promise_id": st.column_config.NumberColumn("No.", width="small"),
            "created_at": st.column_config.DatetimeColumn("Recorded", format="DD.MM.YYYY HH:mm"),
            "created_by": "By",
            "amount": st.column_config.NumberColumn("Amount", format="%,.2f"),
            "currency": "Cur.",
            "promised_date": st.column_config.DateColumn("Promised for", format="DD.MM.YYYY"),
            "status": "Status",
            "status_decided_on": st.column_config.DateColumn("Decided on", format="DD.MM.YYYY"),
            "documents": "Documents",
            "cancelled_at": st.column_config.DatetimeColumn("Cancelled", format="DD.MM.YYYY HH:mm"),
            "cancelled_by": "Cancelled by",
            "cancel_reason": "Why cancelled",
        },
    )
    still_open = plist.filter(pl.col("status") == OPEN)
    if ctx.writable and not still_open.is_empty():
        labels = {
            r[
                "promise_id"
            ]: f"No. {r['promise_id']}: {r['currency']} {r['amount']:,.2f} for {r['promised_date']:%d.%m.%Y}"
            for r in still_open.iter_rows(named=True)
        }
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
