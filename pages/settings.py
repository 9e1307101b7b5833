"""Settings (lead, admin): priority, promises and aging, FX rates, team and imports, credits, letterhead.

Each tab is a function in ``pages/settings_parts``; ``ar_core.settings`` checks every value and
writes the audit entry, and a save clears the ledger-derived caches (``ui.data.save``).
"""

from __future__ import annotations

import streamlit as st

from pages.settings_parts import NOTICE, credit, fx, general, interest_rates, payment, priority
from ui.guard import require
from ui.resources import engine

actor = require("lead", "admin")
eng = engine()

st.title("Settings")
st.caption("Every change is written to the audit log with the values before and after.")
if notice := st.session_state.pop(NOTICE, None):
    st.success(notice)

weights, promises, rates, team, credits, letterhead, interest = st.tabs(
    [
        "Priority score",
        "Promises & aging",
        "FX rates",
        "Team & imports",
        "Credits",
        "Letterhead",
        "Interest rates",
    ]
)

# How the worklist ranks customers.
with weights:
    st.markdown(
        "Weights and thresholds of the priority score. The README explains each one; "
        "*Reset* puts the documented defaults back."
    )
    priority.weights(eng, actor)
    payment.later_than_usual(eng, actor)

# When a promise counts as broken, the aging buckets, and the currency of every report.
with promises:
    general.promises_and_aging(eng, actor)

# FX rates by date: typed in one by one or imported from a file.
with rates:
    st.markdown(
        "A rate is **EUR per one unit** of the currency (CHF 1 = EUR 1.06 → enter 1.06). Worklists "
        "and tiles use the latest rate on or before the snapshot date."
    )
    fx.rates(eng, actor)

# The team's time zone and when an FX rate or an extract deserves a warning.
with team:
    general.team_and_imports(eng, actor)

# How exact a credit allocation must be, and when a refund needs four eyes.
with credits:
    credit.credits(eng, actor)

# The sender printed on statements of account.
with letterhead:
    general.letterhead(eng, actor)

# The statutory interest rates behind every dunning letter (new rates twice a year).
with interest:
    interest_rates.show(actor)
