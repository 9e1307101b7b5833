"""The worklist and the huddle in headless Debian Chromium: coming back from an account, screen layouts.

Runs when ``AR_BROWSER_TESTS=1``. Screenshots land in ``test-artifacts/`` for a person to look at:
``worklist-1600.png``, ``worklist-back-from-account.png``, ``huddle-1920x1080.png``, ``huddle-1600.png``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from ar_core.store.db import make_engine, migrate
from tests.browser_support import (
    ARTIFACTS,
    idle,
    launch,
    log_in,
    quiet_run_count,
    script_runs,
    serve,
    skip_unless_enabled,
)
from tests.samples import fbl5n_german_text

PASSWORD = "browser-test-pw"
N = 30  # customers: more than one page of 25
STORE: dict[str, str] = {}  #: the module server's database URL

pytestmark = pytest.mark.browser
skip_unless_enabled()

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def _ledger() -> bytes:
    """Customer K00..K29 ("Kunde 00" ...): an invoice of EUR 1,000 + 100 x i, due i + 1 days ago."""
    lines = []
    for i in range(N):
        due = date(2026, 11, 20) - timedelta(days=i + 1)
        amount = f"{1000 + 100 * i},00"
        lines.append(("1000", f"K{i:02d}", f"Kunde {i:02d}", f"18{i:08d}", "2026", "1", "RV", "01.09.2026",
                      due.strftime("%d.%m.%Y"), amount, "EUR"))  # fmt: skip
    total = sum(Decimal(1000 + 100 * i) for i in range(N))
    total_text = f"{total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return fbl5n_german_text(lines=lines, total=total_text)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser_worklist")
    url = f"sqlite:///{tmp / 'browser.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    system = Actor(username="system", name="System", roles=frozenset({"admin", "lead"}))
    create_user(engine, system, username="lena.lead", name="Lena Lead", password=PASSWORD,
                roles=["lead"], must_change_password=False)  # fmt: skip
    create_user(engine, system, username="c.meyer", name="Carla Meyer", password=PASSWORD,
                roles=["collector"], must_change_password=False)  # fmt: skip
    upsert_customer_master(
        engine,
        system,
        pl.DataFrame(
            {
                "customer_id": [f"K{i:02d}" for i in range(N)],
                "name": [f"Kunde {i:02d} Maschinenbau und Handels GmbH" for i in range(N)],
                "country": ["DE" if i % 2 else "NL" for i in range(N)],
                "collector": ["c.meyer" if i % 3 else "s.dejong" for i in range(N)],
            }
        ),
    )
    import_snapshot(engine, system, read_extract(_ledger(), "FBL5N_2026-11-20.txt"))
    engine.dispose()
    STORE["url"] = url
    STORE["runs"] = str(tmp / "runs.tsv")  # the server-side line of every script run (ui.run_log)
    with serve(url, tmp, AR_RUN_LOG=STORE["runs"]) as base:
        yield base


@pytest.fixture
def browser():
    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


def _page(browser, server, width: int, height: int):
    pg = browser.new_context(viewport={"width": width, "height": height}).new_page()
    pg.goto(server)
    _login(pg)
    return pg


def _idle(page) -> None:
    idle(page, settle=True)


def _login(page) -> None:
    log_in(page, "lena.lead", PASSWORD, settle=True)


def _choose(page, label: str, option: str) -> None:
    page.get_by_label(label).click()  # a selectbox opens its list
    page.get_by_role("option", name=option, exact=True).click()
    _idle(page)


def _no_sideways_scroll(page) -> None:
    """The grid's own scroller is not wider than the grid: nothing hides to the right."""
    widths = page.locator('[data-testid="stDataFrame"] .dvn-scroller').first.evaluate(
        "el => [el.scrollWidth, el.clientWidth]"
    )
    assert widths[0] <= widths[1] + 1, widths


def test_worklist_keeps_filters_sort_and_page_after_an_account_visit(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser, server, 1600, 1000)
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible(timeout=30_000)
    _choose(page, "Sort by", "Days overdue")
    expect(page.get_by_label("Page (of 2)")).to_be_visible(timeout=30_000)
    page.get_by_label("Page (of 2)").fill("2")
    page.get_by_label("Page (of 2)").press("Enter")
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_contain_text("Kunde 04", timeout=30_000)  # page 2, oldest first: K04 .. K00
    _idle(page)
    assert "Kunde 29" not in grid.inner_text()
    # who, how much, why and what next are all on screen: the hidden text table holds only the
    # columns the grid draws, and the grid does not scroll sideways
    for text in ("Kunde 04", "1400", "EUR 1,400 overdue (collectable)", "call", "2026-11-20"):
        expect(grid.locator("table")).to_contain_text(text)
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "worklist-1600.png"), full_page=True)

    # Select the second row (K03) by its row marker at the grid's left edge.
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 36 + 35 * 1 + 17)
    expect(page.get_by_role("heading", name="Kunde 03 Maschinenbau und Handels GmbH")).to_be_visible(
        timeout=30_000
    )
    assert "customer=K03" in page.url
    _idle(page)

    page.locator('[data-testid="stSidebarNavLink"]').filter(has_text="Worklist").click()
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible(timeout=30_000)
    _idle(page)
    expect(page.get_by_label("Page (of 2)")).to_have_value("2")
    expect(page.get_by_role("combobox", name="Sort by")).to_have_value("Days overdue")
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_contain_text("Kunde 04")
    assert "Kunde 29" not in grid.inner_text()
    page.screenshot(path=str(ARTIFACTS / "worklist-back-from-account.png"), full_page=True)


@pytest.mark.parametrize(("width", "height", "zoom"), [(1920, 1080, "1.5"), (1600, 900, "1")])
def test_huddle_tables_use_large_type_on_a_wall_screen(browser, server, width, height, zoom):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser, server, width, height)
    page.locator('[data-testid="stSidebarNavLink"]').filter(has_text="Huddle").click()
    expect(page.get_by_text("Case 1 of 5")).to_be_visible(timeout=30_000)
    _idle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_contain_text("Kunde 29")
    assert grid.evaluate("el => getComputedStyle(el).zoom") == zoom
    size = page.get_by_text("Suggested").last.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= (24 if zoom == "1.5" else 16)
    _no_sideways_scroll(page)
    # the zoomed grid still fits the main column (nothing runs off the screen's right edge)
    right = grid.evaluate("el => el.getBoundingClientRect().right")
    main = page.locator('[data-testid="stMainBlockContainer"]').evaluate(
        "el => el.getBoundingClientRect().right"
    )
    assert right <= main <= width, (right, main, width)
    expect(grid.locator("table")).to_contain_text("Suggested")  # the last column is drawn
    name = "huddle-1920x1080.png" if width == 1920 else "huddle-1600.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def test_a_filter_change_after_the_sessions_were_ended_shows_no_worklist(browser, server):
    """The filters rerun only their part of the page (a fragment): that part checks the session too."""
    from ar_core.access.users import end_sessions
    from ui.guard import SESSION_ENDED_MESSAGE

    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    page.goto(server)
    log_in(page, "c.meyer", PASSWORD, settle=True)  # a collector's filters read nothing that checks
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible(timeout=30_000)
    page.get_by_test_id("stExpander").get_by_text("Filters", exact=True).click()
    _idle(page)
    engine = make_engine(STORE["url"])
    end_sessions(engine, "c.meyer")  # logged out in another browser, or ended by an admin
    engine.dispose()
    page.get_by_test_id("stCheckbox").filter(has_text="Due today only").click()
    expect(
        page.get_by_text(SESSION_ENDED_MESSAGE[:40]).or_(page.get_by_role("button", name="Log in")).first
    ).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)


def _runs_since(count: int) -> list[tuple[str, str]]:
    """The (path, outcome) of the script runs after the first ``count`` lines of the run log."""
    return script_runs(Path(STORE["runs"]))[count:]


def _run_count(page) -> int:
    return quiet_run_count(page, Path(STORE["runs"]))


def test_next_in_the_huddle_reruns_only_the_case_and_a_filter_only_the_worklist(browser, server):
    """The wide parts stay put: Next and a filter change rerun their fragment, not the page."""
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    page.goto(server)
    log_in(page, "lena.lead", PASSWORD, settle=True)
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible(timeout=30_000)
    page.get_by_test_id("stExpander").get_by_text("Filters", exact=True).click()
    _idle(page)
    before = _run_count(page)
    page.get_by_test_id("stCheckbox").filter(has_text="Due today only").click()
    _idle(page)
    assert _runs_since(before) == [("worklist#filters", "done")]
    page.goto(f"{server}/huddle")
    expect(page.get_by_role("heading", name="Case 1 of ")).to_be_visible(timeout=30_000)
    _idle(page)
    before = _run_count(page)
    page.get_by_role("button", name="Next ▶").click()
    expect(page.get_by_role("heading", name="Case 2 of ")).to_be_visible(timeout=30_000)
    _idle(page)
    assert _runs_since(before) == [("huddle#case", "done")]
    page.get_by_label("Note", exact=True).fill("ask for the remittance advice")
    before = _run_count(page)
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text="recorded")).to_be_visible(
        timeout=30_000
    )
    _idle(page)
    paths = [path for path, _ in _runs_since(before)]
    assert paths[-1] == "huddle" and "huddle#case" in paths, paths  # the save, then the whole page
