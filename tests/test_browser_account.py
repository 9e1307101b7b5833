"""The account page in the real app and headless Chromium: the customer in the URL, reload, deep link.

Runs when ``AR_BROWSER_TESTS=1``; screenshots (1,600 px wide) land in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from ar_core.store.db import make_engine, migrate
from tests.browser_support import ARTIFACTS, launch, quiet_run_count, script_runs, serve
from tests.samples import fbl5n_german_text

PASSWORD = "browser-test-pw"
MUELLER, BAKKER = "0000100001", "0000100002"
RUNS: dict[str, Path] = {}  #: the module server's run log

pytestmark = pytest.mark.browser
if os.environ.get("AR_BROWSER_TESTS") != "1":
    pytest.skip("browser tests run with AR_BROWSER_TESTS=1", allow_module_level=True)
if not shutil.which("chromium"):
    pytest.fail("AR_BROWSER_TESTS=1 but Debian's chromium is not installed", pytrace=False)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def _store(url: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    system = Actor(username="system", name="System", roles=frozenset({"admin", "lead"}))
    for username, name, roles in (
        ("lena.lead", "Lena Lead", ["lead"]),
        ("c.meyer", "Claudia Meyer", ["collector"]),
    ):
        create_user(engine, system, username=username, name=name, password=PASSWORD, roles=roles,
                    must_change_password=False)  # fmt: skip
    upsert_customer_master(
        engine,
        system,
        pl.DataFrame(
            {
                "customer_id": [MUELLER, BAKKER],
                "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."],
                "country": ["DE", "NL"],
                "language": ["de", "nl"],
                "collector": ["c.meyer", "s.dejong"],
            }
        ),
    )
    import_snapshot(engine, system, read_extract(fbl5n_german_text(), "FBL5N_2026-11-20.txt"))
    engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser_account")
    url = f"sqlite:///{tmp / 'browser.sqlite'}"
    _store(url)
    RUNS["path"] = tmp / "runs.tsv"  # the server-side line of every script run (ui.run_log)
    with serve(url, tmp, AR_RUN_LOG=str(RUNS["path"])) as base:
        yield base


@pytest.fixture
def page(server):
    with sync_playwright() as pw:
        browser = launch(pw)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        yield context.new_page()
        browser.close()


def _idle(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)


def _login_if_asked(page, user: str) -> None:
    """Log in when the login form shows (a fresh tab; again if the authenticator's rerun wiped it)."""
    for _ in range(4):
        logged_in = page.get_by_role("button", name="Log out")
        username = page.get_by_role("textbox", name="Username")
        expect(logged_in.or_(username)).to_be_visible(timeout=30_000)
        _idle(page)
        if logged_in.is_visible():
            return
        username.fill(user)
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        try:
            expect(logged_in).to_be_visible(timeout=8_000)
        except AssertionError:
            continue
        _idle(page)
        return
    pytest.fail(f"could not log in as {user}")


def _title(page, text: str) -> None:
    expect(page.get_by_role("heading", name=text, exact=True)).to_be_visible(timeout=30_000)
    _idle(page)


def test_deep_link_reload_and_choice_keep_the_customer_in_the_url(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{server}/account?customer={BAKKER}")
    _login_if_asked(page, "lena.lead")
    _title(page, "Bakker Logistiek B.V.")
    assert page.url.endswith(f"/account?customer={BAKKER}"), page.url
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "account-deep-link-1600.png"), full_page=True)

    page.reload()
    _login_if_asked(page, "lena.lead")
    _title(page, "Bakker Logistiek B.V.")

    # choosing another customer writes it into the URL; a reload keeps it
    page.get_by_role("combobox", name="Customer").click()
    page.get_by_role("option", name=f"{MUELLER} — Müller Maschinenbau GmbH").click()
    _title(page, "Müller Maschinenbau GmbH")
    expect(page).to_have_url(f"{server}/account?customer={MUELLER}")
    page.reload()
    _login_if_asked(page, "lena.lead")
    _title(page, "Müller Maschinenbau GmbH")
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "account-after-reload-1600.png"), full_page=True)

    page.get_by_role("link", name="Back to worklist").click()
    expect(page).to_have_url(f"{server}/", timeout=30_000)  # the worklist is the start page


def test_forbidden_customer_in_the_url_is_refused_with_a_message(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{server}/account?customer={BAKKER}")
    _login_if_asked(page, "c.meyer")
    error = page.locator('[data-testid="stAlertContentError"]')
    expect(error).to_contain_text(f"Customer '{BAKKER}' cannot be opened", timeout=30_000)
    expect(error).to_contain_text("not in c.meyer's portfolio")
    _title(page, "Müller Maschinenbau GmbH")
    expect(page.get_by_text("Bakker Logistiek B.V.")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "account-forbidden-1600.png"), full_page=True)


def test_after_a_save_the_open_tab_stays_and_shows_the_entry(page, server):
    page.goto(f"{server}/account?customer={MUELLER}")
    _login_if_asked(page, "c.meyer")
    _title(page, "Müller Maschinenbau GmbH")
    page.get_by_role("tab", name="Contacts").click()
    page.get_by_label("Notes").fill("Called Ms Müller: she sends the remittance advice")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact saved.")).to_be_visible(timeout=30_000)
    _idle(page)
    expect(page.get_by_role("tab", name="Contacts")).to_have_attribute("aria-selected", "true")
    log = page.locator('[data-testid="stDataFrame"]').filter(has_text="remittance advice")
    expect(log).to_have_count(1)
    expect(page.get_by_label("Notes", exact=True)).to_have_value("")  # the saved form is empty again
    expect(page).to_have_url(f"{server}/account?customer={MUELLER}")
    page.screenshot(path=str(ARTIFACTS / "account-after-save-1600.png"), full_page=True)


def _runs() -> list[tuple[str, str]]:
    return script_runs(RUNS["path"])


def test_a_tab_switch_and_a_save_rerun_only_the_tabs_and_the_standing_above_them(page, server):
    """The header, the customer box and the sidebar stay put; the rank box shows the call at once."""
    page.goto(f"{server}/account?customer={MUELLER}")
    _login_if_asked(page, "c.meyer")
    _title(page, "Müller Maschinenbau GmbH")
    rank = page.get_by_test_id("stAlertContentInfo").filter(has_text="Rank 1")
    expect(rank).to_contain_text("(due today)")
    before = quiet_run_count(page, RUNS["path"])
    page.get_by_role("tab", name="Contacts").click()
    expect(page.get_by_label("Notes", exact=True)).to_be_visible(timeout=30_000)
    _idle(page)
    assert _runs()[before:] == [("account#tab", "done")]
    page.get_by_label("Notes", exact=True).fill("Called: the payment run is on Friday")
    when = page.get_by_role("group", name="Next action date").first  # the form's, not the correction's
    when.get_by_role("spinbutton").first.click()
    page.keyboard.type("27112026")  # day, month, year: the field moves on by itself
    before = quiet_run_count(page, RUNS["path"])
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact saved.")).to_be_visible(timeout=30_000)
    _idle(page)
    assert [path for path, _ in _runs()[before:]] == ["account#tab", "account#tab"]  # the save, then the part
    expect(rank).to_contain_text("next step on 27 Nov 2026")
    expect(page.get_by_role("tab", name="Contacts")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("heading", name="Müller Maschinenbau GmbH", exact=True)).to_be_visible()
    page.get_by_role("tab", name="Open items").click()
    expect(page.get_by_role("tab", name="Open items")).to_have_attribute("aria-selected", "true")
    quiet_run_count(page, RUNS["path"])
    assert _runs()[-1] == ("account#tab", "done")
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1)  # the aging chart, above the items
    page.screenshot(path=str(ARTIFACTS / "account-open-items-1600.png"), full_page=True)
