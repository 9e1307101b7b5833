"""Forms that never lose what was typed: cleared after a save, kept after a refusal.

``st.form(clear_on_submit=True)`` empties a form on every submit, also when the service refused
the input, so the user types it all again. Instead every widget key carries the form's round; a
successful save starts the next round, and widgets with new keys start from their defaults (the
browser holds no value for a key it never saw). Round 0 uses the plain key.
"""

from __future__ import annotations

import streamlit as st

#: Session key: per form, how often it was saved.
ROUNDS = "form_rounds"


def key(form: str, name: str) -> str:
    """The widget key ``name`` of ``form`` in the form's current round."""
    n = st.session_state.get(ROUNDS, {}).get(form, 0)
    return name if n == 0 else f"{name}__{n}"


def next_round(form: str) -> None:
    """After a successful save: the form's widgets start empty on the next run."""
    rounds = st.session_state.setdefault(ROUNDS, {})
    rounds[form] = rounds.get(form, 0) + 1
