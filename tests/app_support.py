"""Shared set-up of the AppTest page tests: a fresh store, users, clean Streamlit caches."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.store.db import make_engine, migrate
from ui import keys

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SYSTEM = Actor(username="system", name="System", roles=frozenset({"admin", "lead"}))


@contextmanager
def app_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, users: dict[str, list[str]], password: str
) -> Iterator[sa.Engine]:
    """A migrated SQLite store the app under test uses, with ``users``; caches emptied around it.

    Streamlit's caches are process-wide, so every test starts and ends with them cleared; the
    day is pinned (``AR_TODAY``) so that promises and call-backs do not depend on the clock.
    """
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("AR_DATABASE_URL", url)
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AR_LOGIN_SLEEP", "0")
    monkeypatch.setenv("AR_TODAY", "2026-11-20")
    engine = make_engine(url)
    migrate(engine)
    for username, roles in users.items():  # ready to log in: no first-login password change
        create_user(engine, SYSTEM, username=username, name=username.title(), email=f"{username}@example.com",
                    password=password, roles=roles, must_change_password=False)  # fmt: skip
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield engine
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
        engine.dispose()


def open_page(page: str, username: str) -> AppTest:
    """Run one page file directly as a logged-in user (the guard still checks role and activity)."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.run()
    return at


def open_tab(at: AppTest, label: str) -> AppTest:
    """Run the account page with its tab ``label`` open: only the open tab runs (and is sent).

    The tab is chosen as the browser does, through its session key (also before the first run);
    the page keeps it over saves. An unknown label would quietly open the first tab: refused here.
    """
    at.session_state[keys.ACCOUNT_TAB] = label
    at.run()
    assert not at.exception, at.exception
    assert at.session_state[keys.ACCOUNT_TAB] == label, f"no tab {label!r} on the page"
    return at
