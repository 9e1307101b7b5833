"""The Users & audit page through AppTest: known portfolios only, moving customers, a readable log."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from ar_core.access.audit import record_many
from ar_core.access.users import get_portfolio, must_change_password
from ar_core.ledger.customers import all_customers, upsert_customer_master
from tests.app_support import SYSTEM, app_store, open_page
from ui.text import escape

USERS = {"ada": ["admin"], "c.meyer": ["collector"], "j.schneider": ["collector"], "lena": ["lead"]}


@pytest.fixture
def admin_env(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "correct-horse-42") as engine:
        upsert_customer_master(engine, SYSTEM, pl.DataFrame({
            "customer_id": ["0000100001", "0000100002", "0000100003"],
            "name": ["Müller GmbH", "Bakker B.V.", "=HYPERLINK(1)"],
            "collector": ["c.meyer", "c.meyer", "j.schneider"],
            "company_code": ["1000", "1000", "2000"],
        }))  # fmt: skip
        yield engine


def _admin():
    at = open_page("pages/admin.py", "ada")
    assert not at.exception, at.exception
    return at


def test_portfolio_with_an_unknown_customer_is_refused_by_name(admin_env):
    at = _admin()
    at.selectbox(key="portfolio_user").select("c.meyer").run()
    form_area = next(t for t in at.text_area if t.label.startswith("Customer ids") and t.key != "move_ids")
    form_area.input("0000100003\n0000999999")
    at.button(key="save_portfolio").click().run()
    assert not at.exception, at.exception
    assert any(escape("unknown customer: 0000999999") in e.value for e in at.error)  # shown escaped
    assert get_portfolio(admin_env, "c.meyer") == {"customers": [], "company_codes": []}


def test_all_customers_of_a_collector_move_to_another(admin_env):
    at = _admin()
    at.selectbox(key="move_from").select("c.meyer")
    at.selectbox(key="move_to").select("j.schneider")
    at.button(key="move_submit").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["2 customers moved to j.schneider."]
    owners = dict(all_customers(admin_env).select("customer_id", "collector").rows())
    assert owners == {"0000100001": "j.schneider", "0000100002": "j.schneider", "0000100003": "j.schneider"}
    assert at.selectbox(key="move_to").options == ["c.meyer", "j.schneider"]  # active collectors only

    # ... and the log shows it as a change list, filtered to one customer.
    at.text_input(key="audit_record").input("0000100001").run()
    log = at.dataframe[-1].value
    assert log["changes"].tolist() == [
        "collector: c.meyer → j.schneider; source: admin",
        "collector: c.meyer; company_code: 1000; name: Müller GmbH; source: master",
    ]


def test_listed_customers_move_and_an_unknown_one_is_refused(admin_env):
    at = _admin()
    at.radio(key="move_mode").set_value("The customers listed")
    at.text_area(key="move_ids").input("0000100002, 0000100009")
    at.selectbox(key="move_to").select("j.schneider")
    at.button(key="move_submit").click().run()
    assert any(escape("unknown customer: 0000100009") in e.value for e in at.error)  # shown escaped
    at.text_area(key="move_ids").input("0000100002")
    at.button(key="move_submit").click().run()
    assert [s.value for s in at.success] == ["1 customers moved to j.schneider."]
    assert (
        dict(all_customers(admin_env).select("customer_id", "collector").rows())["0000100002"]
        == "j.schneider"
    )


def test_audit_log_pages_beyond_500_and_shows_the_team_time(admin_env, monkeypatch):
    from ar_core.settings import set_time_zone

    set_time_zone(admin_env, SYSTEM, "Europe/Amsterdam")
    with monkeypatch.context() as patch, admin_env.begin() as conn:
        patch.setattr("ar_core.access.audit.utcnow", lambda: datetime(2026, 11, 20, 8, 14, tzinfo=UTC))
        record_many(
            conn, "lena", [{"action": "bulk", "entity": "thing", "entity_id": i} for i in range(1, 1101)]
        )
    at = _admin()
    total = at.dataframe[-1].value
    assert len(total) == 500
    caption = next(c.value for c in at.caption if c.value.startswith("Page "))
    # 1,100 entries of ours plus the 11 the set-up wrote (4 users, 3 customers + master, time zone).
    entries = 1100 + len(USERS) + 3 + 1 + 1
    assert caption == f"Page 1 of 3 · {entries:,} entries · times in Europe/Amsterdam"
    at.number_input(key="audit_page").set_value(3).run()
    assert len(at.dataframe[-1].value) == entries - 1000
    at.selectbox(key="audit_who").select("lena").run()
    log = at.dataframe[-1].value
    assert len(log) == 100  # a filter with fewer pages shows its last page: 1,100 - 2 x 500
    assert next(c.value for c in at.caption if c.value.startswith("Page ")).startswith("Page 3 of 3 · 1,100")
    assert str(log["at"].iloc[0]) == "2026-11-20 09:14:00"  # 08:14 UTC is 09:14 in Amsterdam


def test_a_password_reset_makes_the_user_choose_a_new_one(admin_env):
    at = _admin()
    assert not must_change_password(admin_env, "c.meyer")
    at.selectbox(key="edit_user").select("c.meyer").run()
    reset = next(t for t in at.text_input if t.label.startswith("New password"))
    reset.input("temporary-pass-1")
    next(b for b in at.button if b.label == "Reset password").click().run()
    assert not at.exception, at.exception
    assert must_change_password(admin_env, "c.meyer")
