"""What the KPIs cover: a month, a quarter or any days (default: the last full month), and the grouping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st

from ar_core.access import Actor
from ar_core.performance import last_full_periods, period_kpis
from ui import fmt, keys
from ui.data import sticky
from ui.resources import engine

PRESETS = {"month": "Month", "quarter": "Quarter", "custom": "From – to"}
TEAM = "Whole team"
GROUPS = {"total": "Total", "company_code": "Company code", "collector": "Collector", "country": "Country"}


@dataclass(frozen=True)
class Choice:
    start: date
    end: date
    by: str | None  #: None = the total
    collector: str | None = None  #: a lead's view of one collector's portfolio

    @property
    def label(self) -> str:
        return f"{fmt.day(self.start)} – {fmt.day(self.end)}"


def _month(p: tuple[date, date]) -> str:
    return f"{p[0]:%B %Y}"


def _quarter(p: tuple[date, date]) -> str:
    return f"Q{(p[0].month - 1) // 3 + 1} {p[0].year}"


def choose(today: date, collectors: list[str] | None = None) -> Choice:
    """The period and grouping; ``collectors`` (a lead's choice) adds the portfolio to look at."""
    c1, c2, c3 = st.columns([2, 3, 3])
    sticky(keys.KPI_PRESET, "month", list(PRESETS))
    preset = c1.segmented_control("Period", list(PRESETS), format_func=PRESETS.get, key=keys.KPI_PRESET,
                                  required=True)  # fmt: skip
    if preset == "custom":
        last = last_full_periods(today, "month", 1)[0]
        sticky(keys.KPI_RANGE, last)
        picked = c2.date_input("From – to", key=keys.KPI_RANGE, format="DD.MM.YYYY")
        start, end = (picked[0], picked[-1]) if picked else last
    else:
        kind_key = keys.KPI_MONTH if preset == "month" else keys.KPI_QUARTER
        options = last_full_periods(today, preset, 24 if preset == "month" else 8)
        sticky(kind_key, options[0], options)
        start, end = c2.selectbox(PRESETS[preset], options, key=kind_key,
                                  format_func=_month if preset == "month" else _quarter)  # fmt: skip
    sticky(keys.KPI_BY, "total", list(GROUPS))
    by = c3.segmented_control("Per", list(GROUPS), format_func=GROUPS.get, key=keys.KPI_BY, required=True)
    collector = None
    if collectors:
        options = [TEAM, *collectors]
        sticky(keys.KPI_COLLECTOR, TEAM, options)
        picked = st.selectbox("Portfolio", options, key=keys.KPI_COLLECTOR)
        collector = None if picked == TEAM else picked
    return Choice(start, end, None if by == "total" else by, collector)


@st.cache_data(ttl=30, max_entries=16, show_spinner="Computing the KPIs …")
def _figures(actor: Actor, start: date, end: date, by: str | None, collector: str | None) -> pl.DataFrame:
    return period_kpis(engine(), actor, start, end, by=by, collector=collector)


def figures(actor: Actor, choice: Choice) -> pl.DataFrame:
    """The KPIs of the choice, kept for half a minute per user: a rerun (a grouping back and forth)
    need not read both ledgers again; promises and cases decided meanwhile show within 30 s."""
    return _figures(actor, choice.start, choice.end, choice.by, choice.collector)


def clear_figures() -> None:
    """Forget the kept KPIs (after a sales file changed the credit sales)."""
    _figures.clear()
