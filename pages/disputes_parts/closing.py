"""The forms that end or raise a case: resolve, reopen, escalate, and the reminder to the resolver.

Drawn by ``actions.render``; each shows a refusal under the field it concerns.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from ar_core.disputes import (
    CREDITING,
    LEVELS,
    RESOLUTIONS_BY_TYPE,
    escalate_case,
    reminder_text,
    reopen_case,
    resolve_case,
)
from ar_core.money import parse_amount
from ui import disputes, forms
from ui.text import escape

FORM_MOVE, FORM_ASSIGN, FORM_RESOLVE, FORM_REOPEN, FORM_ESCALATE = (
    "dp_move",
    "dp_assign",
    "dp_resolve",
    "dp_reopen",
    "dp_escalate",
)


def key(form: str, name: str, case: dict[str, Any]) -> str:
    """A widget key per form round and case: another case starts from its own values."""
    return forms.key(form, f"{name}_{case['case_id']}")


def resolve(eng, actor, case, _reasons, today) -> None:
    with st.form(FORM_RESOLVE):
        forms.slot("status")
        c1, c2, c3 = st.columns(3)
        choices = RESOLUTIONS_BY_TYPE[case["type"]]
        resolution = c1.selectbox("Resolution", choices, key=key(FORM_RESOLVE, "dp_rs_resolution", case))
        forms.slot("resolution", c1)
        resolved = c2.date_input(
            "Resolved on",
            value=today,
            min_value=case["opened"],
            max_value=today,
            format="DD.MM.YYYY",
            key=key(FORM_RESOLVE, "dp_rs_date", case),
        )
        forms.slot("resolved", c2)
        credited_text = c3.text_input(
            f"Credited amount ({case['currency']})",
            key=key(FORM_RESOLVE, "dp_rs_credited", case),
            placeholder="e.g. 1.250,00",
            help=f"For {' or '.join(CREDITING)}: the amount of the credit note.",
        )
        forms.slot("credited", c3)
        note = st.text_input("Note (optional)", key=key(FORM_RESOLVE, "dp_rs_note", case))
        if st.form_submit_button("Resolve", type="primary"):
            parsed = parse_amount(credited_text) if credited_text.strip() else None
            credited = parsed if parsed is not None else (credited_text.strip() or None)
            disputes.save(
                lambda: resolve_case(
                    eng, actor, case["case_id"], resolution, resolved=resolved, credited=credited, note=note
                ),
                f"Case {case['case_id']} resolved: {escape(resolution)}.",
                FORM_RESOLVE,
            )


def reopen(eng, actor, case, _reasons, _today) -> None:
    with st.form(FORM_REOPEN):
        forms.slot("status")
        reason = st.text_input("Why is the case reopened?", key=key(FORM_REOPEN, "dp_ro_reason", case))
        forms.slot("reason")
        if st.form_submit_button("Reopen", type="primary"):
            disputes.save(
                lambda: reopen_case(eng, actor, case["case_id"], reason),
                f"Case {case['case_id']} reopened.",
                FORM_REOPEN,
            )


def escalate(eng, actor, case, _reasons, _today) -> None:
    level = case["level"] + 1
    with st.form(FORM_ESCALATE):
        st.markdown(f"Raises the case to level **{level} · {LEVELS[level]}**; it shows on the huddle.")
        forms.slot("status")
        forms.slot("level")
        c1, c2 = st.columns([1, 2])
        to_whom = c1.text_input(
            "To whom", key=key(FORM_ESCALATE, "dp_es_to", case), placeholder=LEVELS[level]
        )
        forms.slot("to_whom", c1)
        reason = c2.text_input("Why", key=key(FORM_ESCALATE, "dp_es_reason", case))
        forms.slot("reason", c2)
        if st.form_submit_button("Escalate", type="primary"):
            disputes.save(
                lambda: escalate_case(eng, actor, case["case_id"], to_whom=to_whom, reason=reason),
                f"Case {case['case_id']} escalated to level {level}: {escape(to_whom)}.",
                FORM_ESCALATE,
            )


def reminder(_eng, _actor, case, _reasons, today) -> None:
    """The e-mail to the resolver, ready to copy (the copy button sits at the block's top right)."""
    open_items = case["items_frame"].filter(pl.col("cleared_on").is_null())
    text = reminder_text(case, open_items.select("doc_no", "amount", "currency").to_dicts(), today)
    st.code(text, language=None, wrap_lines=True)
