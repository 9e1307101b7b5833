"""KPIs (everyone; a collector sees their own portfolio): the order-to-cash KPIs of a period as the
Credit Research Foundation defines them, each with its definition and its inputs.

DSO (simple and count-back), best possible DSO, ADD, CEI, % current and over 90, days late, the
promise kept rate and the dispute cycle time, in total or per company code, collector or country,
in the reporting currency. Beginning and ending AR say which snapshot they were read from, credit
sales whether they come from the invoices or the monthly sales file. The figures come from
``ar_core.performance.period_kpis`` (the same as ``python -m ar_core kpis``); the sections live in
``pages/kpis_parts``.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from ar_core.access import READ_ALL_ROLES
from ar_core.errors import ArDeskError
from pages.kpis_parts import groups, period, sales, values
from ui import data
from ui.guard import require
from ui.text import escape

actor = require()
today = data.team_today()

st.title("KPIs")
if not actor.has(*READ_ALL_ROLES):
    st.caption("The KPIs of your own portfolio.")

# 1. The period, the grouping and (for a lead) whose portfolio.
choice = period.choose(today, data.collectors() if actor.has(*READ_ALL_ROLES) else None)

# 2. The figures: said, not stopped, when the store has nothing to read them from.
try:
    frame = period.figures(actor, choice)
except ArDeskError as exc:
    frame = None
    st.info(f"No KPIs for {choice.label}: {escape(exc)}")

if frame is not None and frame.is_empty():
    st.info(f"Nothing in your portfolio to measure for {choice.label}.")
elif frame is not None:
    currency = frame["currency"][0]
    st.caption(
        f"{choice.label}: D = {frame['days'][0]} days, N = {frame['months'][0]} months; amounts in "
        f"{escape(currency)} at the rates in force at the end of the period."
    )
    if choice.by is None:
        values.show(frame.row(0, named=True))
    else:
        groups.show(frame, choice.by, currency)
        with st.expander("Definitions and inputs of the total"):
            values.show(period.figures(actor, replace(choice, by=None)).row(0, named=True))

# 3. The monthly sales file, for leads, controllers and admins.
sales.show(actor)
