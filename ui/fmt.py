"""Display formatting: money as money, dates as dates, in the team's working locale."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

#: The team works in English; letters to customers use the customer's locale (later issues).
UI_LOCALE = "en_GB"


def money(amount: Decimal | int | None, currency: str) -> str:
    if amount is None:
        return ""
    # ISO code rather than a symbol: "CHF" and "EUR" side by side read better than "CHF" and "€".
    return f"{currency} {format_decimal(Decimal(amount), format='#,##0.00;-#,##0.00', locale=UI_LOCALE)}"


def totals(by_currency: dict[str, Decimal]) -> str:
    """``{"EUR": 1234.5, "USD": 10}`` → ``"EUR 1,234.50 · USD 10.00"`` (sorted by currency)."""
    return " · ".join(money(v, c) for c, v in sorted(by_currency.items())) or "—"


def day(d: date | None) -> str:
    return format_date(d, "dd MMM yyyy", locale=UI_LOCALE) if d else ""


def amount(value: Decimal | int | None) -> str:
    """A money amount without currency, for tiles whose label names the currency."""
    if value is None:
        return "—"
    return format_decimal(Decimal(value), format="#,##0.00;-#,##0.00", locale=UI_LOCALE)


def local_time(moment: datetime | None, time_zone: str) -> str:
    """A stored UTC timestamp as the team reads it: in its time zone, e.g. ``01 Dec 2026 09:14``."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(time_zone))
    return f"{day(local.date())} {local:%H:%M}"
