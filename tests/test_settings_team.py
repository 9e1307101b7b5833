"""Team settings: time zone, FX rate age, coverage thresholds, letterhead; the page shows what is stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ar_core import config
from ar_core.access.audit import list_audit
from ar_core.errors import ArDeskError, PermissionDenied
from ar_core.settings import (
    get_coverage_thresholds,
    get_fx_max_age_days,
    get_letterhead,
    get_priority_config,
    get_time_zone,
    set_coverage_thresholds,
    set_fx_max_age_days,
    set_letterhead,
    set_priority_config,
    set_time_zone,
)
from tests.app_support import app_store, open_page
from tests.conftest import CONTROLLER, LEAD


def test_defaults(store):
    assert get_time_zone(store) == "Europe/Berlin"
    assert get_fx_max_age_days(store) == 35
    assert get_coverage_thresholds(store) == {"customers": 70, "items": 70}
    assert get_letterhead(store)["iban"] == ""


def test_changes_are_checked_and_audited(store):
    set_time_zone(store, LEAD, "Europe/Amsterdam")
    set_fx_max_age_days(store, LEAD, 10)
    set_coverage_thresholds(store, LEAD, {"items": 50})
    set_letterhead(
        store, LEAD, {"company_name": "Nordwind Handel GmbH", "iban": "DE02 1203 0000 0000 2020 51"}
    )
    assert get_time_zone(store) == "Europe/Amsterdam"
    assert get_fx_max_age_days(store) == 10
    assert get_coverage_thresholds(store) == {"customers": 70, "items": 50}
    assert get_letterhead(store)["company_name"] == "Nordwind Handel GmbH"
    entry = list_audit(store, LEAD, entity="setting", entity_id="time_zone").row(0, named=True)
    assert (json.loads(entry["before"]), json.loads(entry["after"])) == ("Europe/Berlin", "Europe/Amsterdam")
    for bad in (lambda: set_time_zone(store, LEAD, "Mars/Olympus"),
                lambda: set_fx_max_age_days(store, LEAD, 0),
                lambda: set_coverage_thresholds(store, LEAD, {"items": 101}),
                lambda: set_letterhead(store, LEAD, {"logo": "x"}),
                lambda: set_letterhead(store, LEAD, {"address": "x" * 301})):  # fmt: skip
        with pytest.raises(ArDeskError):
            bad()
    with pytest.raises(PermissionDenied):
        set_time_zone(store, CONTROLLER, "Europe/Berlin")


def test_today_is_the_day_in_the_team_time_zone(monkeypatch):
    """23:30 UTC on 30.11. is already 01.12. in Berlin, still 30.11. in New York."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 30, 23, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.delenv("AR_TODAY", raising=False)
    monkeypatch.setattr("datetime.datetime", Clock)
    assert config.today("Europe/Berlin").isoformat() == "2026-12-01"
    assert config.today("America/New_York").isoformat() == "2026-11-30"


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, {"lena": ["lead"]}, "correct-horse-42") as engine:
        yield engine


def test_reset_shows_the_defaults_at_once(app_env):
    at = open_page("pages/settings.py", "lena")
    at.number_input(key="pc_amount_weight").set_value(25.0)
    at.form_submit_button[0].click().run()
    assert get_priority_config(app_env)["amount_weight"] == 25.0
    at.form_submit_button[1].click().run()  # Reset to defaults
    assert not at.exception, at.exception
    assert get_priority_config(app_env)["amount_weight"] == 20.0
    assert at.number_input(key="pc_amount_weight").value == 20.0  # not the 25 typed before
    assert "reset to the documented defaults" in at.success[0].value


def test_team_tab_saves_time_zone_fx_age_and_coverage(app_env):
    set_priority_config(app_env, LEAD, {})
    at = open_page("pages/settings.py", "lena")
    at.selectbox(key="team_zone").set_value("Europe/Amsterdam")
    at.number_input(key="team_fx_age").set_value(20)
    at.number_input(key="team_cov_customers").set_value(60)
    at.form_submit_button(key="FormSubmitter:team-Save").click().run()
    assert not at.exception, at.exception
    assert get_time_zone(app_env) == "Europe/Amsterdam"
    assert get_fx_max_age_days(app_env) == 20
    assert get_coverage_thresholds(app_env) == {"customers": 60, "items": 70}
    at.text_input(key="lh_iban").input("NL91 ABNA 0417 1643 00")
    at.form_submit_button(key="FormSubmitter:letterhead-Save letterhead").click().run()
    assert get_letterhead(app_env)["iban"] == "NL91 ABNA 0417 1643 00"


def test_credits_tab_sets_the_allocation_tolerance_and_the_refund_threshold(app_env):
    from decimal import Decimal

    from ar_core.settings import get_allocation_tolerance, get_refund_approval_threshold

    at = open_page("pages/settings.py", "lena")
    assert at.text_input(key="credit_tolerance").value == "0.00"
    assert at.text_input(key="credit_refund_threshold").value == "1000.00"
    at.text_input(key="credit_tolerance").input("0.05")
    at.text_input(key="credit_refund_threshold").input("2500.00")
    at.form_submit_button(key="FormSubmitter:credit_settings-Save").click().run()
    assert not at.exception, at.exception
    assert (get_allocation_tolerance(app_env), get_refund_approval_threshold(app_env)) == (
        Decimal("0.05"),
        Decimal("2500.00"),
    )
    # a tolerance above 100.00 is refused under its field and nothing changes
    at.text_input(key="credit_tolerance").input("250")
    at.form_submit_button(key="FormSubmitter:credit_settings-Save").click().run()
    assert any("at most 100.00" in e.value for e in at.error)
    assert get_allocation_tolerance(app_env) == Decimal("0.05")
