"""Cases past their due date, the costliest delay first (amount × days late), and escalating from there."""

from __future__ import annotations

from datetime import date

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import WRITE_ALL_ROLES, Actor
from ar_core.disputes import LEVELS, escalate_case, past_due
from pages.disputes_parts.common import case_columns, narrow_padding, open_case
from pages.disputes_parts.table import rows
from ui import disputes, forms
from ui.components import money_column, record_table
from ui.text import escape

FORM = "dp_escalate_late"


def show(eng: sa.Engine, actor: Actor, cases: pl.DataFrame, today: date) -> None:
    """The late cases in the reporting currency (so amounts of several currencies rank together)."""
    late = past_due(cases, today)
    if late.is_empty():
        st.success("No case is past its due date.")
        return
    currency = late["currency"][0]
    st.caption(
        f"{late.height:,} cases being worked are past the due date of their SLA, ordered by amount × "
        f"days late in {escape(currency)}: a large case a little late and a small case long late weigh "
        "what they tie up. Select a row to open the case."
    )
    shown = late.head(200)
    frame = rows(shown).drop("type", "opened", "category").with_columns(shown["priority"])
    narrow_padding()
    event = record_table(
        frame,
        {
            **case_columns(currency),
            "customer_id": None,
            "reason_label": None,
            "priority": money_column(f"Amount × days ({currency})", width=130),
        },
        download="disputes-past-due",
        placeholder="—",
        height=38 + 35 * min(shown.height, 15),
        on_select="rerun",
        selection_mode="single-row",
        key="dp_late_table",
    )
    selected = event.selection.rows if event and event.selection else []
    if selected:
        open_case(int(shown["case_id"][selected[0]]))
    if late.height > shown.height:
        st.caption(f"The {shown.height} costliest of {late.height:,} are listed; the download holds them.")
    if actor.has("collector", *WRITE_ALL_ROLES):
        _escalate(eng, actor, late)


def _escalate(eng: sa.Engine, actor: Actor, late: pl.DataFrame) -> None:
    """Raise one late case a level without opening it: to whom and why are recorded."""
    open_to_raise = late.filter(pl.col("level") < max(LEVELS))
    if open_to_raise.is_empty():
        return
    labels = {
        r[
            "case_id"
        ]: f"#{r['case_id']} · {r['customer_name'] or r['customer_id']} · {r['days_late']} days late"
        f" · level {r['level']}"
        for r in open_to_raise.head(200).iter_rows(named=True)
    }
    with st.form(FORM):
        st.markdown("**Escalate a late case**")
        c1, c2, c3 = st.columns([3, 2, 3])
        case_id = c1.selectbox(
            "Case", list(labels), format_func=labels.get, key=forms.key(FORM, "dp_lt_case")
        )
        forms.slot("status", c1)
        to_whom = c2.text_input("To whom", key=forms.key(FORM, "dp_lt_to"), placeholder="e.g. Sales manager")
        forms.slot("to_whom", c2)
        reason = c3.text_input(
            "Why", key=forms.key(FORM, "dp_lt_reason"), placeholder="e.g. no answer since 2 weeks"
        )
        forms.slot("reason", c3)
        forms.slot("level")
        if st.form_submit_button("Escalate", type="primary"):
            disputes.save(
                lambda: escalate_case(eng, actor, case_id, to_whom=to_whom, reason=reason),
                f"Case {case_id} escalated to {escape(to_whom)}.",
                FORM,
            )
