"""The case list: totals, sort and page, and the table whose selected row opens the case."""

from __future__ import annotations

from dataclasses import astuple

import polars as pl
import streamlit as st

from ar_core.collections import page
from pages.disputes_parts.common import (
    TYPE_LABELS,
    case_columns,
    customer_expr,
    level_number,
    narrow_padding,
    one_currency,
    open_case,
    resolver_expr,
)
from pages.disputes_parts.filters import Filters
from ui import fmt
from ui.components import record_table
from ui.data import sticky

#: Sort label -> (columns, descending).
SORTS = {
    "Due date (oldest first)": (["due", "case_id"], [False, False]),
    "Days late": (["days_late", "case_id"], [True, False]),
    "Amount": (["amount", "case_id"], [True, False]),
    "Opened (newest first)": (["opened", "case_id"], [True, True]),
    "Case number": (["case_id"], [False]),
}
PAGE_SIZES = [25, 50, 100]


def show(view: pl.DataFrame, chosen: Filters) -> None:
    """Totals of what the filters keep, then the page of cases."""
    metrics(view)
    if view.is_empty():
        st.info("No case with these filters.")
        return
    shown = sort_and_page(view, chosen)
    narrow_padding()
    table(shown)


def metrics(view: pl.DataFrame) -> None:
    """How many cases the filters keep, their amounts per currency, how many run late or are escalated."""
    m1, m2, m3, m4 = st.columns([1, 3, 1, 1])
    m1.metric("Cases listed", f"{view.height:,}")
    totals = view.group_by("currency").agg(pl.col("amount").sum()).sort("currency")
    m2.metric("Amount", fmt.totals(dict(totals.iter_rows())))
    m3.metric("Past due", f"{view['days_late'].is_not_null().sum():,}")
    m4.metric("Escalated", f"{(view['level'] > 0).sum():,}")


def sort_and_page(view: pl.DataFrame, chosen: Filters) -> pl.DataFrame:
    """The rows of the page shown; a new filter, sort or page size starts at page 1, coming back does not."""
    s1, s2, s3 = st.columns([2, 1, 1])
    sticky("dp_sort", next(iter(SORTS)), list(SORTS))
    sort_label = s1.selectbox("Sort by", list(SORTS), key="dp_sort")
    sticky("dp_size", PAGE_SIZES[0], PAGE_SIZES)
    size = s2.selectbox("Rows per page", PAGE_SIZES, key="dp_size")
    columns, descending = SORTS[sort_label]
    view = view.sort(columns, descending=descending, nulls_last=True)
    pages = max(1, -(-view.height // size))
    choice = repr((*astuple(chosen), sort_label, size))
    if st.session_state.get("_kept_dp_choice", choice) != choice:
        st.session_state["dp_page"] = 1
    st.session_state["_kept_dp_choice"] = choice
    sticky("dp_page", 1)
    st.session_state["dp_page"] = min(max(1, int(st.session_state["dp_page"])), pages)
    number = s3.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, key="dp_page")
    return page(view, int(number), size)[0]


def rows(shown: pl.DataFrame) -> pl.DataFrame:
    """A case frame as the tables show it: readable texts, one column per fact."""
    return shown.select(
        "case_id",
        pl.col("type").replace_strict(TYPE_LABELS, default=pl.col("type")),
        customer_expr(),
        "reason",
        pl.col("category").fill_null("unmapped"),
        "status",
        "collector",
        resolver_expr(),
        "opened",
        "due",
        "days_late",
        level_number(),
        "amount",
        "currency",
        "customer_id",
        pl.col("reason_label")
        if "reason_label" in shown.columns
        else pl.lit(None, pl.String).alias("reason_label"),
    )


def table(shown: pl.DataFrame) -> None:
    """The page of cases; selecting a row opens that case."""
    currency = one_currency(shown)
    event = record_table(
        rows(shown),
        {**case_columns(currency), "customer_id": None, "reason_label": None},
        download="disputes",
        placeholder="—",
        height=38 + 35 * shown.height,
        on_select="rerun",
        selection_mode="single-row",
        key="dp_table",
    )
    selected = event.selection.rows if event and event.selection else []
    if selected:
        open_case(int(shown["case_id"][selected[0]]))
    st.caption("Select a row to open the case. Filters, sort and page stay as they are.")
