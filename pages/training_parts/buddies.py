"""Buddies and shadowing: the lead assigns a new joiner's buddy; either of the two logs sessions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import streamlit as st

from ar_core.access import Actor
from ar_core.knowledge import PLAN_ROLES, assign_buddy, buddy_pairs, log_shadowing, shadowing_sessions
from pages.training_parts import common
from ui import components, data, forms


def assign_form(eng, actor: Actor, names: dict[str, str], today: date) -> None:
    form = "tr_buddy"
    with st.form(forms.key(form, "tr_buddy_form")):
        st.markdown("**Assign a buddy to a new joiner**")
        a, b, c = st.columns(3)
        person = a.selectbox(
            "New joiner", list(names), format_func=names.get, key=forms.key(form, "tr_b_person")
        )
        forms.slot("person", a)
        buddy = b.selectbox("Buddy", list(names), format_func=names.get, key=forms.key(form, "tr_b_buddy"))
        forms.slot("buddy", b)
        since = c.date_input("From", value=today, format="DD.MM.YYYY", key=forms.key(form, "tr_b_since"))
        st.caption("A joiner has one buddy: assigning another replaces the first.")
        if st.form_submit_button("Assign buddy"):
            data.save_and_rerun(
                lambda: assign_buddy(eng, actor, person, buddy, since),
                f"{names.get(buddy, buddy)} is now the buddy of {names.get(person, person)}.",
                form,
                flash=common.FLASH,
            )


def session_form(eng, actor: Actor, pairs: pl.DataFrame, today: date) -> None:
    form = "tr_session"
    joiners = {r["person"]: f"{r['person_name']} with {r['buddy_name']}" for r in pairs.iter_rows(named=True)}
    with st.form(forms.key(form, "tr_session_form")):
        st.markdown("**Log a shadowing session**")
        a, b, c = st.columns([2, 1, 1])
        person = a.selectbox(
            "Joiner and buddy", list(joiners), format_func=joiners.get, key=forms.key(form, "tr_s_person")
        )
        forms.slot("person", a)
        held_on = b.date_input("Held on", value=today, format="DD.MM.YYYY", key=forms.key(form, "tr_s_day"))
        hours = c.number_input(
            "Hours",
            min_value=0.25,
            max_value=12.0,
            step=0.25,
            value=1.0,
            format="%.2f",
            key=forms.key(form, "tr_s_hours"),
        )
        forms.slot("hours", c)
        topic = st.text_input("Topic", key=forms.key(form, "tr_s_topic"), max_chars=200)
        forms.slot("topic")
        notes = st.text_area("Notes", key=forms.key(form, "tr_s_notes"), max_chars=4000)
        st.caption("The hours count to the joiner's unfinished shadowing module that is due first.")
        forms.slot("plan_line_id")
        if st.form_submit_button("Log session", type="primary"):
            data.save_and_rerun(
                lambda: log_shadowing(eng, actor, person, held_on, Decimal(f"{hours:.2f}"), topic, notes),
                "Shadowing session logged.",
                form,
                flash=common.FLASH,
            )


def show(eng, actor: Actor, today: date, names: dict[str, str] | None) -> None:
    """``names``: active users for the lead's assignment form (``None`` for everyone else)."""
    pairs = buddy_pairs(eng, actor)
    if names is not None and actor.has(*PLAN_ROLES):
        assign_form(eng, actor, names, today)
    if pairs.is_empty():
        st.info(
            "No buddy assigned yet."
            if names
            else "You are not in a buddy pair: new joiners get one from the team lead."
        )
        return
    components.record_table(
        pairs,
        {
            "person": None,
            "buddy": None,
            "person_name": "New joiner",
            "buddy_name": "Buddy",
            "since": components.date_column("Since"),
        },
    )
    session_form(eng, actor, pairs, today)
    sessions = shadowing_sessions(eng, actor)
    if sessions.is_empty():
        st.caption("No shadowing session logged yet.")
        return
    st.subheader("Shadowing log")
    hours = (
        sessions.group_by("person").agg(pl.col("hours").sum().cast(pl.Float64).alias("total")).sort("person")
    )
    st.caption("Hours shadowed: " + ", ".join(f"{p} {t:.2f} h" for p, t in hours.iter_rows()))
    components.record_table(
        sessions.with_columns(pl.col("hours").cast(pl.Float64)),  # display only
        {
            "session_id": None,
            "person": "New joiner",
            "buddy": "Buddy",
            "held_on": components.date_column("Held on"),
            "hours": st.column_config.NumberColumn("Hours", format=common.HOURS_FORMAT),
            "topic": "Topic",
            "notes": "Notes",
            "module": "Counted to module",
            "logged_by": "Logged by",
        },
    )
