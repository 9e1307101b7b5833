"""Root causes (lead, admin, controller): why customers dispute, where the cases pile up, how long they take.

Pareto by reason, category, customer, resolver, company code, country and collector with the
cases behind each bar; the trend per snapshot; cycle time; credit notes by root cause; the whole
analysis as a workbook for the meeting with the internal customer. The figures come from
``ar_core.disputes`` (the same rules as the CLI and the workbook); the sections live in
``pages/root_causes_parts``.
"""

from __future__ import annotations

import streamlit as st

from ar_core import settings
from ar_core.access import READ_ALL_ROLES
from ar_core.disputes import root_cause_workbook
from pages.root_causes_parts import controls, credit, cycle, pareto, trend
from ui import data, disputes
from ui.guard import require
from ui.resources import engine
from ui.text import escape

actor = require(*READ_ALL_ROLES)
eng = engine()
today = data.team_today()

st.title("Root causes")
cases, missing_fx = disputes.analysis(actor)
if cases.is_empty():  # said, not stopped: app.py keeps a URL's query string until a page run ends
    st.info(
        "No dispute or inquiry case yet, so there is nothing to analyse. Cases open from the disputed "
        "items of an ERP extract (Upload), from a customer's account, or as inquiries on the Disputes page."
    )
else:
    currency = settings.get_reporting_currency(eng)
    if missing_fx:
        st.warning(
            f"No FX rate for {', '.join(escape(c) for c in missing_fx)} at the latest snapshot: those "
            f"cases count with their own amount as if it were {escape(currency)}. A lead can enter rates "
            "under Settings."
        )

    # 1. What is counted: disputes, inquiries or both; open now or opened in a period.
    scope = controls.choose(cases, today)
    dates = sorted(set(data.snapshot_list()["as_of"].to_list()))

    # 2. The views, each over the same choice.
    ranked, over_time, cycle_times, credits = st.tabs(["Pareto", "Trend", "Cycle time", "Credit notes"])
    with ranked:
        pareto.show(scope, currency)
    with over_time:
        trend.show(scope, dates, currency)
    with cycle_times:
        cycle.show(scope)
    with credits:
        credit.show(scope, currency)

    # 3. The meeting workbook: every view on its own sheet, with the cases behind each figure.
    st.download_button(
        "Download the analysis (XLSX)",
        lambda: root_cause_workbook(scope.cases, today, dates, start=scope.start, end=scope.end),
        file_name=f"root-causes-{today.isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
        key="rc_workbook",
        help=f"One sheet per view of the {scope.what}, plus every case behind the figures.",
    )
