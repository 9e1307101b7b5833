"""What the analysis covers: disputes, inquiries or both; the cases open now or opened in a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
import streamlit as st

from ar_core.disputes import open_cases, opened_between
from ui import fmt
from ui.data import sticky

TYPES = {"dispute": "Disputes", "inquiry": "Inquiries", "both": "Both"}
BASES = {"open": "Open now", "period": "Opened in a period"}


#: The groupings of the Pareto view and their labels.
LABELS = {
    "reason": "Reason",
    "category": "Root-cause category",
    "customer": "Customer",
    "resolver": "Resolver department",
    "company_code": "Company code",
    "country": "Country",
    "collector": "Collector",
}
#: How a case without the key (no country, no resolver yet) is named and chosen.
NONE = "(none)"


@dataclass(frozen=True)
class Scope:
    cases: pl.DataFrame  #: every case of the chosen type (trend, cycle time and credit notes work on it)
    basis: pl.DataFrame  #: the cases the Pareto counts: open now, or opened in the period
    start: date | None
    end: date | None
    what: str  #: e.g. "disputes open on 20 Nov 2026"


def choose(cases: pl.DataFrame, today: date) -> Scope:
    c1, c2, c3 = st.columns([2, 2, 3])
    sticky("rc_type", "dispute", list(TYPES))
    kind = c1.segmented_control("Cases", list(TYPES), format_func=TYPES.get, key="rc_type", required=True)
    sticky("rc_basis", "open", list(BASES))
    basis = c2.segmented_control("Count", list(BASES), format_func=BASES.get, key="rc_basis", required=True)
    chosen = cases if kind == "both" else cases.filter(pl.col("type") == kind)
    noun = {"dispute": "disputes", "inquiry": "inquiries", "both": "disputes and inquiries"}[kind]
    if basis == "open":
        return Scope(chosen, open_cases(chosen, today), None, None, f"{noun} open on {fmt.day(today)}")
    sticky("rc_period", (today - timedelta(days=90), today))
    period = c3.date_input("Opened from – to", key="rc_period", format="DD.MM.YYYY", max_value=today)
    start, end = (period[0], period[-1]) if period else (today, today)
    what = f"{noun} opened {fmt.day(start)} – {fmt.day(end)}"
    return Scope(chosen, opened_between(chosen, start, end), start, end, what)
