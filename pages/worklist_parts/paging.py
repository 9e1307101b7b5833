"""Sort and page through the worklist: a new choice starts at page 1, coming back from an account does not."""

from __future__ import annotations

from dataclasses import astuple

import polars as pl
import streamlit as st

from ar_core.collections import page
from pages.worklist_parts.filters import Filters
from ui.data import sticky

#: Sort label -> (column, descending).
SORTS = {
    "Priority (rank)": ("rank", False),
    "Overdue (collectable)": ("overdue_collectable", True),
    "Days overdue": ("max_days_overdue", True),
    "Open (net of credits)": ("open_amount", True),
}


def sort_and_page(view: pl.DataFrame, who: str, chosen: Filters) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """``(sorted view, rows of the page, rows in all)`` with the Sort, Rows and Page widgets."""
    s1, s2, s3 = st.columns([2, 1, 1])
    sticky("wl_sort", "Priority (rank)", list(SORTS))
    sort_label = s1.selectbox("Sort by", list(SORTS), key="wl_sort")
    sticky("wl_size", 25, [25, 50, 100])
    page_size = s2.selectbox("Rows per page", [25, 50, 100], key="wl_size")
    column, descending = SORTS[sort_label]
    view = view.sort(column, descending=descending, nulls_last=True)
    pages = max(1, -(-view.height // page_size))
    # A new choice of portfolio, filter, sort or page size starts at page 1; coming back does not.
    choice = repr((who, *astuple(chosen), sort_label, page_size))
    if st.session_state.get("_kept_wl_choice", choice) != choice:
        st.session_state["wl_page"] = 1
    st.session_state["_kept_wl_choice"] = choice
    sticky("wl_page", 1)
    st.session_state["wl_page"] = min(max(1, int(st.session_state["wl_page"])), pages)
    page_no = s3.number_input(f"Page (of {pages})", min_value=1, max_value=pages, key="wl_page")
    shown, total = page(view, int(page_no), page_size)
    return view, shown, total
