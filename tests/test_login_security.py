"""Login and sessions under attack (issue 7): lockouts that end, sessions that end, crafted cookies.

The app tests run the real app.py through AppTest with the real streamlit-authenticator; the
browser's cookies are what ``st.context.cookies`` returns, so a test plays the browser by setting
them (``cookie_jar``). Browser runs of the same attacks: tests/test_browser_login_security.py.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import jwt
import polars as pl
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from ar_core.access import users
from ar_core.cli import entry as cli
from ar_core.config import cookie_key
from ar_core.errors import ArDeskError, ConfigError
from ar_core.store.models import User
from tests.app_support import APP, SYSTEM, app_store
from tests.conftest import ADMIN

PASSWORD = "correct-horse-42"
USERS = {"lena": ["lead"], "ada": ["admin"], "colin": ["collector"]}


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, PASSWORD) as engine:
        yield engine


@pytest.fixture
def cookie_jar(monkeypatch) -> dict[str, str]:
    """The cookies the 'browser' sends: what ``st.context.cookies`` returns in the app under test."""
    from streamlit.runtime.context import ContextProxy

    jar: dict[str, str] = {}
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda _self: jar))
    return jar


def login(username: str, password: str = PASSWORD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.form_submit_button[0].click().run()
    at.run()
    assert not at.exception, at.exception
    return at


def logged_in(at: AppTest) -> bool:
    return bool(at.session_state["authentication_status"])


def on_login_form(at: AppTest) -> bool:
    return not at.exception and not logged_in(at) and [b.label for b in at.form_submit_button] == ["Log in"]


def issued_cookie(at: AppTest) -> str:
    """The token app.py has the browser store for the session of ``at`` (ui.resources: its claims)."""
    claims = {"username": at.session_state["username"], "exp_date": time.time() + 12 * 3600,
              "ver": at.session_state["ardesk_session_version"]}  # fmt: skip
    return signed(claims, cookie_key())


def signed(claims: dict, key: str) -> str:
    return jwt.encode(claims, key, algorithm="HS256")


def open_with_cookie(jar: dict[str, str], token: str) -> AppTest:
    jar["ardesk_auth"] = token
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.run()
    return at


# --- 1. lockout: periods that grow, end by themselves, unlock by admin or CLI ---------------------


def test_lockouts_last_15_minutes_then_1_hour_then_24_hours(store, monkeypatch):
    clock = [datetime(2026, 11, 20, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr("ar_core.access.users.utcnow", lambda: clock[0])
    users.create_user(
        store, ADMIN, username="lena.lead", name="Lena", password="long-enough-pw", roles=["lead"]
    )
    expected = [timedelta(minutes=15), timedelta(hours=1), timedelta(hours=24), timedelta(hours=24)]
    for period in expected:
        assert [users.login_failed(store, "lena.lead") for _ in range(users.LOCKOUT_AFTER)] == [1, 2, 3, 4, 5]
        until = users.list_users(store, ADMIN).filter(pl.col("username") == "lena.lead")["locked_until"][0]
        assert until == clock[0] + period
        assert users.login_failed(store, "lena.lead") == 0  # not counted while locked
        assert not users.authenticate(store, "lena.lead", "long-enough-pw")  # right password, locked
        clock[0] = until + timedelta(seconds=1)
        assert not users.is_locked(store, "lena.lead")
    assert users.authenticate(store, "lena.lead", "long-enough-pw")  # a success starts the series again
    for _ in range(users.LOCKOUT_AFTER):
        users.login_failed(store, "lena.lead")
    assert users.locked_until(store, "lena.lead") == clock[0] + timedelta(minutes=15)
    audit = users.recent_lockouts(store, ADMIN, days=7)
    assert audit["username"].to_list() == ["lena.lead"] * 5 and audit["lockout"].to_list() == [1, 4, 3, 2, 1]


def test_five_anonymous_failures_no_longer_lock_the_admin_forever_in_the_app(app_env):
    for _ in range(users.LOCKOUT_AFTER):
        assert not logged_in(login("ada", "wrong-password-x"))
    at = login("ada")
    assert not logged_in(at) and "15 minutes" in at.error[0].value
    with app_env.begin() as conn:  # 16 minutes later
        conn.execute(sa.update(User).values(locked_until=datetime.now(UTC) - timedelta(minutes=1)))
    assert logged_in(login("ada"))


def test_cli_unlock_lifts_a_lockout_at_once_and_is_audited(app_env, monkeypatch, capsys):
    monkeypatch.setenv("AR_DATABASE_URL", str(app_env.url))
    for _ in range(users.LOCKOUT_AFTER):
        login("ada", "wrong-password-x")
    assert not logged_in(login("ada"))
    assert cli.main(["users", "unlock", "ada"]) == 0
    assert "ada unlocked" in capsys.readouterr().out
    assert logged_in(login("ada"))
    from ar_core.access.audit import list_audit

    actions = list_audit(app_env, ADMIN, limit=5)
    assert ("unlock_user", "cli") in list(zip(actions["action"], actions["actor"], strict=True))
    assert cli.main(["users", "unlock", "nobody"]) == 1


def test_admin_page_shows_locked_accounts_and_recent_lockouts_and_unlocks(app_env):
    for _ in range(users.LOCKOUT_AFTER):
        login("lena", "wrong-password-x")
    at = login("ada")
    at.switch_page("pages/admin.py").run()
    assert not at.exception, at.exception
    assert any("lena" in w.value and "Locked" in w.value for w in at.warning)
    shown = [d.value for d in at.dataframe if "lockout" in d.value.columns]
    assert [frame["username"].to_list() for frame in shown] == [["lena"]]
    at.button(key="unlock_submit").click().run()
    assert not at.exception, at.exception
    assert not users.is_locked(app_env, "lena")


# --- 2. cookies and sessions end with logout, lockout, reset, deactivation, role change ---------


def test_a_cookie_logs_in_until_its_sessions_are_ended_then_never_again(app_env, cookie_jar):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input("lena")
    at.text_input[1].input(PASSWORD)
    at.form_submit_button[0].click().run()  # app.py's run: navigation and sidebar
    assert logged_in(at)
    token = issued_cookie(at)
    assert logged_in(open_with_cookie(cookie_jar, token))  # a reload with the cookie stays logged in
    users.end_sessions(app_env, "lena")  # what app.py's logout callback does (browser test: the button)
    replay = open_with_cookie(cookie_jar, token)  # the copied cookie after logout
    assert on_login_form(replay)


@pytest.mark.parametrize(
    "change",
    [
        lambda eng: [users.login_failed(eng, "lena") for _ in range(users.LOCKOUT_AFTER)],
        lambda eng: users.reset_password(eng, SYSTEM, "lena", "a-new-long-password"),
        lambda eng: users.set_active(eng, SYSTEM, "lena", False),
        lambda eng: users.set_roles(eng, SYSTEM, "lena", ["collector"]),
    ],
    ids=["lockout", "password-reset", "deactivation", "role-change"],
)
def test_cookie_and_open_session_end_when_the_user_changes(app_env, cookie_jar, change):
    at = login("lena")
    token = issued_cookie(at)
    change(app_env)
    assert on_login_form(open_with_cookie(cookie_jar, token))
    at.run()  # the session already open ends at its next run
    notices = [w.value for w in at.warning] + [e.value for e in at.error]
    assert not logged_in(at) and any("session has ended" in n or "no longer active" in n for n in notices)


def test_own_password_change_keeps_the_session_going(app_env):
    users.reset_password(app_env, SYSTEM, "lena", "admin-given-pw-1")
    at = login("lena", "admin-given-pw-1")
    at.text_input[0].input("my-own-choice-77")
    at.text_input[1].input("my-own-choice-77")
    at.form_submit_button[0].click().run()
    at.run()
    assert not at.exception, at.exception
    assert logged_in(at) and not users.must_change_password(app_env, "lena")


# --- 3. a reset by another instance or the CLI counts at once -----------------------------------


def test_cli_reset_password_counts_at_once_in_a_running_app(app_env, monkeypatch, capsys):
    monkeypatch.setenv("AR_DATABASE_URL", str(app_env.url))
    assert logged_in(login("lena"))  # this process has seen lena's old password
    assert cli.main(["users", "reset-password", "lena"]) == 0
    one_time = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(one_time) >= users.MIN_PASSWORD_CHARS
    assert not logged_in(login("lena"))  # the old password no longer works, without a restart
    at = login("lena", one_time)
    assert logged_in(at)
    assert at.title[0].value == "Choose your own password"  # must be changed at first login


def test_a_user_added_by_another_instance_can_log_in_at_once(app_env):
    assert not logged_in(login("newbie", "newbie-password-1"))
    users.create_user(app_env, SYSTEM, username="newbie", name="New", password="newbie-password-1",
                      roles=["collector"], must_change_password=False)  # fmt: skip
    assert logged_in(login("newbie", "newbie-password-1"))


# --- 4. over-long passwords: the same refusal for every name, nothing counted ---------------------


@pytest.mark.parametrize("username", ["lena", "nobody"])
def test_a_73_byte_password_is_refused_alike_for_known_and_unknown_names(app_env, username):
    at = login(username, "x" * 73)
    assert not at.exception, at.exception
    assert not logged_in(at) and "wrong" in at.error[0].value
    with app_env.connect() as conn:
        assert conn.execute(sa.select(sa.func.sum(User.failed_logins))).scalar() == 0


# --- 5. crafted cookies land on the login form, logged ---------------------------------------------


def _unsigned(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.parametrize(
    "crafted",
    [
        lambda key: _unsigned({"username": "ada", "exp_date": time.time() + 3600}),
        lambda key: signed({"username": "ghost", "exp_date": time.time() + 3600, "ver": 1}, key),
        lambda key: signed({"username": "ada", "exp_date": time.time() + 3600}, key),  # no version
        lambda key: signed({"username": "ada", "ver": 1}, key),  # no expiry
        lambda key: signed({"username": ["ada"], "exp_date": time.time() + 3600, "ver": 1}, key),
        lambda key: signed({"username": "ada", "exp_date": time.time() + 3600, "ver": 1}, "x" * 40),
        lambda key: "garbage",
    ],
    ids=["alg-none", "unknown-user", "no-version", "no-expiry", "odd-username", "wrong-key", "garbage"],
)
def test_crafted_cookies_land_on_the_login_form_and_are_logged(app_env, cookie_jar, crafted, caplog):
    at = open_with_cookie(cookie_jar, crafted(cookie_key()))
    assert on_login_form(at), at.exception
    assert any("login cookie refused" in r.getMessage() for r in caplog.records)


def test_a_validly_signed_cookie_of_a_deactivated_user_lands_on_the_login_form(app_env, cookie_jar):
    users.set_active(app_env, SYSTEM, "colin", False)
    version = users.session_version(app_env, "colin")
    token = signed({"username": "colin", "exp_date": time.time() + 3600, "ver": version}, cookie_key())
    assert on_login_form(open_with_cookie(cookie_jar, token))


def test_a_current_cookie_logs_in(app_env, cookie_jar):
    version = users.session_version(app_env, "colin")
    token = signed({"username": "colin", "exp_date": time.time() + 3600, "ver": version}, cookie_key())
    assert logged_in(open_with_cookie(cookie_jar, token))


# --- 6. password policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("eleven-char", "at least 12 characters"),
        (" padded-password", "start or end with a space"),
        ("padded-password ", "start or end with a space"),
        ("Lena.Lead", "at least 12"),
        ("password1234", "too common"),
        ("Qwertyuiop123", "too common"),
        ("ä" * 40, "at most 72 bytes"),
    ],
)
def test_password_policy(store, password, message):
    with pytest.raises(ArDeskError, match=message):
        users.create_user(store, ADMIN, username="lena.lead", name="Lena", password=password, roles=["lead"])


def test_a_password_may_not_be_the_user_name(store):
    with pytest.raises(ArDeskError, match="user name"):
        users.create_user(store, ADMIN, username="christina.meyer", name="C", password="Christina.Meyer",
                          roles=["lead"])  # fmt: skip
    users.create_user(
        store, ADMIN, username="lena.lead", name="Lena", password="long-enough-pw", roles=["lead"]
    )
    with pytest.raises(ArDeskError, match="too common"):
        users.reset_password(store, ADMIN, "lena.lead", "iloveyou1234")


def test_the_common_password_list_is_bundled_and_sizeable():
    common = users.common_passwords()
    assert len(common) >= 300 and "password1234" in common
    assert all(p == p.lower() and not p.startswith("#") for p in common)


def test_demo_passwords_pass_the_policy():
    from ar_core.demo.customers import DEMO_USERS

    for user in DEMO_USERS:
        users.check_password_policy(user["password"], user["username"])


# --- 7. cookie key ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "   \n", "some_key", "x" * 31])
def test_a_short_or_empty_cookie_key_file_is_refused(tmp_path, monkeypatch, content):
    monkeypatch.delenv("AR_COOKIE_KEY", raising=False)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "cookie_key").write_text(content)
    with pytest.raises(ConfigError, match="at least 32 bytes"):
        cookie_key(tmp_path)


@pytest.mark.parametrize("value", ["", "some_key"])
def test_a_short_or_empty_cookie_key_variable_is_refused(tmp_path, monkeypatch, value):
    monkeypatch.setenv("AR_COOKIE_KEY", value)
    with pytest.raises(ConfigError, match="AR_COOKIE_KEY"):
        cookie_key(tmp_path)


def test_the_app_refuses_to_start_with_a_short_cookie_key(app_env, monkeypatch):
    monkeypatch.setenv("AR_COOKIE_KEY", "some_key")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "at least 32 bytes" in at.error[0].value and not at.text_input


def test_a_generated_cookie_key_is_accepted(tmp_path, monkeypatch):
    monkeypatch.delenv("AR_COOKIE_KEY", raising=False)
    assert len(cookie_key(tmp_path)) >= 32


def test_a_second_session_never_reads_a_key_file_that_is_still_being_written(tmp_path, monkeypatch):
    """Several browser tabs on a fresh server ask for the key at once: none may see it half-written."""
    import secrets
    import threading

    monkeypatch.delenv("AR_COOKIE_KEY", raising=False)
    real = secrets.token_urlsafe
    first_inside, let_first_go = threading.Event(), threading.Event()

    def slow_first(n):
        if not first_inside.is_set():
            first_inside.set()
            let_first_go.wait(10)
        return real(n)

    monkeypatch.setattr(secrets, "token_urlsafe", slow_first)
    keys, errors = [], []

    def ask():
        try:
            keys.append(cookie_key(tmp_path))
        except Exception as exc:
            errors.append(exc)

    first = threading.Thread(target=ask)
    first.start()
    assert first_inside.wait(10)
    ask()  # while the first caller is still generating its key
    let_first_go.set()
    first.join(10)
    assert errors == []
    assert len(keys) == 2 and keys[0] == keys[1] and len(keys[0]) >= 32
