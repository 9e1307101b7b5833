"""The SOPs page in headless Debian Chromium: a collector opens an SOP of the demo register and its
Markdown is rendered (headings, numbered steps, bold, a table) — raw HTML in an SOP never is;
then the collector confirms reading it.

Runs when ``AR_BROWSER_TESTS=1``. The screenshot ``sops-1600.png`` lands in ``$AR_SHOTS_DIR``
(default ``/tmp/shots``), outside the repository, for a person to look at.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from ar_core.demo import DEMO_USERS
from tests.browser_support import idle, lead_page, serve, skip_unless_enabled

pytestmark = pytest.mark.browser
skip_unless_enabled()

from playwright.sync_api import expect  # noqa: E402

SHOTS = Path(os.environ.get("AR_SHOTS_DIR", Path(tempfile.gettempdir()) / "shots"))
READER = next(u for u in DEMO_USERS if u["username"] == "m.wagner")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app on a store with the demo team and the demo SOP register (no ledger needed)."""
    from ar_core.access.users import create_user
    from ar_core.demo.sops import load_demo_sops
    from ar_core.knowledge import sop_titles
    from ar_core.store.db import make_engine, migrate
    from tests.app_support import SYSTEM

    folder = tmp_path_factory.mktemp("browser_sops")
    url = f"sqlite:///{folder / 'sops.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    for u in DEMO_USERS:
        create_user(engine, SYSTEM, username=u["username"], name=u["name"], password=u["password"],
                    roles=u["roles"], must_change_password=False)  # fmt: skip
    load_demo_sops(engine)
    titles = sop_titles(engine, SYSTEM)
    dispute = titles.filter(titles["title"] == "Dispute escalation")["sop_id"][0]
    engine.dispose()
    with serve(url, folder) as base:
        yield base, dispute


def test_a_collector_reads_a_markdown_sop_and_confirms_it(server):
    base, dispute = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with lead_page(base, READER["username"], READER["password"]) as page:
        page.goto(f"{base}/sops?sop={dispute}")
        expect(page.get_by_role("heading", name="SOPs", exact=True)).to_be_visible(timeout=45_000)
        idle(page, settle=True)
        sop = page.get_by_role("main")
        expect(sop.get_by_role("heading", name="Levels")).to_be_visible(timeout=30_000)
        expect(sop.get_by_role("heading", name="Steps")).to_be_visible()
        expect(sop.locator("table th").first).to_have_text("Level")
        expect(sop.get_by_role("cell", name="5 business days", exact=True)).to_have_count(1)
        expect(sop.locator("ol li").first).to_contain_text("Open a dispute case in AR Desk")
        expect(sop.locator("strong").filter(has_text="EUR 50,000")).to_have_count(1)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_role("combobox", name="SOP")).to_have_value("Dispute escalation (Disputes)")
        page.set_viewport_size({"width": 1600, "height": 2400})
        page.wait_for_timeout(800)
        page.screenshot(path=str(SHOTS / "sops-1600.png"))
        page.set_viewport_size({"width": 1600, "height": 1100})
        page.get_by_role("button", name="I have read it").click()
        expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(
            "your confirmation is recorded", timeout=30_000
        )
        idle(page, settle=True)
        expect(page.get_by_role("button", name="I have read it")).to_have_count(0)
