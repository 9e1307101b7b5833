"""Application settings a lead edits on the settings view: priority weights, grace days, aging, currency.

Each setting is one JSON value in ``app_settings`` (key/value). Unset keys fall back to the
defaults in code, so a fresh database works and a new weight added in a later release gets its
default without a migration. Every change is audited with the value before and after.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ar_core import config
from ar_core.access import Actor, record
from ar_core.errors import ArDeskError, InvalidInput
from ar_core.schema import KNOWN_CURRENCIES
from ar_core.store.db import write_transaction
from ar_core.store.models import AppSetting, utcnow

#: Who may change settings.
SETTINGS_ROLES = ("lead", "admin")
PRIORITY_CONFIG = "priority_config"
PROMISE_GRACE_DAYS = "promise_grace_days"
AGING_EDGES = "aging_edges"
REPORTING_CURRENCY = "reporting_currency"
#: Days after the promised date that a payment still counts as on time (bank transfer runs).
DEFAULT_GRACE_DAYS = 3
DEFAULT_REPORTING_CURRENCY = "EUR"
#: Longest grace period a lead may set.
MAX_GRACE_DAYS = 60


def _default_priority() -> dict[str, Any]:
    from ar_core.collections.priority import PriorityConfig

    return PriorityConfig().to_dict()


def _default_edges() -> list[int]:
    from ar_core.ledger.aging import DEFAULT_EDGES

    return list(DEFAULT_EDGES)


def get_setting(engine: sa.Engine, key: str, default: Any = None) -> Any:
    """The stored JSON value of ``key``, or ``default`` when never set."""
    with engine.connect() as conn:
        text = conn.execute(sa.select(AppSetting.value).where(AppSetting.key == key)).scalar()
    return default if text is None else json.loads(text)


def set_setting(engine: sa.Engine, actor: Actor, key: str, value: Any, default: Any = None) -> None:
    """Store ``value`` (JSON-able) under ``key`` (leads and admins), audited with before/after.

    ``default`` is what was in force while nothing was stored: the audit's "before" shows it, so
    the first change of a default reads as a change, not as a value appearing from nowhere.
    """
    actor.require(*SETTINGS_ROLES, doing="change settings")
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    with write_transaction(engine, actor) as conn:
        old = conn.execute(sa.select(AppSetting.value).where(AppSetting.key == key)).scalar()
        before = default if old is None else json.loads(old)
        if old is None:
            conn.execute(
                sa.insert(AppSetting).values(
                    key=key, value=text, updated_by=actor.username, updated_at=utcnow()
                )
            )
        else:
            conn.execute(
                sa.update(AppSetting)
                .where(AppSetting.key == key)
                .values(value=text, updated_by=actor.username, updated_at=utcnow())
            )
        record(conn, actor, "set_setting", "setting", key, before=before, after=value)


def _checked(key: str, value: Any, check: Callable[[Any], Any]) -> Any:
    try:
        return check(value)
    except (TypeError, ValueError, KeyError) as exc:
        raise ArDeskError(f"invalid {key.replace('_', ' ')}: {exc}") from exc


def get_settings(engine: sa.Engine) -> dict[str, Any]:
    """All settings at once (one read), defaults filled in.

    ``{"priority": dict, "promise_grace_days": int, "aging_edges": list[int], "reporting_currency": str}``.
    """
    with engine.connect() as conn:
        stored = {k: json.loads(v) for k, v in conn.execute(sa.select(AppSetting.key, AppSetting.value))}
    defaults = _default_priority()
    priority = stored.get(PRIORITY_CONFIG) or {}
    return {
        "priority": {**defaults, **{k: v for k, v in priority.items() if k in defaults}},
        "promise_grace_days": int(stored.get(PROMISE_GRACE_DAYS, DEFAULT_GRACE_DAYS)),
        "aging_edges": [int(e) for e in stored.get(AGING_EDGES) or _default_edges()],
        "reporting_currency": str(stored.get(REPORTING_CURRENCY, DEFAULT_REPORTING_CURRENCY)),
    }


# --- priority configuration -----------------------------------------------------------------


def get_priority_config(engine: sa.Engine) -> dict[str, Any]:
    """The priority weights and thresholds: the defaults overlaid with what a lead stored."""
    stored = get_setting(engine, PRIORITY_CONFIG, {}) or {}
    defaults = _default_priority()
    return {**defaults, **{k: v for k, v in stored.items() if k in defaults}}


def set_priority_config(engine: sa.Engine, actor: Actor, config: dict[str, Any]) -> None:
    """Store a priority configuration (leads and admins), validated by ``PriorityConfig.from_dict``."""
    from ar_core.collections.priority import PriorityConfig

    defaults = _default_priority()
    unknown = set(config) - set(defaults)
    if unknown:
        raise ArDeskError(f"unknown priority setting(s): {', '.join(sorted(unknown))}")
    merged = {**defaults, **config}
    normalised = _checked(PRIORITY_CONFIG, merged, lambda c: PriorityConfig.from_dict(c).to_dict())
    _check_non_negative(normalised)
    set_setting(engine, actor, PRIORITY_CONFIG, normalised, _default_priority())


def _check_non_negative(config: dict[str, Any]) -> None:
    """A negative weight would make the score rank more overdue lower: refuse it (and NaN, inf)."""
    for key, value in config.items():
        values = value.values() if isinstance(value, dict) else [value]
        for v in values:
            if isinstance(v, int | float) and not (math.isfinite(v) and v >= 0):
                raise ArDeskError(f"invalid priority config: {key} must be a non-negative number, got {v}")


# --- promise grace, aging edges, reporting currency -----------------------------------------


def get_promise_grace_days(engine: sa.Engine) -> int:
    """Days after the promised date a payment still keeps the promise."""
    return int(get_setting(engine, PROMISE_GRACE_DAYS, DEFAULT_GRACE_DAYS))


def set_promise_grace_days(engine: sa.Engine, actor: Actor, days: int) -> None:
    """Set the promise grace period (0 to :data:`MAX_GRACE_DAYS` days)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_GRACE_DAYS:
        raise InvalidInput(
            "days", f"grace days must be a whole number from 0 to {MAX_GRACE_DAYS}, got {days!r}"
        )
    set_setting(engine, actor, PROMISE_GRACE_DAYS, days, DEFAULT_GRACE_DAYS)


def get_aging_edges(engine: sa.Engine) -> list[int]:
    """Upper edges of the aging buckets after "not due" (default 30, 60, 90, 180, 360)."""
    return [int(e) for e in get_setting(engine, AGING_EDGES, None) or _default_edges()]


def set_aging_edges(engine: sa.Engine, actor: Actor, edges: Sequence[int]) -> None:
    """Set the aging bucket edges: increasing positive whole day counts."""
    values = list(edges)
    ok = values and all(isinstance(e, int) and not isinstance(e, bool) and e > 0 for e in values)
    if not ok or values != sorted(set(values)):
        raise InvalidInput(
            "edges", f"aging bucket edges must be increasing positive day counts, got {values}"
        )
    set_setting(engine, actor, AGING_EDGES, values, _default_edges())


# --- payment behaviour: "paying later than usual" (issue 11) ---------------------------------

LATER_THAN_USUAL_DAYS = "later_than_usual_days"
#: Days the last 90 days' weighted days late must exceed the year's for the worklist reason.
DEFAULT_LATER_THAN_USUAL_DAYS = 10
MAX_LATER_THAN_USUAL_DAYS = 365


def get_later_than_usual_days(engine: sa.Engine) -> int:
    """The "paying later than usual" threshold in days (default 10)."""
    return int(get_setting(engine, LATER_THAN_USUAL_DAYS, DEFAULT_LATER_THAN_USUAL_DAYS))


def set_later_than_usual_days(engine: sa.Engine, actor: Actor, days: int) -> None:
    """Set the threshold (1 to :data:`MAX_LATER_THAN_USUAL_DAYS` whole days)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_LATER_THAN_USUAL_DAYS:
        raise InvalidInput(
            "days",
            f"later-than-usual days must be a whole number from 1 to {MAX_LATER_THAN_USUAL_DAYS}: {days!r}",
        )
    set_setting(engine, actor, LATER_THAN_USUAL_DAYS, days, DEFAULT_LATER_THAN_USUAL_DAYS)


def get_reporting_currency(engine: sa.Engine) -> str:
    """The currency reports and the worklist are shown in (default EUR)."""
    return str(get_setting(engine, REPORTING_CURRENCY, DEFAULT_REPORTING_CURRENCY))


def set_reporting_currency(engine: sa.Engine, actor: Actor, currency: str) -> None:
    """Set the reporting currency (a known ISO code)."""
    code = (currency or "").strip().upper()
    if code not in KNOWN_CURRENCIES:
        raise InvalidInput("currency", f"unknown currency {currency!r}")
    set_setting(engine, actor, REPORTING_CURRENCY, code, DEFAULT_REPORTING_CURRENCY)


# --- huddle -----------------------------------------------------------------------------------

LAST_HUDDLE = "last_huddle_on"


def get_last_huddle(engine: sa.Engine) -> date | None:
    """The day the team's last huddle was closed: the board shows what happened since."""
    stored = get_setting(engine, LAST_HUDDLE)
    return date.fromisoformat(stored) if stored else None


def close_huddle(engine: sa.Engine, actor: Actor, on: date) -> None:
    """Mark today's huddle as held, so the next one shows broken promises since ``on``."""
    set_setting(engine, actor, LAST_HUDDLE, on.isoformat())


# --- import checks, FX age, time zone, letterhead ---------------------------------------------

COVERAGE_THRESHOLD = "coverage_warn_pct"
FX_MAX_AGE_DAYS = "fx_max_age_days"
TIME_ZONE = "time_zone"
LETTERHEAD = "letterhead"
#: An extract covering fewer than this share (%) of the previous snapshot's customers or items of
#: the same scope is flagged before commit: usually a filtered export, not a shrinking ledger.
DEFAULT_COVERAGE_PCT = {"customers": 70, "items": 70}
#: FX rates older than this (days before the as-of date) are still used, with a visible warning.
DEFAULT_FX_MAX_AGE_DAYS = 35
#: The team's business day and the times shown on pages.
DEFAULT_TIME_ZONE = config.DEFAULT_TIME_ZONE
#: Sender data on statements and letters (editable on Settings).
LETTERHEAD_FIELDS = ("company_name", "address", "vat_id", "phone", "email", "bank_name", "iban", "bic")


def get_coverage_thresholds(engine: sa.Engine) -> dict[str, int]:
    """``{"customers": pct, "items": pct}``: below these an extract is flagged as partial-looking."""
    stored = get_setting(engine, COVERAGE_THRESHOLD, {}) or {}
    return {k: int(stored.get(k, v)) for k, v in DEFAULT_COVERAGE_PCT.items()}


def set_coverage_thresholds(engine: sa.Engine, actor: Actor, thresholds: dict[str, int]) -> None:
    """Set the coverage warning thresholds (whole percentages 0-100 for customers and items)."""
    values = {**get_coverage_thresholds(engine), **thresholds}
    if set(values) != set(DEFAULT_COVERAGE_PCT) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100 for v in values.values()
    ):
        raise InvalidInput(
            "thresholds", f"coverage thresholds must be whole percentages from 0 to 100, got {thresholds!r}"
        )
    set_setting(engine, actor, COVERAGE_THRESHOLD, values, dict(DEFAULT_COVERAGE_PCT))


def get_fx_max_age_days(engine: sa.Engine) -> int:
    """FX rates older than this many days are flagged where they are used."""
    return int(get_setting(engine, FX_MAX_AGE_DAYS, DEFAULT_FX_MAX_AGE_DAYS))


def set_fx_max_age_days(engine: sa.Engine, actor: Actor, days: int) -> None:
    """Set the FX rate age warning (1 to 366 days)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
        raise InvalidInput("days", f"FX rate age must be a whole number of days from 1 to 366, got {days!r}")
    set_setting(engine, actor, FX_MAX_AGE_DAYS, days, DEFAULT_FX_MAX_AGE_DAYS)


def get_time_zone(engine: sa.Engine) -> str:
    """The team's IANA time zone: it decides which calendar day "today" is and how times show."""
    return str(get_setting(engine, TIME_ZONE, DEFAULT_TIME_ZONE))


def set_time_zone(engine: sa.Engine, actor: Actor, name: str) -> None:
    """Set the team's time zone (an IANA name such as ``Europe/Amsterdam``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = (name or "").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("name", f"unknown time zone {name!r} (use a name such as Europe/Berlin)") from exc
    set_setting(engine, actor, TIME_ZONE, name, DEFAULT_TIME_ZONE)


def get_letterhead(engine: sa.Engine) -> dict[str, str]:
    """The sender's name, address, VAT id, contact and bank details (blank when not set)."""
    stored = get_setting(engine, LETTERHEAD, {}) or {}
    return {f: str(stored.get(f) or "") for f in LETTERHEAD_FIELDS}


def set_letterhead(engine: sa.Engine, actor: Actor, values: dict[str, str]) -> None:
    """Store the letterhead fields (unknown fields refused; each at most 300 characters)."""
    unknown = set(values) - set(LETTERHEAD_FIELDS)
    if unknown:
        raise ArDeskError(f"unknown letterhead field(s): {', '.join(sorted(unknown))}")
    clean = {**get_letterhead(engine), **{k: str(v or "").strip() for k, v in values.items()}}
    too_long = [k for k, v in clean.items() if len(v) > 300]
    if too_long:
        raise InvalidInput("values", f"letterhead field(s) longer than 300 characters: {', '.join(too_long)}")
    set_setting(engine, actor, LETTERHEAD, clean, dict.fromkeys(LETTERHEAD_FIELDS, ""))


# --- credit allocation and refunds ------------------------------------------------------------

ALLOCATION_TOLERANCE = "allocation_tolerance"
REFUND_APPROVAL_THRESHOLD = "refund_approval_threshold"
#: How far a credit and the invoices it settles may differ and still count as equal (0: exact).
DEFAULT_ALLOCATION_TOLERANCE = Decimal("0.00")
#: Refunds up to this amount (reporting currency) are approved at once; above it four eyes decide.
DEFAULT_REFUND_APPROVAL_THRESHOLD = Decimal("1000.00")
#: Largest allocation tolerance a lead may set: beyond it "equal" stops meaning anything.
MAX_ALLOCATION_TOLERANCE = Decimal("100.00")


def _stored_money(engine: sa.Engine, key: str, default: Decimal) -> Decimal:
    stored = get_setting(engine, key, None)
    return default if stored is None else Decimal(str(stored)).quantize(Decimal("0.01"))


def _money_input(value: Decimal | str, field: str, maximum: Decimal | None) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise InvalidInput(field, f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(field, f"give a non-negative amount with at most two decimals, got {value!r}")
    if maximum is not None and amount > maximum:
        raise InvalidInput(field, f"at most {maximum}, got {amount}")
    return amount.quantize(Decimal("0.01"))


def get_allocation_tolerance(engine: sa.Engine) -> Decimal:
    """The credit allocation's amount tolerance (default 0.00: exact amounts only)."""
    return _stored_money(engine, ALLOCATION_TOLERANCE, DEFAULT_ALLOCATION_TOLERANCE)


def set_allocation_tolerance(engine: sa.Engine, actor: Actor, tolerance: Decimal | str) -> None:
    """Set the allocation tolerance (0.00 to :data:`MAX_ALLOCATION_TOLERANCE`); stored as exact text."""
    amount = _money_input(tolerance, "tolerance", MAX_ALLOCATION_TOLERANCE)
    set_setting(engine, actor, ALLOCATION_TOLERANCE, str(amount), str(DEFAULT_ALLOCATION_TOLERANCE))


def get_refund_approval_threshold(engine: sa.Engine) -> Decimal:
    """Refunds above this amount (reporting currency) need a four-eyes approval (default 1000.00)."""
    return _stored_money(engine, REFUND_APPROVAL_THRESHOLD, DEFAULT_REFUND_APPROVAL_THRESHOLD)


def set_refund_approval_threshold(engine: sa.Engine, actor: Actor, threshold: Decimal | str) -> None:
    """Set the refund approval threshold (a non-negative amount in the reporting currency)."""
    amount = _money_input(threshold, "threshold", None)
    set_setting(engine, actor, REFUND_APPROVAL_THRESHOLD, str(amount), str(DEFAULT_REFUND_APPROVAL_THRESHOLD))
