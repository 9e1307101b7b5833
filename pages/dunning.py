"""Dunning: the overview of the dunning cycle, the run (propose → review → release → letters), the
dunning blocks and the procedure.

Everything is computed in ``ar_core.recovery`` for the acting user's portfolio (a collector sees
and proposes for their own customers; a lead reviews and releases). The letters show their
statutory interest and compensation before anything is sent.
"""

from __future__ import annotations

import streamlit as st

from pages.dunning_parts import blocks, overview, procedure, run
from ui import components, data
from ui.guard import require
from ui.resources import engine

FLASH = "dn_flash"
VIEWS = ("Overview", "Run", "Blocks", "Procedure")

actor = require()
eng = engine()
today = data.team_today()
st.title("Dunning")
data.show_flash(FLASH)
components.latest_snapshot(
    "Dunning works on the open items of a snapshot: import the first ERP extract on the **Upload** page."
)
view = st.segmented_control(
    "View", VIEWS, key="dn_view", default="Overview", required=True, label_visibility="collapsed"
)
if view == "Overview":
    overview.show(eng, actor, today)
elif view == "Run":
    run.show(eng, actor, today, FLASH)
elif view == "Blocks":
    blocks.show(eng, actor, today, FLASH)
else:
    procedure.show(eng, actor, FLASH)
