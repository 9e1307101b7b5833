"""What a user who works the case can do: move it, assign it, resolve or reopen it, escalate it, and
the copy-ready reminder to the resolver. Each form shows a refusal under the field it concerns."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.disputes import (
    CREDITING,
    DEPARTMENTS,
    LEVELS,
    MOVES,
    RESOLUTIONS_BY_TYPE,
    WORKING,
    escalate_case,
    move_case,
    reminder_text,
    reopen_case,
    resolve_case,
    update_case,
)
from ar_core.money import parse_amount
from ui import data, disputes, forms
from ui.text import escape

FORM_MOVE, FORM_ASSIGN, FORM_RESOLVE, FORM_REOPEN, FORM_ESCALATE = (
    "dp_move",
    "dp_assign",
    "dp_resolve",
    "dp_reopen",
    "dp_escalate",
)


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
        "Resolve": _resolve,
        "Reopen": _reopen,
        "Escalate": _escalate,
        "Reminder e-mail": _reminder,
    }
    for tab, name in zip(st.tabs(shown), shown, strict=True):
        with tab:
            draw[name](eng, actor, case, reasons, today)


def _key(form: str, name: str, case: dict[str, Any]) -> str:
    """A widget key per form round and case: another case starts from its own values."""
    return forms.key(form, f"{name}_{case['case_id']}")


def _move(eng, actor, case, _reasons, _today) -> None:
    with st.form(FORM_MOVE):
        c1, c2 = st.columns([1, 2])
        status = c1.selectbox("Move to", MOVES[case["status"]], key=_key(FORM_MOVE, "dp_mv_to", case))
        forms.slot("status", c1)
        note = c2.text_input("Note (optional)", key=_key(FORM_MOVE, "dp_mv_note", case))
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
            key=_key(FORM_ASSIGN, "dp_as_dept", case),
        )
        forms.slot("resolver_department", c1)
        resolver = c2.text_input(
            "Resolver (person)", value=case["resolver"] or "", key=_key(FORM_ASSIGN, "dp_as_resolver", case)
        )
        forms.slot("resolver", c2)
        owner_options = ["", *owners]
        owner = c3.selectbox(
            "Owner (collector)",
            owner_options,
            format_func=lambda o: o or "—",
            index=owner_options.index(case["collector"]) if case["collector"] in owner_options else 0,
            key=_key(FORM_ASSIGN, "dp_as_owner", case),
        )
        forms.slot("owner", c3)
        c4, c5 = st.columns([1, 2])
        follow_up = c4.date_input(
            "Next follow-up",
            value=case["next_action_date"],
            format="DD.MM.YYYY",
            key=_key(FORM_ASSIGN, "dp_as_next", case),
        )
        forms.slot("next_action_date", c4)
        labels = {code: f"{code} · {reasons[code].label}" if code in reasons else code for code in codes}
        reason = c5.selectbox(
            "Reason",
            codes,
            index=codes.index(case["reason"]),
            format_func=labels.get,
            key=_key(FORM_ASSIGN, "dp_as_reason", case),
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


def _resolve(eng, actor, case, _reasons, today) -> None:
    with st.form(FORM_RESOLVE):
        forms.slot("status")
        c1, c2, c3 = st.columns(3)
        choices = RESOLUTIONS_BY_TYPE[case["type"]]
        resolution = c1.selectbox("Resolution", choices, key=_key(FORM_RESOLVE, "dp_rs_resolution", case))
        forms.slot("resolution", c1)
        resolved = c2.date_input(
            "Resolved on",
            value=today,
            min_value=case["opened"],
            max_value=today,
            format="DD.MM.YYYY",
            key=_key(FORM_RESOLVE, "dp_rs_date", case),
        )
        forms.slot("resolved", c2)
        credited_text = c3.text_input(
            f"Credited amount ({case['currency']})",
            key=_key(FORM_RESOLVE, "dp_rs_credited", case),
            placeholder="e.g. 1.250,00",
            help=f"For {' or '.join(CREDITING)}: the amount of the credit note.",
        )
        forms.slot("credited", c3)
        note = st.text_input("Note (optional)", key=_key(FORM_RESOLVE, "dp_rs_note", case))
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


def _reopen(eng, actor, case, _reasons, _today) -> None:
    with st.form(FORM_REOPEN):
        forms.slot("status")
        reason = st.text_input("Why is the case reopened?", key=_key(FORM_REOPEN, "dp_ro_reason", case))
        forms.slot("reason")
        if st.form_submit_button("Reopen", type="primary"):
            disputes.save(
                lambda: reopen_case(eng, actor, case["case_id"], reason),
                f"Case {case['case_id']} reopened.",
                FORM_REOPEN,
            )


def _escalate(eng, actor, case, _reasons, _today) -> None:
    level = case["level"] + 1
    with st.form(FORM_ESCALATE):
        st.markdown(f"Raises the case to level **{level} · {LEVELS[level]}**; it shows on the huddle.")
        forms.slot("status")
        forms.slot("level")
        c1, c2 = st.columns([1, 2])
        to_whom = c1.text_input(
            "To whom", key=_key(FORM_ESCALATE, "dp_es_to", case), placeholder=LEVELS[level]
        )
        forms.slot("to_whom", c1)
        reason = c2.text_input("Why", key=_key(FORM_ESCALATE, "dp_es_reason", case))
        forms.slot("reason", c2)
        if st.form_submit_button("Escalate", type="primary"):
            disputes.save(
                lambda: escalate_case(eng, actor, case["case_id"], to_whom=to_whom, reason=reason),
                f"Case {case['case_id']} escalated to level {level}: {escape(to_whom)}.",
                FORM_ESCALATE,
            )


def _reminder(_eng, _actor, case, _reasons, today) -> None:
    """The e-mail to the resolver, ready to copy (the copy button sits at the block's top right)."""
    open_items = case["items_frame"].filter(pl.col("cleared_on").is_null())
    text = reminder_text(case, open_items.select("doc_no", "amount", "currency").to_dicts(), today)
    st.code(text, language=None, wrap_lines=True)
