"""Collector metrics from a real store (tests/coaching_setup.py): the figures, who sees what, and
that the weekly frame is computed once per change of the data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest

from ar_core.collections import log_contact
from ar_core.errors import PermissionDenied
from ar_core.performance import collector_metrics, set_top_n, team_metrics
from tests.coaching_setup import ANNA, BEN, LENA, S1, S2, S3, seed
from tests.conftest import CONTROLLER


@pytest.fixture
def team(store, make_result):
    """The coaching store on SQLite (and PostgreSQL when configured)."""
    seed(store, make_result)
    return store


def _week(frame: pl.DataFrame, collector: str, end: date) -> dict:
    return frame.filter((pl.col("collector") == collector) & (pl.col("week_end") == end)).row(0, named=True)


def test_the_leads_view_holds_every_collector_with_hand_computed_figures(team):
    view = collector_metrics(team, LENA)
    assert view.weeks.select("week_start", "week_end").rows() == [(S1, S2), (S2, S3)]
    assert view.names == {"anna": "Anna Alpha", "ben": "Ben Bravo"}
    a1, a2 = _week(view.rows, "anna", S2), _week(view.rows, "anna", S3)
    assert a1["cash_collected"] == Decimal("200.00")  # B cleared
    assert (a1["overdue_start"], a1["overdue_end"], a1["overdue_reduction"]) == (
        Decimal("1200.00"), Decimal("1500.00"), Decimal("-300.00"))  # fmt: skip
    assert (a1["over_90_start"], a1["over_90_end"], a1["over_90_reduction"]) == (
        Decimal("200.00"), Decimal("0.00"), Decimal("200.00"))  # fmt: skip
    assert (a1["contacts"], a1["accounts_touched"], a1["portfolio_accounts"], a1["accounts_touched_pct"]) == (
        1, 1, 2, 50.0)  # fmt: skip
    # the worklist at 06.11. ranks C1 (overdue) and C2 (nothing due): top 20 = both, C1 called
    assert (a1["top_n"], a1["top_n_contacted"], a1["top_n_coverage_pct"]) == (2, 1, 50.0)
    assert a2["cash_collected"] == Decimal("1000.00")  # A cleared
    assert a2["overdue_reduction"] == Decimal("1000.00")
    assert (a2["contacts"], a2["top_n_coverage_pct"]) == (0, 0.0)
    b1, b2 = _week(view.rows, "ben", S2), _week(view.rows, "ben", S3)
    assert (b1["cash_collected"], b2["cash_collected"]) == (Decimal("50.00"), Decimal("0.00"))
    assert (b1["over_90_start"], b1["overdue_reduction"]) == (Decimal("300.00"), Decimal("0.00"))
    assert (b1["top_n_coverage_pct"], b2["top_n_coverage_pct"], b2["accounts_touched_pct"]) == (
        0.0,
        100.0,
        100.0,
    )
    median = view.median.sort("week_end").row(0, named=True)
    assert median["cash_collected"] == Decimal("125.00")  # (200 + 50) / 2
    assert median["collector"] is None


def test_a_collector_gets_their_own_rows_and_the_team_median_only(team):
    view = collector_metrics(team, ANNA)
    assert view.rows["collector"].unique().to_list() == ["anna"]
    assert view.names == {"anna": "Anna Alpha"}
    assert view.median.sort("week_end")["cash_collected"].to_list() == [Decimal("125.00"), Decimal("500.00")]
    with pytest.raises(PermissionDenied):
        collector_metrics(team, ANNA, collector="ben")
    with pytest.raises(PermissionDenied):
        collector_metrics(team, CONTROLLER)
    assert collector_metrics(team, LENA, collector="ben").rows["collector"].unique().to_list() == ["ben"]


def test_top_n_follows_the_setting(team):
    set_top_n(team, LENA, 1)
    a1 = _week(collector_metrics(team, LENA).rows, "anna", S2)
    assert (a1["top_n"], a1["top_n_contacted"], a1["top_n_coverage_pct"]) == (1, 1, 100.0)  # C1 is first
    with pytest.raises(PermissionDenied):
        set_top_n(team, ANNA, 5)


def test_computed_once_per_change_of_the_data(team):
    first = team_metrics(team)
    assert team_metrics(team) is first  # a rerun (a filter change) reads the kept frame
    log_contact(team, ANNA, "C2", channel="e-mail", outcome="reached",
                contacted_at=datetime(2026, 11, 18, 9, tzinfo=UTC))  # fmt: skip
    again = team_metrics(team)
    assert again is not first
    assert _week(again["rows"], "anna", S3)["contacts"] == 1


def test_fewer_than_two_snapshots_give_no_week(engine):
    view = collector_metrics(engine, LENA)
    assert view.weeks.is_empty()
    assert view.rows.is_empty()
    assert view.median.is_empty()
    assert BEN.username not in view.names
