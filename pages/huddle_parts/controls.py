"""The room's choices (whose cases, how many, since when) and saving with a rerun."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core import settings
from ui import data, fmt

FLASH = "hd_flash"


def header(eng: sa.Engine, latest: dict[str, Any], full: pl.DataFrame) -> tuple[list[str], int, date]:
    """The title beside the room's choices: whose cases, how many per board, broken since when."""
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
    return group, top_n, since


def show_flash() -> None:
    """The message of the save that caused this run."""
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash)


def saved(action: Callable[[], object], message: str) -> None:
    """Save, then run the page again so that everything on it shows the new state."""
    if data.save(action):
        st.session_state[FLASH] = message
        st.rerun()
