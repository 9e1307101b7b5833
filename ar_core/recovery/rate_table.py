"""The statutory rate table in the store: read it for interest, list it, and let a lead add a rate.

The published history ships with migration 0018 (``ar_core/recovery/data/statutory_rates.csv``).
New rates are published twice a year; a lead enters each one, valid from 1 January or 1 July,
audited as ``add_statutory_rate``. A rate is never silently replaced: the same kind and day twice
is refused (a wrong entry is a matter for the admin, with the audit log to show it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, record
from ar_core.errors import InvalidInput
from ar_core.recovery.rates import HALF_YEAR_STARTS, RATE_KINDS, RateTable
from ar_core.store.db import write_transaction
from ar_core.store.models import StatutoryRate, utcnow

#: Who maintains the rate table.
RATE_ROLES = ("lead",)
MAX_SOURCE_CHARS = 200
#: A yearly rate (before the margin) outside these bounds is a typing error.
RATE_BOUNDS = (Decimal(-10), Decimal(30))
RATE_SCHEMA: dict[str, pl.DataType] = {
    "kind": pl.String(),
    "kind_label": pl.String(),
    "valid_from": pl.Date(),
    "rate": pl.Decimal(18, 2),
    "source": pl.String(),
    "entered_by": pl.String(),
    "entered_at": pl.Datetime("us", "UTC"),
}


def load_rate_table(engine: sa.Engine) -> RateTable:
    """Every stored rate as a :class:`RateTable` (not customer data: no actor)."""
    with engine.connect() as conn:
        query = sa.select(StatutoryRate.kind, StatutoryRate.valid_from, StatutoryRate.rate_bp)
        rows = conn.execute(query).all()
    return RateTable((r.kind, r.valid_from, Decimal(r.rate_bp) / 100) for r in rows)


def list_rates(engine: sa.Engine, actor: Actor, kind: str | None = None) -> pl.DataFrame:
    """The rates (:data:`RATE_SCHEMA`), by kind, newest first; any signed-in user may read them."""
    del actor  # public figures: every role reads them
    query = sa.select(StatutoryRate).order_by(StatutoryRate.kind, StatutoryRate.valid_from.desc())
    if kind is not None:
        query = query.where(StatutoryRate.kind == _kind(kind))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [(r.kind, RATE_KINDS.get(r.kind, r.kind), r.valid_from, Decimal(r.rate_bp) / 100, r.source,
                r.entered_by, r.entered_at) for r in rows]  # fmt: skip
    return pl.DataFrame(records, schema=RATE_SCHEMA, orient="row")


def add_rate(
    engine: sa.Engine, actor: Actor, kind: str, valid_from: date, rate: Decimal | str, *, source: str = ""
) -> int:
    """Add the yearly rate of ``kind`` valid from ``valid_from`` (1 January or 1 July); returns its id.

    Leads only; audited. Refused: another day than a half-year's first, a second rate of the same
    kind and day, more than two decimals, a rate outside −10 … 30 %.
    """
    actor.require(*RATE_ROLES, doing="add statutory interest rates")
    kind = _kind(kind)
    if not isinstance(valid_from, date) or (valid_from.month, valid_from.day) not in HALF_YEAR_STARTS:
        raise InvalidInput("valid_from", "a rate is valid from 1 January or 1 July")
    value = _rate(rate)
    source = (source or "").strip()
    if len(source) > MAX_SOURCE_CHARS:
        raise InvalidInput("source", f"a source has at most {MAX_SOURCE_CHARS} characters")
    with write_transaction(engine, actor) as conn:
        taken = conn.execute(
            sa.select(StatutoryRate.rate_bp).where(
                StatutoryRate.kind == kind, StatutoryRate.valid_from == valid_from
            )
        ).first()
        if taken is not None:
            raise InvalidInput("valid_from", f"the {RATE_KINDS[kind]} from {valid_from:%d.%m.%Y} is already "
                               f"entered ({Decimal(taken.rate_bp) / 100} %)")  # fmt: skip
        rate_id = conn.execute(
            sa.insert(StatutoryRate)
            .values(kind=kind, valid_from=valid_from, rate_bp=int(value * 100), source=source or None,
                    entered_by=actor.username, entered_at=utcnow())
            .returning(StatutoryRate.id)
        ).scalar_one()  # fmt: skip
        record(conn, actor, "add_statutory_rate", "statutory_rate", rate_id,
               after={"kind": kind, "valid_from": valid_from.isoformat(), "rate": str(value),
                      "source": source or None})  # fmt: skip
    return int(rate_id)


def _kind(kind: str) -> str:
    if kind not in RATE_KINDS:
        raise InvalidInput("kind", f"choose one of {', '.join(RATE_KINDS)}, not {kind!r}")
    return kind


def _rate(rate: Decimal | str) -> Decimal:
    try:
        value = Decimal(str(rate).strip().replace(",", ".").removesuffix("%").strip())
    except (InvalidOperation, AttributeError):
        raise InvalidInput("rate", f"a rate is a number in percent, not {rate!r}") from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise InvalidInput("rate", "a rate has at most two decimals")
    if not RATE_BOUNDS[0] <= value <= RATE_BOUNDS[1]:
        raise InvalidInput("rate", "a rate lies between −10 and 30 %")
    return value.quantize(Decimal("0.01"))
