"""Training: everyone's own plan with the risk of delay; the lead's team view, plans, catalogue and
import; buddies and shadowing.

Each person sees their own plan (and explains a risk with a note); the team lead sees the whole
team's with late and at-risk modules first, sets plans and modules, imports the plan spreadsheet
and assigns buddies. The rule (pace, projected finish, late/at risk/on track) is applied in the
core (``ar_core.knowledge.training``) as of the team's today.
"""

from __future__ import annotations

import streamlit as st

from ar_core.knowledge import PLAN_ROLES
from pages.training_parts import buddies, common, importer, modules, my_plan, plans, team
from ui import data
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()
today = data.team_today()
st.title("Training")
data.show_flash(common.FLASH)
lead = actor.has(*PLAN_ROLES)
views = (
    ["Team", "My plan", "Plans", "Modules", "Import", "Buddies & shadowing"]
    if lead
    else ["My plan", "Buddies & shadowing"]
)
data.sticky("tr_view", views[0], views)
view = st.segmented_control("View", views, key="tr_view", required=True, label_visibility="collapsed")

if view == "Team":
    team.show(eng, actor, today)
elif view == "Plans":
    plans.show(eng, actor, today)
elif view == "Modules":
    modules.show(eng, actor)
elif view == "Import":
    importer.show(eng, actor)
elif view == "Buddies & shadowing":
    buddies.show(eng, actor, today, plans.people(eng, actor) if lead else None)
else:
    my_plan.show(eng, actor, today)
