"""Several browsers opening deep links on a freshly started server all get the login form.

Before the fix only the first session was re-run through app.py (a server-wide switch decided
it); the others were left on "Please log in on the AR Desk start page." with no form. Found by
the load test (tools/load.py) opening eight sessions at nine o'clock.
"""

from __future__ import annotations

import pytest

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.store.db import make_engine, migrate
from tests.browser_support import launch, serve

# Skips this module too unless AR_BROWSER_TESTS=1, and only then imports Playwright.
from tests.test_browser import ARTIFACTS, expect, sync_playwright

pytestmark = pytest.mark.browser


def test_simultaneous_deep_links_on_a_fresh_server_all_show_the_login(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    system = Actor(username="system", name="System", roles=frozenset({"admin", "lead"}))
    create_user(engine, system, username="lena.lead", name="Lena", password="browser-test-pw", roles=["lead"])
    engine.dispose()
    with serve(url, tmp_path) as base, sync_playwright() as pw:
        browser = launch(pw)
        pages = [browser.new_context().new_page() for _ in range(3)]
        paths = ["/worklist", "/huddle", "/account?customer=0000100001"]
        # the three sessions start together: each navigation returns once committed, not loaded
        for page, path in zip(pages, paths, strict=True):
            page.goto(f"{base}{path}", wait_until="commit")
        for n, page in enumerate(pages):
            try:
                expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=45_000)
            finally:
                page.screenshot(path=str(ARTIFACTS / f"deeplink-{n}.png"))
            expect(page.get_by_text("Please log in on the AR Desk start page.")).to_have_count(0)
        browser.close()
