"""Morning huddle: the team's top cases on a shared screen — large type, few clicks, one action each."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import streamlit as st

from ar_core import contacts, escalations, huddle, promises, reason_codes
from ar_core.errors import ArDeskError
from ui import data, fmt
from ui.guard import require
from ui.resources import engine

actor = require("lead", "admin")
eng = engine()

st.markdown("<style>section.main p, section.main td {font-size: 1.15rem;}</style>", unsafe_allow_html=True)
snaps = data.snapshot_list()
if snaps.is_empty():
    st.info("No snapshot yet: the huddle starts with the first ERP extract.")
    st.stop()
latest = snaps.row(-1, named=True)
full, _missing = data.worklist(latest["snapshot_id"], latest["as_of"])

top = st.columns([3, 2, 1, 1])
top[0].title(f"Huddle — {fmt.day(latest['as_of'])}")
collectors = sorted(c for c in full["collector"].unique().to_list() if c)
group = top[1].multiselect("Collectors", collectors, key="hd_group", placeholder="Whole team")
top_n = top[2].selectbox("Top", [5, 10, 20], key="hd_n")
since = top[3].date_input(
    "Since", value=latest["as_of"] - timedelta(days=7), format="DD.MM.YYYY", key="hd_since"
)
team = full if not group else full.filter(pl.col("collector").is_in(group))
board = huddle.huddle_board(
    team, promises.promise_frame(eng), escalations.open_escalations(eng), since, top_n
)

SECTIONS = {
    "top_collectable": "Top collectable",
    "top_disputed": "Top disputed",
    "credit_balances": "Largest credit balances",
    "broken_promises": "Broken promises",
    "escalations": "Second-voice escalations",
}
counts = {k: board[k].height for k in SECTIONS}
section = (
    st.segmented_control(
        "Board",
        list(SECTIONS),
        format_func=lambda k: f"{SECTIONS[k]} ({counts[k]})",
        default="top_collectable",
        key="hd_section",
    )
    or "top_collectable"
)
cases = board[section]
if cases.is_empty():
    st.success(f"{SECTIONS[section]}: nothing to discuss today.")
    st.stop()

idx_key = f"hd_idx_{section}"
idx = min(st.session_state.get(idx_key, 0), cases.height - 1)
nav = st.columns([1, 1, 6])
if nav[0].button("◀ Previous", disabled=idx == 0, key="hd_prev"):
    idx -= 1
if nav[1].button("Next ▶", disabled=idx >= cases.height - 1, key="hd_next"):
    idx += 1
st.session_state[idx_key] = idx
case = cases.row(idx, named=True)
nav[2].markdown(f"### Case {idx + 1} of {cases.height}: {case.get('customer_name') or case['customer_id']}")

left, right = st.columns([3, 2])
with left:
    cur = case.get("currency") or "EUR"
    facts = {k: v for k, v in case.items() if v is not None and k not in {"reasons", "customer_name"}}
    lines = [f"**Owner** {case.get('collector') or case.get('to_user') or '—'}"]
    for key, label in (
        ("overdue_amount", "Overdue"),
        ("disputed_amount", "In dispute"),
        ("credit_amount", "Credit"),
        ("amount", "Promised"),
    ):
        if key in facts:
            lines.append(f"**{label}** {fmt.money(facts[key], case.get('promise_currency') or cur)}")
    if case.get("reasons"):
        lines.append("**Why** " + "; ".join(case["reasons"]))
    if case.get("reason"):
        lines.append(f"**Why** {case['reason']}")
    if case.get("next_action"):
        lines.append(f"**Suggested** {case['next_action']}")
    st.markdown("  \n".join(lines))
with right, st.form(f"step_{section}_{case['customer_id']}", clear_on_submit=True):
    st.markdown("**Agreed next step**")
    step = st.selectbox("Action", reason_codes.NEXT_ACTIONS, key="hd_action")
    when = st.date_input("By", value=latest["as_of"] + timedelta(days=1), format="DD.MM.YYYY", key="hd_when")
    note = st.text_input("Note", key="hd_note")
    if st.form_submit_button("Record", type="primary"):
        try:
            contacts.log_contact(
                eng,
                actor,
                case["customer_id"],
                channel="meeting",
                outcome="reached",
                notes=f"Huddle: {note}".strip(),
                next_action=step,
                next_action_date=when,
            )
        except ArDeskError as exc:
            st.error(str(exc))
        else:
            data.refresh()
            st.toast(f"Next step for {case['customer_id']} recorded.")
