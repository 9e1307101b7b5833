"""Rendering wiring (issue 7): refusals, notices, settings and admin messages show typed text as text.

Also: the admin page's tables offer only the neutralised CSV download (``ui.tables.show``).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from ar_core.access.audit import record_many
from ar_core.access.users import create_user
from tests.app_support import SYSTEM, app_store, open_page
from ui.text import escape

EVIL = "[x](http://evil.example)"
FORMULA = '=HYPERLINK("http://evil.example","y")'
USERS = {"ada": ["admin"], "lena": ["lead"], "c.meyer": ["collector"]}


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _texts(at: AppTest, *kinds: str) -> list[str]:
    return [element.value for kind in kinds for element in getattr(at, kind)]


@pytest.fixture
def store(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "correct-horse-42") as engine:
        create_user(engine, SYSTEM, username="eve", name=EVIL, email="eve@example.com",
                    password="correct-horse-42", roles=["collector"], must_change_password=False)  # fmt: skip
        with engine.begin() as conn:
            record_many(conn, SYSTEM, [{"action": "test", "entity": "customer", "entity_id": FORMULA}])
        yield engine


# --- admin page -----------------------------------------------------------------------------------


def test_admin_shows_a_users_full_name_escaped(store):
    at = open_page("pages/admin.py", "ada")
    assert not at.exception, at.exception
    at.selectbox(key="edit_user").select("eve").run()
    assert not at.exception, at.exception
    shown = _texts(at, "caption", "markdown", "success", "error", "warning", "toast")
    assert any(escape(EVIL) in text for text in shown), shown
    assert not any(EVIL in text for text in shown)


def test_admin_refusal_quoting_a_typed_user_name_is_escaped(store):
    at = open_page("pages/admin.py", "ada")
    field = next(t for t in at.text_input if t.label == "User name")
    field.input(EVIL)
    next(t for t in at.text_input if t.label == "Full name").input("Eve")
    next(t for t in at.text_input if t.label.startswith("Initial password")).input("another-horse-43")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert not at.exception, at.exception
    errors = _texts(at, "error")
    assert any("invalid user name" in e and escape(EVIL) in e for e in errors), errors
    assert not any(EVIL in e for e in errors)


def test_admin_tables_offer_neutralised_csvs(store, downloads):
    at = open_page("pages/admin.py", "ada")
    assert not at.exception, at.exception
    assert {"users.csv", "audit-log.csv"} <= set(downloads)
    ids = [r["entity_id"] for r in _rows(downloads["audit-log.csv"])]
    assert "'" + FORMULA in ids
    assert FORMULA not in ids
    people = {r["username"]: r for r in _rows(downloads["users.csv"])}
    assert people["eve"]["name"] == EVIL  # no formula trigger: as it is


# --- settings page ---------------------------------------------------------------------------------


def test_settings_errors_quoting_typed_text_are_escaped(store):
    at = open_page("pages/settings.py", "lena")
    assert not at.exception, at.exception
    next(t for t in at.text_input if t.label.startswith("Rate (EUR")).input(EVIL)
    next(b for b in at.button if b.label == "Add rate").click().run()
    errors = _texts(at, "error")
    assert any(e.startswith("Rate:") and escape(EVIL) in e for e in errors), errors
    assert not any(EVIL in e for e in errors)
    next(t for t in at.text_input if t.key == "edges").input(EVIL)
    next(b for b in at.button if b.label == "Save" and b.form_id == "general").click().run()
    errors = _texts(at, "error")
    assert any(e.startswith("Aging bucket edges:") and escape(EVIL) in e for e in errors), errors
    assert not any(EVIL in e for e in errors)


# --- ui.data.save and ui.notices ------------------------------------------------------------------


def _save_refusal() -> None:
    from ar_core.errors import ArDeskError
    from ui import data

    def refuse() -> None:
        raise ArDeskError("unknown customer: [x](http://evil.example)")

    data.save(refuse)


def test_save_shows_a_refusal_escaped():
    at = AppTest.from_function(_save_refusal).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [escape("unknown customer: [x](http://evil.example)")]


def _fx_warnings() -> None:
    from datetime import date

    from ui.notices import fx_warnings

    fx_warnings(1, date(2026, 11, 20), ["[X](http://evil.example)"])


def test_fx_warnings_escape_currency_codes(monkeypatch):

    from ui import notices

    monkeypatch.setattr(notices, "engine", lambda: None)
    monkeypatch.setattr(notices.settings, "get_reporting_currency", lambda _e: "EUR")
    monkeypatch.setattr(notices.settings, "get_fx_max_age_days", lambda _e: 7)
    monkeypatch.setattr(notices.data, "currencies", lambda _s: ["**CH**"])
    old = [{"currency": "**CH**", "rate_date": date(2026, 1, 2), "age_days": 322}]
    monkeypatch.setattr(notices, "stale_rates", lambda *_a: old)
    at = AppTest.from_function(_fx_warnings).run()
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 2, warnings
    assert escape("**CH**") in warnings[0] and "**CH**" not in warnings[0]
    assert escape("[X](http://evil.example)") in warnings[1] and "[X](" not in warnings[1]
