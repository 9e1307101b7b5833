"""Insolvency & ratings: the customers in insolvency proceedings (collections and dunning hold
them), the insolvency announcements a lead reviews, credit-agency ratings, and the imports.

The tiles on top say how many proceedings are ongoing, what is filed and what came back (the
quota), and how many announcements wait for a decision — the first things a lead asks.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.recovery import EXTERNAL_ROLES, list_insolvency_cases, review_queue
from pages.insolvency_parts import announcements, cases, imports, ratings
from pages.insolvency_parts.common import FLASH
from ui import data, fmt
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()
st.title("Insolvency & ratings")
data.show_flash(FLASH)
all_cases = list_insolvency_cases(eng, actor)
ongoing = all_cases.filter(pl.col("ongoing"))
queue = review_queue(eng, actor)


def _by_currency(frame: pl.DataFrame, column: str) -> dict[str, Decimal]:
    """Sum of a money column per currency (claims in several currencies are not added up)."""
    rows = frame.filter(pl.col(column).is_not_null()).group_by("currency").agg(pl.col(column).sum())
    return {cur: Decimal(total) for cur, total in rows.sort("currency").iter_rows()}


tiles = st.columns(4)
tiles[0].metric("Ongoing proceedings", f"{ongoing.height:,}", help="Dunning and collections hold them.")
tiles[1].metric("Claims filed (ongoing)", fmt.totals(_by_currency(ongoing, "claim")))
tiles[2].metric("Quota received (all cases)", fmt.totals(_by_currency(all_cases, "quota_received")))
tiles[3].metric("Announcements to review", f"{queue.height:,}")

names = ["Insolvency cases", "Announcements", "Ratings"]
if actor.has(*EXTERNAL_ROLES):
    names.append("Imports")
tabs = st.tabs(names)
with tabs[0]:
    cases.show(eng, actor, data.team_today(), all_cases)
with tabs[1]:
    announcements.show(eng, actor)
with tabs[2]:
    ratings.show(eng, actor)
if actor.has(*EXTERNAL_ROLES):
    with tabs[3]:
        imports.show(eng, actor, settings.get_time_zone(eng))
