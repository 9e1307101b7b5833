"""Targets per collector, metric and period, set by a lead (audited), and how far each is attained.

A target names one metric of :data:`TARGET_METRICS` for a period (first and last day). The
actual figure of a period is :func:`ar_core.performance.coaching.period_totals` over the weeks
ending in it (amounts and counts summed, shares of the summed counts); attainment is actual ÷
target × 100. Setting a target again for the same collector, metric and first day replaces it,
audited with the old and the new value. Leads and admins set targets and read everyone's; a
collector reads their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, record
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.performance.coaching import DEFAULT_TOP_N, period_totals
from ar_core.store.db import write_transaction
from ar_core.store.models import CollectorTarget, User, utcnow

#: Who sets targets (and the top-N setting) and reads everyone's.
TARGET_ROLES = ("lead", "admin")
TOP_N_SETTING = "coaching_top_n"
MAX_TOP_N = 500
MAX_NOTE_CHARS = 1_000


@dataclass(frozen=True)
class TargetMetric:
    """A metric a lead may set a target for: its label and unit (``money``, ``percent``, ``count``)."""

    label: str
    unit: str


#: metric -> what it is; every name is a column of ``coaching.METRIC_SCHEMA``.
TARGET_METRICS: dict[str, TargetMetric] = {
    "cash_collected": TargetMetric("Cash collected", "money"),
    "overdue_reduction": TargetMetric("Overdue reduction", "money"),
    "over_90_reduction": TargetMetric("Over-90 reduction", "money"),
    "contacts": TargetMetric("Contacts logged", "count"),
    "accounts_touched_pct": TargetMetric("Accounts touched %", "percent"),
    "top_n_coverage_pct": TargetMetric("Top-N coverage %", "percent"),
    "promises_taken": TargetMetric("Promises taken", "count"),
    "promises_kept_pct": TargetMetric("Promises kept %", "percent"),
    "disputes_resolved": TargetMetric("Disputes resolved", "count"),
    "credits_allocated": TargetMetric("Credits allocated", "count"),
}
TARGET_SCHEMA: dict[str, pl.DataType] = {
    "target_id": pl.Int64(),
    "collector": pl.String(),
    "metric": pl.String(),
    "label": pl.String(),
    "unit": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "target": pl.Decimal(18, 2),
    "note": pl.String(),
    "set_by": pl.String(),
    "set_at": pl.Datetime("us", "UTC"),
}
ATTAINMENT_SCHEMA: dict[str, pl.DataType] = {
    **TARGET_SCHEMA,
    "weeks": pl.Int64(),
    "actual": pl.Decimal(18, 2),
    "attainment_pct": pl.Float64(),
}


def _value(value: object, metric: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        raise InvalidInput("value", f"a target is a number, not {value!r}") from None
    if not number.is_finite() or number <= 0:
        raise InvalidInput("value", "a target must be more than zero")
    if number != number.quantize(Decimal("0.01")):
        raise InvalidInput("value", "a target has at most two decimals")
    if TARGET_METRICS[metric].unit == "percent" and number > 100:
        raise InvalidInput("value", "a percentage target is at most 100")
    if number >= Decimal(10) ** 14:
        raise InvalidInput("value", "that target is too large")
    return number


def set_target(  # noqa: PLR0917 - a target's fields
    engine: sa.Engine,
    actor: Actor,
    collector: str,
    metric: str,
    period_start: date,
    period_end: date,
    value: Decimal | str | int,
    *,
    note: str = "",
) -> int:
    """Set (or replace) ``collector``'s target for ``metric`` over the period; returns its id.

    Leads and admins only. Audited as ``set_target`` with the old value (null for a new one) and
    the new one. Money targets are in the reporting currency, percentages in percent.
    """
    actor.require(*TARGET_ROLES, doing="set targets")
    if metric not in TARGET_METRICS:
        raise InvalidInput("metric", f"choose one of {', '.join(TARGET_METRICS)}, not {metric!r}")
    if period_end < period_start:
        raise InvalidInput("period_end", "the period ends before it starts")
    number = _value(value, metric)
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"a note has at most {MAX_NOTE_CHARS} characters")
    hundredths = int(number * 100)
    with write_transaction(engine, actor) as conn:
        _check_collector(conn, collector)
        old = conn.execute(
            sa.select(CollectorTarget).where(
                CollectorTarget.collector == collector,
                CollectorTarget.metric == metric,
                CollectorTarget.period_start == period_start,
            )
        ).first()
        values = {"period_end": period_end, "target_hundredths": hundredths, "note": note or None,
                  "set_by": actor.username, "set_at": utcnow()}  # fmt: skip
        if old is None:
            target_id = conn.execute(
                sa.insert(CollectorTarget)
                .values(collector=collector, metric=metric, period_start=period_start, **values)
                .returning(CollectorTarget.id)
            ).scalar_one()
        else:
            target_id = old.id
            conn.execute(sa.update(CollectorTarget).where(CollectorTarget.id == old.id).values(**values))
        after = _audit_view(collector, metric, period_start, period_end, hundredths, note or None)
        before = None if old is None else _audit_view(
            collector, metric, old.period_start, old.period_end, old.target_hundredths, old.note
        )  # fmt: skip
        record(conn, actor, "set_target", "collector_target", target_id, before=before, after=after)
    return int(target_id)


def _audit_view(  # noqa: PLR0917 - one target's fields
    collector: str, metric: str, start: date, end: date, hundredths: int, note: str | None
) -> dict:
    target = str(Decimal(hundredths) / 100)
    return {"collector": collector, "metric": metric, "period_start": start.isoformat(),
            "period_end": end.isoformat(), "target": target, "note": note}  # fmt: skip


def _check_collector(conn: sa.Connection, collector: str) -> None:
    row = conn.execute(sa.select(User.roles).where(User.username == collector, User.active.is_(True))).first()
    if row is None or "collector" not in {r.strip() for r in (row.roles or "").split(",")}:
        raise NotFound(f"no active collector {collector!r}")


def list_targets(engine: sa.Engine, actor: Actor, collector: str | None = None) -> pl.DataFrame:
    """Targets ``actor`` may read (:data:`TARGET_SCHEMA`), latest period first.

    Leads and admins read everyone's (or ``collector``'s); a collector reads their own only.
    """
    collector = _reader(actor, collector)
    query = sa.select(CollectorTarget).order_by(
        CollectorTarget.period_start.desc(), CollectorTarget.collector, CollectorTarget.metric
    )
    if collector is not None:
        query = query.where(CollectorTarget.collector == collector)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [
        (r.id, r.collector, r.metric, TARGET_METRICS.get(r.metric, TargetMetric(r.metric, "count")).label,
         TARGET_METRICS.get(r.metric, TargetMetric(r.metric, "count")).unit, r.period_start, r.period_end,
         Decimal(r.target_hundredths) / 100, r.note, r.set_by, r.set_at)
        for r in rows
    ]  # fmt: skip
    return pl.DataFrame(records, schema=TARGET_SCHEMA, orient="row")


def _reader(actor: Actor, collector: str | None) -> str | None:
    """Whose targets ``actor`` may read: anyone's for a lead, their own for a collector."""
    if actor.has(*TARGET_ROLES):
        return collector
    if actor.has("collector") and collector in (None, actor.username):
        return actor.username
    raise PermissionDenied(f"{actor.username} may not read {collector or 'the team'}'s targets")


def attainment(targets: pl.DataFrame, metrics: pl.DataFrame) -> pl.DataFrame:
    """Each target with the actual figure of its period and attainment = actual ÷ target × 100 (pure).

    ``metrics``: weekly rows (``coaching.METRIC_SCHEMA``); ``weeks`` counts the weeks ending in
    the period (none yet: actual and attainment null).
    """
    out = []
    for row in targets.iter_rows(named=True):
        totals = period_totals(metrics.filter(pl.col("collector") == row["collector"]),
                               row["period_start"], row["period_end"])  # fmt: skip
        actual = totals[row["metric"]][0] if totals.height else None
        weeks = int(totals["weeks"][0]) if totals.height else 0
        exact = None if actual is None else Decimal(str(actual)).quantize(Decimal("0.01"))
        pct = None if exact is None else round(float(exact * 100 / row["target"]), 1)
        out.append({**row, "weeks": weeks, "actual": exact, "attainment_pct": pct})
    return pl.DataFrame(out, schema=ATTAINMENT_SCHEMA) if out else pl.DataFrame(schema=ATTAINMENT_SCHEMA)


def top_n_setting(engine: sa.Engine) -> int:
    """How many worklist customers the top-N coverage counts (``coaching_top_n``, default 20)."""
    from ar_core.settings import get_setting

    return int(get_setting(engine, TOP_N_SETTING, DEFAULT_TOP_N))


def set_top_n(engine: sa.Engine, actor: Actor, n: int) -> None:
    """Change N of the top-N coverage (leads and admins; audited as a setting)."""
    from ar_core.settings import set_setting

    actor.require(*TARGET_ROLES, doing="change the top-N setting")
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_TOP_N:
        raise InvalidInput("top_n", f"N is a whole number from 1 to {MAX_TOP_N}")
    set_setting(engine, actor, TOP_N_SETTING, n, default=DEFAULT_TOP_N)
