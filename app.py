"""AR Desk entry point: page config → login → role-filtered navigation → shared sidebar → page."""

from __future__ import annotations

import streamlit as st

from ar_core.users import get_actor
from ui import keys
from ui.navigation import pages_for
from ui.resources import authenticator, engine

st.set_page_config(page_title="AR Desk", page_icon=":material/account_balance:", layout="wide")


def _login_view() -> None:
    st.title("AR Desk")
    st.caption("Accounts-receivable collections cockpit")


auth = authenticator()
engine()
if not st.session_state.get(keys.AUTH_STATUS):
    st.navigation([st.Page(_login_view, title="Log in", icon=":material/login:")], position="hidden").run()
    auth.login(fields={"Form name": "Log in", "Login": "Log in"})
    if st.session_state.get(keys.AUTH_STATUS):
        st.rerun()  # logged in by this submit: build the navigation now, not on the next interaction
    if st.session_state.get(keys.AUTH_STATUS) is False:
        st.error(
            "User name or password is wrong. After five failed attempts in a row an account is locked "
            "until an administrator resets its password."
        )
    st.stop()

actor = get_actor(engine(), st.session_state[keys.USERNAME])
if actor is None:
    auth.logout(location="unrendered")
    st.error("Your account is no longer active. Ask an administrator.")
    st.stop()

pages = [
    st.Page(path, title=title, icon=icon, default=(i == 0))
    for i, (path, title, icon, _roles) in enumerate(pages_for(actor.roles))
]
navigation = st.navigation(pages)

with st.sidebar:
    st.markdown(f"**{actor.name}**  \n{', '.join(sorted(actor.roles))}")
    auth.logout("Log out", location="sidebar", key="logout_button")

navigation.run()
