"""The guard every page file runs first: logged in, still active, role allowed.

Streamlit can run a file in ``pages/`` directly on a deep link before ``st.navigation`` has run,
so the check lives in each page, not only in the navigation.
"""

from __future__ import annotations

import streamlit as st

from ar_core.users import Actor, get_actor, must_change_password
from ui import keys
from ui.resources import engine


def _run_the_app_instead() -> None:
    """A deep link answered before ``st.navigation`` ever ran in this server: run app.py instead.

    While no script has called ``st.navigation`` since the server started, Streamlit treats the
    ``pages/`` folder as a v1 multipage app and runs the file of a bookmarked path (``/huddle``)
    directly, so the login never shows — and never would, because nothing calls
    ``st.navigation``. Switching that mode off (what ``st.navigation`` itself does) and rerunning
    lets app.py serve the same URL with the login form.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def require(*roles: str) -> Actor:
    """Return the acting user, or stop the page without showing any data."""
    username = st.session_state.get(keys.USERNAME)
    if not st.session_state.get(keys.AUTH_STATUS) or not username:
        _run_the_app_instead()
        st.info("Please log in on the AR Desk start page.")
        st.stop()
    actor = get_actor(engine(), username)
    if actor is None:
        st.error("Your account is no longer active. Ask an administrator.")
        st.stop()
    if must_change_password(engine(), username):
        st.warning("Choose your own password on the AR Desk start page first.")
        st.stop()
    if roles and not actor.has(*roles):
        st.error("This page is not available for your role.")
        st.stop()
    return actor
