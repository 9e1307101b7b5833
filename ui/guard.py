"""The guard every page file runs first: logged in, still active, role allowed.

Streamlit can run a file in ``pages/`` directly on a deep link before ``st.navigation`` has run,
so the check lives in each page, not only in the navigation.
"""

from __future__ import annotations

import streamlit as st

from ar_core.users import Actor, get_actor
from ui import keys
from ui.resources import engine


def require(*roles: str) -> Actor:
    """Return the acting user, or stop the page without showing any data."""
    username = st.session_state.get(keys.USERNAME)
    if not st.session_state.get(keys.AUTH_STATUS) or not username:
        st.info("Please log in on the AR Desk start page.")
        st.stop()
    actor = get_actor(engine(), username)
    if actor is None:
        st.error("Your account is no longer active. Ask an administrator.")
        st.stop()
    if roles and not actor.has(*roles):
        st.error("This page is not available for your role.")
        st.stop()
    return actor
