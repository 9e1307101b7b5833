"""What a user who works the case can do, one tab per form: move and assign here; resolve, reopen,
escalate and the reminder to the resolver in ``closing``. Each form shows a refusal under its field."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.disputes import (
    DEPARTMENTS,
    LEVELS,
    MOVES,
    WORKING,
    move_case,
    update_case,
)
from pages.disputes_parts import closing
from pages.disputes_parts.closing import FORM_ASSIGN, FORM_MOVE, key
from ui import data, disputes, forms
from ui.text import escape


def render(eng: sa.Engine, actor: Actor, case: dict[str, Any], reasons: dict, today: date) -> None:
    """The forms that fit the case's status, one tab each."""
    working = case["status"] in WORKING
    forms_shown = {
        "Move": bool(MOVES.get(case["status"])),
        "Assign": working,
        "Resolve": working,
        "Reopen": not working,
        "Escalate": working and case["level"] < max(LEVELS),
        "Reminder e-mail": working,
    }
    shown = [name for name, show in forms_shown.items() if show]
    draw = {
        "Move": _move,
        "Assign": _assign,
        "Resolve": closing.resolve,
        "Reopen": closing.reopen,
        "Escalate": closing.escalate,
        "Reminder e-mail": closing.reminder,
    }
    for tab, name in zip(st.tabs(shown), shown, strict=True):
        with tab:
            draw[name](eng, actor, case, reasons, today)


def _move(eng, actor, case, _reasons, _today) -> None:
    with st.form(FORM_MOVE):
        c1, c2 = st.columns([1, 2])
        status = c1.selectbox("Move to", MOVES[case["status"]], key=key(FORM_MOVE, "dp_mv_to", case))
        forms.slot("status", c1)
        note = c2.text_input("Note (optional)", key=key(FORM_MOVE, "dp_mv_note", case))
        if st.form_submit_button("Move", type="primary"):
            disputes.save(
                lambda: move_case(eng, actor, case["case_id"], status, note=note),
                f"Case {case['case_id']} is {escape(status)} now.",
                FORM_MOVE,
            )


def _assign(eng, actor, case, reasons, _today) -> None:
    """Resolver, department, owner, next follow-up and reason; only what changed is saved (audited)."""
    owners = sorted({*data.collectors(), *([case["collector"]] if case["collector"] else [])})
    codes = sorted(
        code for code, r in reasons.items() if r.case_type == case["type"] or code == case["reason"]
    )
    if case["reason"] not in codes:
        codes.insert(0, case["reason"])
    with st.form(FORM_ASSIGN):
        c1, c2, c3 = st.columns(3)
        departments = ["", *DEPARTMENTS]
        dept = case["resolver_department"] or ""
        department = c1.selectbox(
            "Resolver department",
            departments,
            index=departments.index(dept) if dept in departments else 0,
            format_func=lambda d: d or "—",
            key=key(FORM_ASSIGN, "dp_as_dept", case),
        )
        forms.slot("resolver_department", c1)
        resolver = c2.text_input(
            "Resolver (person)", value=case["resolver"] or "", key=key(FORM_ASSIGN, "dp_as_resolver", case)
        )
        forms.slot("resolver", c2)
        owner_options = ["", *owners]
        owner = c3.selectbox(
            "Owner (collector)",
            owner_options,
            format_func=lambda o: o or "—",
            index=owner_options.index(case["collector"]) if case["collector"] in owner_options else 0,
            key=key(FORM_ASSIGN, "dp_as_owner", case),
        )
        forms.slot("owner", c3)
        c4, c5 = st.columns([1, 2])
        follow_up = c4.date_input(
            "Next follow-up",
            value=case["next_action_date"],
            format="DD.MM.YYYY",
            key=key(FORM_ASSIGN, "dp_as_next", case),
        )
        forms.slot("next_action_date", c4)
        labels = {code: f"{code} · {reasons[code].label}" if code in reasons else code for code in codes}
        reason = c5.selectbox(
            "Reason",
            codes,
            index=codes.index(case["reason"]),
            format_func=labels.get,
            key=key(FORM_ASSIGN, "dp_as_reason", case),
        )
        forms.slot("reason", c5)
        if not st.form_submit_button("Save assignment", type="primary"):
            return
    wanted = {
        "resolver_department": department or None,
        "resolver": resolver.strip() or None,
        "owner": owner or None,
        "next_action_date": follow_up,
        "reason": reason,
    }
    before = {
        "resolver_department": case["resolver_department"],
        "resolver": case["resolver"],
        "owner": case["collector"],
        "next_action_date": case["next_action_date"],
        "reason": case["reason"],
    }
    changes = {k: v for k, v in wanted.items() if v != before[k]}
    if not changes:
        st.info("Nothing changed.")
        return
    disputes.save(
        lambda: update_case(eng, actor, case["case_id"], **changes),
        f"Case {case['case_id']}: {', '.join(k.replace('_', ' ') for k in changes)} saved.",
        FORM_ASSIGN,
    )
