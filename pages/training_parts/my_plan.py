"""A person's own plan: tiles, every module with its projected finish, and a note explaining a risk."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from ar_core.access import Actor
from ar_core.knowledge import NEEDS_ATTENTION, add_risk_note, risk_notes, training_plan
from pages.training_parts import common
from ui import components, data, forms


def show(eng, actor: Actor, today: date) -> None:
    plan = training_plan(eng, actor, today, actor.username)
    if plan.is_empty():
        st.info(
            "No training plan for you yet: your team lead sets it (or imports it from the plan spreadsheet)."
        )
        return
    st.caption(
        f"As of {today:%d.%m.%Y}. Pace = hours done ÷ days since the planned start; a module is "
        "*at risk* when at that pace it would finish after its due date, *late* once the due date has passed."
    )
    common.counts(plan)
    common.plan_table(plan, person=False, download="my-training-plan")
    risky = plan.filter(pl.col("status").is_in(NEEDS_ATTENTION))
    if risky.is_empty():
        st.success("Nothing late or at risk.")
    else:
        note_form(eng, actor, risky)
    notes = risk_notes(eng, actor, actor.username)
    if not notes.is_empty():
        st.subheader("Your risk notes")
        names = dict(plan.select("line_id", "module").iter_rows())
        components.record_table(
            notes.with_columns(pl.col("line_id").replace_strict(names, default="(removed)").alias("module")),
            {
                "note_id": None,
                "line_id": None,
                "author": None,
                "module": "Module",
                "note": "Note",
                "created_at": components.time_column("Written"),
            },
        )


def note_form(eng, actor: Actor, risky: pl.DataFrame) -> None:
    """Explain why a late or at-risk module is delayed (the lead reads it beside the module)."""
    form = "tr_risk_note"
    lines = {r["line_id"]: common.line_label(r) for r in risky.iter_rows(named=True)}
    with st.form(forms.key(form, "tr_risk_note_form")):
        st.markdown("**Explain a risk of delay**")
        line_id = st.selectbox(
            "Module", list(lines), format_func=lines.get, key=forms.key(form, "tr_rn_line")
        )
        note = st.text_area(
            "What is delaying it, and what would help", max_chars=2000, key=forms.key(form, "tr_rn_text")
        )
        forms.slot("note")
        if st.form_submit_button("Save note", type="primary"):
            data.save_and_rerun(
                lambda: add_risk_note(eng, actor, line_id, note), "Risk note saved.", form, flash=common.FLASH
            )
