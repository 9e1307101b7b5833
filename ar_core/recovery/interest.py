"""Statutory late-payment interest and compensation between businesses (pure, exact to the cent).

Three rules, chosen by the customer's country (sources and rate tables: README "Statutory
interest and compensation"):

- **DE** (§ 288 (2), (5), § 289 BGB): base rate + 9 points (+ 8 for contracts made before
  29.07.2014, :data:`DE_MARGINS`), simple interest; EUR 40 per overdue invoice.
- **NL** (art. 6:119a, 6:120, 6:96 BW): the statutory commercial rate of each half-year,
  compounded — after each full year of default that year's interest is added to the principal;
  compensation on the collection-cost scale of the summed principals (:data:`NL_SCALE`).
- **Other countries** (Directive 2011/7/EU): ECB reference rate + 8 points, simple; EUR 40 per
  overdue invoice.

Interest runs from the day after the due date up to and including the as-of date; each day at the
rate valid that day, as 1/365 (1/366 in a leap year) of the yearly rate. Sums are kept as exact
fractions and rounded to cents once, at the end, per item (half up). A day without a known rate
raises :class:`~ar_core.recovery.rates.MissingRate`.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from ar_core.errors import InvalidInput
from ar_core.recovery.rates import RateTable

#: German margin over the base rate by the day the contract was made: (contracts from, points).
#: Art. 229 § 34 EGBGB: the 9 points of § 288 (2) apply to contracts made from 29.07.2014 on.
DE_MARGINS: tuple[tuple[date, Decimal], ...] = ((date.min, Decimal(8)), (date(2014, 7, 29), Decimal(9)))
#: Directive 2011/7/EU: at least 8 points over the ECB reference rate.
EU_MARGIN = Decimal(8)
#: § 288 (5) BGB / art. 6 Directive 2011/7/EU: per overdue invoice.
LUMP_SUM = Decimal("40.00")
#: Besluit vergoeding voor buitengerechtelijke incassokosten: (band width or None for the rest, share).
NL_SCALE: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal(2_500), Decimal("0.15")),
    (Decimal(2_500), Decimal("0.10")),
    (Decimal(5_000), Decimal("0.05")),
    (Decimal(190_000), Decimal("0.01")),
    (None, Decimal("0.005")),
)
NL_MIN = Decimal("40.00")
NL_MAX = Decimal("6775.00")
ZERO = Decimal("0.00")

#: rule -> (rate kind, how it is described)
RULES: dict[str, tuple[str, str]] = {
    "DE": ("de_base", "§ 288 (2) BGB: base rate + 9 points (8 before 29.07.2014), simple"),
    "NL": ("nl_commercial", "art. 6:119a BW: statutory commercial rate, compounded yearly"),
    "EU": ("ecb_reference", "Directive 2011/7/EU: ECB reference rate + 8 points, simple"),
}


def interest_rule(country: str | None) -> str:
    """``DE``, ``NL`` or ``EU`` (every other country, or none known)."""
    code = (country or "").strip().upper()
    return code if code in ("DE", "NL") else "EU"


def de_margin(contract_date: date) -> Decimal:
    """Points over the German base rate for a contract made on ``contract_date``."""
    return [points for since, points in DE_MARGINS if since <= contract_date][-1]


def annual_rate(
    country: str | None, day: date, rates: RateTable, *, contract_date: date | None = None
) -> Decimal:
    """The yearly default rate in percent on ``day`` (base or reference rate plus the margin)."""
    rule = interest_rule(country)
    kind = RULES[rule][0]
    base = rates.rate_on(kind, day)
    if rule == "DE":
        return base + de_margin(contract_date or day)
    if rule == "EU":
        return base + EU_MARGIN
    return base


@dataclass(frozen=True)
class InterestPeriod:
    """A run of days with one rate, one day count and one principal (for showing how interest arose).

    ``principal`` and ``interest`` are rounded to cents for display only; the item's total is the
    exact sum rounded once (:func:`statutory_interest`), so the rounded parts may differ from it by
    a cent.
    """

    start: date
    end: date
    days: int
    rate: Decimal
    year_days: int
    principal: Decimal
    interest: Decimal


def statutory_interest(
    principal: Decimal,
    due_date: date,
    as_of: date,
    country: str | None,
    rates: RateTable,
    *,
    contract_date: date | None = None,
) -> Decimal:
    """Default interest on ``principal`` due on ``due_date``, up to and including ``as_of`` (cents).

    Nothing for a credit or a zero amount, or when ``as_of`` is not after the due date. Without a
    ``contract_date`` the German margin is decided by the due date (a contract precedes its invoice).
    """
    total = sum((exact for _period, exact in _periods(principal, due_date, as_of, country, rates,
                                                      contract_date)), Fraction(0))  # fmt: skip
    return _cents(total)


def interest_periods(
    principal: Decimal,
    due_date: date,
    as_of: date,
    country: str | None,
    rates: RateTable,
    *,
    contract_date: date | None = None,
) -> list[InterestPeriod]:
    """The periods :func:`statutory_interest` adds up, oldest first."""
    return [period for period, _exact in _periods(principal, due_date, as_of, country, rates, contract_date)]


def _periods(  # noqa: PLR0917
    principal: Decimal,
    due_date: date,
    as_of: date,
    country: str | None,
    rates: RateTable,
    contract_date: date | None,
) -> list[tuple[InterestPeriod, Fraction]]:
    _exact(principal)
    if principal <= 0 or as_of <= due_date:
        return []
    rule = interest_rule(country)
    kind = RULES[rule][0]
    contract = contract_date or due_date
    start = due_date + timedelta(days=1)
    base = Fraction(principal)
    year_interest = Fraction(0)
    years = 1
    next_anniversary = _anniversary(start, years) if rule == "NL" else None
    out: list[tuple[InterestPeriod, Fraction]] = []
    day = start
    while day <= as_of:
        if next_anniversary is not None and day == next_anniversary:
            base += year_interest  # art. 6:119a (2) BW: the year's interest joins the principal
            year_interest = Fraction(0)
            years += 1
            next_anniversary = _anniversary(start, years)
        rate = annual_rate(country, day, rates, contract_date=contract)
        end = min(as_of, rates.valid_until(kind, day), date(day.year, 12, 31))
        if next_anniversary is not None:
            end = min(end, next_anniversary - timedelta(days=1))
        days = (end - day).days + 1
        year_days = 366 if calendar.isleap(day.year) else 365
        exact = base * Fraction(rate) * days / (100 * year_days)
        year_interest += exact
        out.append((InterestPeriod(day, end, days, rate, year_days, _cents(base), _cents(exact)), exact))
        day = end + timedelta(days=1)
    return out


def _anniversary(start: date, years: int) -> date:
    """The first day of the next year of default (a year from 29 February ends on 28 February)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def compensation(country: str | None, overdue_principals: Sequence[Decimal]) -> Decimal:
    """The compensation for collection costs one letter claims (EUR).

    DE and other countries: EUR 40 per overdue invoice (credits and zero amounts are not invoices).
    NL: the extrajudicial collection-cost scale on the sum of the overdue principals (interest not
    included), at least EUR 40, at most EUR 6,775. Nothing when nothing is overdue.
    """
    owed = [p for p in map(_exact, overdue_principals) if p > 0]
    if not owed:
        return ZERO
    if interest_rule(country) != "NL":
        return LUMP_SUM * len(owed)
    return collection_costs(sum(owed, Decimal(0)))


def collection_costs(principal: Decimal) -> Decimal:
    """The Dutch statutory scale (BIK) on ``principal``: 15/10/5/1/0.5 %, at least 40, at most 6,775."""
    if principal <= 0:
        return ZERO
    rest, total = Decimal(principal), Decimal(0)
    for width, share in NL_SCALE:
        part = rest if width is None else min(rest, width)
        total += part * share
        rest -= part
        if rest <= 0:
            break
    return _cents(Fraction(min(max(total, NL_MIN), NL_MAX)))


def _exact(amount: Decimal | int) -> Decimal:
    """Money is Decimal (or whole numbers): a binary float would not be exact to the cent."""
    if isinstance(amount, float) or not isinstance(amount, Decimal | int):
        raise InvalidInput("principal", f"an amount is a Decimal, not {type(amount).__name__}")
    return Decimal(amount)


def _cents(value: Fraction) -> Decimal:
    """Round an exact amount to cents, half away from zero."""
    scaled = abs(value) * 100
    cents, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        cents += 1
    return (Decimal(-cents if value < 0 else cents) / 100).quantize(Decimal("0.01"))
