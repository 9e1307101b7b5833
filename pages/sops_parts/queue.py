"""To approve: the versions in review the user may decide (never their own), with the change
against the version in force; approve with an effective date, or send back with a reason."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from ar_core.knowledge import approve_version, reject_version, version_diff, version_history
from pages.sops_parts import common
from ui import data, forms


def _decide(eng, actor, row: dict, today: date) -> None:
    form = f"sop_decide_{row['version_id']}"
    with st.form(forms.key(form, f"{form}_form")):
        note = st.text_input("Note (required to send back)", key=forms.key(form, f"{form}_note"))
        forms.slot("note")
        effective = st.date_input(
            "Effective from",
            value=today,
            min_value=today,
            max_value=today + timedelta(days=90),
            format="DD.MM.YYYY",
            key=forms.key(form, f"{form}_eff"),
        )
        forms.slot("effective_on")
        left, right = st.columns(2)
        if left.form_submit_button("Approve", type="primary"):
            data.save_and_rerun(
                lambda: approve_version(
                    eng, actor, row["version_id"], note, effective_on=effective, today=today
                ),
                f"Version {row['version_no']} approved: the team is asked to read it.",
                form,
                flash=common.FLASH,
            )
        if right.form_submit_button("Send back to the author"):
            data.save_and_rerun(
                lambda: reject_version(eng, actor, row["version_id"], note),
                "Sent back to the author as a draft.",
                form,
                flash=common.FLASH,
            )


def show(eng, actor, waiting: pl.DataFrame, today: date) -> None:
    if waiting.is_empty():
        st.info("Nothing waits for your review.")
        return
    labels = {
        r["version_id"]: f"{r['title']} — version {r['version_no']} by {r['author']}"
        for r in waiting.iter_rows(named=True)
    }
    chosen = st.selectbox("Version in review", list(labels), format_func=labels.get, key="sop_queue_pick")
    row = waiting.filter(pl.col("version_id") == chosen).row(0, named=True)
    common.header(row)
    history = version_history(eng, actor, row["sop_id"])
    current = history.filter(pl.col("status") == "approved")
    if current.is_empty():
        st.caption("A new SOP: no version in force yet.")
    else:
        old = current.row(0, named=True)
        with st.expander(f"Changes against version {old['version_no']} in force", expanded=True):
            st.code(
                version_diff(
                    old["body"], row["body"], f"version {old['version_no']}", f"version {row['version_no']}"
                )
                or "(same text)",
                language="diff",
            )
    with st.container(border=True):
        st.markdown(row["body"])
    _decide(eng, actor, row, today)
