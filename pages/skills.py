"""Skills & coverage: who can do which work, who speaks which customer language, and who covers
whom during an absence.

Leads, admins and controllers see the team's coverage (the heat map of process area × collector,
the gaps with who is closest and the modules that would close them, language coverage with the
portfolio share); everybody sees their own profile and the backups, and records their own
absences. The lead assesses levels, edits the skill list and names backups. The rules are in
``ar_core.knowledge`` (coverage, skills, backups).
"""

from __future__ import annotations

import streamlit as st

from ar_core.knowledge import PROFILE_READERS, SKILL_ROLES, team_coverage
from pages.skills_parts import absences, coverage, forms, profile
from ui import data
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()
today = data.team_today()
st.title("Skills & coverage")
data.show_flash(forms.FLASH)
reader, lead = actor.has(*PROFILE_READERS), actor.has(*SKILL_ROLES)

tabs = (["Coverage", "Languages"] if reader else []) + ["My profile", "Backups & absences"]
tabs += ["Assess", "Skill list"] if lead else []
shown = dict(zip(tabs, st.tabs(tabs), strict=True))

if reader:
    cover = team_coverage(eng, actor)
    with shown["Coverage"]:
        if lead:
            forms.required(eng, actor)
        coverage.heat_map(cover)
        st.subheader("Gaps")
        coverage.gaps(cover)
    with shown["Languages"]:
        coverage.languages(cover)

with shown["My profile"]:
    if reader:
        people = {actor.username: "Me", **(cover.names if reader else {})}
        person = st.selectbox("Whose profile", list(people), format_func=people.get, key="sk_profile_person")
        profile.show(eng, actor, person, people[person])
    else:
        profile.show(eng, actor, actor.username, "you")

with shown["Backups & absences"]:
    st.subheader("Backups")
    names = absences.backups(eng, actor)
    st.subheader("Absences")
    absences.absences(eng, actor, today, names)

if lead:
    with shown["Assess"]:
        forms.assessment(eng, actor, cover.names)
    with shown["Skill list"]:
        forms.skill_editor(eng, actor)
