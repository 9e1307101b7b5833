"""The lead's forms in a 1:1: the note with its agreed actions, a target, and N of the top-N coverage."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from ar_core.performance import TARGET_METRICS, add_coaching_note, set_target, set_top_n
from ui import data, forms

FLASH = "cm_flash"
ACTION_ROWS = 3


def note_form(eng, actor, collector: str, name: str, today: date) -> None:
    """Add the note of a 1:1 with ``collector`` (append-only: a later talk adds a new note)."""
    form = f"cm_note_{collector}"
    with st.form(forms.key(form, "cm_note_form")):
        st.markdown(f"**Record a 1:1 with {name}**")
        met_on = st.date_input("Held on", value=today, format="DD.MM.YYYY", key=forms.key(form, "cm_met_on"))
        forms.slot("met_on")
        note = st.text_area("What was discussed", key=forms.key(form, "cm_note_text"), max_chars=4000)
        forms.slot("note")
        agreed = []
        for n in range(ACTION_ROWS):
            left, right = st.columns([3, 1])
            text = left.text_input(f"Agreed action {n + 1}", key=forms.key(form, f"cm_action_{n}"))
            due = right.date_input("Due", value=today + timedelta(days=7), format="DD.MM.YYYY",
                                   key=forms.key(form, f"cm_due_{n}"))  # fmt: skip
            agreed.append((text, due))
        forms.slot("actions")
        forms.slot("collector")
        st.caption("Notes are kept as written: they cannot be changed or deleted afterwards.")
        if st.form_submit_button("Save the 1:1 note", type="primary"):
            data.save_and_rerun(
                lambda: add_coaching_note(eng, actor, collector, met_on, note, agreed),
                f"1:1 note with {name} saved.", form, flash=FLASH,
            )  # fmt: skip


def target_form(eng, actor, collector: str, name: str, today: date, currency: str) -> None:  # noqa: PLR0917
    """Set (or replace) a target of ``collector`` for one metric and period (audited)."""
    form = f"cm_target_{collector}"
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    with st.form(forms.key(form, "cm_target_form")):
        st.markdown(f"**Set a target for {name}**")
        metric = st.selectbox("Metric", list(TARGET_METRICS), key=forms.key(form, "cm_t_metric"),
                              format_func=lambda m: TARGET_METRICS[m].label)  # fmt: skip
        forms.slot("metric")
        left, right = st.columns(2)
        start = left.date_input("From", value=first, format="DD.MM.YYYY", key=forms.key(form, "cm_t_start"))
        end = right.date_input("To", value=last, format="DD.MM.YYYY", key=forms.key(form, "cm_t_end"))
        forms.slot("period_end")
        value = st.text_input(f"Target (money in {currency}, shares in %)", key=forms.key(form, "cm_t_value"))
        forms.slot("value")
        note = st.text_input("Note (optional)", key=forms.key(form, "cm_t_note"))
        forms.slot("note")
        st.caption("Setting a target again for the same metric and first day replaces it (audited).")
        if st.form_submit_button("Save target"):
            data.save_and_rerun(
                lambda: set_target(eng, actor, collector, metric, start, end, value, note=note),
                f"Target for {name} saved.", form, flash=FLASH,
            )  # fmt: skip


def top_n_form(eng, actor, current: int) -> None:
    with st.popover(f"Top-N coverage counts the first {current} customers"):
        n = st.number_input("N", min_value=1, max_value=500, value=current, step=1, key="cm_top_n")
        forms.slot("top_n")
        if st.button("Save N", key="cm_top_n_save"):
            data.save_and_rerun(lambda: set_top_n(eng, actor, int(n)), f"Top-N coverage now counts {int(n)}.",
                                flash=FLASH)  # fmt: skip
