"""A person's skills profile: the level per skill and how it came about."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.knowledge import level_history, skill_levels
from ui.components import date_column, record_table

KIND_ORDER = {"hard": 0, "soft": 1, "language": 2}


def show(eng, actor, person: str, name: str) -> None:
    """The levels of ``person`` grouped by hard skills, soft skills and languages, then the history."""
    levels = skill_levels(eng, actor, person)
    if levels.is_empty():
        st.info(f"No levels recorded for {name} yet: the lead assesses them or imports a levels file.")
        return
    levels = levels.sort(pl.col("kind").replace_strict(KIND_ORDER, default=9), "name")
    record_table(
        levels.select("kind", "name", "label", "since", "source"),
        {"kind": "Kind", "name": "Skill", "label": "Level", "since": date_column("Since"), "source": "From"},
    )
    with st.expander("History"):
        history = level_history(eng, actor, person)
        record_table(
            history.select("on", "name", "label", "source", "note", "by"),
            {
                "on": date_column("On"),
                "name": "Skill",
                "label": "Level after",
                "source": "From",
                "note": "Note / module",
                "by": "By",
            },
        )
