"""A password an admin set must be replaced at the first login, before any page shows."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from ar_core.access.audit import list_audit
from ar_core.access.users import create_user, must_change_password
from tests.app_support import APP, SYSTEM, app_store, open_page

GIVEN = "handed-out-pw-1"


@pytest.fixture
def new_user(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, {}, "unused-password") as engine:
        create_user(
            engine, SYSTEM, username="j.devries", name="Jan de Vries", password=GIVEN, roles=["collector"]
        )
        yield engine


def _login(password: str = GIVEN) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input("j.devries")
    at.text_input[1].input(password)
    at.form_submit_button[0].click().run()
    at.run()
    assert not at.exception, at.exception
    return at


def test_first_login_asks_for_a_new_password_before_any_page(new_user):
    at = _login()
    assert [t.value for t in at.title] == ["Choose your own password"]
    assert not at.dataframe and not at.metric
    page = open_page("pages/home.py", "j.devries")  # no way around it by running a page itself
    assert not page.title and not page.metric
    assert [w.value for w in page.warning] == ["Choose your own password on the AR Desk start page first."]


def test_the_two_entries_must_match(new_user):
    at = _login()
    at.text_input[0].input("my-own-password-1")
    at.text_input[1].input("my-own-password-2")
    at.form_submit_button[0].click().run()
    assert any("the two passwords differ" in e.value for e in at.error)
    assert must_change_password(new_user, "j.devries")


def test_changing_it_opens_the_app_and_is_audited(new_user):
    at = _login()
    at.text_input[0].input("my-own-password-1")
    at.text_input[1].input("my-own-password-1")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Worklist"]
    assert not must_change_password(new_user, "j.devries")
    entry = list_audit(new_user, SYSTEM, limit=1).row(0, named=True)
    assert (entry["action"], entry["actor"]) == ("change_password", "j.devries")
    assert json.loads(entry["after"]) == {"must_change_password": False, "password": "changed"}
    again = _login("my-own-password-1")  # the new password logs in; no second request
    assert [t.value for t in again.title] == ["Worklist"]
