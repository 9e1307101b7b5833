"""A case's notes thread (append a note) and its escalations."""

from __future__ import annotations

from typing import Any

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.disputes import add_note
from pages.disputes_parts.common import level_expr
from ui import disputes, fmt, forms
from ui.components import record_table, time_column
from ui.text import escape

FORM_NOTE = "dp_note"


def notes(eng: sa.Engine, actor: Actor, case: dict[str, Any], time_zone: str) -> None:
    """The thread, oldest first (append-only: a note is never edited), and a new note."""
    thread: pl.DataFrame = case["notes"]
    if thread.is_empty():
        st.caption("No note yet.")
    for note in thread.iter_rows(named=True):
        st.markdown(
            f"**{escape(note['by'])}** · {fmt.local_time(note['at'], time_zone)}  \n{escape(note['text'])}"
        )
    if not case["may_write"]:
        return
    with st.form(FORM_NOTE):
        text = st.text_area("New note", key=forms.key(FORM_NOTE, "dp_note_text"), height=80)
        forms.slot("text")
        if st.form_submit_button("Add note"):
            disputes.save(lambda: add_note(eng, actor, case["case_id"], text), "Note added.", FORM_NOTE)


def escalations(case: dict[str, Any], time_zone: str) -> None:
    frame: pl.DataFrame = case["escalations"]
    if frame.is_empty():
        st.caption("Not escalated.")
        return
    record_table(
        frame.with_columns(level_expr()),
        {"at": time_column("When"), "level": "Level", "to_whom": "To whom", "reason": "Why", "by": "By"},
        time_zone=time_zone,
    )
