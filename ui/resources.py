"""Process-wide resources: the database engine and the authenticator, cached once per server."""

from __future__ import annotations

import os

import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.engine import Engine

from ar_core.config import cookie_key, settings
from ar_core.store.db import make_engine, migrate
from ar_core.users import credentials_for_login, is_locked, login_failed, login_succeeded

#: Short cookie life: the authenticator cannot revoke a cookie at logout, so keep the window small.
COOKIE_EXPIRY_DAYS = 0.5


@st.cache_resource
def engine() -> Engine:
    """The engine, migrated to head once per process (the Makefile also migrates before start)."""
    eng = make_engine(settings().database_url)
    migrate(eng)
    return eng


@st.cache_resource
def login_credentials() -> dict:
    """Credentials shared by all sessions, so failed-attempt counters survive across sessions.

    Cleared by the admin page whenever a user, role or password changes.
    """
    return credentials_for_login(engine())


def authenticator() -> stauth.Authenticate:
    """A fresh authenticator per run over the shared credentials (cheap: no hashing here)."""
    auth = stauth.Authenticate(
        login_credentials(),
        cookie_name="ardesk_auth",
        cookie_key=cookie_key(),
        cookie_expiry_days=COOKIE_EXPIRY_DAYS,
        auto_hash=False,
        login_sleep_time=float(os.environ.get("AR_LOGIN_SLEEP", "0.7")),
    )
    _equalise_failure_time(auth)
    return auth


@st.cache_resource
def _dummy_hash() -> bytes:
    """One bcrypt hash per process to check unknown names against (hashing costs ~0.2 s: not per run)."""
    import bcrypt

    return bcrypt.hashpw(b"not-a-password", bcrypt.gensalt())


def _equalise_failure_time(auth: stauth.Authenticate) -> None:
    """Check passwords with equal-time failures and the store's lockout.

    streamlit-authenticator answers unknown names ~100,000x faster than known ones, which tells
    an attacker which user names exist: an unknown name costs one bcrypt check here too. Its own
    lockout counts in process memory and raises an uncaught error; the store's counter
    (``ar_core.users``) survives restarts, spans instances and ends in a plain refusal.
    """
    import bcrypt

    model = auth.authentication_controller.authentication_model
    original = model.check_credentials
    dummy = _dummy_hash()

    def check(username: str, password: str) -> bool:
        known = username in model.credentials["usernames"]
        if not known or is_locked(engine(), username):
            bcrypt.checkpw(password.encode(), dummy)
            return False
        if original(username, password):
            login_succeeded(engine(), username)
            return True
        login_failed(engine(), username)
        return False

    model.check_credentials = check
