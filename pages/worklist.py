"""Worklist: whom to call first and why — my portfolio by default, the team for a lead.

The sections live in ``pages/worklist_parts``; scoping, ranking and filtering in ``ar_core.collections``.
Filters, sort and page survive a visit to an account: every widget is drawn through ``ui.data.sticky``.
"""

from __future__ import annotations

import streamlit as st

from ar_core import settings
from pages.home_parts import sop_acknowledgements, training_risks
from pages.worklist_parts import filters, paging, scope, table
from ui import data
from ui.components import latest_snapshot
from ui.guard import fragment_run, require
from ui.resources import engine

actor = require()
eng = engine()

st.title("Worklist")
# What the person has to read or catch up on, where they land after login (details on the Overview).
sop_acknowledgements.notice(actor)
training_risks.show(actor)
latest = latest_snapshot("No snapshot yet: the worklist starts with the first ERP extract (Upload page).")


@st.fragment
def _worklist(actor, eng, latest) -> None:
    """Portfolio, filters, totals and table: a filter change reruns only this part of the page.

    The title, the notices and the sidebar stay as they are (nothing of theirs depends on a filter),
    so a filter change costs the server and the browser a fraction of a page run. A row selection
    switches to the account (a whole-app run). The session is checked again on every rerun here.
    """
    with fragment_run(actor, "worklist#filters"):
        # 1. Whose portfolio. The core scopes and ranks: "rank 1" is the first call of the chosen
        #    portfolio, not the team's.
        who, chosen = scope.portfolio(actor)
        frame, missing_fx = data.worklist(actor, latest["snapshot_id"], latest["as_of"], chosen)
        scope.warnings(actor, latest, frame, missing_fx, chosen)

        # 2. Which customers, in which order, which page of them.
        picked = filters.choose(eng, frame)
        view = filters.apply(frame, picked, actor)
        # Amounts come in the reporting currency; an empty worklist cannot say which, the setting does.
        cur = frame["currency"][0] if frame.height else settings.get_reporting_currency(eng)
        view, shown, total = paging.sort_and_page(view, who, picked)

        # 3. The totals, then the table: selecting a row opens the account.
        table.metrics(actor, frame, view, total, cur)
        if shown.is_empty():
            st.info(
                "Nothing to show with these filters."
                + (" Switch off *Due today only* to see snoozed customers." if picked.today_only else "")
            )
            return
        # Narrower side padding: the table's columns (worklist_parts.table) fit 1,600 px with the sidebar.
        st.markdown(
            "<style>[data-testid='stMainBlockContainer'] {padding-left: 2rem; padding-right: 2rem;}</style>",
            unsafe_allow_html=True,
        )
        table.table(shown, cur)


_worklist(actor, eng, latest)
