"""Insolvency & ratings page, the interest-rate settings part and the account banner through AppTest."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.snapshot_scope import Scope
from ar_core.recovery import (
    import_announcements,
    import_ratings,
    list_insolvency_cases,
    load_rate_table,
    open_insolvency_case,
)
from tests.app_support import app_store, open_page
from tests.conftest import LEAD, item

PAGE = "pages/insolvency.py"
USERS = {"lena.lead": ["lead"], "c.meyer": ["collector"]}
MINE, OTHERS = "0000100001", "0000200002"


@pytest.fixture
def store(tmp_path, monkeypatch, make_result):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        rows = [item(), item(customer_id=OTHERS, customer_name="Jansen Logistiek B.V.", doc_no="1800000002",
                             collector="j.devries", country="NL")]  # fmt: skip
        import_snapshot(engine, LEAD, make_result(rows), scope=Scope.whole_ledger())
        yield engine


def _texts(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "info", "error", "success", "warning")
                    for e in getattr(at, kind))  # fmt: skip


def test_a_lead_records_a_case_and_reviews_an_announcement(store):
    import_announcements(
        store,
        LEAD,
        "ann.csv",
        (
            b"court;case number;debtor name;postcode;date;type\n"
            b"Rechtbank Rotterdam;C/10/26/123 F;Jansen Logistiek;3011 AB;20.11.2026;faillissement\n"
        ),
    )
    at = open_page(PAGE, "lena.lead")
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Insolvency cases", "Announcements", "Ratings", "Imports"]
    assert "No insolvency case" in _texts(at)
    assert {m.label: m.value for m in at.metric}["Announcements to review"] == "1"
    form = at.selectbox(key="customer")
    form.set_value(MINE)
    at.selectbox(key="status").set_value("receivership")
    at.text_input(key="court").input("AG Köln")
    at.text_input(key="claim").input("1.234,50")
    at.button[0].click().run()
    assert not at.exception
    assert "recorded for 0000100001" in _texts(at)
    case = list_insolvency_cases(store, LEAD).row(0, named=True)
    assert (case["customer_id"], case["status"], str(case["claim"])) == (MINE, "receivership", "1234.50")
    assert {m.label: m.value for m in at.metric}["Claims filed (ongoing)"] == "EUR 1,234.50"
    # the announcement: confirm opens the Dutch customer's case
    confirm = next(b for b in at.button if b.label == "Confirm match")
    confirm.click().run()
    assert not at.exception
    assert "confirmed" in _texts(at)
    assert set(list_insolvency_cases(store, LEAD)["customer_id"].to_list()) == {MINE, OTHERS}


def test_a_bad_import_lists_its_problems_and_a_collector_sees_only_their_portfolio(store):
    import_ratings(store, LEAD, "r.csv", f"customer_id;date;score\n{MINE};01.11.2026;285\n".encode())
    open_insolvency_case(store, LEAD, OTHERS, "bankruptcy", date(2026, 11, 1))
    at = open_page(PAGE, "c.meyer")
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Insolvency cases", "Announcements", "Ratings"]
    text = _texts(at)
    assert "No insolvency case" in text  # the bankruptcy is j.devries' customer
    frames = [d.value for d in at.dataframe]
    assert any(MINE in f.to_string() for f in frames)  # the rating of c.meyer's customer
    assert not any(OTHERS in f.to_string() for f in frames)


def _rates_app() -> None:
    from pages.settings_parts import interest_rates
    from ui.guard import require

    interest_rates.show(require())


def test_the_rate_form_adds_the_next_half_year(store):
    at = AppTest.from_function(_rates_app, default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "lena.lead"
    at.run()
    assert not at.exception
    assert any("1.27 %" in str(m.value) for m in at.metric)
    at.selectbox(key="kind").set_value("de_base")
    at.date_input(key="from").set_value(date(2026, 7, 1))
    at.text_input(key="rate").input("1,27")
    at.button[0].click().run()
    assert not at.exception
    assert "added" in " ".join(str(s.value) for s in at.success)
    assert load_rate_table(store).rate_on("de_base", date(2026, 9, 1)) == load_rate_table(store).rate_on(
        "de_base", date(2026, 1, 1)
    )
    at.text_input(key="rate__1").input("1.30")
    at.button[0].click().run()  # the same half-year again: refused, nothing stored
    assert "already" in " ".join(str(e.value) for e in at.error)


def _banner_app() -> None:
    from pages.account_tabs import insolvency_banner
    from ui.guard import require

    insolvency_banner.show(require(), "0000100001")


def test_the_account_banner_shows_an_ongoing_case_and_the_latest_rating(store):
    open_insolvency_case(store, LEAD, MINE, "receivership", date(2026, 10, 5), court="AG Köln",
                         case_number="73 IN 123/26", claim="5000")  # fmt: skip
    ratings = f"customer_id;date;score;limit\n{MINE};01.11.2026;285;25.000,00\n".encode()
    import_ratings(store, LEAD, "r.csv", ratings, agency="Creditreform")
    at = AppTest.from_function(_banner_app, default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "c.meyer"
    at.run()
    assert not at.exception
    banner = at.error[0].value
    assert "Receivership" in banner and "05 Oct 2026" in banner and "73 IN 123/26" in banner
    assert "Creditreform" in at.caption[0].value and "score 285" in at.caption[0].value
