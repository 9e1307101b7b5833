"""Where the account stands: the open amounts, the rank with the next best action, escalations.

Drawn in the account's fragment above the tabs (``pages/account.py``): a save on a tab reruns
that part only, and these show the new state at once (a call moves the next step, a dispute the
amount in dispute, a second voice the escalation banner).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.collections import cases_being_worked, open_escalations, with_case_parts
from ar_core.ledger import open_summary
from pages.account_tabs.common import Account
from ui import data, fmt
from ui.text import escape


def pending(ctx: Account) -> pl.DataFrame:
    """The customer's open escalations (the tabs need them before :func:`show` draws them)."""
    return open_escalations(ctx.engine, ctx.actor).filter(pl.col("customer_id") == ctx.customer_id)


def show(ctx: Account) -> None:
    """The tiles, the rank box and the open escalations of the customer (``ctx.escalations``)."""
    # "In dispute" counts what the ERP flags and the parts of items the customer's cases cover.
    _, case_parts = cases_being_worked(ctx.engine, ctx.actor, ctx.customer_id)
    summary = open_summary(with_case_parts(ctx.items, case_parts, ctx.as_of), ctx.as_of)
    for row in summary.iter_rows(named=True):
        cur = row["currency"]
        t = st.columns(4)
        t[0].metric(f"Open ({cur})", fmt.amount(row["open"]))
        t[1].metric(f"Overdue ({cur})", fmt.amount(row["overdue"]))
        t[2].metric(f"In dispute ({cur})", fmt.amount(row["disputed"]))
        t[3].metric(f"Credits ({cur})", fmt.amount(row["credits"]))
    _rank(ctx)
    for esc in ctx.escalations.iter_rows(named=True):
        st.warning(
            f"Escalated by {escape(esc['from_user'])} to **{escape(esc['to_user'])}** "
            f"on {fmt.day(esc['created_at'].date())}: {escape(esc['reason'])}"
        )


def _rank(ctx: Account) -> None:
    """The rank within what this user works on: a collector does not learn the team's size from it."""
    ranked, _missing = data.worklist(ctx.actor, ctx.snapshot_id, ctx.as_of)
    mine = ranked.filter(pl.col("customer_id") == ctx.customer_id)
    if not mine.height:
        return
    r = mine.row(0, named=True)
    due = "due today" if r["due_today"] else f"next step on {fmt.day(r['next_action_date'])}"
    st.info(
        f"**Rank {r['rank']}** of {ranked.height} · score {r['score']:.0f} · next best action: "
        f"**{escape(r['next_action'])}** ({due})  \n" + "; ".join(escape(x) for x in r["reasons"])
    )
    if r["paid_unapplied"]:  # matched at the bank, not yet applied in the ERP: not chased meanwhile
        st.success(
            f"**Paid, not yet applied:** {fmt.money(r['paid_unapplied'], r['currency'])} arrived at the "
            "bank and waits for the ERP; it is left out of the collectable amount (Credit balances → "
            "Bank payments)."
        )
