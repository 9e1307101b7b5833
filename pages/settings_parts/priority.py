"""The priority score's weights and thresholds, one input per stored value, with a reset."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import streamlit as st

from ar_core import settings
from ar_core.access import Actor
from ar_core.collections import PriorityConfig
from pages.settings_parts import NOTICE
from ui import data


def _forget(prefix: str) -> None:
    """Drop the form's widget states so that the next run shows what is stored, not what was typed."""
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def _input(box: Any, name: str, value: Any, default: Any) -> Any:
    """The widget for one stored value, by its type (a dict: one number per entry)."""
    label = name.replace("_", " ").capitalize()
    if isinstance(value, dict):  # e.g. points per risk class
        return {
            k: float(box.number_input(f"{label}: {k}", value=float(v), step=0.5, key=f"pc_{name}_{k}"))
            for k, v in value.items()
        }
    if isinstance(value, bool):
        return box.checkbox(label, value=value, key=f"pc_{name}")
    if isinstance(value, int):
        return int(box.number_input(label, value=value, step=1, key=f"pc_{name}", help=f"default {default}"))
    if isinstance(value, float):
        return float(
            box.number_input(label, value=value, step=0.5, key=f"pc_{name}", help=f"default {default}")
        )
    return box.text_input(label, value=str(value), key=f"pc_{name}", help=f"default {default}")


def weights(eng: sa.Engine, actor: Actor) -> None:
    current = settings.get_priority_config(eng)
    defaults = PriorityConfig().to_dict()
    with st.form("priority"):
        cols = st.columns(3)
        edited = {
            name: _input(cols[i % 3], name, value, defaults.get(name))
            for i, (name, value) in enumerate(current.items())
        }
        save, reset = st.columns(2)
        if save.form_submit_button("Save weights", type="primary"):
            data.save(
                lambda: settings.set_priority_config(eng, actor, edited),
                "Priority weights saved; worklists use them from now on.",
                ledger=True,
            )
        if reset.form_submit_button("Reset to defaults") and data.save(
            lambda: settings.set_priority_config(eng, actor, defaults), ledger=True
        ):
            _forget("pc_")
            st.session_state[NOTICE] = "Priority weights reset to the documented defaults."
            st.rerun()
