"""One case at a time: stepping through the board, what the room needs to know, the agreed step."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.collections import NEXT_ACTIONS, default_step_date, latest_contacts, record_step
from pages.huddle_parts.board import AMOUNTS, CASE_URL, currency
from pages.huddle_parts.controls import saved
from ui import fmt, keys
from ui.text import escape, or_dash


def navigate(cases: pl.DataFrame, section: str) -> dict[str, Any]:
    """Previous and Next, one position per board, so switching boards does not lose the place."""
    idx_key = f"hd_idx_{section}"
    idx = min(st.session_state.get(idx_key, 0), cases.height - 1)
    nav = st.columns([1, 1, 6])
    if nav[0].button("◀ Previous", disabled=idx == 0, key="hd_prev"):
        idx -= 1
    if nav[1].button("Next ▶", disabled=idx >= cases.height - 1, key="hd_next"):
        idx += 1
    st.session_state[idx_key] = idx
    case = cases.row(idx, named=True)
    name = escape(case.get("customer_name") or case["customer_id"])
    nav[2].markdown(f"### Case {idx + 1} of {cases.height}: {name}")
    return case


def details(eng: sa.Engine, actor: Actor, cases: pl.DataFrame, case: dict[str, Any], section: str) -> None:
    """Why the case is on the board and what was agreed last, with the way into the account."""
    cid = case["customer_id"]
    amount_col, amount_label = AMOUNTS[section]
    cur = currency(cases)
    lines = [f"**Owner** {or_dash(case.get('collector'))}"]
    money_cur = case.get("promise_currency") or cur
    lines.append(f"**{amount_label}** {fmt.money(case[amount_col], money_cur)}")
    if case.get("promised_date"):
        lines.append(
            f"**Promised for** {fmt.day(case['promised_date'])} (by {escape(case.get('created_by'))}), "
            f"broken as of {fmt.day(case.get('status_decided_on'))}"
        )
    if case.get("to_user"):
        lines.append(
            f"**Escalated** by {escape(case['from_user'])} to **{escape(case['to_user'])}**: "
            f"{escape(case.get('escalation_reason'))}"
            f" · overdue (collectable) {fmt.money(case.get('overdue_collectable'), cur)}"
        )
    if case.get("case_id") is not None:
        lines += _case_lines(case)
    if case.get("reasons"):
        lines.append("**Why** " + "; ".join(escape(r) for r in case["reasons"]))
    if case.get("next_action"):
        lines.append(f"**Suggested** {escape(case['next_action'])}")
    agreed = latest_contacts(eng, actor, [cid])
    if agreed.height and agreed["next_action"][0]:
        step_by = fmt.day(agreed["next_action_date"][0])
        lines.append(f"**Agreed** {escape(agreed['next_action'][0])} by {step_by}")
    st.markdown("  \n".join(lines))
    if st.button("Open the account", key="hd_open"):
        st.session_state[keys.ACCOUNT] = cid
        st.switch_page("pages/account.py", query_params={"customer": cid})


def _case_lines(case: dict[str, Any]) -> list[str]:
    """A delayed dispute or inquiry: which case, why, how late, who resolves it, how high it went."""
    late = case["days_late"]
    when = f"{late} days late" if late > 0 else ("due today" if late == 0 else f"due in {-late} days")
    resolver = " · ".join(escape(x) for x in (case.get("resolver_department"), case.get("resolver")) if x)
    level = f"level {case['level']}, {escape(case['level_label'])}" if case.get("level") else "not escalated"
    category = f" ({escape(case['category'])})" if case.get("category") else " (unmapped)"
    return [
        f"**Case** [{case['case_id']}]({CASE_URL.format(int(case['case_id']))}) · {escape(case['type'])} · "
        f"{escape(case['reason'])}{category} · {escape(case['status'])}",
        f"**Due** {fmt.day(case['due'])}, {when} · opened {fmt.day(case.get('opened'))}",
        f"**Resolver** {resolver or '—'} · **Escalation** {level}",
    ]


def step_form(eng: sa.Engine, actor: Actor, case: dict[str, Any], section: str, today: date) -> None:
    """The step the room agreed, recorded in the customer's contact log for the collector."""
    cid = case["customer_id"]
    with st.form(f"step_{section}_{cid}", clear_on_submit=True):
        st.markdown("**Agreed next step**")
        options = list(NEXT_ACTIONS)
        step = st.selectbox(
            "Action",
            options,
            key="hd_action",
            index=options.index(case["next_action"]) if case.get("next_action") in options else 0,
        )
        when = st.date_input(
            "By", value=default_step_date(today), min_value=today, format="DD.MM.YYYY", key="hd_when"
        )
        note = st.text_input("Note", key="hd_note")
        if st.form_submit_button("Record", type="primary"):
            saved(
                lambda: record_step(eng, actor, cid, action=step, by=when, note=note, today=today),
                f"Next step for {escape(case.get('customer_name') or cid)} recorded: "
                f"{escape(step)} by {fmt.day(when)}.",
            )
