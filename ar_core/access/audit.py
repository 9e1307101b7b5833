"""The append-only audit log: who changed what, when, and the state before and after.

Every service that writes calls :func:`record` on the *same* connection (or import transaction)
as its change, so the audit row commits or rolls back with it. There is deliberately no update
or delete function, and the database refuses both (triggers created by the first migration).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl
import sqlalchemy as sa

from ar_core.store.models import AuditEntry, utcnow

if TYPE_CHECKING:
    from ar_core.access.actor import Actor

#: Roles that may read the audit log.
AUDIT_READERS = ("admin", "lead", "controller")

AUDIT_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "at": pl.Datetime("us", "UTC"),
    "actor": pl.String(),
    "action": pl.String(),
    "entity": pl.String(),
    "entity_id": pl.String(),
    "before": pl.String(),
    "after": pl.String(),
}


def _plain(value: Any) -> Any:
    """JSON fallback: decimals as exact strings, dates ISO, sets sorted."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot write {type(value).__name__} to the audit log")


def to_json(value: Any) -> str | None:
    """The audit text of a before/after state (``None`` stays ``None``: nothing existed)."""
    if value is None:
        return None
    return json.dumps(value, default=_plain, ensure_ascii=False, sort_keys=True)


def record(
    conn: sa.Connection,
    actor: Actor | str,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one audit entry inside the caller's transaction.

    Never pass secrets: user services write ``"password reset"`` instead of any hash.
    """
    conn.execute(
        sa.insert(AuditEntry).values(
            at=utcnow(),
            actor=getattr(actor, "username", actor),
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            before=to_json(before),
            after=to_json(after),
        )
    )


def record_many(conn: sa.Connection, actor: Actor | str, entries: list[dict[str, Any]]) -> None:
    """Append many audit entries in one statement (an import changing thousands of customers).

    Each entry has ``action``, ``entity``, ``entity_id`` and optionally ``before``/``after``.
    """
    if not entries:
        return
    now, who = utcnow(), getattr(actor, "username", actor)
    rows = [
        {"at": now, "actor": who, "action": e["action"], "entity": e["entity"],
         "entity_id": None if e.get("entity_id") is None else str(e["entity_id"]),
         "before": to_json(e.get("before")), "after": to_json(e.get("after"))}
        for e in entries
    ]  # fmt: skip
    conn.execute(sa.insert(AuditEntry), rows)


def list_audit(
    engine: sa.Engine,
    actor: Actor,
    limit: int = 200,
    *,
    entity: str | None = None,
    entity_id: str | int | None = None,
) -> pl.DataFrame:
    """The newest entries first, for admins, leads and controllers (``AUDIT_SCHEMA``)."""
    actor.require(*AUDIT_READERS, doing="read the audit log")
    table = AuditEntry.__table__
    query = sa.select(*(table.c[c] for c in AUDIT_SCHEMA)).order_by(table.c.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(table.c.entity == entity)
    if entity_id is not None:
        query = query.where(table.c.entity_id == str(entity_id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=AUDIT_SCHEMA, orient="row")


# --- reading the log as a person: filters, pages, change lists, export ---------------------

#: Rows per page of the audit log on the admin page.
PAGE_SIZE = 500
#: How a change list writes a value that did not exist on one side.
NONE_TEXT, REMOVED_TEXT = "(none)", "(removed)"


@dataclass(frozen=True)
class AuditFilter:
    """What to look for in the log. Dates are calendar days in ``time_zone``, both inclusive."""

    who: str | None = None
    action: str | None = None
    entity_id: str | None = None
    since: date | None = None
    until: date | None = None
    time_zone: str = "UTC"


@dataclass(frozen=True)
class AuditPage:
    """One page of the filtered log, newest first (``rows`` has ``AUDIT_SCHEMA``)."""

    rows: pl.DataFrame
    total: int
    page: int
    pages: int


def _local_midnight_utc(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def _conditions(filters: AuditFilter) -> list[Any]:
    table = AuditEntry.__table__
    found: list[Any] = []
    if filters.who:
        found.append(table.c.actor == filters.who.strip())
    if filters.action:
        found.append(table.c.action == filters.action.strip())
    if filters.entity_id:
        found.append(table.c.entity_id == filters.entity_id.strip())
    if filters.since:
        found.append(table.c.at >= _local_midnight_utc(filters.since, filters.time_zone))
    if filters.until:
        found.append(table.c.at < _local_midnight_utc(filters.until + timedelta(days=1), filters.time_zone))
    return found


def _select(filters: AuditFilter) -> sa.Select:
    table = AuditEntry.__table__
    return (
        sa.select(*(table.c[c] for c in AUDIT_SCHEMA))
        .where(*_conditions(filters))
        .order_by(table.c.id.desc())
    )


def audit_page(
    engine: sa.Engine, actor: Actor, filters: AuditFilter, *, page: int = 1, page_size: int = PAGE_SIZE
) -> AuditPage:
    """Page ``page`` (from 1) of the entries matching ``filters``; past the end gives the last page.

    Day bounds are midnights in the team's time zone, so "20 Nov" means the team's 20 Nov.
    """
    actor.require(*AUDIT_READERS, doing="read the audit log")
    table = AuditEntry.__table__
    with engine.connect() as conn:
        total = conn.execute(
            sa.select(sa.func.count()).select_from(table).where(*_conditions(filters))
        ).scalar_one()
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        rows = conn.execute(_select(filters).limit(page_size).offset((page - 1) * page_size)).all()
    frame = pl.DataFrame([tuple(r) for r in rows], schema=AUDIT_SCHEMA, orient="row")
    return AuditPage(rows=frame, total=total, page=page, pages=pages)


def filter_choices(engine: sa.Engine, actor: Actor) -> dict[str, list[str]]:
    """The people and actions that occur in the log, for the filter pick lists."""
    actor.require(*AUDIT_READERS, doing="read the audit log")
    table = AuditEntry.__table__
    with engine.connect() as conn:
        who = conn.execute(sa.select(table.c.actor).distinct().order_by(table.c.actor)).scalars().all()
        what = conn.execute(sa.select(table.c.action).distinct().order_by(table.c.action)).scalars().all()
    return {"who": list(who), "action": list(what)}


def _text(value: Any) -> str:
    if value is None:
        return NONE_TEXT
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted keys (``{"c": {"x": 1}}`` -> ``{"c.x": 1}``)."""
    if not isinstance(value, dict):
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, inner in value.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(inner, dict) and inner:
            flat.update(_flat(inner, name))
        else:
            flat[name] = inner
    return flat


def change_list(before: str | None, after: str | None) -> list[str]:
    """The audit's before/after JSON as lines a person reads: ``"collector: c.meyer → j.schneider"``.

    Only what differs is listed. A field only the after state has is listed with its value
    (``"name: Jan"`` for a created record, ``"source: admin"`` beside a change) unless it is
    empty; a value that disappeared reads ``→ (removed)``.
    """
    old = None if before is None else json.loads(before)
    new = None if after is None else json.loads(after)
    if not isinstance(old, dict | None) or not isinstance(new, dict | None):
        if old is None:
            return [_text(new)]
        return [] if old == new else [f"{_text(old)} → {_text(new)}"]
    old_flat = _flat(old) if old else {}
    new_flat = _flat(new) if new else {}
    lines = []
    for key in sorted(old_flat.keys() | new_flat.keys()):
        if key not in old_flat:  # new information (a created record, the source of a change)
            if new_flat[key] not in (None, "", []):
                lines.append(f"{key}: {_text(new_flat[key])}")
        elif key not in new_flat:
            lines.append(f"{key}: {_text(old_flat[key])} → {REMOVED_TEXT}")
        elif old_flat.get(key) != new_flat[key]:
            lines.append(f"{key}: {_text(old_flat.get(key))} → {_text(new_flat[key])}")
    return lines


def readable(rows: pl.DataFrame, time_zone: str) -> pl.DataFrame:
    """Audit rows for people: the time in the team's zone (naive local) and one change-list column."""
    zone = ZoneInfo(time_zone)
    changes = [
        "; ".join(change_list(b, a))
        for b, a in zip(rows["before"].to_list(), rows["after"].to_list(), strict=True)
    ]
    local = [None if t is None else t.astimezone(zone).replace(tzinfo=None) for t in rows["at"].to_list()]
    return (
        rows.select("id", "actor", "action", "entity", "entity_id")
        .with_columns(
            pl.Series("at", local, dtype=pl.Datetime("us")), pl.Series("changes", changes, dtype=pl.String())
        )
        .select("id", "at", "actor", "action", "entity", "entity_id", "changes")
    )


#: Rows per query when exporting the whole filtered log.
_EXPORT_BATCH = 10_000


def audit_xlsx(engine: sa.Engine, actor: Actor, filters: AuditFilter) -> bytes:
    """The whole filtered log (every page) as an XLSX workbook; text neutralised against formulas."""
    from ar_core.spreadsheet import new_workbook, write_row

    actor.require(*AUDIT_READERS, doing="read the audit log")
    out = io.BytesIO()
    book = new_workbook(out)
    sheet = book.add_worksheet("Audit log")
    bold = book.add_format({"bold": True})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    headers = ["No.", f"When ({filters.time_zone})", "Who", "Action", "Record", "Record id", "Changes"]
    write_row(sheet, 0, headers, bold)
    row_no = 1
    with engine.connect() as conn:
        offset = 0
        while True:
            rows = conn.execute(_select(filters).limit(_EXPORT_BATCH).offset(offset)).all()
            if not rows:
                break
            frame = readable(pl.DataFrame([tuple(r) for r in rows], schema=AUDIT_SCHEMA, orient="row"),
                             filters.time_zone)  # fmt: skip
            for values in frame.iter_rows():
                write_row(sheet, row_no, list(values))
                sheet.write_datetime(row_no, 1, values[1], when)
                row_no += 1
            offset += _EXPORT_BATCH
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 5, 18)
    sheet.set_column(6, 6, 80)
    sheet.autofilter(0, 0, max(row_no - 1, 1), len(headers) - 1)
    book.close()
    return out.getvalue()
