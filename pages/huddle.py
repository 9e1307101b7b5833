"""Morning huddle: the team's top cases on a shared screen — large type, few clicks, one action each."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.collections import (
    NEXT_ACTIONS,
    default_step_date,
    huddle_board,
    latest_contacts,
    open_escalations,
    open_promises,
    record_step,
)
from ui import data, fmt, keys, tables
from ui.guard import require
from ui.resources import engine
from ui.text import escape, or_dash

actor = require("lead", "admin")
eng = engine()
FLASH = "hd_flash"

# A shared screen is read from across the room: on a wall screen (>= 1,800 px) text and tables
# grow by half. The table grid is a canvas drawn at the width Streamlit gives it, so it gets a
# fixed width (TABLE_PX) that, zoomed by 1.5, still fits a 1,920 px screen beside the sidebar.
TABLE_PX = 960
st.markdown(
    """<style>
    [data-testid='stMainBlockContainer'] {padding-left: 2rem; padding-right: 2rem;}
    @media (min-width: 1800px) {
      [data-testid='stMainBlockContainer'] [data-testid='stMarkdownContainer'] p {font-size: 1.5rem;}
      [data-testid='stMainBlockContainer'] [data-testid='stDataFrame'] {zoom: 1.5;}
    }
    </style>""",
    unsafe_allow_html=True,
)
snaps = data.snapshot_list()
if snaps.is_empty():
    st.info("No snapshot yet: the huddle starts with the first ERP extract.")
    st.stop()
latest = snaps.row(-1, named=True)
full, _missing = data.worklist(actor, latest["snapshot_id"], latest["as_of"])
today = data.team_today()

top = st.columns([3, 2, 1, 1])
top[0].title(f"Huddle — {fmt.day(latest['as_of'])}")
collectors = sorted(c for c in full["collector"].unique().to_list() if c)
group = top[1].multiselect("Collectors", collectors, key="hd_group", placeholder="Whole team")
top_n = top[2].selectbox("Top", [5, 10, 20], key="hd_n")
last_huddle = settings.get_last_huddle(eng)
since = top[3].date_input(
    "Since",
    value=last_huddle or latest["as_of"] - timedelta(days=7),
    format="DD.MM.YYYY",
    key="hd_since",
    help="Broken promises decided since this day; by default since the last huddle was closed.",
)
if flash := st.session_state.pop(FLASH, None):
    st.success(flash)
team = full if not group else full.filter(pl.col("collector").is_in(group))
board = huddle_board(team, open_promises(eng, actor), open_escalations(eng, actor), since, top_n)


def _saved(action, message: str) -> None:
    """Save, then run the page again so that everything on it shows the new state."""
    if data.save(action):
        st.session_state[FLASH] = message
        st.rerun()


SECTIONS = {
    "top_collectable": "Top collectable",
    "top_disputed": "Top disputed",
    "credit_balances": "Largest credit balances",
    "broken_promises": "Broken promises",
    "escalations": "Second-voice escalations",
}
counts = {k: board[k].height for k in SECTIONS}
if st.button(
    "Close today's huddle", key="hd_close", help="The next huddle then shows broken promises since today."
):
    st.session_state.pop("hd_since", None)  # the date picker follows the new last huddle
    _saved(lambda: settings.close_huddle(eng, actor, today), "Huddle closed: the next one starts from today.")
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

#: The money column each board ranks by, with its label.
AMOUNTS = {
    "top_collectable": ("overdue_collectable", "Overdue (collectable)"),
    "top_disputed": ("disputed_amount", "In dispute"),
    "credit_balances": ("credit_balance", "Credit balance (owed to the customer)"),
    "broken_promises": ("amount", "Promised"),
    "escalations": ("open_amount", "Open, net of credits"),
}
amount_col, amount_label = AMOUNTS[section]
cur = cases["currency"][0] if "currency" in cases.columns else "EUR"
escalated = section == "escalations"
overview = cases.with_row_index("case", offset=1).select(
    "case",
    pl.col("customer_name").fill_null(pl.col("customer_id")).alias("customer"),
    pl.col("collector").alias("owner"),
    *([pl.col("to_user").alias("escalated_to")] if escalated else []),
    pl.col(amount_col).alias("amount"),
    *([pl.col("overdue_collectable").alias("collectable")] if escalated else []),
    pl.col("next_action").alias("suggested"),
)
money = st.column_config.NumberColumn
tables.show(
    overview,
    download=f"huddle-{section}",
    hide_index=True,
    width=TABLE_PX,
    row_height=40,
    column_config={
        "case": st.column_config.NumberColumn("#", width=36),
        "customer": st.column_config.TextColumn("Customer", width=300 if escalated else 420),
        "owner": st.column_config.TextColumn("Owner", width=100),
        "escalated_to": st.column_config.TextColumn("Escalated to", width=110),
        "amount": money(f"{amount_label} ({cur})", format="%,.2f", width=150),
        "collectable": money(f"Overdue (collectable) ({cur})", format="%,.2f", width=130),
        "suggested": st.column_config.TextColumn("Suggested", width=130),
    },
)

idx_key = f"hd_idx_{section}"
idx = min(st.session_state.get(idx_key, 0), cases.height - 1)
nav = st.columns([1, 1, 6])
if nav[0].button("◀ Previous", disabled=idx == 0, key="hd_prev"):
    idx -= 1
if nav[1].button("Next ▶", disabled=idx >= cases.height - 1, key="hd_next"):
    idx += 1
st.session_state[idx_key] = idx
case = cases.row(idx, named=True)
cid = case["customer_id"]
nav[2].markdown(f"### Case {idx + 1} of {cases.height}: {escape(case.get('customer_name') or cid)}")

left, right = st.columns([3, 2])
with left:
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
with right, st.form(f"step_{section}_{cid}", clear_on_submit=True):
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
        _saved(
            lambda: record_step(eng, actor, cid, action=step, by=when, note=note, today=today),
            f"Next step for {escape(case.get('customer_name') or cid)} recorded: "
            f"{escape(step)} by {fmt.day(when)}.",
        )
