"""The customer's dispute and inquiry cases, each linked to its page, and opening a dispute."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.disputes import LEVELS, WORKING, list_cases, open_case
from pages.account_tabs.case_fields import candidates, case_fields
from pages.account_tabs.common import Account, saved
from ui import fmt
from ui.components import date_column, money_column, record_table

FORM_OPEN = "open_dispute"
#: ``disputes.open_case``'s fields -> where this form shows their refusals (the contact form on
#: the same page has items and amounts of its own).
SLOTS = {
    "reason": "dp_reason",
    "items": "dp_items",
    "amount": "dp_items",
    "resolver_department": "dp_department",
    "note": "dp_note",
}
#: The page of one case (another part of the app): ``/disputes?case=12``.
CASE_URL = "/disputes?case={}"


def render(ctx: Account) -> None:
    _cases(ctx)
    if ctx.writable:
        _open_form(ctx)


def _cases(ctx: Account) -> None:
    cases = list_cases(ctx.engine, ctx.actor, customer_id=ctx.customer_id)
    if cases.is_empty():
        st.info("No dispute or inquiry for this customer yet.")
        return
    working = cases.filter(pl.col("status").is_in(WORKING)).height
    st.caption(f"{cases.height} cases, {working} being worked. A case number opens the case.")
    levels = {k: f"{k} · {v}" for k, v in LEVELS.items()}
    shown = cases.sort("opened", "case_id", descending=True).select(
        pl.format(CASE_URL, pl.col("case_id")).alias("case"),
        "type",
        "reason_label",
        "category",
        "status",
        "opened",
        "due",
        "next_action_date",
        "amount",
        "currency",
        pl.concat_str("resolver_department", "resolver", separator=" · ", ignore_nulls=True).alias(
            "resolver"
        ),
        "collector",
        pl.col("level").replace_strict(levels, default="—", return_dtype=pl.String).alias("level"),
        "resolution",
        "resolved",
        "credited",
        "case_id",
        "reason",
        "items",
        "source",
        "erp_case_id",
        "contact_id",
    )
    # Columns that would say nothing are left out, so the table fits the screen (1,600 px); one
    # currency is named in the amount's label.
    empty = [
        c for c in ("next_action_date", "resolution", "resolved", "credited") if shown[c].is_null().all()
    ]
    currencies = cases["currency"].unique().to_list()
    one = currencies[0] if len(currencies) == 1 else None
    record_table(
        shown.drop(empty),
        {
            "case": st.column_config.LinkColumn("Case", display_text=r"case=(\d+)$", width=55),
            "type": st.column_config.TextColumn("Type", width=65),
            "reason_label": st.column_config.TextColumn("Reason", width=190),
            "category": st.column_config.TextColumn("Root cause", width=115),
            "status": st.column_config.TextColumn("Status", width=100),
            "opened": None,  # in the download; the due date says more on screen
            "due": date_column("Due", width=85),
            "next_action_date": date_column("Next action", width=85),
            "amount": money_column(f"Disputed ({one})" if one else "Disputed", width=110),
            "currency": None if one else st.column_config.TextColumn("Cur.", width=45),
            "resolver": st.column_config.TextColumn("Resolver", width=140),
            "collector": st.column_config.TextColumn("Owner", width=75),
            "level": st.column_config.TextColumn("Escalation", width=95),
            "resolution": "Resolution",
            "resolved": date_column("Resolved"),
            "credited": money_column("Credited"),
            "case_id": None,
            "reason": None,
            "items": None,
            "source": None,
            "erp_case_id": None,
            "contact_id": None,
        },
        download=f"cases-{ctx.customer_id}",
    )


def _open_form(ctx: Account) -> None:
    invoices = candidates(ctx)
    with st.form(FORM_OPEN):
        st.markdown("**Open a dispute**")
        st.caption(
            f"Open invoices at {fmt.day(ctx.as_of)}: tick the disputed ones and lower the disputed "
            "amount when the customer disputes only part of an invoice. The reason sets the due date "
            "(its SLA) and the department that resolves it."
        )
        entry = case_fields(ctx, FORM_OPEN, "dp", invoices, kinds=("dispute",), slots="dp_")
        if st.form_submit_button("Open dispute", type="primary"):
            saved(
                lambda: open_case(
                    ctx.engine,
                    ctx.actor,
                    ctx.customer_id,
                    reason=entry.reason,
                    items=entry.items,
                    resolver_department=entry.department,
                    note=entry.note,
                ),
                lambda case_id: f"Dispute opened as case {case_id}.",
                FORM_OPEN,
                fields=SLOTS,
            )
