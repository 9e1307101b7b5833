"""The Reports page through AppTest: no snapshot, produce with download and checks, sign-off buttons."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.collections.lifecycle import import_snapshot
from tests.app_support import ROOT, SYSTEM, app_store
from tests.conftest import item
from ui import keys

PASSWORD = "long-enough-pw"
USERS = {"lena": ["lead"], "otto": ["lead"], "carl": ["controller"], "colin": ["collector"]}


@pytest.fixture
def empty(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, PASSWORD) as engine:
        yield engine


@pytest.fixture
def store(empty, make_result):
    rows = [
        item(doc_no="1", amount="1000.00", doc_date=date(2026, 11, 2), due_date=date(2026, 12, 2)),
        item(doc_no="2", amount="250.50", due_date=date(2026, 10, 1), customer_name='=HYPERLINK("x")'),
        item(doc_no="3", amount="400.00", currency="CHF", customer_id="0000100002", collector="e.dubois"),
    ]
    import_snapshot(empty, SYSTEM, make_result(rows, as_of=date(2026, 11, 30)))
    return empty


def page(username: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/reports.py"), default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_without_a_snapshot_the_page_says_so(empty):
    at = page("lena")
    assert "No snapshot yet" in at.info[0].value
    assert not at.button


def test_a_collector_does_not_get_the_page(store):
    at = page("colin")
    assert at.error[0].value == "This page is not available for your role."


def test_the_lead_produces_the_weekly_report_downloads_it_and_sees_the_checks(store, downloads):
    at = page("lena")
    layouts = at.dataframe[0].value
    assert set(layouts["name"]) == {"daily", "weekly", "monthly"}
    assert at.selectbox(key=keys.REPORT_LAYOUT).value == "weekly"
    at.button(key="rp_produce").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "every total equals the snapshot" in at.success[0].value
    checks = next(d.value for d in at.dataframe if "Result" in d.value.columns)
    assert checks.to_dict("records") == [
        {"Sheet": "Aging by collector", "Currency": "CHF", "Report total": "CHF 400.00",
         "Snapshot total": "CHF 400.00", "Difference": "CHF 0.00", "Result": "✔ equal"},
        {"Sheet": "Aging by collector", "Currency": "EUR", "Report total": "EUR 1,250.50",
         "Snapshot total": "EUR 1,250.50", "Difference": "EUR 0.00", "Result": "✔ equal"},
    ]  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(downloads["weekly-2026-11-30.xlsx"]))
    assert book.sheetnames == ["About", "Aging by collector", "KPIs", "Top cases", "Disputes", "Credits",
                               "Totals check"]  # fmt: skip
    names = [c.value for c in book["Top cases"]["C"]]
    assert '\'=HYPERLINK("x")' in names
    runs = at.dataframe[-1].value
    assert runs[["kind", "status", "produced_by"]].values.tolist() == [["weekly", "produced", "lena"]]
    assert not [b for b in at.button if b.key in ("rp_prepare", "rp_review")]  # weekly: no sign-off


def test_monthly_sign_off_author_prepares_another_lead_or_controller_reviews(store, downloads):
    at = page("lena", **{keys.REPORT_LAYOUT: "monthly"})
    at.button(key="rp_produce").click().run()
    assert not at.exception, at.exception
    assert [b.key for b in at.button if b.key in ("rp_prepare", "rp_review")] == ["rp_prepare"]
    assert not [b for b in page("otto").button if b.key == "rp_prepare"]  # not the author
    at.button(key="rp_prepare").click().run()
    assert not at.exception, at.exception
    assert "marked prepared" in at.success[0].value
    assert at.dataframe[-1].value["status"].tolist() == ["prepared"]
    assert not [b for b in at.button if b.key == "rp_review"]  # the preparer never reviews
    carl = page("carl")
    assert [b.key for b in carl.button if b.key in ("rp_prepare", "rp_review")] == ["rp_review"]
    carl.button(key="rp_review").click().run()
    assert not carl.exception, carl.exception
    assert "reviewed" in carl.success[0].value
    assert carl.dataframe[-1].value[["status", "prepared_by", "reviewed_by"]].values.tolist() == [
        ["reviewed", "lena", "carl"]
    ]


def test_a_broken_layout_file_is_named_on_the_page(store, tmp_path, monkeypatch):
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "ours.yaml").write_text("kind: weekly\ntitle: X\nsheets: [{topic: nope}]\n", encoding="utf-8")
    monkeypatch.setenv("AR_REPORT_LAYOUTS", str(folder))
    at = page("lena")
    assert "ours.yaml: sheets[0].topic: unknown topic 'nope'" in at.error[0].value.replace("\\", "")


def test_a_report_the_scheduler_produced_is_listed_and_a_lead_prepares_it(store):
    from ar_core.cli.common import CLI_ACTOR
    from ar_core.reporting import produce_report

    produce_report(store, CLI_ACTOR, "monthly", date(2026, 11, 30))
    at = page("lena")
    runs = at.dataframe[-1].value
    assert runs[["kind", "status", "produced_by", "prepared_by"]].values.tolist() == [
        ["monthly", "produced", "cli", ""]
    ]
    assert any("a lead or controller, on behalf of the scheduler" in c.value for c in at.caption)
    assert [b.key for b in at.button if b.key in ("rp_prepare", "rp_review")] == ["rp_prepare"]
    at.button(key="rp_prepare").click().run()
    assert not at.exception, at.exception
    assert "marked prepared" in at.success[0].value
    assert at.dataframe[-1].value[["status", "produced_by", "prepared_by"]].values.tolist() == [
        ["prepared", "cli", "lena"]
    ]
    assert not [b for b in at.button if b.key in ("rp_prepare", "rp_review")]  # lena prepared: no review
    otto = page("otto")
    assert [b.key for b in otto.button if b.key in ("rp_prepare", "rp_review")] == ["rp_review"]
    otto.button(key="rp_review").click().run()
    assert not otto.exception, otto.exception
    assert otto.dataframe[-1].value[["status", "prepared_by", "reviewed_by"]].values.tolist() == [
        ["reviewed", "lena", "otto"]
    ]
