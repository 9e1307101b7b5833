"""In the real app (headless Debian Chromium): no raw CSV download, no Markdown from user text.

Runs when ``AR_BROWSER_TESTS=1``. A customer named ``=HYPERLINK("http://x","y")`` and an escalation
reason with a Markdown link and image: the table toolbar offers no "Download as CSV" (the grid's
own, raw), the page's "Download table (CSV)" gives ``'=HYPERLINK(...)``, and the reason is shown as
its characters — no link, no image request. Screenshots: ``test-artifacts/exports-worklist-1600.png``,
``exports-account-1600.png``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl
import pytest

from ar_core.access.actor import Actor
from ar_core.access.users import create_user, get_actor
from ar_core.collections import escalations
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from ar_core.store.db import make_engine, migrate
from tests.browser_support import ARTIFACTS, idle, launch, log_in, serve, skip_unless_enabled
from tests.samples import fbl5n_german_text

PASSWORD = "browser-test-pw-123"
MUELLER = "0000100001"
HOSTILE = '=HYPERLINK("http://x","y")'
REASON = "[click](http://evil.example) ![x](http://evil.example/x.png)"

pytestmark = pytest.mark.browser
skip_unless_enabled()

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser_exports")
    url = f"sqlite:///{tmp / 'browser.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    system = Actor(username="system", name="System", roles=frozenset({"admin", "lead"}))
    for username, role in (("lena.lead", "lead"), ("colin", "collector")):
        create_user(engine, system, username=username, name=username.title(), password=PASSWORD,
                    roles=[role], must_change_password=False)  # fmt: skip
    upsert_customer_master(
        engine,
        system,
        pl.DataFrame({"customer_id": [MUELLER], "name": [HOSTILE], "collector": ["colin"]}),
    )
    import_snapshot(engine, system, read_extract(fbl5n_german_text(), "fbl5n.txt"))
    escalations.escalate(engine, get_actor(engine, "colin"), MUELLER, to_username="lena.lead", reason=REASON)
    engine.dispose()
    with serve(url, tmp) as base:
        yield base


@pytest.fixture
def page(server):
    with sync_playwright() as pw:
        chromium = launch(pw)
        context = chromium.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
        requests: list[str] = []
        pg = context.new_page()
        pg.on("request", lambda r: requests.append(r.url))
        pg.goto(server)
        _login(pg)
        pg.requests = requests
        yield pg
        chromium.close()


def _idle(page) -> None:
    idle(page, settle=True)


def _login(page) -> None:
    log_in(page, "lena.lead", PASSWORD, settle=True)


def _shown(locator) -> str:
    """The text a reader sees (the invisible word joiners of ``ui.text.escape`` left out)."""
    return locator.inner_text().replace("\u2060", "")


def test_worklist_table_has_no_raw_download_and_the_offered_one_is_neutralised(page, server):
    page.goto(f"{server}/worklist")
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible(timeout=30_000)
    _idle(page)
    grid.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    expect(toolbar.get_by_role("button").first).to_be_visible(timeout=5_000)  # the toolbar is shown
    labels = [b.get_attribute("aria-label") or b.inner_text() for b in toolbar.get_by_role("button").all()]
    assert not [x for x in labels if "download" in x.lower()], labels
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "exports-worklist-1600.png"), full_page=True)

    with page.expect_download() as info:
        page.get_by_role("button", name="Download table (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert [r["customer"] for r in rows if r["customer_id"] == MUELLER] == ["'" + HOSTILE]


def test_escalation_reason_shows_as_text_without_link_or_image(page, server):
    page.goto(f"{server}/account?customer={MUELLER}")
    banner = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="Escalated by")
    expect(banner).to_be_visible(timeout=30_000)
    _idle(page)
    assert REASON in _shown(banner)  # the characters as typed
    main = page.locator('[data-testid="stMain"]')
    links = main.locator('a[href*="evil.example"]')
    assert links.count() == 0, [links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(4)]
    assert main.locator('img[src*="evil.example"]').count() == 0
    assert not [u for u in page.requests if "evil.example" in u]
    page.get_by_role("tab", name="Second voice").click()
    voice = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=re.compile(r"^Escalation \d"))
    assert REASON in _shown(voice.first)
    assert main.locator('a[href*="evil.example"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "exports-account-1600.png"), full_page=True)
