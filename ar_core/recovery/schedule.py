"""The instalment schedule of a payment plan: business-day dates, amounts that sum to the cent.

Pure: values in, values out; the dates come from the arguments, never from the clock.

Rules:

- **What is paid**: the debt (the chosen items) plus a flat ``fee`` plus ``interest``. Interest
  is simple and flat, on the part not covered by the down payment, for the plan's term:
  ``(amount - down) x rate / 100 x term``, the term being ``n`` weeks (x 7/365), months (/12)
  or quarters (/4); rounded half up to the cent once. Without a fee or a rate the plan costs nothing.
- **The down payment** is its own row (the first), due on ``down_on`` (the day the plan is
  agreed; never after the first instalment). It is not part of the equal split.
- **The instalments** share the rest equally in cents; the cents that do not divide go one each
  to the *first* instalments (the customer pays the odd cent early, the last instalment is never
  the larger one), so two instalments never differ by more than one cent and the rows sum exactly.
- **Dates**: instalment ``k`` (0-based) is due ``first + k`` weeks, months or quarters; for
  months and quarters on the same day of the month as ``first``, clamped to the month's end
  (31.01 → 28.02 → 31.03). Each date falling on a Saturday, Sunday or a public holiday of the
  customer's country (the ``holidays`` package, national holidays) moves to the NEXT business
  day. For a country the package does not know, only weekends move (:attr:`Schedule.note` says so).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import holidays

from ar_core.errors import InvalidInput

#: How often an instalment falls due.
FREQUENCIES: tuple[str, ...] = ("week", "month", "quarter")
#: Months between two instalments (weeks: none, 7 days instead).
_MONTHS = {"month": 1, "quarter": 3}
#: The term of one period in years, for the flat interest.
_YEARS = {
    "week": Decimal(7) / Decimal(365),
    "month": Decimal(1) / Decimal(12),
    "quarter": Decimal(1) / Decimal(4),
}
MAX_INSTALMENTS = 120
MAX_AMOUNT = Decimal("1000000000")
MAX_RATE = Decimal("50")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Row:
    """One payment of the schedule: ``seq`` 0 is the down payment, 1..n the instalments."""

    seq: int
    due: date
    amount: Decimal
    kind: str  # "down payment" | "instalment"


@dataclass(frozen=True)
class Schedule:
    """The rows in date order with what they add up to."""

    rows: tuple[Row, ...]
    debt: Decimal
    fee: Decimal
    interest: Decimal
    #: A warning for the reader, e.g. that a country's holidays are unknown ("" when none).
    note: str = ""

    @property
    def total(self) -> Decimal:
        """Everything the customer pays: debt + fee + interest (= the sum of the rows)."""
        return self.debt + self.fee + self.interest

    @property
    def down_payment(self) -> Decimal:
        return next((r.amount for r in self.rows if r.seq == 0), Decimal("0.00"))

    @property
    def instalments(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.seq > 0)


def _money(value: Decimal | str | int | None, field: str, *, allow_zero: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value).strip()) if value is not None else Decimal("0")
    except ArithmeticError:
        raise InvalidInput(field, f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise InvalidInput(field, f"give an amount with at most two decimals, got {value!r}")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidInput(field, f"the {field.replace('_', ' ')} must be more than 0, got {amount}")
    if amount > MAX_AMOUNT:
        raise InvalidInput(field, f"the {field.replace('_', ' ')} may be at most {MAX_AMOUNT}")
    return amount.quantize(CENT)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date] | None:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return None


def knows_holidays(country: str | None) -> bool:
    """Whether the public holidays of ``country`` (ISO code) are known; ``None``/"" is not."""
    return bool(country) and _holidays(str(country).upper(), 2000) is not None


def is_business_day(day: date, country: str | None) -> bool:
    """Monday to Friday and not a public holiday of ``country`` (weekends only when unknown)."""
    if day.weekday() >= 5:
        return False
    if not country:
        return True
    known = _holidays(country.upper(), day.year)
    return known is None or day not in known


def next_business_day(day: date, country: str | None) -> date:
    """``day`` itself when it is a business day, else the next one."""
    while not is_business_day(day, country):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int, anchor_day: int | None = None) -> date:
    """``day`` moved by ``months`` on ``anchor_day`` (default ``day.day``), clamped to the month end."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(anchor_day or day.day, last))


def nominal_dates(first: date, n: int, every: str) -> list[date]:
    """The due dates before moving to business days (same day of month, clamped)."""
    if every == "week":
        return [first + timedelta(weeks=k) for k in range(n)]
    return [add_months(first, k * _MONTHS[every], first.day) for k in range(n)]


def split_evenly(total: Decimal, n: int) -> list[Decimal]:
    """``total`` in ``n`` parts of whole cents, the odd cents one each on the first parts."""
    cents = int((total / CENT).to_integral_value())
    base, extra = divmod(cents, n)
    return [Decimal(base + (1 if k < extra else 0)) * CENT for k in range(n)]


def flat_interest(financed: Decimal, rate_pct: Decimal, n: int, every: str) -> Decimal:
    """Simple flat interest on ``financed`` at ``rate_pct`` a year for ``n`` periods, to the cent."""
    raw = financed * rate_pct / Decimal(100) * _YEARS[every] * n
    return raw.quantize(CENT, rounding=ROUND_HALF_UP)


def build_schedule(
    amount: Decimal | str,
    instalments: int,
    first: date,
    every: str,
    *,
    down: Decimal | str | None = None,
    down_on: date | None = None,
    country: str | None = None,
    fee: Decimal | str | None = None,
    interest_pct: Decimal | str | None = None,
) -> Schedule:
    """The schedule of a plan over ``amount`` (module docstring for the rules).

    Refusals name their field: ``amount``, ``down``, ``instalments``, ``first``, ``every``,
    ``down_on``, ``country``, ``fee``, ``interest_pct``.
    """
    debt = _money(amount, "amount", allow_zero=False)
    down_amount = _money(down, "down")
    if down_amount >= debt:
        raise InvalidInput("down", f"the down payment {down_amount} must be less than the amount {debt}")
    if isinstance(instalments, bool) or not isinstance(instalments, int):
        raise InvalidInput("instalments", f"the number of instalments is a whole number, got {instalments!r}")
    if not 1 <= instalments <= MAX_INSTALMENTS:
        raise InvalidInput("instalments", f"between 1 and {MAX_INSTALMENTS} instalments, got {instalments}")
    if every not in FREQUENCIES:
        raise InvalidInput("every", f"every week, month or quarter, got {every!r}")
    if not isinstance(first, date):
        raise InvalidInput("first", f"the first instalment date is a date, got {first!r}")
    code = (country or "").strip().upper() or None
    if code is not None and (len(code) != 2 or not code.isalpha()):
        raise InvalidInput("country", f"a country is a two-letter ISO code such as DE, got {country!r}")
    if down_amount > 0 and down_on is not None and down_on > first:
        raise InvalidInput("down_on", "the down payment falls due on or before the first instalment")
    charge = _money(fee, "fee")
    rate = _money(interest_pct, "interest_pct")
    if rate > MAX_RATE:
        raise InvalidInput("interest_pct", f"an interest rate of at most {MAX_RATE} % a year, got {rate}")
    interest = flat_interest(debt - down_amount, rate, instalments, every)
    rest = debt - down_amount + charge + interest
    rows = []
    if down_amount > 0:
        rows.append(
            Row(0, next_business_day(min(down_on or first, first), code), down_amount, "down payment")
        )
    for k, (day, part) in enumerate(
        zip(nominal_dates(first, instalments, every), split_evenly(rest, instalments), strict=True), start=1
    ):
        rows.append(Row(k, next_business_day(day, code), part, "instalment"))
    note = ""
    if code is None:
        note = "no country given: only weekends are moved, no public holidays"
    elif not knows_holidays(code):
        note = f"public holidays of {code} are not known: only weekends are moved"
    return Schedule(tuple(rows), debt, charge, interest, note)
