"""For leads and admins: the reason taxonomy (edit, add, map the unmapped codes) and how SLA days count."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.disputes import (
    CASE_TYPES,
    CATEGORIES,
    DEPARTMENTS,
    set_reason,
)
from pages.disputes_parts.sla import sla_form
from ui import disputes, forms
from ui.components import count_column, money_column, record_table
from ui.text import escape

FORM_REASON = "dp_reason_form"
NEW = "(new reason)"
#: SLA days offered for a code nobody has mapped yet (the core counts it with its own default until then).
NEW_SLA_DAYS = 10


def _table(reasons: dict) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (r.code, r.label, r.category, r.sla_days, r.resolver_department, r.case_type)
            for r in reasons.values()
        ],
        schema=["code", "label", "category", "sla_days", "resolver_department", "case_type"],
        orient="row",
    ).sort("case_type", "category", "code")


def editor(eng: sa.Engine, actor: Actor, reasons: dict) -> None:
    """The taxonomy in force, the codes no category covers yet, and the form that edits one reason."""
    unmapped = disputes.unmapped(actor)
    if unmapped.height:
        st.warning(
            f"{unmapped.height} reason codes came in an extract and belong to no root-cause category yet: "
            "they are counted under their own code. Choose one below and map it."
        )
        record_table(
            unmapped,
            {
                "reason": "Code",
                "cases": count_column("Cases"),
                "amount": money_column("Amount (case currencies)"),
            },
            width=520,
        )
    codes = [*unmapped["reason"].to_list(), *sorted(reasons), NEW]
    picked = st.selectbox(
        "Reason to edit",
        codes,
        key="dp_tx_pick",
        format_func=lambda c: f"{c} — unmapped" if c in unmapped["reason"].to_list() else c,
    )
    _reason_form(eng, actor, reasons, picked)
    with st.expander(f"The taxonomy in force ({len(reasons)} reasons)"):
        record_table(
            _table(reasons),
            {
                "code": "Code",
                "label": "Label",
                "category": "Root-cause category",
                "sla_days": st.column_config.NumberColumn("SLA days", format="%d"),
                "resolver_department": "Resolver department",
                "case_type": "For",
            },
            download="dispute-reasons",
        )
    sla_form(eng, actor)


def _reason_form(eng: sa.Engine, actor: Actor, reasons: dict, picked: str) -> None:
    known = reasons.get(picked)
    tag = picked if picked != NEW else "new"
    with st.form(FORM_REASON):
        c1, c2 = st.columns([1, 3])
        code = c1.text_input(
            "Code",
            value="" if picked == NEW else picked,
            disabled=picked != NEW,
            key=forms.key(FORM_REASON, f"dp_tx_code_{tag}"),
        )
        forms.slot("code", c1)
        label = c2.text_input(
            "Label", value=known.label if known else "", key=forms.key(FORM_REASON, f"dp_tx_label_{tag}")
        )
        c3, c4, c5, c6 = st.columns(4)
        categories = ["", *CATEGORIES]
        category = c3.selectbox(
            "Root-cause category",
            categories,
            format_func=lambda c: c or "— unmapped —",
            index=categories.index(known.category) if known and known.category else 0,
            key=forms.key(FORM_REASON, f"dp_tx_category_{tag}"),
        )
        forms.slot("category", c3)
        sla_days = c4.number_input(
            "SLA days",
            min_value=0,
            max_value=365,
            step=1,
            value=known.sla_days if known else NEW_SLA_DAYS,
            key=forms.key(FORM_REASON, f"dp_tx_sla_{tag}"),
        )
        forms.slot("sla_days", c4)
        departments = ["", *DEPARTMENTS]
        department = c5.selectbox(
            "Resolver department",
            departments,
            format_func=lambda d: d or "—",
            index=departments.index(known.resolver_department) if known and known.resolver_department else 0,
            key=forms.key(FORM_REASON, f"dp_tx_department_{tag}"),
        )
        forms.slot("resolver_department", c5)
        case_type = c6.selectbox(
            "For",
            CASE_TYPES,
            index=CASE_TYPES.index(known.case_type) if known else 0,
            key=forms.key(FORM_REASON, f"dp_tx_type_{tag}"),
        )
        forms.slot("case_type", c6)
        if st.form_submit_button("Save reason", type="primary"):
            chosen = code if picked == NEW else picked
            disputes.save(
                lambda: set_reason(
                    eng,
                    actor,
                    chosen,
                    label=label,
                    category=category or None,
                    sla_days=int(sla_days),
                    resolver_department=department or None,
                    case_type=case_type,
                ),
                f"Reason {escape(chosen.strip().upper())} saved. New cases are due by its SLA.",
                FORM_REASON,
            )
