"""Read-and-understood: the people of an SOP's process area confirm they have read its current
approved version; the lead sees who has not yet, and each person sees what is still waiting.

Who the people of an area are: every active user with the collector or lead role, unless a lead
named an audience for the area (``set_area_people(..., "audience", [...])``) — then exactly the
active users named there. The version's author and approver count as having read it (they wrote
and reviewed it) and are never asked. Every approved version asks again, also a small change: the
change summary tells the reader what is new. Retired SOPs ask nobody. A confirmation is audited
(entity ``sop_version``, action ``acknowledge_sop``) and kept; it is given once per version.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, active_actor, record
from ar_core.errors import ArDeskError, NotFound
from ar_core.store.db import write_transaction
from ar_core.store.models import Sop, SopAcknowledgement, SopAreaPerson, SopVersion, User, utcnow

#: Without a named audience, the people of every area: those who work the processes.
DEFAULT_AUDIENCE_ROLES = ("collector", "lead")
#: Who sees everybody's status.
STATUS_ROLES = ("lead", "admin")

PENDING_SCHEMA: dict[str, pl.DataType] = {
    "sop_id": pl.Int64(), "title": pl.String(), "area": pl.String(), "version_id": pl.Int64(),
    "version_no": pl.Int64(), "change_summary": pl.String(), "effective_on": pl.Date(),
    "approved_at": pl.Datetime("us", "UTC"),
}  # fmt: skip
STATUS_SCHEMA: dict[str, pl.DataType] = {
    **PENDING_SCHEMA,
    "username": pl.String(), "name": pl.String(), "acknowledged_at": pl.Datetime("us", "UTC"),
}  # fmt: skip


def _roles(text: str | None) -> set[str]:
    return {r.strip() for r in (text or "").split(",") if r.strip()}


def _people(conn: sa.Connection) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Active users who are asked by default (username -> name), and each area's named audience."""
    users = conn.execute(sa.select(User.username, User.name, User.roles).where(User.active.is_(True))).all()
    names = {u.username: u.name for u in users}
    default = {u.username for u in users if _roles(u.roles) & set(DEFAULT_AUDIENCE_ROLES)}
    named: dict[str, set[str]] = {}
    for p in conn.execute(sa.select(SopAreaPerson).where(SopAreaPerson.kind == "audience")).all():
        if p.username in names:
            named.setdefault(p.area, set()).add(p.username)
    return names, {"*": default, **named}


def _audience(area: str, audiences: dict[str, set[str]]) -> set[str]:
    return audiences.get(area, audiences["*"])


def _current(conn: sa.Connection) -> list[Any]:
    return conn.execute(
        sa.select(SopVersion, Sop.title, Sop.area)
        .join(Sop, Sop.id == SopVersion.sop_id)
        .where(SopVersion.status == "approved", Sop.retired_at.is_(None))
        .order_by(SopVersion.approved_at, SopVersion.id)
    ).all()


def _asked(row: Any, audiences: dict[str, set[str]]) -> set[str]:
    return _audience(row.area, audiences) - {row.author, row.approver}


def _pending_record(row: Any) -> tuple:
    return (row.sop_id, row.title, row.area, row.id, row.version_no, row.change_summary, row.effective_on,
            row.approved_at)  # fmt: skip


def acknowledge(engine: sa.Engine, actor: Actor, version_id: int) -> None:
    """``actor`` confirms they have read the current approved version ``version_id`` of an SOP."""
    with write_transaction(engine, actor) as conn:
        fresh = active_actor(conn, actor.username)
        row = next((r for r in _current(conn) if r.id == version_id), None)
        if row is None:
            raise NotFound(f"SOP version {version_id} is not an approved version in force")
        _, audiences = _people(conn)
        if fresh.username not in _asked(row, audiences):
            raise ArDeskError(
                f"{fresh.username} is not asked to confirm {row.title} (not of its area's people)"
            )
        done = conn.execute(
            sa.select(SopAcknowledgement.id).where(
                SopAcknowledgement.version_id == version_id, SopAcknowledgement.username == fresh.username
            )
        ).first()
        if done is not None:
            raise ArDeskError(f"you confirmed version {row.version_no} of {row.title} already")
        conn.execute(
            sa.insert(SopAcknowledgement).values(
                version_id=version_id, username=fresh.username, acknowledged_at=utcnow()
            )
        )
        record(conn, actor, "acknowledge_sop", "sop_version", version_id,
               after={"sop_id": row.sop_id, "title": row.title, "version_no": row.version_no})  # fmt: skip


def _done(conn: sa.Connection) -> dict[tuple[int, str], Any]:
    rows = conn.execute(sa.select(SopAcknowledgement)).all()
    return {(r.version_id, r.username): r.acknowledged_at for r in rows}


def my_pending_acknowledgements(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """The current SOP versions ``actor`` still has to confirm, oldest approval first (``PENDING_SCHEMA``)."""
    with engine.connect() as conn:
        current = _current(conn)
        _, audiences = _people(conn)
        done = _done(conn)
    rows = [
        r for r in current if actor.username in _asked(r, audiences) and (r.id, actor.username) not in done
    ]
    return pl.DataFrame([_pending_record(r) for r in rows], schema=PENDING_SCHEMA, orient="row")


def acknowledgement_status(engine: sa.Engine, actor: Actor, *, pending_only: bool = False) -> pl.DataFrame:
    """For leads and admins: per current SOP version and asked person, when they confirmed it
    (``acknowledged_at`` null: not yet), by SOP title and name (``STATUS_SCHEMA``)."""
    actor.require(*STATUS_ROLES, doing="see who has read the SOPs")
    with engine.connect() as conn:
        current = _current(conn)
        names, audiences = _people(conn)
        done = _done(conn)
    records = [
        (*_pending_record(r), who, names.get(who, who), done.get((r.id, who)))
        for r in current
        for who in sorted(_asked(r, audiences), key=lambda u: names.get(u, u))
        if not (pending_only and (r.id, who) in done)
    ]
    return pl.DataFrame(records, schema=STATUS_SCHEMA, orient="row").sort("title", "name")


def acknowledgement_summary(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Per current SOP version: people asked, confirmed, still to confirm (leads and admins)."""
    status = acknowledgement_status(engine, actor)
    return (
        status.group_by("sop_id", "title", "version_no", "effective_on")
        .agg(
            pl.len().alias("asked"),
            pl.col("acknowledged_at").is_not_null().sum().alias("confirmed"),
            pl.col("name").filter(pl.col("acknowledged_at").is_null()).sort().alias("not_yet"),
        )
        .with_columns((pl.col("asked") - pl.col("confirmed")).alias("pending"))
        .sort("pending", "title", descending=[True, False])
    )
