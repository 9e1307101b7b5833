"""The guard every page file runs first: logged in, still active, role allowed.

Streamlit can run a file in ``pages/`` directly on a deep link before ``st.navigation`` has run,
so the check lives in each page, not only in the navigation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st

from ar_core.access import Actor, get_actor, must_change_password, session_actor, session_version
from ui import keys
from ui.resources import engine
from ui.run_log import logged_fragment_run

#: Shown above the login form when a session was ended from elsewhere.
SESSION_ENDED_MESSAGE = (
    "Your session has ended: you logged out elsewhere, your password or roles changed, or your "
    "account was locked or deactivated. Log in again."
)


def session_user(username: str) -> Actor | None:
    """The actor of this session, or ``None`` when its session version is no longer current.

    app.py records the version at every login; a session without one (a page test that set
    the login state by hand) takes the current one.
    """
    version = st.session_state.get(keys.SESSION_VERSION)
    if version is None:
        version = st.session_state[keys.SESSION_VERSION] = session_version(engine(), username)
    return session_actor(engine(), username, version)


@contextlib.contextmanager
def fragment_run(actor: Actor, url_path: str) -> Iterator[None]:
    """The body of a fragment: its own reruns check the session again (the page's guard does not
    run then) and are timed in the run log as ``url_path`` (``ui.run_log``)."""
    if session_user(actor.username) is None:  # ended or deactivated meanwhile: the app's run says so
        st.rerun(scope="app")
    with logged_fragment_run(url_path):
        yield


def renew_session(username: str) -> None:
    """Keep this session (and rewrite its cookie) after a change of its own user advanced the version."""
    st.session_state[keys.SESSION_VERSION] = session_version(engine(), username)
    st.session_state.pop(keys.COOKIE_TO_DELETE, None)
    st.session_state[keys.COOKIE_TO_WRITE] = True
    with contextlib.suppress(KeyError, st.errors.StreamlitAPIException):  # re-arm the cookie component
        del st.session_state[keys.COOKIE_SET_COMPONENT]


def _run_the_app_instead() -> None:
    """A deep link answered before ``st.navigation`` ran for this session: run app.py instead.

    While no script has called ``st.navigation`` since the server started, Streamlit treats the
    ``pages/`` folder as a v1 multipage app and runs the file of a bookmarked path (``/huddle``)
    directly, so the login never shows. Switching that mode off (what ``st.navigation`` itself
    does) and rerunning lets app.py serve the same URL with the login form. It is decided per
    session (app.py marks every run), not by the server-wide switch: several browsers opening
    deep links on a fresh server at once all started in that mode, though only the first one
    finds the switch still on. At most two reruns, so a page run on its own (a test) cannot loop.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if st.session_state.get(keys.APP_RAN) or st.session_state.get(keys.APP_REDIRECTS, 0) >= 2:
        return
    st.session_state[keys.APP_REDIRECTS] = st.session_state.get(keys.APP_REDIRECTS, 0) + 1
    PagesManager.uses_pages_directory = False
    st.rerun()


def require(*roles: str) -> Actor:
    """Return the acting user, or stop the page without showing any data."""
    username = st.session_state.get(keys.USERNAME)
    if not st.session_state.get(keys.AUTH_STATUS) or not username:
        _run_the_app_instead()
        st.info("Please log in on the AR Desk start page.")
        st.stop()
    actor = session_user(username)
    if actor is None:  # app.py ends such a session first; a page run on its own ends it here
        st.session_state[keys.AUTH_STATUS] = None
        st.session_state.pop(keys.SESSION_VERSION, None)
        if get_actor(engine(), username) is None:
            st.error("Your account is no longer active. Ask an administrator.")
        else:
            st.warning(SESSION_ENDED_MESSAGE)
        st.stop()
    if must_change_password(engine(), username):
        st.warning("Choose your own password on the AR Desk start page first.")
        st.stop()
    if roles and not actor.has(*roles):
        st.error("This page is not available for your role.")
        st.stop()
    return actor
