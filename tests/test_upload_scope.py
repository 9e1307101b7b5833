"""The Upload page: scope, as-of date and replacement decided at Validate, before Commit (AppTest)."""

from __future__ import annotations

from datetime import date

import pytest

from ar_core.ledger.snapshots import list_snapshots
from tests.app_support import app_store, open_page
from tests.samples import LINES, fbl5n_german_text

USERS = {"lena": ["lead"]}


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "correct-horse-42") as engine:
        yield engine


def _validate(at, name: str, content: bytes):
    at.file_uploader(key="extract_file").set_value((name, content, "text/plain")).run()
    at.button(key="validate").click().run()
    assert not at.exception, at.exception
    return at


def test_missing_key_date_is_reported_at_validate_and_an_old_date_can_be_chosen(app_env):
    undated = fbl5n_german_text().replace(b"Stichtag 20.11.2026", b"").replace(b"20.11.2026   ", b"")
    at = _validate(open_page("pages/upload.py", "lena"), "undated.txt", undated)
    assert any("no as-of (key) date" in e.value for e in at.error)
    assert not any("No problems found" in s.value for s in at.success)
    assert at.button(key="commit").disabled
    # a 2013 ledger (the IBM sample) must be enterable
    at.date_input(key="as_of").set_value(date(2013, 6, 30)).run()
    at.button(key="validate").click().run()
    assert not at.error, [e.value for e in at.error]
    assert {m.label: m.value for m in at.metric}["As-of date"] == "30 Jun 2013"
    at.button(key="commit").click().run()
    assert list_snapshots(app_env)["as_of"].to_list() == [date(2013, 6, 30)]


def test_same_day_overlap_needs_the_replace_tick_and_scope_is_stored(app_env):
    at = _validate(open_page("pages/upload.py", "lena"), "week.txt", fbl5n_german_text())
    at.radio(key="scope_choice").set_value("full").run()
    at.button(key="commit").click().run()
    assert "Scope: whole ledger" in at.success[0].value
    again = fbl5n_german_text(lines=LINES[:3], total="11.000,06")
    at = _validate(at, "week-again.txt", again)
    assert any("already stored: snapshot 1" in w.value for w in at.warning)
    assert at.button(key="commit").disabled
    at.checkbox(key="replace_existing").check().run()
    at.button(key="commit").click().run()
    assert not at.exception, at.exception
    assert "Replaced snapshot 1" in at.success[0].value
    listing = list_snapshots(app_env, include_retired=True)
    assert listing.select("snapshot_id", "scope", "retired_by").rows() == [
        (2, "company code 1000", None),
        (1, "whole ledger", "lena"),
    ]


def test_a_much_smaller_whole_ledger_extract_is_flagged(app_env):
    at = _validate(open_page("pages/upload.py", "lena"), "full.txt", fbl5n_german_text(key_date="13.11.2026"))
    at.radio(key="scope_choice").set_value("full").run()
    at.button(key="commit").click().run()
    small = fbl5n_german_text(lines=LINES[:1], total="1.234,56")
    at = _validate(at, "small.txt", small)
    at.radio(key="scope_choice").set_value("full").run()
    warnings = [w.value for w in at.warning]
    assert any("covers 1 customers where the snapshot of 13.11.2026 had 2" in w for w in warnings)
    assert any("covers 1 items where the snapshot of 13.11.2026 had 4" in w for w in warnings)


def test_removing_needs_a_reason_and_lists_the_removed_snapshot(app_env):
    at = _validate(open_page("pages/upload.py", "lena"), "week.txt", fbl5n_german_text())
    at.button(key="commit").click().run()
    at.checkbox(key="delete_sure").check().run()
    assert at.button(key="delete_snapshot").disabled
    at.text_input(key="delete_reason").input("exported the wrong company code").run()
    at.button(key="delete_snapshot").click().run()
    assert not at.exception, at.exception
    assert list_snapshots(app_env).is_empty()
    removed = at.dataframe[-1].value
    assert removed["Reason"].tolist() == ["exported the wrong company code"]
    assert removed["Removed by"].tolist() == ["lena"]
