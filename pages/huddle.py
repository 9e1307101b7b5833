"""Morning huddle: the team's top cases on a shared screen — large type, few clicks, one action each.

The sections live in ``pages/huddle_parts``; the boards and their ranking in ``ar_core.collections``.
Every save reruns the page, so the board and the case show the new state at once.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.collections import huddle_board, open_escalations, open_promises
from pages.huddle_parts import board, broken_plans, case, controls, coverage
from ui import data
from ui.components import latest_snapshot
from ui.guard import fragment_run, require
from ui.resources import engine

actor = require("lead", "admin")
eng = engine()

# A shared screen is read from across the room: on a wall screen (>= 1,800 px) text and tables
# grow by half (the board's table has a fixed width that still fits, huddle_parts.board.TABLE_PX).
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
latest = latest_snapshot("No snapshot yet: the huddle starts with the first ERP extract.")
full, _missing = data.worklist(actor, latest["snapshot_id"], latest["as_of"])
today = data.team_today()

# 1. Who is in the room, how many cases a board holds, and since when promises count as broken.
group, top_n, since = controls.header(eng, latest, full)
controls.show_flash()
coverage.show(eng, actor, today)  # who is away today and who covers, open coverage gaps
broken_plans.show(actor)  # before the board: an empty board stops the page
team = full if not group else full.filter(pl.col("collector").is_in(group))
boards = huddle_board(team, open_promises(eng, actor), open_escalations(eng, actor), since, top_n,
                      data.dispute_cases(actor), today)  # fmt: skip

# 2. The board: close the huddle, or pick a board and see all of its cases.
board.close_button(eng, actor, today)
section = board.pick(boards)
cases = boards[section]
if cases.is_empty():
    st.success(f"{board.SECTIONS[section]}: nothing to discuss today.")
    st.stop()
board.overview(cases, section)


@st.fragment
def _one_case(eng, actor, cases: pl.DataFrame, section: str, today) -> None:
    """One case at a time: what the room needs to know on the left, the agreed step on the right.

    Previous and Next rerun only this part (the board above does not change when the room moves
    on), so stepping through the board costs the server and the wall screen a fraction of a page
    run. Recording a step reruns the whole page: the board shows the new state.
    """
    with fragment_run(actor, "huddle#case"):
        chosen = case.navigate(cases, section)
        left, right = st.columns([3, 2])
        with left:
            case.details(eng, actor, cases, chosen, section)
        with right:
            case.step_form(eng, actor, chosen, section, today)


# 3. One case at a time.
_one_case(eng, actor, cases, section, today)
