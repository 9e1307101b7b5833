"""Warnings several pages show above their figures: FX rates missing or old."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ar_core import settings
from ar_core.ledger import stale_rates
from ui import data, fmt
from ui.resources import engine
from ui.text import escape


def fx_warnings(snapshot_id: int, as_of: date, missing: list[str]) -> None:
    """Name the currencies without a rate (left out) and those converted at an old rate (used)."""
    eng = engine()
    reporting = settings.get_reporting_currency(eng)
    currencies = data.currencies(snapshot_id)
    stale = stale_rates(eng, as_of, currencies, reporting, settings.get_fx_max_age_days(eng))
    if stale:
        listed = ", ".join(
            f"{escape(r['currency'])} of {fmt.day(r['rate_date'])} ({r['age_days']} days old)" for r in stale
        )
        st.warning(f"Old FX rates are in use: {listed}. A lead can enter current rates under Settings.")
    if missing:
        st.warning(
            f"No FX rate for {', '.join(escape(c) for c in missing)} on {fmt.day(as_of)}: those items are "
            f"left out of the amounts in {escape(reporting)}. A lead can enter rates under Settings."
        )
