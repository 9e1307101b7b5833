"""Dunning in headless Debian Chromium on the demo store: the overview, then a run proposed as of
the snapshot, a Dutch customer's letter previewed (Dutch wording, Dutch number format), the run
released and that customer's letter downloaded as a PDF whose text is the Dutch letter.

Runs when ``AR_BROWSER_TESTS=1``. Screenshots at 1,600 px wide land in ``test-artifacts/`` for a
person to look at: ``dunning-overview-1600.png``, ``dunning-dutch-letter-1600.png``,
``dunning-released-1600.png``.
"""

from __future__ import annotations

import io
import re

import polars as pl
import pytest

from ar_core.demo import DEMO_USERS
from tests.browser_support import ARTIFACTS, idle, lead_page, serve, skip_unless_enabled

pytestmark = pytest.mark.browser
skip_unless_enabled()

from playwright.sync_api import expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

LEAD = next(u for u in DEMO_USERS if u["username"] == "lena.lead")
#: The Dutch title of each letter kind (the templates' subjects).
TITLE = {
    "reminder": "Betalingsherinnering",
    "dunning_2": "Aanmaning",
    "dunning_3": "Ingebrekestelling",
    "final_notice": "Laatste aanmaning",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A small demo (about 3,000 open items) with its dunning (procedure, blocks, a released run)."""
    from ar_core.demo import load_demo_if_empty
    from ar_core.demo.dunning import load_demo_dunning
    from ar_core.store.db import make_engine, migrate

    folder = tmp_path_factory.mktemp("browser_dunning")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    assert load_demo_if_empty(engine, folder, items=3000)
    load_demo_dunning(engine)
    with serve(url, folder) as base:
        yield base, engine
    engine.dispose()


def _idle(page) -> None:
    idle(page, settle=True)


def _no_error(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def _shot(page, name: str) -> None:
    page.set_viewport_size({"width": 1600, "height": 2600})
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size({"width": 1600, "height": 1100})
    page.wait_for_timeout(300)


def _choose(page, label: str, text: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.keyboard.type(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.click()
    _idle(page)


def test_a_dutch_dunning_letter_from_proposal_to_pdf(server):
    from ar_core.recovery import list_runs, run_letters
    from tests.conftest import LEAD as LEAD_ACTOR

    base, engine = server
    ARTIFACTS.mkdir(exist_ok=True)
    with lead_page(base, LEAD["username"], LEAD["password"]) as page:
        page.goto(f"{base}/dunning")
        expect(page.get_by_role("heading", name="Dunning", exact=True)).to_be_visible(timeout=45_000)
        _idle(page)
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=45_000)
        _no_error(page)
        _shot(page, "dunning-overview-1600.png")

        page.get_by_test_id("stButtonGroup").get_by_text("Run", exact=True).click()
        _idle(page)
        page.get_by_role("button", name="Propose run").click()
        _idle(page)
        expect(page.get_by_text(re.compile(r"Run \d+ proposed"))).to_be_visible(timeout=60_000)
        run = list_runs(engine, LEAD_ACTOR).filter(pl.col("status") == "proposed")["run_id"][0]
        dutch = run_letters(engine, LEAD_ACTOR, run).filter(pl.col("language") == "nl").row(0, named=True)
        _choose(page, "Letter to", dutch["customer_id"])
        preview = page.get_by_test_id("stText").first
        expect(preview).to_contain_text(TITLE[dutch["kind"]], timeout=30_000)
        expect(preview).to_contain_text("Geachte heer/mevrouw")
        expect(preview).to_contain_text(re.compile(r"€\s?\d{1,3}(\.\d{3})*,\d{2}"))  # Dutch: € 1.234,56
        _no_error(page)
        _shot(page, "dunning-dutch-letter-1600.png")

        page.get_by_role("button", name="Release run").click()
        _idle(page)
        expect(page.get_by_text(re.compile(rf"Run {run} released: \d+ letter\(s\)"))).to_be_visible(
            timeout=60_000
        )
        _choose(page, "Customer", dutch["customer_id"])
        with page.expect_download() as download:
            page.get_by_role("button", name="Customer's letter (PDF)").click()
        pdf = download.value.path().read_bytes()
        _no_error(page)
        _shot(page, "dunning-released-1600.png")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert TITLE[dutch["kind"]] in text  # the letter of the run just released, not the demo's older one
    assert dutch["customer_name"] in text
    assert "Klantnummer" in text and dutch["customer_id"] in text
