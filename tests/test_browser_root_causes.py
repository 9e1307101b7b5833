"""Root causes and Disputes in headless Debian Chromium on the demo store: the Pareto chart is drawn,
clicking a bar (or choosing its key) lists the cases behind it, and a case opens on the Disputes page.

Runs when ``AR_BROWSER_TESTS=1``. Screenshots at 1,600 px wide land outside the repository, in
``$AR_SHOTS_DIR`` (default ``/tmp/shots``), for a person to look at: ``root-causes-1600.png``,
``root-causes-drill-down-1600.png``, ``root-causes-{trend,cycle-time,credit-notes}-1600.png``,
``disputes-1600.png``, ``dispute-case-1600.png``.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from ar_core.demo import DEMO_USERS
from tests.browser_support import demo_server, idle, lead_page, skip_unless_enabled

pytestmark = pytest.mark.browser
skip_unless_enabled()

from playwright.sync_api import expect  # noqa: E402

SHOTS = Path(os.environ.get("AR_SHOTS_DIR", Path(tempfile.gettempdir()) / "shots"))
LEAD = next(u for u in DEMO_USERS if u["username"] == "lena.lead")
CHART = '[data-testid="stVegaLiteChart"]'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A small demo (about 3,000 open items, a few hundred dispute cases) on its own store."""
    with demo_server(tmp_path_factory.mktemp("browser_root_causes")) as base:
        yield base


@pytest.fixture
def page(server):
    with lead_page(server, LEAD["username"], LEAD["password"]) as pg:
        yield pg


def _idle(page) -> None:
    idle(page, settle=True)


def _open(page, title: str) -> None:
    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=30_000)
    _idle(page)


def _no_error(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def _shot(page, name: str) -> None:
    """The whole page at 1,600 px wide: Streamlit scrolls inside its own container, so grow the window."""
    page.set_viewport_size({"width": 1600, "height": 2600})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / name))
    page.set_viewport_size({"width": 1600, "height": 1100})
    page.wait_for_timeout(300)


def _behind(page, text: str):
    """The sentence above the cases behind a key: ``41 cases behind QUANTITY, largest first:``."""
    return page.locator(
        '[data-testid="stMarkdownContainer"]', has_text=re.compile(rf"\d+ cases behind {text}")
    )


def test_root_causes_chart_drill_down_and_the_case_on_the_disputes_page(page, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _open(page, "Root causes")
    chart = page.locator(CHART).first
    expect(chart.locator("svg, canvas").first).to_be_visible(timeout=30_000)
    _no_error(page)
    _shot(page, "root-causes-1600.png")

    # a click on the first (largest) bar chooses its key and lists the cases behind it
    bars = chart.locator('path[aria-roledescription="bar"]')
    expect(bars.first).to_be_visible(timeout=30_000)
    bars.first.click()
    _idle(page)
    box = page.get_by_label("Cases behind one reason")
    first = box.input_value()
    assert first, "the click chose no key"
    expect(_behind(page, re.escape(first))).to_be_visible(timeout=30_000)

    # ... and so does choosing a key in the box (typed: the list filters as one types)
    box.click()
    page.keyboard.type("PRICE")
    page.get_by_role("option", name="PRICE", exact=True).click()
    _idle(page)
    expect(_behind(page, "PRICE,")).to_be_visible(timeout=30_000)
    # the grid is a canvas; its hidden table holds the raw cells: the link column's URLs
    listed = page.get_by_test_id("stDataFrame").filter(has_text="disputes?case=")
    expect(listed).to_be_visible()
    _no_error(page)
    _shot(page, "root-causes-drill-down-1600.png")

    # the other views draw their charts too
    for tab, name in [("Trend", "trend"), ("Cycle time", "cycle-time"), ("Credit notes", "credit-notes")]:
        page.get_by_role("tab", name=tab).click()
        panel = page.get_by_role("tabpanel", name=tab)
        expect(panel.locator(CHART).first.locator("svg, canvas").first).to_be_visible(timeout=30_000)
        _no_error(page)
        _shot(page, f"root-causes-{name}-1600.png")
    page.get_by_role("tab", name="Pareto").click()

    # the link of a case opens it on the Disputes page (a deep link: /disputes?case=N)
    href = listed.locator("table td").first.inner_text()
    assert href and href.startswith("disputes?case="), href
    case = href.split("=", 1)[1]
    page.goto(f"{server}/{href}")
    expect(page.get_by_role("heading", name=re.compile(rf"#{case} — "))).to_be_visible(timeout=45_000)
    _idle(page)
    _no_error(page)
    _shot(page, "dispute-case-1600.png")

    page.get_by_role("button", name="All cases").click()
    expect(page.get_by_role("heading", name="Disputes & inquiries")).to_be_visible(timeout=30_000)
    _idle(page)
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    _no_error(page)
    _shot(page, "disputes-1600.png")
