"""The filters of the case list, kept across a visit to a case (each widget drawn through ``sticky``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st

from ar_core.disputes import CASE_TYPES, DEPARTMENTS, STATUS_FILTERS, WORKING, past_due
from ui.data import sticky

TYPES = {"both": "Disputes and inquiries", "dispute": "Disputes", "inquiry": "Inquiries"}
STATUS_LABELS = {"open": "Open (being worked)", "closed": "Resolved or closed", "all": "All"}


@dataclass(frozen=True)
class Filters:
    case_type: str  #: ``"both"`` or one of ``CASE_TYPES``
    status: str  #: one of ``STATUS_FILTERS``
    reasons: list[str]
    categories: list[str]
    owners: list[str]
    departments: list[str]
    search: str
    past_due_only: bool


def _values(frame: pl.DataFrame, column: str) -> list[str]:
    return sorted(frame[column].drop_nulls().unique().to_list())


def _pick(container, label: str, key: str, options: list[str], **kw) -> list[str]:
    sticky(key, [], options)
    return container.multiselect(label, options, key=key, placeholder="All", **kw)


def choose(frame: pl.DataFrame) -> Filters:
    """Type, status and the search always in view; the rest folded away."""
    c1, c2, c3, c4 = st.columns([2, 2, 3, 1], vertical_alignment="bottom")
    sticky("dp_type", "both", list(TYPES))
    case_type = c1.selectbox("Type", list(TYPES), format_func=TYPES.get, key="dp_type")
    sticky("dp_status", "open", list(STATUS_FILTERS))
    status = c2.selectbox("Status", list(STATUS_FILTERS), format_func=STATUS_LABELS.get, key="dp_status")
    sticky("dp_search", "")
    search = c3.text_input("Customer", key="dp_search", placeholder="Name or customer number")
    sticky("dp_late", False)
    late = c4.toggle("Past due only", key="dp_late", help="Being worked and past the due date of its SLA.")
    with st.expander("More filters: reason, root cause, owner, resolver"):
        f1, f2, f3, f4 = st.columns(4)
        reasons = _pick(f1, "Reason", "dp_reason", _values(frame, "reason"))
        categories = _pick(
            f2, "Root-cause category", "dp_category", [*_values(frame, "category"), "unmapped"]
        )
        owners = _pick(f3, "Owner (collector)", "dp_owner", _values(frame, "collector"))
        departments = _pick(f4, "Resolver department", "dp_department", list(DEPARTMENTS))
    return Filters(case_type, status, reasons, categories, owners, departments, search.strip(), late)


def apply(frame: pl.DataFrame, chosen: Filters, today: date) -> pl.DataFrame:
    """The cases the filters keep, with ``days_late`` (being worked, past due at ``today``)."""
    late = past_due(frame, today).select("case_id", "days_late")
    view = frame.join(late, on="case_id", how="left")
    if chosen.case_type in CASE_TYPES:
        view = view.filter(pl.col("type") == chosen.case_type)
    if chosen.status == "open":
        view = view.filter(pl.col("status").is_in(WORKING))
    elif chosen.status == "closed":
        view = view.filter(~pl.col("status").is_in(WORKING))
    if chosen.reasons:
        view = view.filter(pl.col("reason").is_in(chosen.reasons))
    if chosen.categories:
        view = view.filter(pl.col("category").fill_null("unmapped").is_in(chosen.categories))
    if chosen.owners:
        view = view.filter(pl.col("collector").is_in(chosen.owners))
    if chosen.departments:
        view = view.filter(pl.col("resolver_department").is_in(chosen.departments))
    if chosen.search:
        needle = chosen.search.lower()
        view = view.filter(
            pl.col("customer_id").str.to_lowercase().str.contains(needle, literal=True)
            | pl.col("customer_name").fill_null("").str.to_lowercase().str.contains(needle, literal=True)
        )
    if chosen.past_due_only:
        view = view.filter(pl.col("days_late").is_not_null())
    return view
