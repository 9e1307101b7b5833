"""Correcting a contact-log entry: a correction entry that references the original (never an edit)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.collections import (
    NEXT_ACTIONS,
    OUTCOMES,
    correct_contact,
)
from pages.account_tabs.common import Account, fk, saved

FORM_CORRECT = "correct_contact"


def correction_form(ctx: Account, log: pl.DataFrame) -> None:
    with (
        st.expander("Correct an entry (entries are never edited; a correction is added)"),
        st.form(FORM_CORRECT),
    ):
        current = log.filter(pl.col("effective"))
        target = st.selectbox("Entry", current["contact_id"].to_list(), key=fk(FORM_CORRECT, "corr_id"))
        note = st.text_input("What was wrong", key=fk(FORM_CORRECT, "corr_note"))
        st.caption("Fill in only what changes; empty fields keep the entry's value.")
        k1, k2, k3 = st.columns(3)
        fix_outcome = k1.selectbox("Outcome", ["", *OUTCOMES], key=fk(FORM_CORRECT, "corr_outcome"))
        fix_action = k2.selectbox("Next action", ["", *NEXT_ACTIONS], key=fk(FORM_CORRECT, "corr_next"))
        fix_date = k3.date_input(
            "Next action date", value=None, format="DD.MM.YYYY", key=fk(FORM_CORRECT, "corr_date")
        )
        fix_notes = st.text_area("Notes (replace)", key=fk(FORM_CORRECT, "corr_notes"))
        proposed = {
            "outcome": fix_outcome,
            "next_action": fix_action,
            "next_action_date": fix_date,
            "notes": fix_notes,
        }
        changes = {k: v for k, v in proposed.items() if v}
        if st.form_submit_button("Add correction"):
            saved(
                lambda: correct_contact(ctx.engine, ctx.actor, target, note=note, **changes),
                "Correction added; the original entry stays in the log.",
                FORM_CORRECT,
            )
