"""Open credits tab: the check against the snapshot, the filters, and one view at a time.

The views are ``ar_core.credit``'s pure functions over the items the user may read
(``ar_core.ledger.items_for``); the filters only narrow what those functions returned.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.credit import (
    credits_by,
    misc_aging,
    miscellaneous_items,
    net_credit_customers,
    open_credits,
    reconcile_totals,
)
from ar_core.ledger import items_for
from pages.credit_parts import charts
from pages.credit_parts.common import Credit, columns, texts
from pages.credit_parts.filters import CreditFilters, apply, choose
from ui import data, fmt
from ui.components import count_column, money_column, record_table
from ui.data import sticky
from ui.text import escape

VIEWS = {
    "list": "Open credits",
    "totals": "Totals",
    "refunds": "Net-credit customers",
    "misc": "Miscellaneous items",
}
BY = {
    "customer": "Customer",
    "age": "Age",
    "doc_type": "Document type",
    "company_code": "Company code",
    "collector": "Collector",
}
REASONS = {
    "residual": "residual",
    "small_difference": "small difference",
    "unusual_doc_type": "unusual doc type",
    "no_due_date": "no due date",
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
        refunds(apply(net_credit_customers(items, ctx.as_of, customers), picked, who_only=True))
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


def totals(items, shown, picked: CreditFilters, ctx: Credit, *, customers, edges) -> None:
    """Credits summed by one dimension (only those the filters keep), chart and table."""
    sticky("cr_by", "customer", list(BY))
    by = st.segmented_control("Sum by", list(BY), format_func=BY.get, key="cr_by", required=True)
    if shown.is_empty():
        st.info("No open credit with these filters.")
        return
    kept = items if picked.is_empty() else _items_of(items, shown)
    table = credits_by(kept, ctx.as_of, by, customers, edges=edges)
    key = {"customer": "customer_id", "age": "age_bucket"}.get(by, by)
    table = texts(table, key)
    charts.totals(table, key, BY[by], ordered=by == "age")
    record_table(
        table,
        {
            **columns(),
            key: BY[by],
            "count": count_column("Credits"),
            "total": money_column("Total"),
        },
        download=f"credits-by-{by}",
    )


def _items_of(items: pl.DataFrame, shown: pl.DataFrame) -> pl.DataFrame:
    """The snapshot items behind the credits the filters keep (so the service sums exactly those)."""
    on = ["customer_id", "company_code", "doc_no", "doc_date", "amount", "currency"]
    return items.join(shown.select(on).unique(), on=on, how="semi", nulls_equal=True)


def refunds(frame: pl.DataFrame) -> None:
    if frame.is_empty():
        st.info("No customer with a net credit balance: nobody is owed a refund.")
        return
    st.caption("Customers whose open items add up to a credit: we owe them money — refund or apply.")
    record_table(
        frame,
        {
            **columns(),
            "debits": money_column("Open debits"),
            "credits": money_column("Open credits"),
            "net": money_column("Net balance"),
            "credit_items": count_column("Credit items"),
        },
        download="net-credit-customers",
    )


def misc(items, ctx: Credit, customers, picked: CreditFilters, edges) -> None:
    """Residuals, small differences, odd document types and items without a due date, with their aging."""
    listed = apply(miscellaneous_items(items, ctx.as_of, customers, edges=edges), picked, who_only=True)
    if listed.is_empty():
        st.info("No miscellaneous items (residuals, small differences, unusual document types).")
        return
    readable = listed.with_columns(
        pl.col("reasons").list.eval(pl.element().replace(REASONS)).list.join(", "),
        pl.col("bucket").cast(pl.String),
    )
    st.caption(f"{listed.height:,} items that are clutter or need a look, debits and credits alike.")
    record_table(readable, columns(), download="miscellaneous-items")
    st.subheader("Aging of the miscellaneous items")
    kept = items if picked.is_empty() else _items_of(items, listed)
    aging = misc_aging(kept, ctx.as_of, customers, edges=edges)
    money = {c: money_column(c) for c in aging.columns if c != "currency"}
    record_table(
        aging, {"currency": "Currency", **money, "total": money_column("Total")}, download="misc-aging"
    )
