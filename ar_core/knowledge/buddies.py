"""Buddies and shadowing: a new joiner learns the job beside an assigned senior.

The lead assigns each new joiner one buddy (assigning another replaces the first; audited). The
joiner or the buddy (or the lead) logs each shadowing session — date, hours, topic, notes — and
its hours count as hours done of the joiner's **shadowing** modules, attributed like this:

- the session's hours go, whole, to **one** plan line of the joiner: the one the logger picks, or
  else the joiner's unfinished line of a module of kind ``shadowing`` with the earliest due date
  (then the earliest planned start, then the lowest id);
- that line's hours done grow by the session's hours (the risk rule then judges it as usual);
  completing the line stays the lead's call;
- a joiner without an unfinished shadowing line keeps the session in the log, counted to none.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ar_core.access import Actor, record
from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.knowledge.training_file import MAX_HOURS
from ar_core.knowledge.training_plans import PLAN_ROLES, checked_hours
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    ShadowingSession,
    TrainingBuddy,
    TrainingModule,
    TrainingPlanLine,
    User,
    utcnow,
)

SHADOWING_KIND = "shadowing"
MAX_TOPIC = 200
MAX_NOTES = 4_000
#: At most this many hours in one session (a long day).
MAX_SESSION_HOURS = Decimal("12.00")
BUDDY_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.String(),
    "person_name": pl.String(),
    "buddy": pl.String(),
    "buddy_name": pl.String(),
    "since": pl.Date(),
}
SESSION_SCHEMA: dict[str, pl.DataType] = {
    "session_id": pl.Int64(),
    "person": pl.String(),
    "buddy": pl.String(),
    "held_on": pl.Date(),
    "hours": pl.Decimal(10, 2),
    "topic": pl.String(),
    "notes": pl.String(),
    "module": pl.String(),
    "logged_by": pl.String(),
}


def _active(conn: sa.Connection, username: str, field: str) -> str:
    name = conn.execute(sa.select(User.name).where(User.username == username, User.active.is_(True))).scalar()
    if name is None:
        raise InvalidInput(field, f"no active user {username!r}")
    return name


def assign_buddy(engine: sa.Engine, actor: Actor, person: str, buddy: str, since: date) -> None:
    """Make ``buddy`` the buddy of the new joiner ``person`` from ``since``. Leads only, audited."""
    actor.require(*PLAN_ROLES, doing="assign buddies")
    if person == buddy:
        raise InvalidInput("buddy", "a buddy is someone else than the new joiner")
    if not isinstance(since, date):
        raise InvalidInput("since", "the day the buddy starts is a date")
    with write_transaction(engine, actor) as conn:
        _active(conn, person, "person")
        _active(conn, buddy, "buddy")
        old = conn.execute(sa.select(TrainingBuddy).where(TrainingBuddy.person == person)).first()
        values = {"buddy": buddy, "since": since, "assigned_by": actor.username, "assigned_at": utcnow()}
        if old is None:
            conn.execute(sa.insert(TrainingBuddy).values(person=person, **values))
        else:
            conn.execute(sa.update(TrainingBuddy).where(TrainingBuddy.person == person).values(**values))
        before = None if old is None else {"buddy": old.buddy, "since": old.since}
        record(conn, actor, "assign_buddy", "training_buddy", person, before=before,
               after={"buddy": buddy, "since": since})  # fmt: skip


def buddy_pairs(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Joiners and their buddies (:data:`BUDDY_SCHEMA`): a lead reads all, others the pairs they are in."""
    buddy_user = aliased(User)
    query = (
        sa.select(
            TrainingBuddy.__table__, User.name.label("person_name"), buddy_user.name.label("buddy_name")
        )
        .outerjoin(User, User.username == TrainingBuddy.person)
        .outerjoin(buddy_user, buddy_user.username == TrainingBuddy.buddy)
        .order_by(TrainingBuddy.person)
    )
    if not actor.has(*PLAN_ROLES):
        query = query.where(
            sa.or_(TrainingBuddy.person == actor.username, TrainingBuddy.buddy == actor.username)
        )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame(
        [(r.person, r.person_name or r.person, r.buddy, r.buddy_name or r.buddy, r.since) for r in rows],
        schema=BUDDY_SCHEMA, orient="row",
    )  # fmt: skip


def _shadowing_lines(conn: sa.Connection, person: str) -> list:
    return conn.execute(
        sa.select(TrainingPlanLine)
        .join(TrainingModule, TrainingModule.id == TrainingPlanLine.module_id)
        .where(TrainingPlanLine.person == person, TrainingPlanLine.completed_on.is_(None),
               TrainingModule.kind == SHADOWING_KIND)
        .order_by(TrainingPlanLine.due_on, TrainingPlanLine.start_on, TrainingPlanLine.id)
    ).all()  # fmt: skip


def log_shadowing(  # noqa: PLR0917 - the session's own fields
    engine: sa.Engine,
    actor: Actor,
    person: str,
    held_on: date,
    hours: Decimal | str,
    topic: str,
    notes: str | None = None,
    plan_line_id: int | None = None,
) -> int:
    """Log a shadowing session of the joiner ``person`` with their buddy; returns its id.

    Logged by the joiner, the buddy or a lead; its hours count to one shadowing line (module
    docstring). Audited, with the line's hours done before and after.
    """
    amount = checked_hours(hours, "hours", positive=True)
    if amount > MAX_SESSION_HOURS:
        raise InvalidInput("hours", f"a session lasts at most {MAX_SESSION_HOURS} hours")
    topic = (topic or "").strip()
    if not topic or len(topic) > MAX_TOPIC:
        raise InvalidInput("topic", f"name the topic (at most {MAX_TOPIC} characters)")
    text = (notes or "").strip() or None
    if text and len(text) > MAX_NOTES:
        raise InvalidInput("notes", f"at most {MAX_NOTES:,} characters")
    if not isinstance(held_on, date):
        raise InvalidInput("held_on", "the day of the session is a date")
    with write_transaction(engine, actor) as conn:
        me = actor  # confirmed on this connection by write_transaction
        pair = conn.execute(sa.select(TrainingBuddy).where(TrainingBuddy.person == person)).first()
        if pair is None:
            raise InvalidInput("person", f"{person} has no buddy: the lead assigns one first")
        if me.username not in (person, pair.buddy) and not me.has(*PLAN_ROLES):
            raise PermissionDenied(f"{me.username} may not log {person}'s shadowing sessions")
        lines = _shadowing_lines(conn, person)
        if plan_line_id is not None:
            lines = [line for line in lines if line.id == plan_line_id]
            if not lines:
                raise InvalidInput("plan_line_id", f"not an unfinished shadowing module of {person}")
        line = lines[0] if lines else None
        session_id = conn.execute(
            sa.insert(ShadowingSession).values(
                person=person, buddy=pair.buddy, held_on=held_on, hours=amount, topic=topic, notes=text,
                plan_line_id=line.id if line else None, logged_by=me.username, logged_at=utcnow(),
            ).returning(ShadowingSession.id)
        ).scalar_one()  # fmt: skip
        after = {"person": person, "buddy": pair.buddy, "held_on": held_on, "hours": amount, "topic": topic}
        if line is not None:
            total = min(MAX_HOURS, line.hours_done + amount)
            conn.execute(
                sa.update(TrainingPlanLine).where(TrainingPlanLine.id == line.id)
                .values(hours_done=total, updated_by=me.username, updated_at=utcnow())
            )  # fmt: skip
            after |= {
                "plan_line_id": line.id,
                "hours_done_before": line.hours_done,
                "hours_done_after": total,
            }
        record(conn, actor, "log_shadowing", "shadowing_session", session_id, after=after)
    return int(session_id)


def shadowing_sessions(engine: sa.Engine, actor: Actor, person: str | None = None) -> pl.DataFrame:
    """Shadowing sessions (:data:`SESSION_SCHEMA`, newest first): a lead reads all (``person``
    narrows), a joiner their own, a buddy their joiners'."""
    query = (
        sa.select(ShadowingSession.__table__, TrainingModule.title)
        .outerjoin(TrainingPlanLine, TrainingPlanLine.id == ShadowingSession.plan_line_id)
        .outerjoin(TrainingModule, TrainingModule.id == TrainingPlanLine.module_id)
        .order_by(ShadowingSession.held_on.desc(), ShadowingSession.id.desc())
    )
    if not actor.has(*PLAN_ROLES):
        query = query.where(sa.or_(ShadowingSession.person == actor.username,
                                   ShadowingSession.buddy == actor.username))  # fmt: skip
    if person is not None:
        query = query.where(ShadowingSession.person == person)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame(
        [(s.id, s.person, s.buddy, s.held_on, s.hours, s.topic, s.notes, title, s.logged_by)
         for s, title in ((r, r.title) for r in rows)],
        schema=SESSION_SCHEMA, orient="row",
    )  # fmt: skip
