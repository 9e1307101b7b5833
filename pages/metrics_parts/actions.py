"""Mark an action agreed in a 1:1 done: the collector on their own page, the lead in the 1:1.

The core decides who may (its collector, a lead) and keeps the mark append-only; this form only
offers the actions not done yet.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.performance import mark_action_done
from ui import data, fmt, forms


def done_form(eng, actor, actions: pl.DataFrame, flash: str) -> None:
    """A choice of the open actions, an optional note and "Mark done" (audited, not undone)."""
    open_actions = actions.filter(pl.col("done_by").is_null())
    if open_actions.is_empty():
        return
    labels = {
        r["action_id"]: f"{r['action']} (due {fmt.day(r['due_date'])})"
        for r in open_actions.iter_rows(named=True)
    }
    form = f"cm_done_{open_actions['collector'][0]}"
    with st.form(forms.key(form, "cm_done_form")):
        st.markdown("**Mark an agreed action done**")
        chosen = st.selectbox(
            "Action", list(labels), format_func=labels.get, key=forms.key(form, "cm_done_action")
        )
        forms.slot("action_id")
        note = st.text_input("Note (optional)", max_chars=500, key=forms.key(form, "cm_done_note"))
        forms.slot("done_note")
        st.caption("Kept as recorded: a done mark cannot be changed or taken back.")
        if st.form_submit_button("Mark done"):
            data.save_and_rerun(
                lambda: mark_action_done(eng, actor, chosen, note),
                f"Marked done: {labels[chosen]}.", form, flash=flash, fields={"note": "done_note"},
            )  # fmt: skip
