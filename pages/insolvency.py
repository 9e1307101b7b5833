"""Insolvency & ratings: the customers in insolvency proceedings (collections and dunning hold
them), the insolvency announcements a lead reviews, credit-agency ratings, and the imports."""

from __future__ import annotations

import streamlit as st

from ar_core import settings
from ar_core.recovery import EXTERNAL_ROLES
from pages.insolvency_parts import announcements, cases, imports, ratings
from pages.insolvency_parts.common import FLASH
from ui import data
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()
st.title("Insolvency & ratings")
data.show_flash(FLASH)
names = ["Insolvency cases", "Announcements", "Ratings"]
if actor.has(*EXTERNAL_ROLES):
    names.append("Imports")
tabs = st.tabs(names)
with tabs[0]:
    cases.show(eng, actor, data.team_today())
with tabs[1]:
    announcements.show(eng, actor)
with tabs[2]:
    ratings.show(eng, actor)
if actor.has(*EXTERNAL_ROLES):
    with tabs[3]:
        imports.show(eng, actor, settings.get_time_zone(eng))
