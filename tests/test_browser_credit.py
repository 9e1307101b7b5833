"""Credit balances in headless Debian Chromium on the demo store: every tab shows its content — the
open credits with their totals, the suggestions table, the bank payments (the demo's statement and
a small camt.053 uploaded through the uploader), a reconciliation from a small CSV list — and no
exception or error.

Runs when ``AR_BROWSER_TESTS=1``. Screenshots at 1,600 px wide land in ``test-artifacts/`` for a
person to look at: ``credit-open-credits-1600.png``, ``credit-suggestions-1600.png``,
``credit-bank-payments-1600.png``, ``credit-reconciliation-1600.png``.
"""

from __future__ import annotations

import re

import pytest

from ar_core.demo import DEMO_USERS
from tests.browser_support import (
    ARTIFACTS,
    demo_server,
    idle,
    lead_page,
    skip_unless_enabled,
)

pytestmark = pytest.mark.browser
skip_unless_enabled()

from playwright.sync_api import expect  # noqa: E402

from tests.test_bank_camt import camt, entry, statement, tx  # noqa: E402

LEAD = next(u for u in DEMO_USERS if u["username"] == "lena.lead")
#: A payment from nobody the ledger knows, on a statement of its own (the demo's is already stored).
SMALL_CAMT = camt(
    [
        statement(
            [
                entry(
                    "310.00",
                    [tx("310.00", name="Okafor Handels OHG", ustrd=("Vorauszahlung Auftrag 7781",))],
                    booked="<Dt>2026-11-24</Dt>",
                    value="<Dt>2026-11-24</Dt>",
                )
            ],
            stmt_id="BROWSER-2026-328",
            seq="328",
            closing=("1310.00", "CRDT"),
        )
    ]
)
#: The credit-balance story customer's own list: one invoice it believes open.
THEIR_LIST = (
    "Rechnungsnummer;Datum;Betrag;Währung;Text\n9000000001;02.11.2026;1.250,00;EUR;Rechnung\n".encode()
)
STORY = "Auer Kältetechnik GmbH"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A small demo (about 3,000 open items, its bank statement imported) on its own store."""
    with demo_server(tmp_path_factory.mktemp("browser_credit")) as base:
        yield base


@pytest.fixture
def page(server):
    with lead_page(server, LEAD["username"], LEAD["password"]) as pg:
        yield pg


def _idle(page) -> None:
    idle(page, settle=True)


def _no_error(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def _shot(page, name: str) -> None:
    """The whole page at 1,600 px wide: Streamlit scrolls inside its own container, so grow the window."""
    page.set_viewport_size({"width": 1600, "height": 2600})
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size({"width": 1600, "height": 1100})
    page.wait_for_timeout(300)


def _tab(page, name: str):
    page.get_by_role("tab", name=name).click()
    _idle(page)
    return page.get_by_role("tabpanel", name=name)


def _metric(panel, label: str):
    return panel.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_every_tab_of_credit_balances_shows_its_content(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{server}/credit_balances")
    expect(page.get_by_role("heading", name="Credit balances")).to_be_visible(timeout=45_000)
    _idle(page)
    expect(page.get_by_text(re.compile(r"All customers — snapshot of"))).to_be_visible()

    # open credits: a count and a total in the company codes' currency, and the table
    panel = page.get_by_role("tabpanel", name="Open credits")
    expect(_metric(panel, "Open credits")).to_have_text(re.compile(r"^\d[\d,]*$"), timeout=30_000)
    expect(_metric(panel, "Amount")).to_contain_text("EUR")
    expect(panel.get_by_test_id("stDataFrame").first).to_be_visible()
    _no_error(page)
    _shot(page, "credit-open-credits-1600.png")

    # suggestions: the table of what each credit settles
    panel = _tab(page, "Suggestions")
    expect(panel.get_by_test_id("stDataFrame").first).to_be_visible(timeout=30_000)
    expect(panel.get_by_text("Select a row to decide on that credit.")).to_be_visible()
    _no_error(page)
    _shot(page, "credit-suggestions-1600.png")

    # bank payments: the demo's statement is there; a small camt.053 goes in through the uploader
    panel = _tab(page, "Bank payments")
    expect(panel.get_by_role("heading", name="Incoming payments")).to_be_visible(timeout=30_000)
    panel.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "browser-day.xml", "mimeType": "application/xml", "buffer": SMALL_CAMT}]
    )
    _idle(page)
    panel.get_by_role("button", name="Import statement").click()
    _idle(page)
    expect(page.get_by_text(re.compile(r"browser-day\.xml: 1 statement\(s\) imported"))).to_be_visible(
        timeout=30_000
    )
    expect(_metric(panel, "Unmatched")).to_have_text("1")
    expect(panel.get_by_test_id("stDataFrame").first).to_be_visible()
    _no_error(page)
    _shot(page, "credit-bank-payments-1600.png")

    # reconciliation: the story customer's list against our snapshot
    panel = _tab(page, "Reconciliation")
    box = panel.get_by_test_id("stSelectbox").filter(has_text="Customer")
    box.click()
    page.keyboard.type("Auer")
    page.get_by_role("option", name=re.compile(STORY)).click()
    _idle(page)
    panel.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "auer.csv", "mimeType": "text/csv", "buffer": THEIR_LIST}]
    )
    _idle(page)
    panel.get_by_role("button", name="Reconcile").click()
    _idle(page)
    expect(_metric(panel, "Our balance")).to_contain_text("EUR", timeout=30_000)
    expect(_metric(panel, "Their balance")).to_have_text("EUR 1,250.00")
    expect(_metric(panel, "Difference")).to_contain_text("EUR")
    _no_error(page)
    _shot(page, "credit-reconciliation-1600.png")
