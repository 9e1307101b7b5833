"""The filters of the worklist, kept across a visit to an account (each widget drawn through ``sticky``)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core import settings
from ar_core.access import Actor
from ar_core.collections import DISPUTE_STATES, filter_worklist
from ar_core.ledger import bucket_labels
from ui.data import sticky


@dataclass(frozen=True)
class Filters:
    countries: list[str]
    codes: list[str]
    risk: list[str]
    buckets: list[str]
    dispute: str  #: ``"all"`` or one of ``DISPUTE_STATES``
    today_only: bool


def _values(frame: pl.DataFrame, column: str) -> list:
    return sorted(frame[column].drop_nulls().unique().to_list())


def _pick(container, label: str, key: str, options: list) -> list:
    sticky(key, [], options)
    return container.multiselect(label, options, key=key)


def choose(eng: sa.Engine, frame: pl.DataFrame) -> Filters:
    """The filter widgets, folded away: most days a collector works the list as ranked."""
    with st.expander("Filters", expanded=False):
        c1, c2, c3 = st.columns(3)
        countries = _pick(c1, "Country", "wl_country", _values(frame, "country"))
        codes = _pick(c2, "Company code", "wl_cc", _values(frame, "company_code"))
        risk = _pick(c3, "Risk class", "wl_risk", _values(frame, "risk_class"))
        c4, c5, c6 = st.columns(3)
        buckets = _pick(c4, "Worst aging bucket", "wl_bucket", bucket_labels(settings.get_aging_edges(eng)))
        sticky("wl_dispute", "all", ["all", *DISPUTE_STATES])
        dispute = c5.selectbox("Disputes", ["all", *DISPUTE_STATES], key="wl_dispute")
        sticky("wl_today", True)
        today_only = c6.toggle(
            "Due today only",
            key="wl_today",
            help="Hides customers with a promise not yet due or a call-back agreed for later — never a "
            "case escalated to you, nor (for a lead) a legal-review case.",
        )
    return Filters(countries, codes, risk, buckets, dispute, today_only)


def apply(frame: pl.DataFrame, chosen: Filters, actor: Actor) -> pl.DataFrame:
    """The rows the filters keep; an empty choice keeps every row."""
    return filter_worklist(
        frame,
        countries=chosen.countries or None,
        company_codes=chosen.codes or None,
        risk_classes=chosen.risk or None,
        buckets=chosen.buckets or None,
        dispute_state=None if chosen.dispute == "all" else chosen.dispute,
        today_only=chosen.today_only,
        viewer=actor.username,
        lead=actor.has("lead"),
    )
