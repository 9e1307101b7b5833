"""Overview: the logged-in person's own late and at-risk training modules (nothing when none)."""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ar_core.access import Actor
from ar_core.knowledge import attention, training_plan
from ui import data
from ui.resources import engine
from ui.text import escape


def show(actor: Actor) -> None:
    today = data.team_today()
    risky = attention(training_plan(engine(), actor, today, actor.username))
    if risky.is_empty():
        return
    lines = []
    for row in risky.iter_rows(named=True):
        when = (
            f"projected {row['projected_finish']:%d.%m.%Y}"
            if row["projected_finish"]
            else "never at the current pace"
        )
        lines.append(f"- **{escape(row['module'])}** — {row['status']} (due {row['due']:%d.%m.%Y}, {when})")
    st.warning(
        f"Your training plan: {risky.height} module(s) late or at risk as of {today:%d.%m.%Y}. "
        "Add a note on the Training page to explain the delay.\n\n" + "\n".join(lines)
    )
    with contextlib.suppress(StreamlitPageNotFoundError):  # a part run on its own has no navigation
        st.page_link("pages/training.py", label="Open my training plan", icon=":material/school:")
