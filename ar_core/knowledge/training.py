"""The risk-of-delay rule of a training plan line, applied as the issue writes it (values in, values out).

For an **unfinished** module (no completion date):

- pace = hours done ÷ max(1, days since the planned start) — hours per day, exact (``Decimal``
  hours, computed as a fraction); days since the start = as-of date − planned start, so a module
  not started yet (start on or after the as-of date) divides by 1;
- remaining hours = max(0, expected hours − hours done);
- projected finish = as-of date + ⌈remaining ÷ pace⌉ days (rounded **up** to whole days: a module
  needing 2.1 more days of work is finished on the third day). No hours remaining: the as-of date;
- projected finish = **never** (``None``) when the pace is 0 and the start has passed (start
  before the as-of date), and when the days needed run past the last representable date;
- a module whose start has **not** passed (start on or after the as-of date) and with no hours
  done yet has no pace to measure: its projected finish is its due date (the plan itself);
- **late** = the due date is before the as-of date; **at risk** = not late and the projected
  finish is after the due date (or never); else **on track**.

A **finished** module (completion date set) is **done** when completed on or before its due date,
else **done late**; its projected finish is ``None`` (the rule projects unfinished modules only;
the completion date is the actual finish).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

LATE = "late"
AT_RISK = "at risk"
ON_TRACK = "on track"
DONE = "done"
DONE_LATE = "done late"
#: Every status, in the order a lead reads them (late and at risk first).
STATUSES: tuple[str, ...] = (LATE, AT_RISK, ON_TRACK, DONE_LATE, DONE)
#: Statuses that need attention (shown on the person's home, first in the lead's view).
NEEDS_ATTENTION: tuple[str, ...] = (LATE, AT_RISK)


@dataclass(frozen=True)
class Assessment:
    """The rule's verdict on one plan line as of a day."""

    status: str
    projected_finish: date | None
    pace: Decimal | None  # hours per day (unfinished modules only), rounded to 4 places for display
    remaining_hours: Decimal


def pace(hours_done: Decimal, start: date, as_of: date) -> Fraction:
    """Hours per day since the planned start: hours done ÷ max(1, days since start), exact."""
    days = (as_of - start).days
    return Fraction(Decimal(hours_done)) / max(1, days)


def projected_finish(expected_hours: Decimal, hours_done: Decimal, start: date, as_of: date,
                     due: date) -> date | None:  # fmt: skip
    """The day an unfinished module is projected to be finished, or ``None`` for never."""
    remaining = max(Decimal(0), Decimal(expected_hours) - Decimal(hours_done))
    if remaining == 0:
        return as_of
    speed = pace(hours_done, start, as_of)
    if speed == 0:
        return None if start < as_of else due
    days = math.ceil(Fraction(remaining) / speed)
    if days > (date.max - as_of).days:
        return None
    return as_of + timedelta(days=days)


def assess(  # noqa: PLR0917 - the plan line's own fields
    start: date,
    due: date,
    expected_hours: Decimal,
    hours_done: Decimal,
    completed_on: date | None,
    as_of: date,
) -> Assessment:
    """Apply the rule (module docstring) to one plan line as of ``as_of``."""
    expected, done = Decimal(expected_hours), Decimal(hours_done)
    remaining = max(Decimal(0), expected - done)
    if completed_on is not None:
        return Assessment(DONE if completed_on <= due else DONE_LATE, None, None, remaining)
    finish = projected_finish(expected, done, start, as_of, due)
    speed = pace(done, start, as_of)
    shown = (Decimal(speed.numerator) / Decimal(speed.denominator)).quantize(Decimal("0.0001"))
    if due < as_of:
        status = LATE
    elif finish is None or finish > due:
        status = AT_RISK
    else:
        status = ON_TRACK
    return Assessment(status, finish, shown, remaining)


def status_rank(status: str) -> int:
    """Sort key: late first, then at risk, on track, done late, done."""
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)
