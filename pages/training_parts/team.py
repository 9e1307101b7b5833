"""The lead's team view: late and at-risk modules first, a timeline of every plan, all lines."""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl
import streamlit as st

from ar_core.access import Actor
from ar_core.knowledge import NEEDS_ATTENTION, STATUSES, training_plan
from pages.training_parts import common


def timeline(plan: pl.DataFrame, today: date) -> alt.LayerChart:
    """Planned start to due per person and module, coloured by status; a tick at the projected finish."""
    frame = plan.select(  # no decimal columns: the chart needs names, dates and the status only
        (pl.col("person_name") + " · " + pl.col("module")).alias("line"),
        "person_name", "module", "status", "start", "due", "projected_finish",
    )  # fmt: skip
    order = frame["line"].to_list()
    colour = alt.Color(
        "status:N",
        title="Status",
        sort=list(STATUSES),
        scale=alt.Scale(domain=list(common.STATUS_COLOURS), range=list(common.STATUS_COLOURS.values())),
    )
    y = alt.Y("line:N", title=None, sort=order, axis=alt.Axis(labelLimit=420))
    base = alt.Chart(frame)
    bars = base.mark_bar(height=12, opacity=0.8).encode(
        x=alt.X("start:T", title="Planned start to due", axis=alt.Axis(format="%d.%m.%Y")),
        x2="due:T",
        y=y,
        color=colour,
        tooltip=[
            "person_name:N",
            "module:N",
            "status:N",
            alt.Tooltip("start:T", format="%d.%m.%Y"),
            alt.Tooltip("due:T", format="%d.%m.%Y"),
            alt.Tooltip("projected_finish:T", format="%d.%m.%Y"),
        ],
    )
    finish = base.mark_tick(thickness=3, size=18, color="black").encode(x="projected_finish:T", y=y)
    now = alt.Chart(pl.DataFrame({"today": [today]})).mark_rule(strokeDash=[4, 3]).encode(x="today:T")
    return (bars + finish + now).properties(height=max(160, 30 * frame.height))


def show(eng, actor: Actor, today: date) -> None:
    plan = training_plan(eng, actor, today)
    if plan.is_empty():
        st.info(
            "No training plans yet. Set them under **Plans** or import the plan spreadsheet under **Import**."
        )
        return
    people = sorted(set(plan["person_name"].to_list()))
    chosen = st.multiselect("People", people, key="tr_team_people", placeholder="Everyone")
    if chosen:
        plan = plan.filter(pl.col("person_name").is_in(chosen))
    common.counts(plan)
    risky = plan.filter(pl.col("status").is_in(NEEDS_ATTENTION))
    st.subheader("Late and at risk")
    if risky.is_empty():
        st.success(f"No module is late or at risk as of {today:%d.%m.%Y}.")
    else:
        common.plan_table(risky, person=True)
    st.subheader("Timeline")
    st.caption(
        "Bars run from the planned start to the due date; the black tick is the projected finish "
        "(none: never at this pace, or done); the dashed line is today."
    )
    st.altair_chart(timeline(plan, today), width="stretch")
    st.subheader("Every plan line")
    common.plan_table(plan, person=True, download="team-training-plans")
