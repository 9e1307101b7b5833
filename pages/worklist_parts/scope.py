"""Whose worklist: the portfolio chosen (a lead, controller or admin may pick), and what it misses."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from ar_core.access import READ_ALL_ROLES, Actor
from ar_core.collections import unrated_limit_currencies
from ui import data, fmt, notices
from ui.data import sticky
from ui.text import escape

#: The roles that see the team and may pick one collector's portfolio.


def portfolio(actor: Actor) -> tuple[str, str | None]:
    """The portfolio shown, as ``(who, collector)``; ``collector`` is ``None`` for the team or one's own."""
    if not actor.has(*READ_ALL_ROLES):
        return actor.username, None
    collectors = data.collectors()
    choices = ["Team (all collectors)", *collectors]
    sticky("wl_who", actor.username if actor.username in collectors else choices[0], choices)
    who = st.selectbox("Portfolio", choices, key="wl_who")
    return who, None if who.startswith("Team") else who


def warnings(
    actor: Actor, latest: dict[str, Any], frame: pl.DataFrame, missing_fx: list[str], chosen: str | None
) -> None:
    """Say what the ranking could not judge, so no one trusts a figure that lacks a rate."""
    notices.fx_warnings(latest["snapshot_id"], latest["as_of"], missing_fx)
    if chosen is None and not actor.has(*READ_ALL_ROLES):
        st.caption(
            f"Your portfolio, snapshot of {fmt.day(latest['as_of'])}; cases escalated to you included."
        )
    unrated = unrated_limit_currencies(frame)
    if unrated:
        st.warning(
            f"No FX rate for the credit-limit currency {escape(', '.join(unrated))}: those limits are not "
            "judged (no *credit limit exceeded*). A lead can enter rates under Settings."
        )
