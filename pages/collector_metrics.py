"""Collector metrics: each collector's week against the team median; the lead's comparison and 1:1s.

A collector sees their own figures, trends, targets and 1:1 notes next to the team median — never
another collector's figures or name (``ar_core.performance.collector_metrics`` hands over nothing
else). A lead compares the team side by side and opens one collector for a 1:1: the same view the
collector has, plus the forms for the 1:1 note and targets. The weekly frame is computed once per
change of the data in the core; a filter change here only filters it.
"""

from __future__ import annotations

import streamlit as st

from ar_core import settings
from ar_core.performance import (
    COACH_ROLES,
    COACHING_NOTE_ROLES,
    coaching_notes,
    collector_metrics,
    list_targets,
)
from pages.metrics_parts import actions as action_parts
from pages.metrics_parts import common, comparison, detail, forms
from ui import data
from ui.guard import require
from ui.resources import engine

actor = require("collector", "lead", "admin")
eng = engine()
today = data.team_today()
time_zone = settings.get_time_zone(eng)
st.title("Collector metrics")
data.show_flash(forms.FLASH)
with st.spinner(
    "Reading the weekly figures of every snapshot — the first time after a restart or an import this "
    "takes a while on a large ledger; after that the page answers at once."
):
    view = collector_metrics(eng, actor)  # the core applies the rule: a collector gets their own rows only
coach = actor.has(*COACH_ROLES)


def one_collector(collector: str, name: str) -> None:
    """The collector's own page (also the lead's 1:1 detail)."""
    detail.tiles(view, collector, weeks)
    st.subheader("Week by week")
    detail.trend(view, collector, name, weeks)
    detail.targets(view, list_targets(eng, actor, collector if coach else None), collector)
    if actor.has(*COACHING_NOTE_ROLES) or not coach:
        notes, actions = coaching_notes(eng, actor, collector if coach else None, today=today)
        detail.notes(notes, actions, {actor.username: actor.name}, time_zone)
        action_parts.done_form(eng, actor, actions, forms.FLASH)
    else:
        st.caption("1:1 notes are between a collector and the team lead.")


if view.weeks.is_empty():
    st.info(
        "Collector metrics need two snapshots: a week runs from one snapshot to the next. "
        "They appear after the second ERP extract is imported."
    )
elif not view.names:
    st.info("No active collector yet: metrics are kept for users with the collector role.")
else:
    st.caption(
        f"Amounts in {view.reporting}. A week runs from the day after one snapshot to the next snapshot's "
        "date; a collector's customers are their portfolio as it stands today."
    )
    weeks = common.choose_weeks(view.weeks)
    if not coach:
        one_collector(actor.username, "You")
    else:
        mode = st.segmented_control(
            "View", ["Team", "1:1"], key="cm_mode", default="Team", required=True,
            help="Team: every collector side by side. 1:1: one collector's page as they see it.",
        )  # fmt: skip
        if mode == "1:1":
            collectors = sorted(view.names, key=lambda c: view.names[c])
            data.sticky("cm_collector", collectors[0], collectors)
            chosen = st.selectbox("Collector", collectors, format_func=view.names.get, key="cm_collector")
            name = view.names[chosen]
            one_collector(chosen, name)
            st.divider()
            left, right = st.columns(2)
            with left:
                if actor.has(*COACHING_NOTE_ROLES):
                    forms.note_form(eng, actor, chosen, name, today)
            with right:
                forms.target_form(eng, actor, chosen, name, today, view.reporting)
        else:
            forms.top_n_form(eng, actor, view.top_n)
            comparison.show(view, weeks)
