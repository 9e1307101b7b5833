"""FX rates per date for converting items to the reporting currency (EUR).

A rate is "EUR per one unit of the currency" from its rate date on: an amount in CHF times the
CHF rate is the amount in EUR. Rates are entered by a lead or imported from a small CSV
(``date;currency;rate``) and kept as integer millionths, so they stay exact on SQLite.
:func:`rates_for` picks, per currency, the latest rate on or before a snapshot's as-of date.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, record
from ar_core.errors import ArDeskError, InvalidInput
from ar_core.ingest import Problem
from ar_core.ledger.fx import RATE
from ar_core.money import parse_amount
from ar_core.schema import KNOWN_CURRENCIES
from ar_core.store.db import write_transaction
from ar_core.store.models import FxRate, utcnow

#: Who may enter or import rates.
RATE_ROLES = ("lead", "admin")
#: The reporting currency rates convert into; its rate is 1 by definition.
BASE_CURRENCY = "EUR"
#: Places kept of a rate (Decimal(18, 6) in frames).
RATE_PLACES = 6
_QUANTUM = Decimal(1).scaleb(-RATE_PLACES)
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y")
_HEADER = re.compile(r"^\s*(date|datum|rate_date|valid from|gültig ab)\s*$", re.IGNORECASE)
#: Largest import accepted (a rates file is a few kilobytes).
MAX_IMPORT_BYTES = 5_000_000

RATES_SCHEMA: dict[str, pl.DataType] = {"currency": pl.String(), "rate": RATE}


def _micros(rate: Decimal) -> int:
    return int(rate.quantize(_QUANTUM, rounding=ROUND_HALF_UP).scaleb(RATE_PLACES))


def _check_rate(currency: str, rate: Decimal) -> tuple[str, Decimal]:
    code = (currency or "").strip().upper()
    if code not in KNOWN_CURRENCIES:
        raise InvalidInput("currency", f"unknown currency {currency!r}")
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise InvalidInput("rate", f"a rate must be a positive Decimal, got {rate!r}")
    if code == BASE_CURRENCY and rate != 1:
        raise InvalidInput("rate", f"{BASE_CURRENCY} is the reporting currency: its rate is always 1")
    if rate.quantize(_QUANTUM, rounding=ROUND_HALF_UP) == 0:
        raise InvalidInput("rate", f"rate {rate} rounds to zero at {RATE_PLACES} places")
    return code, rate.quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def _upsert(conn: sa.Connection, actor: Actor, rate_date: date, code: str, rate: Decimal) -> Decimal | None:
    """Insert or replace one rate; returns the rate it replaced."""
    old = conn.execute(
        sa.select(FxRate.rate_micros).where(FxRate.rate_date == rate_date, FxRate.currency == code)
    ).scalar()
    values = {"rate_micros": _micros(rate), "updated_by": actor.username, "updated_at": utcnow()}
    if old is None:
        conn.execute(sa.insert(FxRate).values(rate_date=rate_date, currency=code, **values))
    else:
        conn.execute(
            sa.update(FxRate).where(FxRate.rate_date == rate_date, FxRate.currency == code).values(**values)
        )
    return None if old is None else Decimal(old).scaleb(-RATE_PLACES)


def set_rate(engine: sa.Engine, actor: Actor, rate_date: date, currency: str, rate: Decimal) -> None:
    """Enter (or replace) the rate of ``currency`` from ``rate_date`` on (leads and admins, audited)."""
    actor.require(*RATE_ROLES, doing="enter FX rates")
    code, exact = _check_rate(currency, rate)
    with write_transaction(engine, actor) as conn:
        old = _upsert(conn, actor, rate_date, code, exact)
        entity_id = f"{rate_date.isoformat()} {code}"
        record(
            conn,
            actor,
            "set_rate",
            "fx_rate",
            entity_id,
            before=None if old is None else {"rate": old},
            after={"rate": exact},
        )


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_rates(data: bytes, file_name: str) -> tuple[list[tuple[date, str, Decimal]], list[Problem]]:
    """Read ``date;currency;rate`` lines (``;``, tab or ``,`` separated, optional header).

    Dates ISO or German (31.12.2026); rates in German (1,0650) or English (1.0650) notation,
    rounded to six places. Bad lines become problems; the good ones are returned.
    """
    if len(data) > MAX_IMPORT_BYTES:
        return [], [Problem(file_name, None, None, f"file too large for a rates file ({len(data):,} bytes)")]
    text = _decode(data)
    first = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    rates: dict[tuple[date, str], tuple[int, Decimal]] = {}
    problems: list[Problem] = []
    for row_no, fields in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [f.strip() for f in fields]
        if not any(cells) or (row_no == 1 and cells and _HEADER.match(cells[0])):
            continue
        if len(cells) < 3:
            problems.append(Problem(file_name, row_no, None, "expected date;currency;rate"))
            continue
        day = _parse_date(cells[0])
        # with ',' between fields a decimal comma is impossible: read "1.0650" the English way
        value = parse_amount(cells[2], decimal="." if delimiter == "," else None)
        if day is None:
            problems.append(Problem(file_name, row_no, "date", f"cannot read {cells[0]!r} as a date"))
            continue
        if value is None:
            problems.append(Problem(file_name, row_no, "rate", f"cannot read {cells[2]!r} as a rate"))
            continue
        try:
            code, exact = _check_rate(cells[1], value)
        except ArDeskError as exc:
            problems.append(Problem(file_name, row_no, None, str(exc)))
            continue
        if (day, code) in rates:
            problems.append(
                Problem(
                    file_name,
                    row_no,
                    None,
                    f"{code} on {day:%d.%m.%Y} given twice (row {rates[(day, code)][0]}); the later row wins",
                    "warning",
                )
            )
        rates[(day, code)] = (row_no, exact)
    return [(d, c, r) for (d, c), (_, r) in rates.items()], problems


def import_rates(engine: sa.Engine, actor: Actor, data: bytes, file_name: str) -> tuple[int, list[Problem]]:
    """Import a rates file (leads and admins): the readable lines in one transaction, one audit record.

    Returns the number of rates stored and the problems of the lines that were not.
    """
    actor.require(*RATE_ROLES, doing="import FX rates")
    rates, problems = parse_rates(data, file_name)
    if rates:
        with write_transaction(engine, actor) as conn:
            replaced = {}
            for day, code, rate in rates:
                old = _upsert(conn, actor, day, code, rate)
                if old is not None and old != rate:
                    replaced[f"{day.isoformat()} {code}"] = old
            record(
                conn,
                actor,
                "import_rates",
                "fx_rate",
                file_name[:100],
                before=replaced or None,
                after={"file_name": file_name, "rates": {f"{d.isoformat()} {c}": r for d, c, r in rates}},
            )
    return len(rates), problems


def rates_for(engine: sa.Engine, as_of: date) -> pl.DataFrame:
    """Per currency the latest rate dated on or before ``as_of`` (``RATES_SCHEMA``); EUR is always 1."""
    latest = (
        sa.select(FxRate.currency, sa.func.max(FxRate.rate_date).label("rate_date"))
        .where(FxRate.rate_date <= as_of)
        .group_by(FxRate.currency)
        .subquery()
    )
    query = (
        sa.select(FxRate.currency, FxRate.rate_micros)
        .join(latest, sa.and_(FxRate.currency == latest.c.currency, FxRate.rate_date == latest.c.rate_date))
        .order_by(FxRate.currency)
    )
    with engine.connect() as conn:
        found = {c: Decimal(m).scaleb(-RATE_PLACES) for c, m in conn.execute(query)}
    found[BASE_CURRENCY] = Decimal(1)
    rows = sorted(found.items())
    return pl.DataFrame(rows, schema=RATES_SCHEMA, orient="row")


def cross_rates(eur_rates: pl.DataFrame, reporting: str) -> pl.DataFrame:
    """EUR-based rates turned into "reporting currency per unit" (``RATES_SCHEMA``).

    Rates are kept as EUR per unit (how the ECB and most treasuries quote them); reporting in
    CHF divides by the CHF rate. Without a rate for the reporting currency itself only that
    currency converts — every other one is then reported as missing, never guessed.
    """
    if reporting == BASE_CURRENCY:
        return eur_rates
    table = dict(eur_rates.select("currency", "rate").iter_rows())
    base = table.get(reporting)
    if not base:
        return pl.DataFrame([(reporting, Decimal(1))], schema=RATES_SCHEMA, orient="row")
    rows = sorted((c, (r / base).quantize(_QUANTUM)) for c, r in table.items())
    return pl.DataFrame(rows, schema=RATES_SCHEMA, orient="row")


def reporting_rates(engine: sa.Engine, as_of: date, reporting: str) -> pl.DataFrame:
    """The rates that convert into ``reporting`` at ``as_of`` (latest on or before that day)."""
    return cross_rates(rates_for(engine, as_of), reporting)


def stale_rates(
    engine: sa.Engine, as_of: date, currencies: list[str], reporting: str, max_age_days: int
) -> list[dict[str, object]]:
    """The rates used at ``as_of`` for ``currencies`` that are older than ``max_age_days``.

    An old rate is still better than none (the amount is shown), but a CHF rate from last
    quarter can move a Swiss customer's rank: the pages show these with a warning. EUR (the
    base) never ages; crossing into another reporting currency ages with that currency's rate.
    Returns ``[{"currency", "rate_date", "age_days"}]`` sorted by currency.
    """
    wanted = sorted({c for c in currencies if c and c != BASE_CURRENCY} | ({reporting} - {BASE_CURRENCY}))
    if not wanted:
        return []
    query = (
        sa.select(FxRate.currency, sa.func.max(FxRate.rate_date))
        .where(FxRate.rate_date <= as_of, FxRate.currency.in_(wanted))
        .group_by(FxRate.currency)
        .order_by(FxRate.currency)
    )
    with engine.connect() as conn:
        latest = conn.execute(query).all()
    return [
        {"currency": c, "rate_date": d, "age_days": (as_of - d).days}
        for c, d in latest
        if (as_of - d).days > max_age_days
    ]


def list_rates(engine: sa.Engine) -> pl.DataFrame:
    """Every stored rate, newest date first: rate_date, currency, rate, updated_by."""
    schema = {"rate_date": pl.Date(), "currency": pl.String(), "rate": RATE, "updated_by": pl.String()}
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(FxRate.rate_date, FxRate.currency, FxRate.rate_micros, FxRate.updated_by).order_by(
                FxRate.rate_date.desc(), FxRate.currency
            )
        ).all()
    return pl.DataFrame(
        [(d, c, Decimal(m).scaleb(-RATE_PLACES), u) for d, c, m, u in rows], schema=schema, orient="row"
    )
