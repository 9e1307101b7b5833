"""The risk-of-delay rule with hand-computed dates (ar_core.knowledge.training)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from ar_core.knowledge.training import (
    AT_RISK,
    DONE,
    DONE_LATE,
    LATE,
    ON_TRACK,
    assess,
    pace,
    projected_finish,
    status_rank,
)

AS_OF = date(2026, 12, 2)
D = Decimal


def test_pace_divides_by_days_since_start_at_least_one():
    # 1.11. -> 2.12. is 31 days: 10 h / 31 d
    assert pace(D("10"), date(2026, 11, 1), AS_OF) == Fraction(10, 31)
    assert pace(D("3"), AS_OF, AS_OF) == 3  # started today: / max(1, 0)
    assert pace(D("3"), date(2026, 12, 20), AS_OF) == 3  # not started yet: / max(1, -18)


def test_on_track_projection_rounds_up_to_whole_days():
    # start 22.11. (10 days ago), 10 h done -> 1 h/day; 40 expected -> 30 remaining -> 30 days
    a = assess(date(2026, 11, 22), date(2027, 1, 15), D("40"), D("10"), None, AS_OF)
    assert a.projected_finish == date(2027, 1, 1)  # 2.12. + 30 days
    assert a.status == ON_TRACK
    assert a.remaining_hours == D("30")
    # 12 h in 10 days = 1.2 h/day; 28 remaining / 1.2 = 23.33 -> 24 days -> 26.12.
    a = assess(date(2026, 11, 22), date(2026, 12, 26), D("40"), D("12"), None, AS_OF)
    assert a.projected_finish == date(2026, 12, 26)
    assert a.status == ON_TRACK  # finishing on the due date is on time


def test_at_risk_when_the_projection_passes_the_due_date():
    # 1.11. -> 31 days, 10 h done: pace 10/31; remaining 30 h -> 30 * 31 / 10 = 93 days -> 5.3.2027
    a = assess(date(2026, 11, 1), date(2027, 1, 31), D("40"), D("10"), None, AS_OF)
    assert a.projected_finish == date(2027, 3, 5)
    assert a.status == AT_RISK


def test_late_when_due_before_as_of_whatever_the_pace():
    a = assess(date(2026, 10, 1), date(2026, 12, 1), D("20"), D("19.5"), None, AS_OF)
    assert a.status == LATE
    # 19.5 h in 62 days; 0.5 remaining * 62 / 19.5 = 1.59 -> 2 days
    assert a.projected_finish == date(2026, 12, 4)


def test_due_on_the_as_of_date_is_not_late():
    a = assess(date(2026, 11, 2), AS_OF, D("30"), D("30"), None, AS_OF)
    assert a.status == ON_TRACK  # nothing remaining: projected finish is today
    assert a.projected_finish == AS_OF


def test_pace_zero_after_the_start_is_never_and_at_risk():
    a = assess(date(2026, 11, 20), date(2027, 3, 1), D("16"), D("0"), None, AS_OF)
    assert a.projected_finish is None
    assert a.status == AT_RISK
    # pace 0 and already past due: late
    assert assess(date(2026, 10, 1), date(2026, 11, 30), D("16"), D("0"), None, AS_OF).status == LATE


def test_module_not_yet_started_without_hours_is_projected_on_its_due_date():
    a = assess(date(2026, 12, 14), date(2027, 1, 29), D("24"), D("0"), None, AS_OF)
    assert a.projected_finish == date(2027, 1, 29)
    assert a.status == ON_TRACK
    # starting today with nothing done yet: the start has not passed either
    assert projected_finish(D("8"), D("0"), AS_OF, AS_OF, date(2026, 12, 9)) == date(2026, 12, 9)


def test_module_not_yet_started_with_hours_done_uses_one_day():
    # 2 h done before a start on 10.12.: pace 2 / max(1, -8) = 2 h/day; 10 remaining -> 5 days -> 7.12.
    a = assess(date(2026, 12, 10), date(2026, 12, 31), D("12"), D("2"), None, AS_OF)
    assert a.projected_finish == date(2026, 12, 7)
    assert a.status == ON_TRACK
    # 0.5 h done, 12 expected: 11.5 / 0.5 = 23 days -> 25.12. after a due date of 20.12.
    assert assess(date(2026, 12, 10), date(2026, 12, 20), D("12"), D("0.5"), None, AS_OF).status == AT_RISK


def test_more_hours_than_expected_leaves_nothing_remaining():
    a = assess(date(2026, 11, 1), date(2026, 12, 10), D("8"), D("9.5"), None, AS_OF)
    assert a.remaining_hours == 0
    assert a.projected_finish == AS_OF
    assert a.status == ON_TRACK


def test_finished_modules_are_done_or_done_late():
    on_time = assess(date(2026, 10, 1), date(2026, 10, 31), D("8"), D("8"), date(2026, 10, 31), AS_OF)
    assert (on_time.status, on_time.projected_finish) == (DONE, None)
    late = assess(date(2026, 10, 1), date(2026, 10, 31), D("8"), D("8"), date(2026, 11, 3), AS_OF)
    assert late.status == DONE_LATE
    # finished, even with fewer hours than expected: the completion date decides
    assert (
        assess(date(2026, 10, 1), date(2026, 10, 31), D("8"), D("5"), date(2026, 10, 2), AS_OF).status == DONE
    )


def test_a_tiny_pace_far_beyond_the_calendar_is_never():
    a = assess(date(2026, 12, 1), date(2027, 1, 1), D("999999.99"), D("0.01"), None, date(2026, 12, 1))
    # 999999.98 / 0.01 = 99,999,998 days: beyond 31.12.9999
    assert a.projected_finish is None
    assert a.status == AT_RISK


def test_status_order_puts_late_and_at_risk_first():
    statuses = [DONE, ON_TRACK, AT_RISK, DONE_LATE, LATE]
    assert sorted(statuses, key=status_rank) == [LATE, AT_RISK, ON_TRACK, DONE_LATE, DONE]
