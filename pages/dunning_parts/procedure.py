"""The dunning procedure per company code: levels by days overdue, minimum amount, days between
letters and the automatic blocks; a lead edits it (audited), everyone reads it."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.recovery import (
    BLOCK_REASONS,
    DEFAULT_COMPANY_CODE,
    LEVEL_LABELS,
    dunning_procedures,
    set_procedure,
)
from ui import data, forms
from ui.components import money_column, record_table


def show(eng, actor, flash: str) -> None:
    procedures = dunning_procedures(eng, actor)
    rows = [
        {
            "company_code": "all others (default)" if code == DEFAULT_COMPANY_CODE else code,
            "levels": " · ".join(f"{LEVEL_LABELS[n + 1]} at {d} days" for n, d in enumerate(p.level_days)),
            "min_amount": p.min_amount,
            "min_days_between": p.min_days_between,
            "blocks": ", ".join(BLOCK_REASONS[b] for b in sorted(p.blocks)) or "none",
        }
        for code, p in sorted(procedures.items())
    ]
    record_table(
        pl.DataFrame(rows),
        {
            "company_code": "Company code",
            "levels": "Levels (days overdue)",
            "min_amount": money_column("Minimum amount"),
            "min_days_between": "Days between letters",
            "blocks": "Held back",
        },
    )
    st.caption(
        "An invoice climbs one level per letter: a reminder first, however late, so a final notice always "
        "follows the letters before it. The minimum is net of the customer's credits."
    )
    if not actor.has("lead", "admin"):
        st.info("A team lead edits the procedure.")
        return
    st.subheader("Edit a procedure")
    code = st.text_input(
        "Company code",
        value=DEFAULT_COMPANY_CODE,
        key="dn_p_code",
        help="* is the default for every company code without its own procedure",
    )
    current = procedures.get(code.strip()) or procedures[DEFAULT_COMPANY_CODE]
    with st.form(forms.key("dn_proc", f"dn_proc_form_{code.strip()}")):
        days = st.text_input(
            "Days overdue per level (1 to 4, comma separated)",
            value=", ".join(str(d) for d in current.level_days),
            key=forms.key("dn_proc", "dn_p_days"),
        )
        forms.slot("level_days")
        left, right = st.columns(2)
        minimum = left.text_input(
            "Minimum amount", value=f"{current.min_amount:.2f}", key=forms.key("dn_proc", "dn_p_min")
        )
        forms.slot("min_amount", left)
        between = right.number_input(
            "Days between letters",
            min_value=0,
            max_value=365,
            step=1,
            value=current.min_days_between,
            key=forms.key("dn_proc", "dn_p_between"),
        )
        forms.slot("min_days_between", right)
        blocks = st.multiselect(
            "Hold back items that are",
            list(BLOCK_REASONS),
            default=sorted(current.blocks),
            format_func=BLOCK_REASONS.get,
            key=forms.key("dn_proc", "dn_p_blocks"),
        )
        forms.slot("blocks")
        forms.slot("company_code")
        if st.form_submit_button("Save procedure", type="primary"):
            values = {
                "company_code": code,
                "level_days": days,
                "min_amount": minimum,
                "min_days_between": int(between),
                "blocks": blocks,
            }
            data.save_and_rerun(
                lambda: set_procedure(eng, actor, values),
                f"Dunning procedure {code.strip()} saved.",
                "dn_proc",
                flash=flash,
            )
