"""The promise's fields, shared by the Promises tab and the contact form (a promise made on the call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
import streamlit as st

from ar_core.collections import default_promised_date, promisable_amount
from ar_core.config import today
from ar_core.ledger import open_items
from ar_core.money import parse_amount
from pages.account_tabs.common import Account
from ui import forms


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
    """The open debits a promise may cover (credits are never promised)."""
    return open_items(ctx.items, ctx.as_of).filter(pl.col("amount") > 0).sort("due_date", "doc_no")


#: The service's promise fields, as :func:`promise_fields` reserves their places (``ui.forms.slot``).
PROMISE_SLOTS = ("amount", "currency", "promised_date", "items")


def promise_fields(ctx: Account, prefix: str, slots: str = "") -> PromiseInput:
    """The promise's widgets (inside the caller's form): amount, currency, date, items.

    ``slots`` prefixes the places of the refusals when another form on the page has a promise
    too (the caller saves with ``fields={f: slots + f for f in PROMISE_SLOTS}``).
    """
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
    forms.slot(f"{slots}amount", p1)
    currency = p2.selectbox("Currency", currencies, key=f"{prefix}_cur")
    forms.slot(f"{slots}currency", p2)
    when = p3.date_input(
        "Promised payment date",
        value=default_promised_date(ctx.engine),
        min_value=first_day,
        format="DD.MM.YYYY",
        key=f"{prefix}_date",
    )
    forms.slot(f"{slots}promised_date", p3)
    docs = st.multiselect("Items covered (optional)", debits["doc_no"].to_list(), key=f"{prefix}_items")
    forms.slot(f"{slots}items")
    st.caption(f"Open debits: {caps}. The date is today ({first_day:%d.%m.%Y}) or later.")
    return PromiseInput(amount_text, currency, when, docs)
