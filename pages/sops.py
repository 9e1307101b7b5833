"""SOPs: the team's standard operating procedures — read the current version, compare versions,
write and submit drafts, review them, and (for the lead) reviews due and who has read what.

Everyone reads the current approved version of each SOP (search by title and text) and every
version that was ever approved; authors see their drafts; approvers (leads and the named approvers
of an area) their queue. The rules live in ``ar_core.knowledge``: statuses and refusals, four eyes
through ``access`` approvals, review dates per area, who is asked to acknowledge. A link
``/sops?sop=<id>`` opens one SOP (the home page's reminders use it).
"""

from __future__ import annotations

import streamlit as st

from ar_core.knowledge import AREA_ROLES, AUTHOR_ROLES, LEAD_ROLES, review_queue
from pages.sops_parts import acks, authoring, common, compare, due, imports, queue, read
from ui import data
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()
today = data.team_today()
st.title("SOPs")
data.show_flash(common.FLASH)

waiting = review_queue(eng, actor)
views = {"read": "Read", "compare": "Compare versions"}
if actor.has(*AUTHOR_ROLES):
    views["drafts"] = "My drafts"
if actor.has(*LEAD_ROLES) or not waiting.is_empty():
    views["queue"] = f"To approve ({waiting.height})"
if actor.has(*LEAD_ROLES, "admin"):
    views["due"] = "Reviews due"
    views["acks"] = "Read by"
if actor.has(*AUTHOR_ROLES):
    views["import"] = "Import"
if common.linked_sop() is not None:
    st.session_state[common.VIEW] = "read"
data.sticky(common.VIEW, "read", list(views))
view = st.segmented_control("View", list(views), format_func=views.get, key=common.VIEW, required=True)

if view == "compare":
    compare.show(eng, actor)
elif view == "drafts":
    authoring.show(eng, actor)
elif view == "queue":
    queue.show(eng, actor, waiting, today)
elif view == "due":
    due.show(eng, actor, today, may_set=actor.has(*AREA_ROLES))
elif view == "acks":
    acks.show(eng, actor)
elif view == "import":
    imports.show(eng, actor)
else:
    read.show(eng, actor, today)
