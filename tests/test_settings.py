"""Settings: defaults, validation, role check and audit with before/after."""

from __future__ import annotations

import json

import pytest

from ar_core.access.audit import list_audit
from ar_core.collections.priority import PriorityConfig
from ar_core.errors import ArDeskError, PermissionDenied
from ar_core.ledger.aging import DEFAULT_EDGES
from ar_core.settings import (
    DEFAULT_GRACE_DAYS,
    get_aging_edges,
    get_priority_config,
    get_promise_grace_days,
    get_reporting_currency,
    get_setting,
    get_settings,
    set_aging_edges,
    set_priority_config,
    set_promise_grace_days,
    set_reporting_currency,
)
from tests.conftest import ADMIN, CONTROLLER, LEAD
from tests.workflow_setup import MEYER


def _audit(engine, key):
    return list_audit(engine, LEAD, entity="setting", entity_id=key)


def test_defaults_without_anything_stored(store):
    assert get_priority_config(store) == PriorityConfig().to_dict()
    assert get_promise_grace_days(store) == DEFAULT_GRACE_DAYS
    assert get_aging_edges(store) == list(DEFAULT_EDGES)
    assert get_reporting_currency(store) == "EUR"
    assert get_setting(store, "nothing", 42) == 42


def test_priority_config_change_is_audited_with_before_and_after(store):
    set_priority_config(store, LEAD, {"amount_weight": 30, "risk_points": {"A": 0, "B": 1, "C": 4, "D": 9}})
    config = get_priority_config(store)
    assert config["amount_weight"] == 30.0
    assert config["risk_points"] == {"A": 0.0, "B": 1.0, "C": 4.0, "D": 9.0}
    assert PriorityConfig.from_dict(config).amount_weight == 30.0
    set_priority_config(store, ADMIN, {**config, "broken_promise_points": 20})
    audit = _audit(store, "priority_config")
    assert audit["action"].to_list() == ["set_setting", "set_setting"]
    latest, first = audit.row(0, named=True), audit.row(1, named=True)
    assert json.loads(first["before"])["amount_weight"] == PriorityConfig().amount_weight  # the default
    assert json.loads(first["after"])["amount_weight"] == 30.0
    assert json.loads(latest["before"])["broken_promise_points"] == PriorityConfig().broken_promise_points
    assert json.loads(latest["after"])["broken_promise_points"] == 20.0
    assert latest["actor"] == ADMIN.username


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"no_such_weight": 1}, "unknown priority setting"),
        ({"amount_weight": "lots"}, "invalid priority config"),
        ({"amount_weight": -1}, "non-negative"),
        ({"risk_points": {"D": -5}}, "non-negative"),
        ({"age_weight": float("nan")}, "non-negative"),
    ],
)
def test_bad_priority_config_is_refused(engine, config, message):
    with pytest.raises(ArDeskError, match=message):
        set_priority_config(engine, LEAD, config)
    assert _audit(engine, "priority_config").is_empty()


def test_only_leads_and_admins_change_settings(engine):
    for actor in (MEYER, CONTROLLER):
        with pytest.raises(PermissionDenied):
            set_priority_config(engine, actor, {"amount_weight": 1})
        with pytest.raises(PermissionDenied):
            set_promise_grace_days(engine, actor, 5)
    assert get_promise_grace_days(engine) == DEFAULT_GRACE_DAYS


def test_grace_days_edges_and_currency(store):
    set_promise_grace_days(store, LEAD, 5)
    set_aging_edges(store, LEAD, [15, 30, 60])
    set_reporting_currency(store, LEAD, "chf")
    assert (get_promise_grace_days(store), get_aging_edges(store), get_reporting_currency(store)) == (
        5,
        [15, 30, 60],
        "CHF",
    )
    entry = _audit(store, "promise_grace_days").row(0, named=True)
    assert (json.loads(entry["after"]), json.loads(entry["before"])) == (5, 3)  # 3 = the default in force
    set_promise_grace_days(store, LEAD, 0)
    assert json.loads(_audit(store, "promise_grace_days").row(0, named=True)["before"]) == 5


@pytest.mark.parametrize("days", [-1, 61, 2.5, True, "3"])
def test_bad_grace_days(engine, days):
    with pytest.raises(ArDeskError, match="grace days"):
        set_promise_grace_days(engine, LEAD, days)


@pytest.mark.parametrize("edges", [[], [30, 30], [60, 30], [0, 30], [30.5]])
def test_bad_edges(engine, edges):
    with pytest.raises(ArDeskError, match="increasing positive"):
        set_aging_edges(engine, LEAD, edges)


def test_bad_currency(engine):
    with pytest.raises(ArDeskError, match="unknown currency"):
        set_reporting_currency(engine, LEAD, "EURO")


def test_all_settings_at_once(store):
    assert get_settings(store) == {
        "priority": PriorityConfig().to_dict(),
        "promise_grace_days": DEFAULT_GRACE_DAYS,
        "aging_edges": list(DEFAULT_EDGES),
        "reporting_currency": "EUR",
    }
    set_priority_config(store, LEAD, {"amount_weight": 1})
    set_aging_edges(store, LEAD, [10, 20])
    got = get_settings(store)
    assert (got["priority"]["amount_weight"], got["aging_edges"]) == (1.0, [10, 20])
