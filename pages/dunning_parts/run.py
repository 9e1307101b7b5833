"""The run: propose as of a date → review (remove customers or items, with a reason) → release →
download the letters (the whole run as one PDF, one customer's PDF or e-mail draft)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from ar_core.recovery import (
    discard_run,
    list_runs,
    propose_dunning_run,
    release_run,
    remove_from_run,
    run_letters,
    run_lines,
)
from ar_core.settings import get_time_zone
from pages.dunning_parts import downloads, preview
from pages.dunning_parts.columns import LETTER_COLUMNS, LINE_COLUMNS
from ui import data, forms
from ui.components import date_column, record_table, time_column
from ui.fmt import money


def show(eng, actor, today: date, flash: str) -> None:
    runs = list_runs(eng, actor)
    lead = actor.has("lead", "admin")
    waiting = runs.filter(pl.col("status") == "proposed")
    if waiting.is_empty() and actor.has("collector", "lead", "admin"):
        _propose(eng, actor, today, flash)
    elif waiting.is_empty():
        st.info("No run is under review: collectors and team leads propose runs.")
    else:
        _review(eng, actor, waiting.row(0, named=True), today, flash, lead)
    released = runs.filter(pl.col("status") == "released")
    st.subheader("Released runs")
    if released.is_empty():
        st.info("No run released yet.")
        return
    record_table(
        released,
        {
            "run_id": "Run",
            "as_of": date_column("As of"),
            "status": None,
            "letters": "Letters",
            "created_by": "Proposed by",
            "created_at": None,
            "released_by": "Released by",
            "released_at": time_column("Released"),
            "letter_date": date_column("Letter date"),
        },
        time_zone=get_time_zone(eng),
    )
    downloads.show(eng, actor, released)


def _propose(eng, actor, today: date, flash: str) -> None:
    with st.form("dn_propose_form"):
        st.markdown("**Propose a dunning run**")
        run_as_of = st.date_input("As of", value=today, format="DD.MM.YYYY", key="dn_run_as_of")
        st.caption(
            "One letter per customer with every overdue, unblocked invoice at the highest level reached; "
            "credits netted; interest and compensation shown. Nothing is sent before a lead releases it."
        )
        if st.form_submit_button("Propose run", type="primary"):
            data.save_and_rerun(
                lambda: propose_dunning_run(eng, actor, run_as_of),
                lambda rid: f"Run {rid} proposed: review it below.",
                flash=flash,
            )


def _review(eng, actor, run: dict, today: date, flash: str, lead: bool) -> None:  # noqa: PLR0917
    run_id = run["run_id"]
    st.subheader(f"Run {run_id} as of {run['as_of']:%d.%m.%Y}: under review")
    letters = run_letters(eng, actor, run_id)
    lines = run_lines(eng, actor, run_id)
    kept = letters.filter(pl.col("removed_reason").is_null())
    if kept.is_empty():
        st.info("No letter left in this run.")
    totals = kept.group_by("currency").agg(pl.col("total").sum()).rows()
    st.caption(f"{kept.height} letter(s), " + ", ".join(money(t, c) for c, t in totals) if totals else "")
    record_table(letters, LETTER_COLUMNS, key="dn_letters")
    st.markdown("**Lines (invoices with their interest, credits netted)**")
    record_table(lines, LINE_COLUMNS, key="dn_lines")
    preview.show(eng, actor, run, kept, today)
    if not lead:
        st.info("A team lead reviews and releases the run.")
        return
    left, right = st.columns(2)
    with left, st.form(forms.key("dn_remove", "dn_remove_form")):
        st.markdown("**Remove from the run**")
        open_lines = lines.filter(pl.col("removed_reason").is_null() & ~pl.col("is_credit"))
        labels = {0: "(the whole letter of the customer below)"} | {
            r["line_id"]: f"{r['customer_id']} · {r['doc_no']} · {r['amount']:,.2f}"
            for r in open_lines.iter_rows(named=True)
        }
        line = st.selectbox(
            "Item", list(labels), format_func=labels.get, key=forms.key("dn_remove", "dn_rm_line")
        )
        customers = kept["customer_id"].to_list()
        customer = st.selectbox("Customer", customers, key=forms.key("dn_remove", "dn_rm_customer"))
        forms.slot("customer_id")
        reason = st.text_input("Reason", key=forms.key("dn_remove", "dn_rm_reason"), max_chars=500)
        forms.slot("reason")
        if st.form_submit_button("Remove"):
            data.save_and_rerun(
                lambda: remove_from_run(
                    eng,
                    actor,
                    run_id,
                    reason=reason,
                    line_id=line or None,
                    customer_id=None if line else customer,
                ),
                "Removed from the run.",
                "dn_remove",
                flash=flash,
            )
    with right:
        with st.form("dn_release_form"):
            st.markdown("**Release**")
            letter_date = st.date_input(
                "Letter date", value=max(today, run["as_of"]), format="DD.MM.YYYY", key="dn_letter_date"
            )
            forms.slot("letter_date")
            if st.form_submit_button("Release run", type="primary"):
                data.save_and_rerun(
                    lambda: release_run(eng, actor, run_id, letter_date=letter_date),
                    lambda n: f"Run {run_id} released: {n} letter(s) in the contact log.",
                    flash=flash,
                )
        with st.popover("Discard the run"):
            why = st.text_input("Why", key="dn_discard_reason")
            if st.button("Discard", key="dn_discard"):
                data.save_and_rerun(
                    lambda: discard_run(eng, actor, run_id, reason=why),
                    f"Run {run_id} discarded.",
                    flash=flash,
                )
