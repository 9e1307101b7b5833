"""Targets: set by a lead or an admin only, replaced not duplicated, audited with old and new value,
read by the collector they concern; attainment against the store's weekly metrics."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from ar_core.access import list_audit
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.performance import attainment, collector_metrics, list_targets, set_target
from tests.coaching_setup import ADMIN, ANNA, BEN, LENA, S1, S3, seed

NOV = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def team(store, make_result):
    """The coaching store on SQLite (and PostgreSQL when configured)."""
    seed(store, make_result)
    return store


def _audits(engine):
    return list_audit(engine, ADMIN).filter(pl.col("action") == "set_target").sort("id")


def test_a_collector_cannot_set_a_target(team):
    with pytest.raises(PermissionDenied):
        set_target(team, ANNA, "anna", "cash_collected", *NOV, "5000")
    assert list_targets(team, LENA).is_empty()
    assert _audits(team).is_empty()


def test_a_lead_sets_and_replaces_a_target_audited_with_old_and_new(team):
    first = set_target(team, LENA, "anna", "cash_collected", *NOV, "1500.00", note="first month")
    again = set_target(team, LENA, "anna", "cash_collected", *NOV, Decimal("1000"))
    assert again == first
    targets = list_targets(team, LENA)
    assert targets.height == 1
    assert targets.row(0, named=True)["target"] == Decimal("1000.00")
    audits = _audits(team)
    assert audits.height == 2
    assert audits["before"][0] is None  # a new target
    assert json.loads(audits["after"][0])["target"] == "1500"
    assert json.loads(audits["before"][1])["target"] == "1500"
    assert json.loads(audits["after"][1])["target"] == "1000"
    assert audits["actor"].to_list() == ["lena", "lena"]
    set_target(team, ADMIN, "ben", "promises_kept_pct", *NOV, "80")  # admins may too


def test_bad_targets_are_refused_under_their_field(team):
    cases = [
        (("anna", "coffee", *NOV, "1"), "metric"),
        (("anna", "cash_collected", NOV[1], NOV[0], "1"), "period_end"),
        (("anna", "cash_collected", *NOV, "-5"), "value"),
        (("anna", "cash_collected", *NOV, "ten"), "value"),
        (("anna", "promises_kept_pct", *NOV, "101"), "value"),
        (("anna", "cash_collected", *NOV, "1.234"), "value"),
    ]
    for args, field in cases:
        with pytest.raises(InvalidInput) as err:
            set_target(team, LENA, *args)
        assert err.value.field == field
    with pytest.raises(NotFound):
        set_target(team, LENA, "lena", "cash_collected", *NOV, "1")  # not a collector
    assert list_targets(team, LENA).is_empty()


def test_a_collector_reads_their_own_targets_only(team):
    set_target(team, LENA, "anna", "cash_collected", *NOV, "1500")
    set_target(team, LENA, "ben", "cash_collected", *NOV, "900")
    assert list_targets(team, ANNA)["collector"].to_list() == ["anna"]
    assert list_targets(team, BEN)["target"].to_list() == [Decimal("900.00")]
    with pytest.raises(PermissionDenied):
        list_targets(team, ANNA, collector="ben")
    assert sorted(list_targets(team, LENA)["collector"].to_list()) == ["anna", "ben"]


def test_attainment_against_the_weeks_of_the_period(team):
    set_target(team, LENA, "anna", "cash_collected", S1, S3, "1500")  # weeks ending 13. and 20.11.
    set_target(team, LENA, "anna", "accounts_touched_pct", S1, S3, "50")
    got = attainment(list_targets(team, ANNA), collector_metrics(team, ANNA).rows).sort("metric")
    # accounts touched: 1 of 2 in week 1, none in week 2 -> 1 / 4 = 25 %, half the target
    assert got.select("metric", "weeks", "actual", "attainment_pct").rows() == [
        ("accounts_touched_pct", 2, Decimal("25.00"), 50.0),
        ("cash_collected", 2, Decimal("1200.00"), 80.0),  # 200 + 1,000 of 1,500
    ]


def test_the_demo_sets_november_targets_for_every_collector(team):
    from ar_core.access import create_user
    from ar_core.demo.coaching import TARGETS, load_demo_coaching

    load_demo_coaching(team)  # no demo lead: nothing
    assert list_targets(team, LENA).is_empty()
    create_user(team, ADMIN, username="lena.lead", name="Lena Lead", password="x" * 12, roles=["lead"])
    load_demo_coaching(team)
    got = list_targets(team, LENA)
    assert sorted(got["collector"].unique().to_list()) == ["anna", "ben"]
    assert got.height == 2 * len(TARGETS)
    assert set(got["set_by"].to_list()) == {"lena.lead"}
