"""Pages through Streamlit's AppTest: the guard on deep links, role navigation, upload and admin."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app_support import APP, ROOT, SYSTEM, app_store, open_page
from tests.samples import fbl5n_german_text

PAGE_FILES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))
PASSWORD = "correct-horse-42"
USERS = {"lena": ["lead"], "carl": ["controller"], "ada": ["admin"], "colin": ["collector"]}


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """A fresh SQLite store with one user per role."""
    with app_store(tmp_path, monkeypatch, USERS, PASSWORD) as engine:
        yield engine


def login(username: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input(username)
    at.text_input[1].input(PASSWORD)
    at.form_submit_button[0].click().run()
    at.run()
    assert not at.exception, at.exception
    return at


def validated(name: str, content: bytes) -> AppTest:
    """Log in as the lead, open Upload, upload ``content`` as ``name`` and press Validate."""
    at = login("lena")
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="extract_file").set_value((name, content, "text/plain")).run()
    at.button(key="validate").click().run()
    return at


@pytest.mark.parametrize("page", PAGE_FILES)
def test_deep_link_without_login_shows_nothing(app_env, page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=30).run()
    assert not at.exception
    assert [i.value for i in at.info] == ["Please log in on the AR Desk start page."]
    assert not at.dataframe and not at.metric and not at.title and not at.file_uploader


def test_wrong_password_is_refused(app_env):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input("lena")
    at.text_input[1].input("wrong-password")
    at.form_submit_button[0].click().run()
    assert "wrong" in at.error[0].value
    assert not at.session_state["authentication_status"]


@pytest.mark.parametrize(
    ("username", "page", "allowed"),
    [
        ("colin", "pages/upload.py", False),
        ("colin", "pages/admin.py", False),
        ("carl", "pages/upload.py", False),
        ("lena", "pages/upload.py", True),
        ("lena", "pages/admin.py", False),
        ("ada", "pages/admin.py", True),
        ("colin", "pages/home.py", True),
    ],
)
def test_role_guard_on_every_page(app_env, username, page, allowed):
    """The page itself refuses a role, even when reached without the navigation (deep link)."""
    at = open_page(page, username)
    assert not at.exception, at.exception
    refused = [e.value for e in at.error if "not available for your role" in e.value]
    assert bool(refused) is not allowed
    assert bool(at.title) is allowed


def test_deactivated_user_is_stopped(app_env):
    from ar_core.access.users import set_active

    set_active(app_env, SYSTEM, "lena", False)
    at = open_page("pages/upload.py", "lena")
    assert "no longer active" in at.error[0].value
    assert not at.title


def test_navigation_lists_only_pages_of_the_role():
    from ui.navigation import pages_for

    collect = ["Worklist", "Customer account", "Disputes", "Credit balances", "Payment plans", "Dunning",
               "Insolvency & ratings", "Legal & write-off"]  # fmt: skip
    team = ["SOPs", "Training", "Skills & coverage"]
    collector = [*collect, "Collector metrics", *team, "Overview", "KPIs"]
    assert [p[1] for p in pages_for(frozenset({"collector"}))] == collector
    controller = [*collect, *team, "Overview", "KPIs", "Root causes", "Reports"]
    assert [p[1] for p in pages_for(frozenset({"controller"}))] == controller
    lead = [*collect, "Huddle", "Collector metrics", *team, "Overview", "KPIs", "Root causes", "Reports",
            "Upload", "Settings"]  # fmt: skip
    assert [p[1] for p in pages_for(frozenset({"lead"}))] == lead
    assert [p[1] for p in pages_for(frozenset({"admin"}))] == [*lead, "Users & audit"]


def test_lead_uploads_german_fbl5n_and_commits(app_env):
    at = validated("fbl5n.txt", fbl5n_german_text())
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Item lines read"] == "4"
    assert metrics["Valid items"] == "4"
    assert metrics["Rows with errors"] == "0"
    assert metrics["As-of date"] == "20 Nov 2026"
    assert any("EUR 11,000.16" in m.value for m in at.markdown)
    at.button(key="commit").click().run()
    assert not at.exception, at.exception
    assert "4 items of 2 customers" in at.success[0].value
    listing = at.dataframe[-1].value
    assert listing["Items"].tolist() == [4]
    assert listing["Totals"].tolist() == ["EUR 11,000.16"]

    # The same file again is recognised and not imported twice.
    at.file_uploader(key="extract_file").set_value(("copy.txt", fbl5n_german_text(), "text/plain")).run()
    at.button(key="validate").click().run()
    assert any("already imported" in e.value for e in at.error)  # told at Validate, not at Commit
    assert at.button(key="commit").disabled
    assert at.dataframe[-1].value["Items"].tolist() == [4]


def test_upload_with_errors_is_rejected_unless_valid_rows_chosen(app_env):
    bad = fbl5n_german_text().replace(b"01.09.2026", b"31.02.2026")
    at = validated("bad.txt", bad)
    problems = at.dataframe[0].value
    assert problems["Row"].tolist()[0] == 5
    assert problems["Column"].tolist()[0] == "Belegdatum"
    assert at.button(key="commit").disabled
    # what is left out is stated before commit, per currency
    assert "left out: EUR: 1 row (EUR 1,234.56)" in at.checkbox(key="commit_valid").label
    at.checkbox(key="commit_valid").check().run()
    at.button(key="commit").click().run()
    assert "3 items of 2 customers" in at.success[0].value


def test_totals_that_do_not_reconcile_block_even_commit_valid_rows(app_env):
    bad = fbl5n_german_text().replace(b"10.000,00", b"10.000,0x")  # the total row cannot be checked
    at = validated("bad.txt", bad)
    assert at.button(key="commit").disabled
    assert not at.get("checkbox") or all(c.key != "commit_valid" for c in at.checkbox)


def test_admin_adds_user_and_audit_shows_it(app_env):
    at = login("ada")
    at.switch_page("pages/admin.py").run()
    at.text_input[0].input("j.devries")
    at.text_input[1].input("Jan de Vries")
    at.text_input[2].input("jan@example.com")
    at.text_input[3].input("long-enough-pw")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert "j.devries" in at.dataframe[0].value["username"].tolist()
    audit = at.dataframe[-1].value
    assert "j.devries" in audit.to_string()


def test_a_refused_new_user_keeps_what_the_admin_typed(app_env):
    at = login("ada")
    at.switch_page("pages/admin.py").run()
    at.text_input(key="au_name").input("j.devries")
    at.text_input(key="au_full").input("Jan de Vries")
    at.text_input(key="au_password").input("short")  # refused: under 10 characters
    at.form_submit_button[0].click().run()
    assert at.error, "the short password must be refused"
    assert (at.text_input(key="au_name").value, at.text_input(key="au_full").value) == (
        "j.devries",
        "Jan de Vries",
    )
    at.text_input(key="au_password").input("long-enough-pw")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="au_name__1").value == ""  # saved: the next user starts from an empty form


GENERIC_CSV = (
    b"customerID,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount\n"
    b'0379-NEVHP,0000611365,10/2/2026,11/1/2026,"1,055.94"\n'
    b"8976-AMJEO,0007900770,10/26/2026,11/25/2026,61.74\n"
)


def test_lead_builds_saves_and_reuses_a_mapping(app_env):
    from ar_core.ingest.saved_mappings import get_mapping

    at = login("lena")
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="extract_file").set_value(("exact.csv", GENERIC_CSV, "text/csv")).run()
    at.selectbox(key="layout").select("Build a new mapping from this file…").run()
    for canonical, header in {
        "customer_id": "customerID",
        "doc_no": "invoiceNumber",
        "doc_date": "InvoiceDate",
        "due_date": "DueDate",
        "amount": "InvoiceAmount",
    }.items():
        at.selectbox(key=f"map_{canonical}").select(header).run()
    at.selectbox(key="map_currency").select("(constant)").run()
    at.text_input(key="const_currency").input("EUR").run()
    at.text_input(key="map_date_format").input("%m/%d/%Y").run()
    at.selectbox(key="map_decimal").select(".").run()
    at.selectbox(key="map_thousands").select(",").run()
    at.text_input(key="map_name").input("Exact receivables").run()
    at.button(key="save_mapping").click().run()
    assert not at.exception, at.exception
    assert "saved" in at.success[0].value
    assert "customer_id: customerID" in get_mapping(app_env, "Exact receivables")

    # Reuse it by name: pick the saved layout, validate with an as-of date, commit.
    at.selectbox(key="layout").select("Exact receivables").run()
    at.date_input(key="as_of").set_value(date(2026, 11, 20)).run()
    at.button(key="validate").click().run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Valid items"] == "2"
    at.button(key="commit").click().run()
    # 1,055.94 + 61.74 = 1,117.68
    assert "totals EUR 1,117.68" in at.success[0].value


def test_lead_removes_a_snapshot_and_it_is_audited(app_env):
    from ar_core.access.audit import list_audit

    at = validated("fbl5n.txt", fbl5n_german_text())
    at.button(key="commit").click().run()
    assert at.button(key="delete_snapshot").disabled
    at.checkbox(key="delete_sure").check().run()
    at.text_input(key="delete_reason").input("wrong key date").run()
    at.button(key="delete_snapshot").click().run()
    assert not at.exception, at.exception
    assert "No snapshot yet" in at.info[0].value
    actions = list_audit(app_env, SYSTEM, limit=10)["action"].to_list()
    assert actions[0] == "delete_snapshot"


def test_validation_report_download_offered_for_problems(app_env):
    bad = fbl5n_german_text().replace(b"01.09.2026", b"31.02.2026")
    at = validated("bad.txt", bad)
    problems = at.dataframe[0].value
    assert problems["Row"].tolist() == [5]
    assert problems["Column"].tolist() == ["Belegdatum"]
    assert "31.02.2026" in problems["Problem"].tolist()[0]
    assert at.get("download_button")


def test_five_wrong_passwords_lock_the_account_until_reset(app_env):
    from ar_core.access.users import reset_password

    for _ in range(5):
        at = AppTest.from_file(APP, default_timeout=30).run()
        at.text_input[0].input("lena")
        at.text_input[1].input("wrong-password")
        at.form_submit_button[0].click().run()
        assert not at.exception, at.exception
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input("lena")
    at.text_input[1].input(PASSWORD)  # right password, but locked
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert not at.session_state["authentication_status"]
    assert "locked" in at.error[0].value
    reset_password(app_env, SYSTEM, "lena", "a-new-long-password")
    st.cache_resource.clear()  # what the admin page does after every user change
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input("lena")
    at.text_input[1].input("a-new-long-password")
    at.form_submit_button[0].click().run()
    at.run()
    assert at.session_state["authentication_status"]
