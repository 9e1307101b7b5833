"""Open credits tab: the check against the snapshot, the filters, and one view at a time.

The views are ``ar_core.credit``'s pure functions over the items the user may read
(``ar_core.ledger.items_for``); the filters only narrow what those functions returned. The list
lives here; the totals, net-credit customers and miscellaneous items are ``credit_views``.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.credit import net_credit_customers, open_credits, reconcile_totals
from ar_core.ledger import items_for
from pages.credit_parts.common import Credit
from pages.credit_parts.credit_views import misc, refunds, totals
from pages.credit_parts.filters import apply, choose
from pages.credit_parts.labels import columns, texts
from ui import data, fmt
from ui.components import record_table
from ui.data import sticky
from ui.text import escape

VIEWS = {
    "list": "Open credits",
    "totals": "Totals",
    "refunds": "Net-credit customers",
    "misc": "Miscellaneous items",
}


def render(ctx: Credit) -> None:
    items = items_for(ctx.engine, ctx.actor, ctx.snapshot_id)
    customers = data.customers(ctx.actor)
    edges = tuple(settings.get_aging_edges(ctx.engine))
    credits = open_credits(items, ctx.as_of, customers, edges=edges)
    reconciled(items, ctx, customers)
    whose = "the ledger" if ctx.whole_team else "your portfolio"
    if credits.is_empty():
        st.info(f"No open credits in {whose} at the snapshot of {fmt.day(ctx.as_of)}.")
    picked = choose(credits)
    shown = apply(credits, picked)
    sticky("cr_view", "list", list(VIEWS))
    view = st.segmented_control("View", list(VIEWS), format_func=VIEWS.get, key="cr_view", required=True)
    if view == "list":
        credit_list(shown)
    elif view == "totals":
        totals(items, shown, picked, ctx, customers=customers, edges=edges)
    elif view == "refunds":
        refunds(apply(net_credit_customers(items, ctx.as_of, customers), picked, who_only=True), credits, ctx)
    else:
        misc(items, ctx, customers, picked, edges)


def reconciled(items: pl.DataFrame, ctx: Credit, customers: pl.DataFrame) -> None:
    """One line: do the views add up to the snapshot, to the cent, per currency."""
    check = reconcile_totals(items, ctx.as_of, customers)
    figures = check["currencies"]
    if not figures:
        return
    parts = "; ".join(
        f"{fmt.money(f['open_credits'], cur)} in {f['credit_items']:,} open credits"
        for cur, f in figures.items()
    )
    if check["reconciles"]:
        st.caption(f"Reconciles with the snapshot of {fmt.day(ctx.as_of)}: **yes** ({escape(parts)})")
    else:
        off = ", ".join(escape(c) for c, f in figures.items() if not f["reconciles"])
        st.warning(
            f"Does **not** reconcile with the snapshot in {off} ({escape(parts)}). Tell the team lead."
        )


def credit_list(shown: pl.DataFrame) -> None:
    metrics(shown)
    if shown.is_empty():
        return
    record_table(texts(shown, "age_bucket"), columns(), download="open-credits")


def metrics(shown: pl.DataFrame) -> None:
    sums = shown.group_by("currency").agg(pl.col("amount").sum()).sort("currency")
    m1, m2 = st.columns([1, 3])
    m1.metric("Open credits", f"{shown.height:,}")
    m2.metric("Amount", fmt.totals(dict(sums.iter_rows())))
