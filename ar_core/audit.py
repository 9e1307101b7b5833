"""The append-only audit log: who changed what, when, and the state before and after.

Every service that writes calls :func:`record` on the *same* connection (or import transaction)
as its change, so the audit row commits or rolls back with it. There is deliberately no update
or delete function, and the database refuses both (triggers created by the first migration).
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa

from ar_core.store.models import AuditEntry, utcnow

if TYPE_CHECKING:
    from ar_core.users import Actor

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
