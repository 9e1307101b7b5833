"""The filters of the Open credits tab, kept across visits (each widget drawn through ``sticky``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl
import streamlit as st

from ui.data import sticky


@dataclass(frozen=True)
class CreditFilters:
    search: str  #: part of a customer number or name
    ages: list[str]
    doc_types: list[str]
    company_codes: list[str]
    collectors: list[str]
    min_amount: Decimal  #: the smallest credit shown, as a positive amount

    def is_empty(self) -> bool:
        return not (
            self.search
            or self.ages
            or self.doc_types
            or self.company_codes
            or self.collectors
            or self.min_amount
        )


def _values(frame: pl.DataFrame, column: str) -> list[str]:
    return sorted(str(v) for v in frame[column].drop_nulls().unique().to_list())


def _pick(container, label: str, key: str, options: list[str]) -> list[str]:
    sticky(key, [], options)
    return container.multiselect(label, options, key=key, placeholder="All")


def choose(credits: pl.DataFrame) -> CreditFilters:
    """Customer and amount always in view; the rest folded away."""
    c1, c2 = st.columns([3, 1])
    sticky("cr_search", "")
    search = c1.text_input("Customer", key="cr_search", placeholder="Name or customer number")
    sticky("cr_min", 0.0)
    minimum = c2.number_input("Credits of at least", min_value=0.0, step=100.0, format="%.2f", key="cr_min")
    with st.expander("More filters: age, document type, company code, collector"):
        f1, f2, f3, f4 = st.columns(4)
        ages = credits["age_bucket"].dtype.categories.to_list() if credits.height else []
        ages = _pick(f1, "Age (days)", "cr_age", ages)
        doc_types = _pick(f2, "Document type", "cr_doc_type", _values(credits, "doc_type"))
        codes = _pick(f3, "Company code", "cr_company", _values(credits, "company_code"))
        collectors = _pick(f4, "Collector", "cr_collector", _values(credits, "collector"))
    amount = Decimal(str(minimum)).quantize(Decimal("0.01"))
    return CreditFilters(search.strip(), ages, doc_types, codes, collectors, amount)


def apply(frame: pl.DataFrame, chosen: CreditFilters, *, who_only: bool = False) -> pl.DataFrame:
    """The rows the filters keep; ``who_only``: only the customer, company code and collector filters
    (for views that are not single credits: refund candidates, miscellaneous items)."""
    view = frame
    if chosen.search:
        needle = chosen.search.lower()
        number = needle.lstrip("0") or needle
        view = view.filter(
            pl.col("customer_id").str.strip_chars_start("0").str.contains(number, literal=True)
            | pl.col("customer_name").fill_null("").str.to_lowercase().str.contains(needle, literal=True)
        )
    if chosen.company_codes and "company_code" in view.columns:
        view = view.filter(pl.col("company_code").is_in(chosen.company_codes))
    if chosen.collectors:
        view = view.filter(pl.col("collector").is_in(chosen.collectors))
    if who_only:
        return view
    if chosen.ages:
        view = view.filter(pl.col("age_bucket").cast(pl.String).is_in(chosen.ages))
    if chosen.doc_types:
        view = view.filter(pl.col("doc_type").is_in(chosen.doc_types))
    if chosen.min_amount:
        view = view.filter(pl.col("amount") <= -chosen.min_amount)
    return view
