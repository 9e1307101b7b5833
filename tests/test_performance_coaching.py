"""Weekly coaching metrics on a hand-made team: three snapshots (06., 13., 20.11.2026), two weeks,
two collectors — anna (C1, C2) and ben (C3). Every expected figure is worked out by hand below."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from ar_core.performance.coaching import (
    METRIC_SCHEMA,
    period_totals,
    positions,
    team_median,
    weekly_metrics,
    weeks_of,
)
from ar_core.performance.targets import attainment
from ar_core.schema import MONEY

D = date
S1, S2, S3 = D(2026, 11, 6), D(2026, 11, 13), D(2026, 11, 20)


def money(frame: dict) -> dict:
    return {k: [None if v is None else Decimal(v) for v in vs] for k, vs in frame.items()}


@pytest.fixture
def inputs():
    snaps = pl.DataFrame({"snapshot_id": [3, 1, 2], "as_of": [S3, S1, S2]})
    portfolio = pl.DataFrame({"collector": ["anna", "anna", "ben"], "customer_id": ["C1", "C2", "C3"]})
    # overdue / over 90 per customer at each snapshot
    held = pl.DataFrame(
        {
            "snapshot_id": [1, 1, 1, 2, 2, 2, 3, 3, 3],
            "customer_id": ["C1", "C2", "C3"] * 3,
            **money({
                "overdue": ["1000", "500", "300", "600", "500", "400", "100", "0", "400"],
                "over_90": ["200", "0", "300", "200", "0", "300", "0", "0", "0"],
            }),
        },
        schema_overrides={"overdue": MONEY, "over_90": MONEY},
    )  # fmt: skip
    cash = pl.DataFrame(
        {"end_id": [2, 2, 3, 3], "customer_id": ["C1", "C3", "C1", "C2"],
         **money({"cash_collected": ["400", "50", "500", "500"]})},
        schema_overrides={"cash_collected": MONEY},
    )  # fmt: skip
    ranks = pl.DataFrame(
        {"snapshot_id": [1, 1, 1, 2, 2, 2], "customer_id": ["C2", "C1", "C3", "C1", "C3", "C2"],
         "rank": [1, 2, 3, 1, 2, 3]}
    )  # fmt: skip
    # C2's contact on 06.11. is the first week's start day: in no week
    contacts = pl.DataFrame(
        {"customer_id": ["C1", "C1", "C2", "C3", "C2", "C1"],
         "contacted_on": [D(2026, 11, 7), S2, S1, D(2026, 11, 14), S3, D(2026, 11, 16)]}
    )  # fmt: skip
    promises = pl.DataFrame(
        {"customer_id": ["C1", "C1", "C3", "C2"],
         "created_on": [D(2026, 11, 8), D(2026, 11, 10), D(2026, 11, 15), D(2026, 11, 1)],
         "status": ["kept", "broken", "open", "partly kept"],
         "decided_on": [S2, S3, None, S3]}
    )  # fmt: skip
    disputes = pl.DataFrame(
        {"customer_id": ["C1", "C2", "C3", "C1"],
         "opened": [D(2026, 11, 7), D(2026, 11, 1), D(2026, 11, 14), D(2026, 11, 15)],
         "resolved": [D(2026, 11, 12), D(2026, 11, 19), None, D(2026, 11, 18)]}
    )  # fmt: skip
    credits = pl.DataFrame(
        {
            "customer_id": ["C2", "C3"],
            "decided_on": [D(2026, 11, 10), S3],
            **money({"amount": ["250.00", "75.50"]}),
        },
        schema_overrides={"amount": MONEY},
    )
    weeks = weeks_of(snaps)
    return weeks, portfolio, held, cash, ranks, contacts, promises, disputes, credits


def run(inputs, top_n=1):
    weeks, portfolio, held, cash, ranks, contacts, promises, disputes, credits = inputs
    return weekly_metrics(weeks, ["ben", "anna"], portfolio, held, cash, ranks, contacts, promises, disputes,
                          credits, top_n=top_n)  # fmt: skip


def row(frame, collector, week_end):
    return frame.filter((pl.col("collector") == collector) & (pl.col("week_end") == week_end)).row(
        0, named=True
    )


def test_weeks_are_consecutive_snapshots_by_date():
    weeks = weeks_of(pl.DataFrame({"snapshot_id": [3, 1, 2], "as_of": [S3, S1, S2]}))
    assert weeks.rows() == [(S1, S2, 1, 2), (S2, S3, 2, 3)]
    assert weeks_of(pl.DataFrame({"snapshot_id": [1], "as_of": [S1]})).is_empty()


def test_every_metric_of_anna(inputs):
    frame = run(inputs)
    assert frame.schema == pl.Schema(METRIC_SCHEMA)
    assert frame.height == 4
    w1, w2 = row(frame, "anna", S2), row(frame, "anna", S3)
    assert (w1["week_start"], w1["week_end"]) == (S1, S2)
    assert w1["cash_collected"] == Decimal("400.00")
    assert (w1["overdue_start"], w1["overdue_end"], w1["overdue_reduction"]) == (1500, 1100, 400)
    assert (w1["over_90_start"], w1["over_90_end"], w1["over_90_reduction"]) == (200, 200, 0)
    # two contacts with C1 (07.11. and 13.11., the end day counts); C2's on 06.11. is before the week
    assert (w1["contacts"], w1["accounts_touched"], w1["portfolio_accounts"], w1["accounts_touched_pct"]) == (
        2, 1, 2, 50.0)  # fmt: skip
    # top 1 at 06.11. is C2 (team rank 1), not contacted in the week
    assert (w1["top_n"], w1["top_n_contacted"], w1["top_n_coverage_pct"]) == (1, 0, 0.0)
    assert (w1["promises_taken"], w1["promises_kept"], w1["promises_partly_kept"], w1["promises_broken"]) == (
        2, 1, 0, 0)  # fmt: skip
    assert w1["promises_kept_pct"] == 100.0
    assert (w1["disputes_opened"], w1["disputes_resolved"], w1["dispute_cycle_days"]) == (1, 1, 5.0)
    assert (w1["credits_allocated"], w1["credits_allocated_amount"]) == (1, Decimal("250.00"))

    assert w2["cash_collected"] == Decimal("1000.00")
    assert (w2["overdue_start"], w2["overdue_end"], w2["overdue_reduction"]) == (1100, 100, 1000)
    assert w2["over_90_reduction"] == 200
    assert (w2["contacts"], w2["accounts_touched"], w2["accounts_touched_pct"]) == (2, 2, 100.0)
    assert (w2["top_n"], w2["top_n_contacted"], w2["top_n_coverage_pct"]) == (1, 1, 100.0)  # C1, on 16.11.
    assert (w2["promises_taken"], w2["promises_kept"], w2["promises_partly_kept"], w2["promises_broken"]) == (
        0, 0, 1, 1)  # fmt: skip
    assert w2["promises_kept_pct"] == 0.0
    # D2 (18 days) and D4 (3 days) resolved: mean 10.5
    assert (w2["disputes_opened"], w2["disputes_resolved"], w2["dispute_cycle_days"]) == (1, 2, 10.5)
    assert (w2["credits_allocated"], w2["credits_allocated_amount"]) == (0, Decimal("0.00"))


def test_every_metric_of_ben(inputs):
    frame = run(inputs)
    w1, w2 = row(frame, "ben", S2), row(frame, "ben", S3)
    assert w1["cash_collected"] == Decimal("50.00")
    assert (w1["overdue_start"], w1["overdue_end"], w1["overdue_reduction"]) == (300, 400, -100)  # grew
    assert (w1["over_90_reduction"], w2["over_90_reduction"]) == (0, 300)
    assert (w1["contacts"], w1["accounts_touched_pct"], w1["top_n_coverage_pct"]) == (0, 0.0, 0.0)
    assert w1["promises_kept_pct"] is None  # nothing decided
    assert (w2["contacts"], w2["accounts_touched_pct"], w2["top_n_coverage_pct"]) == (1, 100.0, 100.0)
    assert (w2["promises_taken"], w2["promises_kept_pct"]) == (1, None)
    assert (w2["disputes_opened"], w2["disputes_resolved"], w2["dispute_cycle_days"]) == (1, 0, None)
    assert (w2["credits_allocated"], w2["credits_allocated_amount"]) == (1, Decimal("75.50"))
    assert w2["cash_collected"] == Decimal("0.00")


def test_top_n_counts_within_the_collectors_own_worklist(inputs):
    frame = run(inputs, top_n=20)
    w1 = row(frame, "anna", S2)
    assert (w1["top_n"], w1["top_n_contacted"], w1["top_n_coverage_pct"]) == (2, 1, 50.0)  # C2, C1: C1 called


def test_the_team_median_is_the_middle_collector_per_metric(inputs):
    median = team_median(run(inputs))
    assert median["collector"].to_list() == [None, None]
    w1, w2 = median.row(0, named=True), median.row(1, named=True)
    assert w1["cash_collected"] == Decimal("225.00")  # (400 + 50) / 2
    assert w1["overdue_reduction"] == Decimal("150.00")  # (400 - 100) / 2
    assert (w1["contacts"], w1["accounts_touched_pct"], w1["top_n_coverage_pct"]) == (1.0, 25.0, 0.0)
    assert w1["promises_kept_pct"] == 100.0  # ben decided none: the median of the one who did
    assert (w2["cash_collected"], w2["dispute_cycle_days"], w2["contacts"]) == (Decimal("500.00"), 10.5, 1.5)


def test_period_totals_add_the_weeks_and_take_shares_of_the_sums(inputs):
    totals = period_totals(run(inputs), D(2026, 11, 7), S3).row(0, named=True)
    assert totals["collector"] == "anna"
    assert totals["weeks"] == 2
    assert totals["cash_collected"] == Decimal("1400.00")
    assert totals["overdue_reduction"] == Decimal("1400.00")  # 1,500 at the start, 100 at the end
    assert totals["accounts_touched_pct"] == 75.0  # 3 of 2 + 2
    assert totals["top_n_coverage_pct"] == 50.0
    assert totals["promises_kept_pct"] == 33.3  # 1 kept of 3 decided
    assert totals["dispute_cycle_days"] == 8.7  # (5 + 18 + 3) / 3
    only_first = period_totals(run(inputs), S1, S2).filter(pl.col("collector") == "anna").row(0, named=True)
    assert (only_first["weeks"], only_first["cash_collected"]) == (1, Decimal("400.00"))


def test_attainment_is_actual_over_target(inputs):
    targets = pl.DataFrame(
        {"target_id": [1, 2, 3], "collector": ["anna", "anna", "ben"],
         "metric": ["cash_collected", "promises_kept_pct", "contacts"], "label": ["", "", ""],
         "unit": ["money", "percent", "count"], "period_start": [S1, S1, D(2026, 12, 1)],
         "period_end": [S3, S3, D(2026, 12, 31)], "target": [Decimal("2000"), Decimal("50"), Decimal("10")],
         "note": [None] * 3, "set_by": ["lena"] * 3, "set_at": [None] * 3},
        schema_overrides={"target": pl.Decimal(18, 2), "set_at": pl.Datetime("us", "UTC")},
    )  # fmt: skip
    got = attainment(targets, run(inputs))
    assert got["actual"].to_list() == [Decimal("1400.00"), Decimal("33.30"), None]
    assert got["attainment_pct"].to_list() == [70.0, 66.6, None]  # December has no week yet
    assert got["weeks"].to_list() == [2, 2, 0]


def test_positions_count_open_debits_past_due_and_over_90():
    items = pl.DataFrame(
        {"customer_id": ["C1"] * 5,
         "due_date": [D(2026, 11, 19), D(2026, 11, 20), D(2026, 8, 21), D(2026, 8, 22), D(2026, 1, 1)],
         "amount": [10, 20, 40, 80, -5], "clearing_date": [None, None, None, None, None],
         **money({"amount_rep": ["10", "20", "40", "80", "-5"]})},
        schema_overrides={"amount_rep": MONEY, "clearing_date": pl.Date},
    )  # fmt: skip
    # at 20.11.: due 19.11. is 1 day late, due today not yet; 21.08. is 91 days, 22.08. 90 days; credits never
    got = positions(items, S3).row(0, named=True)
    assert (got["overdue"], got["over_90"]) == (Decimal("130.00"), Decimal("40.00"))


def test_no_weeks_no_rows(inputs):
    _, portfolio, held, cash, ranks, contacts, promises, disputes, credits = inputs
    none = weeks_of(pl.DataFrame({"snapshot_id": [1], "as_of": [S1]}))
    assert weekly_metrics(
        none, ["anna"], portfolio, held, cash, ranks, contacts, promises, disputes, credits
    ).is_empty()


# --- agreed actions marked done (migration 0023, append-only like 0013) ---------------------


@pytest.fixture
def team(store, make_result):
    """The coaching store of ``tests.coaching_setup`` on SQLite (and PostgreSQL when configured)."""
    from tests.coaching_setup import seed

    seed(store, make_result)
    return store


def _two_actions(team):
    from ar_core.performance import add_coaching_note, coaching_notes
    from tests.coaching_setup import LENA

    add_coaching_note(
        team, LENA, "anna", S2, "Calls before noon",
        [("Top 5 on Monday", D(2026, 11, 16)), ("Review Birke's promise", D(2026, 11, 30))],
    )  # fmt: skip
    add_coaching_note(team, LENA, "ben", S2, "Cedar", [("Call Cedar", D(2026, 11, 16))])
    actions = coaching_notes(team, LENA)[1]
    return dict(actions.select("action", "action_id").iter_rows())


def test_a_done_action_is_no_longer_past_due(team):
    from ar_core.performance import coaching_notes
    from ar_core.performance.one_on_ones import mark_action_done
    from tests.coaching_setup import ANNA

    ids = _two_actions(team)
    today = D(2026, 11, 20)
    actions = coaching_notes(team, ANNA, today=today)[1]
    assert actions.select("action", "past_due", "done_by").rows() == [
        ("Top 5 on Monday", True, None),  # due 16.11., not done by 20.11.
        ("Review Birke's promise", False, None),  # due 30.11.
    ]
    mark_action_done(team, ANNA, ids["Top 5 on Monday"], note="  done on 17.11., late  ")
    actions = coaching_notes(team, ANNA, today=today)[1]
    first = actions.row(0, named=True)
    assert (first["action"], first["past_due"], first["done_by"], first["done_note"]) == (
        "Top 5 on Monday", False, "anna", "done on 17.11., late",
    )  # fmt: skip
    assert first["done_at"] is not None
    assert actions["past_due"].to_list() == [False, False]
    # without a day to judge by, nothing is called past due
    assert coaching_notes(team, ANNA)[1]["past_due"].to_list() == [None, None]


def test_the_collector_marks_their_own_actions_the_lead_anyones_audited(team):
    from ar_core.access import list_audit
    from ar_core.errors import InvalidInput, NotFound, PermissionDenied
    from ar_core.performance import coaching_notes
    from ar_core.performance.one_on_ones import mark_action_done
    from tests.coaching_setup import ADMIN, BEN, LENA

    ids = _two_actions(team)
    with pytest.raises(PermissionDenied):
        mark_action_done(team, BEN, ids["Top 5 on Monday"])  # anna's, not ben's
    with pytest.raises(PermissionDenied):
        mark_action_done(team, ADMIN, ids["Call Cedar"])  # an admin is no coach
    with pytest.raises(NotFound):
        mark_action_done(team, LENA, 999_999)
    with pytest.raises(InvalidInput) as err:
        mark_action_done(team, BEN, ids["Call Cedar"], note="x" * 501)
    assert err.value.field == "note"
    done_id = mark_action_done(team, LENA, ids["Call Cedar"])  # the lead, for ben
    with pytest.raises(InvalidInput, match="already marked done by lena") as err:
        mark_action_done(team, BEN, ids["Call Cedar"])
    assert err.value.field == "action_id"
    ben = coaching_notes(team, BEN)[1].row(0, named=True)
    assert (ben["action"], ben["done_by"], ben["done_note"]) == ("Call Cedar", "lena", None)
    audit = list_audit(team, ADMIN).filter(pl.col("action") == "mark_action_done")
    assert audit.select("actor", "entity", "entity_id").rows() == [
        ("lena", "coaching_action", str(ids["Call Cedar"]))
    ]
    assert isinstance(done_id, int)


def test_the_completion_is_append_only_in_the_database(team):
    import sqlalchemy as sa

    from ar_core.performance import coaching_notes
    from ar_core.performance.one_on_ones import mark_action_done
    from tests.coaching_setup import ANNA

    ids = _two_actions(team)
    mark_action_done(team, ANNA, ids["Top 5 on Monday"], note="kept")
    for statement in (
        "UPDATE coaching_action_done SET note = 'changed'",
        "UPDATE coaching_action_done SET done_by = 'ben'",
        "DELETE FROM coaching_action_done",
    ):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), team.begin() as conn:
            conn.execute(sa.text(statement))
    done = coaching_notes(team, ANNA)[1].filter(pl.col("done_by").is_not_null())
    assert done.select("action", "done_by", "done_note").rows() == [("Top 5 on Monday", "anna", "kept")]


def test_migration_0023_follows_0022_and_goes_down_and_up_again(store):
    import sqlalchemy as sa

    from ar_core.store.db import downgrade, migrate

    def triggers() -> set[str]:
        query = (
            "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('coaching_action_done') "
            "AND NOT tgisinternal"
            if store.dialect.name == "postgresql"
            else "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'coaching_action_done'"
        )
        with store.connect() as conn:
            return set(conn.execute(sa.text(query)).scalars())

    expected = (
        {"coaching_action_done_append_only"}
        if store.dialect.name == "postgresql"
        else {"coaching_action_done_no_update", "coaching_action_done_no_delete"}
    )
    assert "coaching_action_done" in sa.inspect(store).get_table_names() and triggers() == expected
    downgrade(store, "0022")
    assert "coaching_action_done" not in sa.inspect(store).get_table_names()
    assert "coaching_actions" in sa.inspect(store).get_table_names()  # 0013's tables stay
    migrate(store)  # up again: the function of PostgreSQL's trigger was dropped with the table
    assert triggers() == expected
