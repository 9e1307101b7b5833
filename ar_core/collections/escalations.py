"""Second voice: a collector hands a customer to a senior collector or a lead, and who may touch whom.

An escalated customer must reach the senior's worklist with its history, without changing whose
portfolio it is. So :func:`ar_core.access.users.visible_customers` stays as it is, :func:`escalated_to`
lists the customers with an open escalation to a user, and the workflow services
(:func:`check_customer_access`) let a collector read and write their own portfolio *plus* the
customers escalated to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import WRITE_ALL_ROLES, Actor, active_actor, check_customer_access, record
from ar_core.errors import ArDeskError, InvalidInput, NotFound, PermissionDenied
from ar_core.store.db import write_transaction
from ar_core.store.models import Customer, Escalation, User, utcnow

ESCALATION_SCHEMA: dict[str, pl.DataType] = {
    "escalation_id": pl.Int64(),
    "customer_id": pl.String(),
    "from_user": pl.String(),
    "to_user": pl.String(),
    "reason": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
}


#: Roles that may receive a second-voice escalation.
RECEIVING_ROLES = ("lead", "collector")

TARGET_SCHEMA: dict[str, pl.DataType] = {
    "username": pl.String(),
    "name": pl.String(),
    #: The receiving role shown beside the name ("lead" before "collector" when both).
    "role": pl.String(),
}


def _customer_collector(conn: sa.Connection, customer_id: str) -> str | None:
    return conn.execute(sa.select(Customer.collector).where(Customer.customer_id == customer_id)).scalar()


def escalation_targets(
    engine: sa.Engine, actor: Actor, customer_id: str | None = None, *, exclude: Iterable[str] = ()
) -> pl.DataFrame:
    """The people ``actor`` may escalate to (``TARGET_SCHEMA``), leads first, then by name.

    Active leads and collectors other than the actor; for a customer, also not its own collector
    (a second voice is another person than the one who owns the account). ``exclude`` drops more
    names (the current receiver when re-assigning).
    """
    skip = {actor.username, *exclude}
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(User.username, User.name, User.roles)
            .where(User.active.is_(True))
            .order_by(User.username)
        ).all()
        if customer_id is not None:
            skip.add(_customer_collector(conn, customer_id) or "")
    out = []
    for username, name, roles in rows:
        held = [r for r in RECEIVING_ROLES if r in roles.split(",")]
        if held and username not in skip:
            out.append((username, name or username, held[0]))
    frame = pl.DataFrame(out, schema=TARGET_SCHEMA, orient="row")
    return frame.sort(pl.col("role") != "lead", "name", "username")


def _check_target(conn: sa.Connection, actor: Actor, customer_id: str, to_username: str) -> None:
    if to_username == actor.username:
        raise InvalidInput("to_username", "escalate to somebody else: a second voice is another person")
    target = active_actor(conn, to_username)
    if not target.has(*RECEIVING_ROLES):
        raise InvalidInput("to_username", f"{to_username} is neither a lead nor a collector")
    if _customer_collector(conn, customer_id) == to_username:
        raise InvalidInput(
            "to_username",
            f"{to_username} is the collector of customer {customer_id}: a second voice is somebody else",
        )


def escalate(engine: sa.Engine, actor: Actor, customer_id: str, *, to_username: str, reason: str) -> int:
    """Hand a customer to a lead or another collector for a second voice; returns the id.

    Kept simple on purpose: any lead, or any collector other than the escalating user and the
    customer's own collector, may receive it (:func:`escalation_targets`). A customer has at
    most one open escalation at a time.
    """
    check_customer_access(engine, actor, customer_id, write=True)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the customer is escalated")
    if not (to_username or "").strip():
        raise InvalidInput("to_username", "choose whom to escalate to")
    with write_transaction(engine, actor) as conn:
        _check_target(conn, actor, customer_id, to_username)
        already = conn.execute(
            sa.select(Escalation.id, Escalation.to_user).where(
                Escalation.customer_id == customer_id, Escalation.resolved_at.is_(None)
            )
        ).first()
        if already is not None:
            raise ArDeskError(
                f"customer {customer_id} is already escalated to {already.to_user} "
                f"(escalation {already.id}): resolve or re-assign that first"
            )
        values = {
            "customer_id": customer_id,
            "from_user": actor.username,
            "to_user": to_username,
            "reason": reason,
            "created_at": utcnow(),
        }
        new_id = conn.execute(sa.insert(Escalation).values(**values).returning(Escalation.id)).scalar_one()
        record(conn, actor, "escalate", "escalation", new_id, after=values)
    return new_id


def may_handle(actor: Actor, from_user: str, to_user: str) -> bool:
    """Whether ``actor`` may resolve or re-assign an escalation: receiver, sender, a lead, an admin."""
    return actor.username in (to_user, from_user) or actor.has(*WRITE_ALL_ROLES)


def _open_escalation(conn: sa.Connection, actor: Actor, escalation_id: int, doing: str) -> Any:
    row = conn.execute(sa.select(Escalation).where(Escalation.id == escalation_id)).first()
    if row is None:
        raise NotFound(f"no escalation {escalation_id}")
    if not may_handle(actor, row.from_user, row.to_user):
        raise PermissionDenied(f"{actor.username} may not {doing} escalation {escalation_id}")
    if row.resolved_at is not None:
        raise ArDeskError(f"escalation {escalation_id} was already resolved by {row.resolved_by}")
    return row


def reassign(engine: sa.Engine, actor: Actor, escalation_id: int, *, to_username: str, note: str) -> None:
    """Hand an open escalation to somebody else (its receiver, its sender, a lead or an admin), audited.

    The new receiver gets the case on their worklist (and the access that goes with it); the
    previous receiver loses it unless the customer is in their own portfolio.
    """
    note = (note or "").strip()
    if not note:
        raise InvalidInput("note", "say why the escalation is re-assigned")
    with write_transaction(engine, actor) as conn:
        row = _open_escalation(conn, actor, escalation_id, "re-assign")
        if to_username == row.to_user:
            raise InvalidInput("to_username", f"escalation {escalation_id} is already with {to_username}")
        if to_username == row.from_user:
            raise InvalidInput(
                "to_username", f"{to_username} raised this escalation: a second voice is somebody else"
            )
        _check_target(conn, actor, row.customer_id, to_username)
        conn.execute(sa.update(Escalation).where(Escalation.id == escalation_id).values(to_user=to_username))
        record(
            conn,
            actor,
            "reassign_escalation",
            "escalation",
            escalation_id,
            before={"customer_id": row.customer_id, "to_user": row.to_user},
            after={"customer_id": row.customer_id, "to_user": to_username, "note": note},
        )


def resolve(engine: sa.Engine, actor: Actor, escalation_id: int, note: str) -> None:
    """Close an escalation with what was agreed (its receiver, its sender, a lead or an admin)."""
    note = note.strip()
    if not note:
        raise InvalidInput("note", "note what was agreed when resolving an escalation")
    with write_transaction(engine, actor) as conn:
        row = _open_escalation(conn, actor, escalation_id, "resolve")
        before = {"customer_id": row.customer_id, "to_user": row.to_user, "resolved_at": None}
        after = {**before, "resolved_at": utcnow(), "resolved_by": actor.username, "resolution_note": note}
        conn.execute(
            sa.update(Escalation)
            .where(Escalation.id == escalation_id)
            .values(resolved_at=after["resolved_at"], resolved_by=actor.username, resolution_note=note)
        )
        record(conn, actor, "resolve_escalation", "escalation", escalation_id, before=before, after=after)


def escalation_frame(engine: sa.Engine, *, since: datetime | None = None) -> pl.DataFrame:
    """Unresolved escalations, oldest first (``ESCALATION_SCHEMA``), for worklists and the huddle."""
    query = (
        sa.select(
            Escalation.id,
            Escalation.customer_id,
            Escalation.from_user,
            Escalation.to_user,
            Escalation.reason,
            Escalation.created_at,
        )
        .where(Escalation.resolved_at.is_(None))
        .order_by(Escalation.created_at, Escalation.id)
    )
    if since is not None:
        query = query.where(Escalation.created_at >= since)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
    return pl.DataFrame(rows, schema=ESCALATION_SCHEMA, orient="row")
