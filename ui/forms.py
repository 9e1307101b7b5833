"""Forms that never lose what was typed: cleared after a save, kept after a refusal.

``st.form(clear_on_submit=True)`` empties a form on every submit, also when the service refused
the input, so the user types it all again. Instead every widget key carries the form's round; a
successful save starts the next round, and widgets with new keys start from their defaults (the
browser holds no value for a key it never saw). Round 0 uses the plain key.
"""

from __future__ import annotations

from typing import Any

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


#: Session key: the places drawn in this run where a refusal of a field is shown.
SLOTS = "_field_slots"


def _run_token() -> int:
    """Changes with every script run (Streamlit resets the run's cursors): old places are never reused."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return id(ctx.cursors) if ctx is not None else 0


def slot(field: str, where: Any = None) -> None:
    """Reserve the place right under a widget where a refusal naming ``field`` is shown.

    ``field`` is the service's parameter name (``InvalidInput.field``): call it right after
    drawing the widget that feeds that parameter, in the same container (``where``: a column).
    """
    st.session_state[SLOTS] = {
        **{k: v for k, v in st.session_state.get(SLOTS, {}).items() if v[0] == _run_token()},
        field: (_run_token(), (where or st).empty()),
    }


def show_refusal(field: str | None, message: str) -> bool:
    """Show ``message`` under the widget of ``field`` when one was reserved in this run."""
    token, place = st.session_state.get(SLOTS, {}).get(field or "", (None, None))
    if place is None or token != _run_token():
        return False
    place.error(message)
    return True
