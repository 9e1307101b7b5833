"""Instalments against the clearing later snapshots show: kept, late, overdue, broken; the plan's status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ar_core.recovery.plan_tracking import Instalment, paid_towards, track_instalments, tracked_plan_status

D = Decimal
# 900.00 debt: down payment 300.00 on 04.01, then 300.00 on 01.02 and 01.03
PLAN = [Instalment(0, date(2027, 1, 4), D("300.00")), Instalment(1, date(2027, 2, 1), D("300.00")),
        Instalment(2, date(2027, 3, 1), D("300.00"))]  # fmt: skip


def _statuses(observations, as_of, **kw):
    return [
        (t.seq, t.status, t.covered_on)
        for t in track_instalments(PLAN, D("900.00"), observations, as_of, **kw)
    ]


def test_paid_so_far_counts_cleared_and_reduced_items():
    original = {"a": D("500.00"), "b": D("400.00")}
    assert paid_towards(original, {"a": D("500.00"), "b": D("400.00")}) == D("0.00")
    assert paid_towards(original, {"b": D("400.00")}) == D("500.00")  # a cleared
    assert paid_towards(original, {"a": D("200.00"), "b": D("400.00")}) == D("300.00")  # a partly paid
    assert paid_towards(original, {"a": D("900.00")}) == D("400.00")  # an item that grew counts as unpaid


def test_kept_when_the_first_snapshot_after_the_deadline_shows_it():
    # weekly snapshots; grace 3 days: the down payment's deadline is 07.01, the first snapshot on
    # or after it 08.01 shows 300.00 paid -> kept; 01.02 + 3 = 04.02, snapshot 05.02 shows 600 -> kept
    seen = [(date(2027, 1, 1), D("0")), (date(2027, 1, 8), D("300.00")), (date(2027, 2, 5), D("600.00"))]
    assert _statuses(seen, date(2027, 2, 5)) == [
        (0, "kept", date(2027, 1, 8)),
        (1, "kept", date(2027, 2, 5)),
        (2, "open", None),
    ]
    assert tracked_plan_status(track_instalments(PLAN, D("900.00"), seen, date(2027, 2, 5))) == "active"


def test_late_overdue_and_broken():
    seen = [(date(2027, 1, 8), D("0")), (date(2027, 1, 15), D("300.00")), (date(2027, 2, 5), D("300.00"))]
    # the down payment showed only a snapshot after its first evidence (08.01): late;
    # 01.02 unpaid at 05.02: past its deadline (04.02), not yet 14 days -> overdue
    assert _statuses(seen, date(2027, 2, 5)) == [
        (0, "late", date(2027, 1, 15)),
        (1, "overdue", None),
        (2, "open", None),
    ]
    seen.append((date(2027, 2, 19), D("300.00")))  # 18 days after 01.02: broken
    tracked = track_instalments(PLAN, D("900.00"), seen, date(2027, 2, 19))
    assert [t.status for t in tracked] == ["late", "broken", "open"]
    assert tracked_plan_status(tracked) == "broken"


def test_on_the_edge_of_broken():
    seen = [(date(2027, 2, 15), D("300.00"))]
    # 15.02 is exactly 14 days after 01.02: not yet broken; one day later it is
    assert [t.status for t in track_instalments(PLAN, D("900.00"), seen, date(2027, 2, 15))][1] == "overdue"
    assert [t.status for t in track_instalments(PLAN, D("900.00"), seen, date(2027, 2, 16))][1] == "broken"


def test_completed_when_everything_is_covered_and_charges_count_with_the_last_of_the_debt():
    # a fee of 15.00 makes the rows 905.00 for a 890.00 debt: the last row is covered with the debt
    rows = [Instalment(1, date(2027, 2, 1), D("452.50")), Instalment(2, date(2027, 3, 1), D("452.50"))]
    seen = [(date(2027, 2, 5), D("452.50")), (date(2027, 3, 5), D("890.00"))]
    tracked = track_instalments(rows, D("890.00"), seen, date(2027, 3, 5))
    assert [t.status for t in tracked] == ["kept", "kept"]
    assert tracked_plan_status(tracked) == "completed"
