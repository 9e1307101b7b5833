"""The table of statutory reference rates by kind and valid-from date (pure, no store).

A rate row says "from this day on the yearly rate is r %". A row holds until the next row of
its kind; the newest row holds only to the end of its own half-year, because the rates are
published twice a year (1 January, 1 July) and a later half-year is unknown until a lead enters
it. A day with no rate raises :class:`MissingRate` naming the half-year — never a silent zero.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ar_core.errors import ArDeskError, InvalidInput

#: kind -> what it is called in messages.
RATE_KINDS: dict[str, str] = {
    "de_base": "German base rate (Basiszinssatz)",
    "nl_commercial": "NL statutory commercial rate",
    "ecb_reference": "ECB reference rate",
}
#: The days a half-year starts on (month, day).
HALF_YEAR_STARTS = ((1, 1), (7, 1))


class MissingRate(ArDeskError):
    """No rate is known for that day: a lead enters the half-year's published rate first."""

    def __init__(self, kind: str, day: date) -> None:
        self.kind = kind
        self.day = day
        self.half_year = half_year_start(day)
        label = RATE_KINDS.get(kind, kind)
        super().__init__(f"no {label} for the {half_year_name(day)} (needed for {day.isoformat()})")


def half_year_start(day: date) -> date:
    """1 January or 1 July of ``day``'s half-year."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day: date) -> date:
    """30 June or 31 December of ``day``'s half-year."""
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


def half_year_name(day: date) -> str:
    """``first half of 2027`` / ``second half of 2027``."""
    return f"{'first' if day.month <= 6 else 'second'} half of {day.year}"


@dataclass(frozen=True)
class RateTable:
    """Rates from rows ``(kind, valid_from, rate)`` (rate in percent a year, e.g. ``Decimal("1.27")``).

    ``RateTable(rows)``; rows may come in any order. Two rows of one kind on one day is a mistake
    of the caller and raises :class:`ar_core.errors.InvalidInput`.
    """

    rows: tuple[tuple[str, date, Decimal], ...] = ()
    _by_kind: dict[str, tuple[tuple[date, ...], tuple[Decimal, ...]]] = field(
        init=False, repr=False, compare=False
    )

    def __init__(self, rows: Iterable[tuple[str, date, Decimal]] = ()) -> None:
        clean = tuple(sorted((str(k), d, Decimal(str(r))) for k, d, r in rows))
        by_kind: dict[str, list[tuple[date, Decimal]]] = {}
        for kind, valid_from, rate in clean:
            days = by_kind.setdefault(kind, [])
            if days and days[-1][0] == valid_from:
                raise InvalidInput("rows", f"two {kind} rates from {valid_from.isoformat()}")
            days.append((valid_from, rate))
        object.__setattr__(self, "rows", clean)
        object.__setattr__(self, "_by_kind", {
            k: (tuple(d for d, _ in v), tuple(r for _, r in v)) for k, v in by_kind.items()
        })  # fmt: skip

    def kinds(self) -> tuple[str, ...]:
        """The kinds that have at least one row."""
        return tuple(sorted(self._by_kind))

    def rate_on(self, kind: str, day: date) -> Decimal:
        """The yearly rate of ``kind`` valid on ``day``; :class:`MissingRate` when none is known."""
        return self._row_on(kind, day)[1]

    def valid_until(self, kind: str, day: date) -> date:
        """The last day the rate of ``day`` holds: the day before the next row, or its half-year's end."""
        return self._row_on(kind, day)[2]

    def _row_on(self, kind: str, day: date) -> tuple[date, Decimal, date]:
        days, rates = self._by_kind.get(kind, ((), ()))
        i = bisect_right(days, day) - 1
        if i < 0:
            raise MissingRate(kind, day)
        if i + 1 < len(days):
            return days[i], rates[i], date.fromordinal(days[i + 1].toordinal() - 1)
        until = half_year_end(days[i])
        if day > until:
            raise MissingRate(kind, day)
        return days[i], rates[i], until

    def covered_until(self, kind: str) -> date | None:
        """The last day with a known rate of ``kind`` (None without rows)."""
        days, _rates = self._by_kind.get(kind, ((), ()))
        return half_year_end(days[-1]) if days else None
