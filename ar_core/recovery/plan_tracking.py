"""Instalments tracked against the clearing that later snapshots show: kept, late, broken.

Nobody ticks an instalment as paid: the ledger says whether the money came. Pure: the caller
passes what each snapshot showed of the plan's items; ``as_of`` is the latest snapshot's date.

**Paid so far** at a snapshot: the plan's debt (its items' amounts when the plan was made) minus
what is still open of those items in that snapshot (an item gone is paid in full, an item whose
open amount fell is paid by the difference; never below 0 nor above the debt).

**Instalment ``k`` is covered** once paid so far reaches the schedule's cumulative amount up to
and including ``k`` (the down payment first), capped at the debt: a fee and interest are not
items of the ledger, so they count as paid with the last of the debt.

Statuses of an instalment (first rule that applies), with its deadline = due + ``grace_days``:

- ``kept``: covered by the first snapshot dated on or after the deadline (or earlier) — with
  weekly snapshots that is the first evidence there can be;
- ``late``: covered, but only by a later snapshot;
- ``broken``: not covered and the latest snapshot is more than ``broken_after_days`` past due;
- ``overdue``: not covered, past the deadline, not yet broken;
- ``open``: not covered, deadline not passed.

The plan: ``broken`` when an instalment is broken, ``completed`` when every instalment is
covered, else ``active``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

#: Days after the due date a payment still counts as on time (bank transfer runs).
DEFAULT_GRACE_DAYS = 3
#: Days after the due date an unpaid instalment breaks the plan.
DEFAULT_BROKEN_AFTER_DAYS = 14
INSTALMENT_STATUSES: tuple[str, ...] = ("open", "overdue", "kept", "late", "broken")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Instalment:
    """One row of a plan's schedule (``seq`` 0: the down payment)."""

    seq: int
    due: date
    amount: Decimal


@dataclass(frozen=True)
class Tracked:
    """An instalment with its verdict: ``covered_on`` is the snapshot that first showed it paid."""

    seq: int
    due: date
    amount: Decimal
    status: str
    covered_on: date | None


def paid_towards(original: Mapping[str, Decimal], open_now: Mapping[str, Decimal]) -> Decimal:
    """What of the plan's items (``original``: item key -> amount when planned) is paid at a snapshot
    whose open amounts are ``open_now`` (item key -> open amount; absent: cleared)."""
    paid = ZERO
    for key, amount in original.items():
        left = open_now.get(key, ZERO)
        paid += amount - min(max(left, ZERO), amount)
    return max(paid, ZERO)


def track_instalments(
    instalments: Sequence[Instalment],
    debt: Decimal,
    observations: Sequence[tuple[date, Decimal]],
    as_of: date,
    *,
    grace_days: int = DEFAULT_GRACE_DAYS,
    broken_after_days: int = DEFAULT_BROKEN_AFTER_DAYS,
) -> list[Tracked]:
    """Each instalment's status (module docstring) from ``observations``: (snapshot date, paid so
    far) of the snapshots since the plan was made, up to ``as_of``."""
    seen = sorted((d, p) for d, p in observations if d <= as_of)
    out: list[Tracked] = []
    cumulative = ZERO
    for row in sorted(instalments, key=lambda r: (r.due, r.seq)):
        cumulative += row.amount
        needed = min(cumulative, debt)
        deadline = row.due + timedelta(days=grace_days)
        covered_on = next((d for d, paid in seen if paid >= needed), None)
        evidence = next((d for d, _ in seen if d >= deadline), None)
        if covered_on is not None:
            status = "kept" if evidence is None or covered_on <= evidence else "late"
        elif as_of > row.due + timedelta(days=broken_after_days):
            status = "broken"
        elif as_of > deadline:
            status = "overdue"
        else:
            status = "open"
        out.append(Tracked(row.seq, row.due, row.amount, status, covered_on))
    return out


def tracked_plan_status(tracked: Sequence[Tracked]) -> str:
    """``broken``, ``completed`` or ``active`` (module docstring)."""
    if any(t.status == "broken" for t in tracked):
        return "broken"
    if tracked and all(t.status in ("kept", "late") for t in tracked):
        return "completed"
    return "active"
