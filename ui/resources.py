"""Process-wide resources: the database engine and the authenticator, with the store's checks.

Passwords, lockouts and login cookies are checked against the store on every attempt, never
against a per-process copy: a reset made by another instance or by the CLI counts at once.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.engine import Engine

from ar_core.access import (
    MAX_PASSWORD_BYTES,
    authenticate,
    credentials_for_login,
    session_actor,
    session_version,
)
from ar_core.collections import warm_up
from ar_core.config import cookie_key, settings
from ar_core.store import make_engine, migrate
from ui import keys

#: Short cookie life (12 hours). Logout, lockout, password changes, deactivation and role changes
#: end a cookie earlier: it carries the user's session version, which they advance.
COOKIE_EXPIRY_DAYS = 0.5

log = logging.getLogger("ardesk.auth")


@st.cache_resource
def engine() -> Engine:
    """The engine, migrated to head once per process (the Makefile also migrates before start)."""
    eng = make_engine(settings().database_url)
    migrate(eng)
    threading.Thread(target=_warm_up, args=(eng,), name="ardesk-warm-up", daemon=True).start()
    return eng


def _warm_up(eng: Engine) -> None:
    """Rank the latest snapshot in the background (``collections.warm_up``); a failure only costs time."""
    started = time.perf_counter()
    try:
        warm_up(eng)
    except Exception:  # the first page computes it instead, and shows any error there
        log.exception("warming up the latest snapshot failed")
        return
    # The chart and PDF libraries the account page needs: imported here, not by the first visitor.
    import altair  # noqa: F401
    import reportlab.platypus  # noqa: F401

    # on the server's console (and in the load test's server log, which waits for this line)
    print(f"AR Desk: warm-up done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


def authenticator() -> stauth.Authenticate:
    """A fresh authenticator per run over the store's current users (one small query).

    The credentials are not cached per process: a user added or deactivated by another instance
    or the CLI is seen at the next run. Passwords are checked by :func:`ar_core.access.users.authenticate`.
    """
    auth = stauth.Authenticate(
        credentials_for_login(engine()),
        cookie_name="ardesk_auth",
        cookie_key=cookie_key(),
        cookie_expiry_days=COOKIE_EXPIRY_DAYS,
        auto_hash=False,
        login_sleep_time=float(os.environ.get("AR_LOGIN_SLEEP", "0.7")),
    )
    _check_against_the_store(auth)
    _versioned_cookies(auth)
    return auth


@st.cache_resource
def _dummy_hash() -> bytes:
    """One bcrypt hash per process to check unknown names against (hashing costs ~0.2 s: not per run)."""
    import bcrypt

    return bcrypt.hashpw(b"not-a-password", bcrypt.gensalt())


def _check_against_the_store(auth: stauth.Authenticate) -> None:
    """Check passwords against the store, with equal-time failures and the store's lockout.

    streamlit-authenticator answers unknown names ~100,000x faster than known ones, which tells
    an attacker which user names exist: an unknown or locked name costs one bcrypt check here
    too. A password over bcrypt's 72 bytes is refused the same way for every name, before any
    lookup. Its own lockout counts in process memory and raises an uncaught error; the store's
    counter (``ar_core.access.users``) survives restarts, spans instances and ends in a plain refusal.
    """
    import bcrypt

    model = auth.authentication_controller.authentication_model
    dummy = _dummy_hash()

    def check(username: str, password: str) -> bool:
        if not isinstance(password, str) or len(password.encode()) > MAX_PASSWORD_BYTES:
            bcrypt.checkpw(str(password).encode()[:MAX_PASSWORD_BYTES], dummy)
            return False
        return authenticate(engine(), username, password, dummy_hash=dummy)

    model.check_credentials = check


def _versioned_cookies(auth: stauth.Authenticate) -> None:
    """Carry the user's session version in the login cookie and refuse any cookie not current.

    streamlit-authenticator 0.4.2 signs ``{"username", "exp_date"}`` (HS256) and trusts it until
    ``exp_date``; a malformed token (``alg=none``, no ``exp_date``) raised an uncaught error. Here
    the cookie also carries ``ver``, and a cookie is accepted only when it decodes with our key,
    has not expired, and names an active, unlocked user whose current session version it
    carries. Anything else is logged and ends on the login form.
    """
    cookies = auth.cookie_controller.cookie_model

    def encode() -> str:
        username = st.session_state.get(keys.USERNAME)
        version = st.session_state.get(keys.SESSION_VERSION)
        if version is None:
            version = session_version(engine(), username)
        claims = {"username": username, "exp_date": cookies.exp_date, "ver": version}
        return jwt.encode(claims, cookies.cookie_key, algorithm="HS256")

    def get_cookie() -> dict | bool | None:  # noqa: PLR0911 - one refusal per check
        if st.session_state.get("logout"):
            return False
        token = st.context.cookies.get(cookies.cookie_name)
        if not token:
            return None
        try:
            claims = jwt.decode(token, cookies.cookie_key, algorithms=["HS256"])
        except jwt.PyJWTError as exc:
            log.warning("login cookie refused: %s", exc)
            return None
        expiry = claims.get("exp_date") if isinstance(claims, dict) else None
        if isinstance(expiry, bool) or not isinstance(expiry, int | float):
            log.warning("login cookie refused: no expiry")
            return None
        if expiry <= time.time():
            log.info("login cookie refused: expired")
            return None
        username = claims.get("username")
        if session_actor(engine(), username, claims.get("ver")) is None:
            log.warning(
                "login cookie refused for %r: unknown, inactive or locked user, or an ended session",
                username,
            )
            return None
        return claims

    cookies.get_cookie = get_cookie
    cookies._token_encode = encode
