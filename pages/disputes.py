"""Disputes and customer inquiries: the cases of my portfolio (the team's for a lead), one case in detail.

A case comes from the URL (``/disputes?case=123``) and opens its detail; without one the page
lists the cases. The sections live in ``pages/disputes_parts``; the rules (scope, moves, SLAs,
escalation) in ``ar_core.disputes``. The case frame is read once per user and data version
(``ui.disputes``) and every filter works on it in polars, so a filter change costs no query.
"""

from __future__ import annotations

import streamlit as st

from ar_core import settings
from ar_core.access import WRITE_ALL_ROLES
from pages.disputes_parts import common, detail, filters, inquiry, past_due, table, taxonomy
from ui import data, disputes
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()
today = data.team_today()
disputes.show_flash()
cases = disputes.cases(actor)  # the core applies the portfolio rule

# 1. One case: from the URL, the list's selection or the past-due board. No ``st.stop()`` below:
#    app.py keeps the URL's query string until a page run ends, and a stopped run never ends.
case_id = common.chosen_case()
if case_id is not None:
    common.back_to_list()
    detail.show(eng, actor, case_id, today, settings.get_time_zone(eng))

# 2. The lists: all cases with filters, the late ones, a new inquiry, the taxonomy (leads).
else:
    st.title("Disputes & inquiries")
    views = {"cases": "Cases", "late": "Past due", "inquiry": "New inquiry"}
    if actor.has(*WRITE_ALL_ROLES):
        views["taxonomy"] = "Reasons & SLA"
    data.sticky("dp_view", "cases", list(views))
    view = st.segmented_control("View", list(views), format_func=views.get, key="dp_view", required=True)
    if view == "late":
        past_due.show(eng, actor, disputes.analysis(actor)[0], today)
    elif view == "inquiry":
        inquiry.form(eng, actor, disputes.reasons())
    elif view == "taxonomy":
        taxonomy.editor(eng, actor, disputes.reasons())
    elif cases.is_empty():
        st.info(
            "No dispute or inquiry case yet. Cases open from the disputed items of an ERP extract, from a "
            "customer's account (Disputes tab) or as an inquiry here (*New inquiry*)."
        )
    else:
        picked = filters.choose(cases)
        table.show(filters.apply(cases, picked, today), picked)
