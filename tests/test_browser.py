"""The real app in headless Debian Chromium: log in as a lead, upload a German FBL5N file, see it listed.

Runs when ``AR_BROWSER_TESTS=1`` (``.ci/run`` sets it with CI=true); skipped with the reason otherwise.
Screenshots land in ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import polars as pl
import pytest

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from ar_core.store.db import make_engine, migrate
from tests.browser_support import ARTIFACTS, idle, launch, log_in, serve, skip_unless_enabled
from tests.samples import fbl5n_german_text

pytestmark = pytest.mark.browser
skip_unless_enabled()

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{tmp / 'browser.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    system = Actor(username="system", name="System", roles=frozenset({"admin"}))
    create_user(
        engine,
        system,
        username="lena.lead",
        name="Lena Lead",
        email="lena@example.com",
        password="browser-test-pw",
        roles=["lead"],
        must_change_password=False,
    )
    create_user(
        engine,
        system,
        username="c.meyer",
        name="Claudia Meyer",
        email="claudia@example.com",
        password="browser-test-pw",
        roles=["collector"],
        must_change_password=False,
    )
    # A week earlier's extract and a customer master: c.meyer owns Müller, so has a worklist.
    lead = Actor(username="system", name="System", roles=frozenset({"lead"}))
    upsert_customer_master(
        engine,
        lead,
        pl.DataFrame(
            {
                "customer_id": ["0000100001", "0000100002"],
                "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."],
                "country": ["DE", "NL"],
                "language": ["de", "nl"],
                "collector": ["c.meyer", "s.dejong"],
            }
        ),
    )
    import_snapshot(
        engine, lead, read_extract(fbl5n_german_text(key_date="13.11.2026"), "FBL5N_2026-11-13.txt")
    )
    engine.dispose()
    with serve(url, tmp) as base:
        yield base


@pytest.fixture
def page(server):
    with sync_playwright() as pw:
        browser = launch(pw)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.goto(server)
        yield pg
        browser.close()


def _idle(page) -> None:
    idle(page)


def _login(page, user: str) -> None:
    log_in(page, user, "browser-test-pw", settle=True)  # the cookie rerun is over before a click


def test_lead_uploads_german_fbl5n_and_sees_snapshot(page, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    _login(page, "lena.lead")
    nav = page.locator('[data-testid="stSidebarNavLink"]')
    expect(nav.filter(has_text="Upload")).to_be_visible()
    nav.filter(has_text="Upload").click()
    expect(page.get_by_text("Upload an ERP extract")).to_be_visible(timeout=30_000)
    extract = tmp_path / "FBL5N_2026-11-20.txt"
    extract.write_bytes(fbl5n_german_text())
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(extract))
    _idle(page)
    page.get_by_role("button", name="Validate").click()
    expect(page.get_by_text("No problems found in the file.")).to_be_visible(timeout=30_000)
    _idle(page)
    page.screenshot(path=str(ARTIFACTS / "upload-validated.png"), full_page=True)
    page.get_by_role("button", name="Commit as snapshot").click()
    expect(page.get_by_text("committed")).to_be_visible(timeout=30_000)
    _idle(page)
    table = page.locator('[data-testid="stDataFrame"]').last
    expect(table).to_contain_text("FBL5N_2026-11-20.txt", timeout=15_000)
    expect(table).to_contain_text("FBL5N_2026-11-13.txt")  # the fixture's earlier week
    expect(table).to_contain_text("EUR 11,000.16")
    page.screenshot(path=str(ARTIFACTS / "upload-committed.png"), full_page=True)


def test_collector_logs_a_call(page):
    ARTIFACTS.mkdir(exist_ok=True)
    _login(page, "c.meyer")
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible(timeout=30_000)
    nav = page.locator('[data-testid="stSidebarNavLink"]')
    assert nav.filter(has_text="Upload").count() == 0
    expect(page.locator('[data-testid="stDataFrame"]').first).to_contain_text("Müller Maschinenbau GmbH")
    assert "Bakker" not in page.locator('[data-testid="stDataFrame"]').first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "collector-worklist.png"), full_page=True)

    nav.filter(has_text="Customer account").click()
    expect(page.get_by_role("heading", name="Müller Maschinenbau GmbH")).to_be_visible(timeout=30_000)
    _idle(page)
    page.get_by_role("tab", name="Contacts").click()
    page.get_by_label("Notes").fill("Called Ms Müller: pays on Friday")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact saved.")).to_be_visible(timeout=30_000)
    _idle(page)
    expect(page.locator('[data-testid="stDataFrame"]').filter(has_text="Called Ms Müller")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "collector-logged-call.png"), full_page=True)
