"""Sessions and links in the real app: the login survives a reload and a new tab, page URLs survive login.

Runs with ``AR_BROWSER_TESTS=1`` like tests/test_browser.py (same Chromium set-up). Each login
check is repeated in fresh browser contexts: before the fix the cookie was written in about one
login of eight, so a single pass proved little. Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import re
import time

import polars as pl
import pytest

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from ar_core.store.db import make_engine, migrate
from tests.browser_support import launch, serve
from tests.samples import fbl5n_german_text

# Skips this module too unless AR_BROWSER_TESTS=1, and only then imports Playwright.
from tests.test_browser import ARTIFACTS, _idle, expect, sync_playwright

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-pw"
REPEAT = 6


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("session")
    url = f"sqlite:///{tmp / 'session.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    system = Actor(username="system", name="System", roles=frozenset({"admin", "lead"}))
    for username, roles, must_change in [
        ("lena.lead", ["lead"], False),
        ("ada.admin", ["admin"], False),
        ("c.meyer", ["collector"], False),
        ("j.schneider", ["collector"], False),
        ("new.user", ["collector"], True),
    ]:
        create_user(engine, system, username=username, name=username.title(), password=PASSWORD,
                    roles=roles, must_change_password=must_change)  # fmt: skip
    upsert_customer_master(engine, system, pl.DataFrame({
        "customer_id": ["0000100001", "0000100002"],
        "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."],
        "collector": ["c.meyer", "c.meyer"],
        "company_code": ["1000", "1000"],
    }))  # fmt: skip
    import_snapshot(engine, system, read_extract(fbl5n_german_text(), "FBL5N_2026-11-20.txt"))
    engine.dispose()
    with serve(url, tmp) as base:
        yield base


@pytest.fixture
def browser():
    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


def _context(browser):
    return browser.new_context(viewport={"width": 1600, "height": 1000})


def _submit_login(page, user: str) -> None:
    """Fill the form once; the getAll cookie component's first rerun can wipe it, so refill if so."""
    for _ in range(4):
        expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=30_000)
        _idle(page)
        page.get_by_role("textbox", name="Username").fill(user)
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        try:
            expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=8_000)
        except AssertionError:
            continue
        _idle(page)
        return
    pytest.fail(f"could not log in as {user}")


def _logged_in(page) -> None:
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("textbox", name="Username")).to_have_count(0)


def _cookie_written(context) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if any(c["name"] == "ardesk_auth" for c in context.cookies()):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("attempt", range(REPEAT))
def test_login_survives_a_reload_and_a_new_tab(server, browser, attempt):
    context = _context(browser)
    page = context.new_page()
    page.goto(server)
    _submit_login(page, "lena.lead")
    assert _cookie_written(context), "the login cookie was not stored"
    page.reload()
    _logged_in(page)
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible(timeout=30_000)
    tab = context.new_page()
    tab.goto(f"{server}/huddle")
    _logged_in(tab)
    expect(tab.get_by_role("heading", name=re.compile("^Huddle")).first).to_be_visible(timeout=30_000)
    context.close()


def test_logout_then_reload_stays_logged_out(server, browser):
    context = _context(browser)
    page = context.new_page()
    page.goto(server)
    _submit_login(page, "lena.lead")
    assert _cookie_written(context)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=30_000)
    _idle(page)
    deadline = time.monotonic() + 10
    while any(c["name"] == "ardesk_auth" for c in context.cookies()) and time.monotonic() < deadline:
        time.sleep(0.2)
    page.reload()
    expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=30_000)
    _idle(page)
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("attempt", range(3))
def test_a_bookmarked_page_opens_after_login_and_on_reload(server, browser, attempt):
    context = _context(browser)
    page = context.new_page()
    page.goto(f"{server}/huddle")
    expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=30_000)
    _submit_login(page, "lena.lead")
    expect(page.get_by_role("heading", name=re.compile("^Huddle")).first).to_be_visible(timeout=30_000)
    assert page.url.endswith("/huddle")
    assert _cookie_written(context), "the login cookie was not stored"
    page.reload()
    _logged_in(page)
    expect(page.get_by_role("heading", name=re.compile("^Huddle")).first).to_be_visible(timeout=30_000)
    assert page.url.endswith("/huddle")
    context.close()


def test_an_account_link_keeps_its_customer_across_login(server, browser):
    context = _context(browser)
    page = context.new_page()
    page.goto(f"{server}/account?customer=0000100002")
    _submit_login(page, "c.meyer")
    _idle(page)
    assert re.search(r"/account\?customer=0000100002$", page.url), page.url
    assert _cookie_written(context), "the login cookie was not stored"
    page.reload()
    _logged_in(page)
    _idle(page)
    assert re.search(r"/account\?customer=0000100002$", page.url), page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "session-account-deep-link.png"), full_page=True)
    context.close()


def test_first_login_password_change_then_the_admin_page(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context = _context(browser)
    page = context.new_page()
    page.goto(f"{server}/home")
    _submit_login(page, "new.user")
    expect(page.get_by_role("heading", name="Choose your own password")).to_be_visible(timeout=30_000)
    assert _cookie_written(context), "the login cookie was not stored"
    _idle(page)
    page.screenshot(path=str(ARTIFACTS / "session-first-login.png"))
    page.get_by_label("New password (at least 12 characters").fill("my-own-password-1")
    page.get_by_label("New password again").fill("my-own-password-1")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Overview").first).to_be_visible(timeout=30_000)
    assert page.url.endswith("/home")
    context.close()

    context = _context(browser)
    admin = context.new_page()
    admin.goto(f"{server}/admin")
    _submit_login(admin, "ada.admin")
    expect(admin.get_by_role("heading", name="Audit log")).to_be_visible(timeout=30_000)
    _idle(admin)
    admin.screenshot(path=str(ARTIFACTS / "session-admin-users.png"))
    log = admin.locator('[data-testid="stDataFrame"]').last
    log.scroll_into_view_if_needed()
    expect(log).to_contain_text("change_password")
    expect(log).to_contain_text("must_change_password: yes → no")
    admin.screenshot(path=str(ARTIFACTS / "session-admin-audit.png"))
    context.close()
