"""The Open credits tab's views besides the list: credits summed by one dimension, the customers
we owe a refund (net credit balance), and the miscellaneous items with their aging. Each takes
what the filters kept, so its figures are those of the rows the user sees.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.credit import credits_by, misc_aging, miscellaneous_items
from pages.credit_parts import charts
from pages.credit_parts.common import Credit
from pages.credit_parts.decide_forms import refund
from pages.credit_parts.filters import CreditFilters, apply
from pages.credit_parts.labels import columns, texts
from ui import fmt
from ui.components import count_column, money_column, record_table
from ui.data import sticky

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


def refunds(frame: pl.DataFrame, credits: pl.DataFrame, ctx: Credit) -> None:
    """The customers we owe money; one of their credits can be marked for refund right here."""
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
    owed = credits.filter(pl.col("customer_id").is_in(frame["customer_id"].implode()))
    if not ctx.writes or owed.is_empty():
        return
    labels = {
        r["credit_key"]: f"{r['customer_id']} — {r['doc_no']} ({fmt.money(r['amount'], r['currency'])})"
        for r in owed.iter_rows(named=True)
    }
    st.markdown("**Mark a credit for refund**")
    key = st.selectbox("Credit", list(labels), format_func=labels.get, key="cr_rf_credit")
    doc = owed.filter(pl.col("credit_key") == key)["doc_no"].item()
    refund(ctx, {"credit_key": key, "credit_doc": doc})


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
