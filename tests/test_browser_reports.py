"""Reports in headless Debian Chromium on the demo store: the lead produces the weekly report,
downloads it, and the workbook's KPI numbers are those of ``performance.period_kpis`` on the same data.

Runs when ``AR_BROWSER_TESTS=1``. The screenshot ``reports-1600.png`` lands in ``$AR_SHOTS_DIR``
(default ``/tmp/shots``), outside the repository, for a person to look at.
"""

from __future__ import annotations

import io
import os
import tempfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ar_core.demo import DEMO_USERS
from tests.browser_support import demo_server, idle, lead_page, skip_unless_enabled

pytestmark = pytest.mark.browser
skip_unless_enabled()

from playwright.sync_api import expect  # noqa: E402

SHOTS = Path(os.environ.get("AR_SHOTS_DIR", Path(tempfile.gettempdir()) / "shots"))
LEAD = next(u for u in DEMO_USERS if u["username"] == "lena.lead")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("browser_reports")


@pytest.fixture(scope="module")
def server(folder):
    with demo_server(folder) as base:
        yield base


def _kpis_of_the_store(folder: Path, start: date, end: date):
    """The KPI rows the report must show: the same service on the same store, as the same lead."""
    from ar_core.access import get_actor
    from ar_core.performance import period_kpis
    from ar_core.store.db import make_engine

    engine = make_engine(f"sqlite:///{folder / 'demo.sqlite'}")
    try:
        lead = get_actor(engine, LEAD["username"])
        return period_kpis(engine, lead, start, end), period_kpis(engine, lead, start, end, by="collector")
    finally:
        engine.dispose()


def _rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    heads = values[0]
    return [dict(zip(heads, row, strict=True)) for row in values[1:] if row[1] is not None]  # not the note


def test_the_lead_produces_and_downloads_the_weekly_report_whose_kpis_match(server, folder):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with lead_page(server, LEAD["username"], LEAD["password"]) as page:
        page.get_by_test_id("stSidebarNavLink").filter(has_text="Reports").click()
        expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible(timeout=30_000)
        idle(page, settle=True)
        page.get_by_role("button", name="Produce").click()
        expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(
            "every total equals the snapshot", timeout=60_000
        )
        idle(page, settle=True)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        with page.expect_download() as caught:
            page.get_by_role("button", name="Download weekly-2026-11-20.xlsx", exact=True).click()
        content = Path(caught.value.path()).read_bytes()
        page.set_viewport_size({"width": 1600, "height": 2000})
        page.wait_for_timeout(800)
        page.screenshot(path=str(SHOTS / "reports-1600.png"))

    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["About", "Aging by collector", "KPIs", "Top cases", "Disputes", "Credits",
                               "Totals check"]  # fmt: skip
    assert all(row["Result"] == "OK" for row in _rows(book["Totals check"]))
    shown = {row["Group"]: row for row in _rows(book["KPIs"])}
    total, per_collector = _kpis_of_the_store(folder, date(2026, 11, 14), date(2026, 11, 20))
    expected = {"Total": total.row(0, named=True)}
    expected |= {r["collector"]: r for r in per_collector.iter_rows(named=True)}
    assert set(shown) == set(expected)
    for group, kpi in expected.items():
        row = shown[group]
        assert row["From"].date() == date(2026, 11, 14) and row["To"].date() == date(2026, 11, 20)
        for heading, column in (("Beginning AR", "beginning_ar"), ("Ending AR", "ending_ar"),
                                ("Credit sales", "credit_sales"), ("DSO (simple)", "dso_simple"),
                                ("Best possible DSO", "best_possible_dso"), ("ADD", "add")):  # fmt: skip
            want = kpi[column]
            assert row[heading] == (None if want is None else pytest.approx(float(want), abs=0.005)), heading
        for heading, column in (("CEI", "cei"), ("% current", "pct_current"), ("% over 90", "pct_over_90")):
            want = kpi[column]
            assert row[heading] == (None if want is None else pytest.approx(float(want) / 100, abs=5e-5)), (
                heading
            )
