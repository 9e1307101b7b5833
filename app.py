"""AR Desk entry point: page config → login → own password → role navigation → shared sidebar → page.

Until a user is logged in (and has replaced a password an admin set), every page URL is served
by the login (or password) view, so the URL opened — ``/huddle``, ``/account?customer=…`` — is
the page that runs after login: a page's identity in Streamlit is its URL path.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from ar_core.access import (
    LOCKOUT_AFTER,
    change_own_password,
    end_sessions,
    must_change_password,
    session_version,
)
from ar_core.errors import ConfigError
from ui import data, keys
from ui.guard import SESSION_ENDED_MESSAGE, renew_session, session_user
from ui.navigation import PAGES, pages_for, sections_for
from ui.resources import authenticator, engine
from ui.run_log import logged_run

RUN_STARTED = time.perf_counter()

st.set_page_config(page_title="AR Desk", page_icon=":material/account_balance:", layout="wide")
st.session_state[keys.APP_RAN] = True


#: URL path of the start page while nobody is logged in (served at ``/``). It must differ from the
#: page files' names: AppTest runs a page file directly when the requested path is its name.
HOLD_PATH = "start"


def _hold_every_url(view: Callable[[], None]) -> None:
    """Serve every page's URL path with ``view`` (hidden navigation), keeping URL and query string.

    A page's identity is its URL path, so the rerun after login runs the real page of that path;
    from ``/`` it lands on the start page.
    """
    if st.query_params:  # kept for the page after login: a page switch may drop the query string
        st.session_state[keys.HELD_QUERY] = st.query_params.to_dict()
    placeholders = [st.Page(view, title="AR Desk", url_path=HOLD_PATH, default=True)] + [
        st.Page(view, title=p.title, icon=p.icon, url_path=p.url_path) for p in PAGES
    ]
    st.navigation(placeholders, position="hidden").run()


def _login_view() -> None:
    st.title("AR Desk")
    st.caption("Accounts-receivable collections cockpit")


def _sync_login_cookie() -> None:
    """Keep the authenticator's cookie component on screen until the browser has run it.

    streamlit-authenticator 0.4.2 writes the login cookie by rendering a component (key ``set``)
    in the run of the login submit, and deletes it the same way at logout (``delete``). The
    component's JavaScript runs only once its iframe has loaded; a rerun that does not render it
    again removes it first — so the ``st.rerun()`` after a login lost the cookie in most logins,
    and a reload logged the user out (or, after a logout, back in). Rendering it on every run
    until it reports ``True`` makes both reliable.
    """
    cookies = auth.cookie_controller
    with cookie_slot:  # one fixed slot: the page below never shifts when the component goes
        _render_cookie_components(cookies)


def _render_cookie_components(cookies) -> None:
    if st.session_state.get(keys.COOKIE_TO_WRITE):
        cookies.set_cookie()
        if st.session_state.get(keys.COOKIE_SET_COMPONENT):
            del st.session_state[keys.COOKIE_TO_WRITE]
    if st.session_state.get(keys.COOKIE_TO_DELETE):
        cookies.delete_cookie()
        if st.session_state.get(keys.COOKIE_DELETE_COMPONENT):
            del st.session_state[keys.COOKIE_TO_DELETE]


def _logged_out(details: dict) -> None:
    """Logout ends every session and cookie of the user (a copied cookie dies with it)."""
    if details.get("username"):
        end_sessions(engine(), details["username"])
    st.session_state.pop(keys.SESSION_VERSION, None)
    st.session_state.pop(keys.COOKIE_TO_WRITE, None)
    st.session_state[keys.COOKIE_TO_DELETE] = True


try:
    auth = authenticator()
except ConfigError as exc:  # e.g. a cookie key that is too short: refuse to start, say why
    st.error(str(exc))
    st.stop()
engine()
cookie_slot = st.container()
if not st.session_state.get(keys.AUTH_STATUS):
    _sync_login_cookie()
    token = auth.cookie_controller.get_cookie()
    if ended := st.session_state.pop(keys.SESSION_ENDED, None):
        st.warning(ended)
    _hold_every_url(_login_view)
    auth.login(fields={"Form name": "Log in", "Login": "Log in"})
    if st.session_state.get(keys.AUTH_STATUS):
        username = st.session_state[keys.USERNAME]
        if token and token.get("username") == username:  # logged in by a (checked) cookie
            st.session_state[keys.SESSION_VERSION] = token["ver"]
        else:  # logged in by the form: the browser still has to store the cookie
            st.session_state[keys.SESSION_VERSION] = session_version(engine(), username)
            st.session_state.pop(keys.COOKIE_TO_DELETE, None)
            st.session_state[keys.COOKIE_TO_WRITE] = True
        st.rerun()  # build the navigation now, not on the next interaction
    if st.session_state.get(keys.AUTH_STATUS) is False:
        st.error(
            f"User name or password is wrong. After {LOCKOUT_AFTER} failed attempts in a row an account "
            "is locked for 15 minutes (longer after repeated lockouts), or until an administrator "
            "unlocks it."
        )
    st.stop()

actor = session_user(st.session_state[keys.USERNAME])
if actor is None:  # logged out elsewhere, locked, deactivated, password or roles changed
    auth.logout(location="unrendered")
    st.session_state.pop(keys.SESSION_VERSION, None)
    st.session_state[keys.SESSION_ENDED] = SESSION_ENDED_MESSAGE
    st.rerun()
_sync_login_cookie()


def _sidebar() -> None:
    with st.sidebar:
        st.markdown(f"**{actor.name}**  \n{', '.join(sorted(actor.roles))}")
        auth.logout("Log out", location="sidebar", key="logout_button", callback=_logged_out)


def _change_password_view() -> None:
    st.title("Choose your own password")
    st.info("Your password was set by an administrator. Choose your own before you continue.")
    with st.form("change_password"):
        new = st.text_input(
            "New password (at least 12 characters, not your user name or a common password)",
            type="password",
        )
        again = st.text_input("New password again", type="password")
        if st.form_submit_button("Change password", type="primary") and data.save(
            lambda: change_own_password(engine(), actor, new, again)
        ):
            renew_session(actor.username)  # the change ended older sessions, not this one
            st.rerun()


if must_change_password(engine(), actor.username):
    _sidebar()
    _hold_every_url(_change_password_view)
    st.stop()

start = pages_for(actor.roles)[0]
pages = {
    section: [
        st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path, default=(p == start)) for p in specs
    ]
    for section, specs in sections_for(actor.roles).items()
}
navigation = st.navigation(pages, expanded=True)  # every page in view: twenty, in five sections
# The query string of the URL opened before login (``?customer=…``) stays at hand until a page has
# run to its end with it: the cookie component's rerun can interrupt the first run after login, and
# a rerun that follows may come without the query string.
if (held := st.session_state.get(keys.HELD_QUERY)) and not st.query_params:
    st.query_params.from_dict(held)
_sidebar()
with logged_run(RUN_STARTED, navigation.url_path):
    navigation.run()
st.session_state.pop(keys.HELD_QUERY, None)
