"""The notes of 1:1 coaching talks and the actions agreed in them, kept append-only.

A lead writes the note of a 1:1 with one collector, with the agreed actions and their due dates,
in one audited transaction. Nothing here changes or deletes a note: there is no such function,
and the database refuses UPDATE and DELETE on both tables (migration 0013). A later talk adds a
new note. The collector reads their own notes, a lead everyone's; nobody else reads them.

An action is marked done once — by its collector or a lead — as a record of its own (who, when,
an optional note; append-only too, migration 0023), so the action itself stays as agreed. A done
action is no longer past its due date, whenever it was done.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, record
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.store.db import write_transaction
from ar_core.store.models import CoachingAction, CoachingNote, User, utcnow
from ar_core.store.models.performance import CoachingActionDone

#: Who writes 1:1 notes and reads everyone's.
COACHING_NOTE_ROLES = ("lead",)
MAX_NOTE_CHARS = 4_000
MAX_ACTION_CHARS = 500
MAX_ACTIONS = 20
MAX_DONE_NOTE_CHARS = 500
COACHING_NOTE_SCHEMA: dict[str, pl.DataType] = {
    "note_id": pl.Int64(),
    "collector": pl.String(),
    "author": pl.String(),
    "met_on": pl.Date(),
    "note": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
}
COACHING_ACTION_SCHEMA: dict[str, pl.DataType] = {
    "action_id": pl.Int64(),
    "note_id": pl.Int64(),
    "collector": pl.String(),
    "met_on": pl.Date(),
    "action": pl.String(),
    "due_date": pl.Date(),
    "done_by": pl.String(),
    "done_at": pl.Datetime("us", "UTC"),
    "done_note": pl.String(),
    #: Not done and due before the day asked about (``None`` when no day was given).
    "past_due": pl.Boolean(),
}


def _actions(actions: Sequence[tuple[str, date]]) -> list[tuple[str, date]]:
    checked = []
    for n, pair in enumerate(actions, start=1):
        try:
            text, due = pair
        except (TypeError, ValueError):
            raise InvalidInput("actions", f"action {n} is a text and a due date") from None
        text = (text or "").strip()
        if not text:
            continue  # an empty row of the form
        if len(text) > MAX_ACTION_CHARS:
            raise InvalidInput("actions", f"action {n} has more than {MAX_ACTION_CHARS} characters")
        if not isinstance(due, date):
            raise InvalidInput("actions", f"action {n} needs a due date")
        checked.append((text, due))
    if len(checked) > MAX_ACTIONS:
        raise InvalidInput("actions", f"at most {MAX_ACTIONS} actions per note")
    return checked


def add_coaching_note(  # noqa: PLR0917 - the signature the issue names
    engine: sa.Engine,
    actor: Actor,
    collector: str,
    met_on: date,
    note: str,
    actions: Sequence[tuple[str, date]] = (),
) -> int:
    """Record the note of a 1:1 with ``collector`` held on ``met_on``, with the agreed actions
    ``[(text, due date), ...]``; returns the note's id. Leads only; audited as ``add_coaching_note``.

    An action may not be due before the talk. Empty action rows are skipped.
    """
    actor.require(*COACHING_NOTE_ROLES, doing="write 1:1 notes")
    text = (note or "").strip()
    if not text:
        raise InvalidInput("note", "write what was discussed")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"a note has at most {MAX_NOTE_CHARS} characters")
    if not isinstance(met_on, date):
        raise InvalidInput("met_on", "the day of the 1:1 is a date")
    agreed = _actions(actions)
    early = [a for a, due in agreed if due < met_on]
    if early:
        raise InvalidInput("actions", f"an action cannot be due before the 1:1 ({early[0]!r})")
    if collector == actor.username:
        raise InvalidInput("collector", "a 1:1 note is written about someone else")
    with write_transaction(engine, actor) as conn:
        row = conn.execute(
            sa.select(User.roles).where(User.username == collector, User.active.is_(True))
        ).first()
        if row is None or "collector" not in {r.strip() for r in (row.roles or "").split(",")}:
            raise NotFound(f"no active collector {collector!r}")
        note_id = conn.execute(
            sa.insert(CoachingNote)
            .values(collector=collector, author=actor.username, met_on=met_on, note=text, created_at=utcnow())
            .returning(CoachingNote.id)
        ).scalar_one()
        if agreed:
            conn.execute(
                sa.insert(CoachingAction),
                [{"note_id": note_id, "action": a, "due_date": due} for a, due in agreed],
            )
        record(conn, actor, "add_coaching_note", "coaching_note", note_id, after={
            "collector": collector, "met_on": met_on.isoformat(), "note": text,
            "actions": [{"action": a, "due_date": due.isoformat()} for a, due in agreed],
        })  # fmt: skip
    return int(note_id)


def _whose(actor: Actor, collector: str | None) -> str | None:
    if actor.has(*COACHING_NOTE_ROLES):
        return collector
    if actor.has("collector") and collector in (None, actor.username):
        return actor.username
    raise PermissionDenied(f"{actor.username} may not read {collector or 'the team'}'s 1:1 notes")


def coaching_notes(
    engine: sa.Engine, actor: Actor, collector: str | None = None, *, today: date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The 1:1 notes ``actor`` may read (:data:`COACHING_NOTE_SCHEMA`, latest talk first) and their agreed
    actions (:data:`COACHING_ACTION_SCHEMA`, earliest due first), each with its completion if any
    and, given ``today``, whether it is past due (not done and due before ``today``).

    A collector reads their own; a lead anyone's (``collector`` narrows it); everyone else is refused.
    """
    whose = _whose(actor, collector)
    notes_q = sa.select(CoachingNote).order_by(CoachingNote.met_on.desc(), CoachingNote.id.desc())
    if whose is not None:
        notes_q = notes_q.where(CoachingNote.collector == whose)
    with engine.connect() as conn:
        notes = conn.execute(notes_q).all()
        ids = [n.id for n in notes]
        actions = (
            conn.execute(
                sa.select(
                    CoachingAction.id,
                    CoachingAction.note_id,
                    CoachingAction.action,
                    CoachingAction.due_date,
                    CoachingActionDone.done_by,
                    CoachingActionDone.done_at,
                    CoachingActionDone.note.label("done_note"),
                )
                .outerjoin(CoachingActionDone, CoachingActionDone.action_id == CoachingAction.id)
                .where(CoachingAction.note_id.in_(ids))
            ).all()
            if ids
            else []
        )
    by_id = {n.id: n for n in notes}
    note_frame = pl.DataFrame(
        [(n.id, n.collector, n.author, n.met_on, n.note, n.created_at) for n in notes],
        schema=COACHING_NOTE_SCHEMA, orient="row",
    )  # fmt: skip
    action_frame = pl.DataFrame(
        [(a.id, a.note_id, by_id[a.note_id].collector, by_id[a.note_id].met_on, a.action, a.due_date,
          a.done_by, a.done_at, a.done_note, _past_due(a.due_date, a.done_by, today))
         for a in actions],
        schema=COACHING_ACTION_SCHEMA, orient="row",
    ).sort("due_date", "action_id")  # fmt: skip
    return note_frame, action_frame


def _past_due(due: date, done_by: str | None, today: date | None) -> bool | None:
    """Past due: not done and due before ``today`` (a done action never is, however late)."""
    if today is None:
        return None
    return done_by is None and due < today


def mark_action_done(engine: sa.Engine, actor: Actor, action_id: int, note: str | None = None) -> int:
    """Record that the agreed action ``action_id`` is done; returns the record's id. Its collector
    or a lead, once per action; audited as ``mark_action_done``. Nothing about the action changes."""
    text = (note or "").strip() or None
    if text is not None and len(text) > MAX_DONE_NOTE_CHARS:
        raise InvalidInput("note", f"a note has at most {MAX_DONE_NOTE_CHARS} characters")
    with write_transaction(engine, actor) as conn:
        row = conn.execute(
            sa.select(CoachingAction.action, CoachingAction.due_date, CoachingNote.collector)
            .join(CoachingNote, CoachingNote.id == CoachingAction.note_id)
            .where(CoachingAction.id == action_id)
        ).first()
        if row is None:
            raise NotFound(f"no agreed action {action_id}")
        own = actor.has("collector") and row.collector == actor.username
        if not (own or actor.has(*COACHING_NOTE_ROLES)):
            raise PermissionDenied(f"{actor.username} may not mark {row.collector}'s actions done")
        done = conn.execute(
            sa.select(CoachingActionDone.done_by, CoachingActionDone.done_at).where(
                CoachingActionDone.action_id == action_id
            )
        ).first()
        if done is not None:
            raise InvalidInput(
                "action_id", f"already marked done by {done.done_by} on {done.done_at:%d.%m.%Y}"
            )
        try:  # the unique action_id refuses a second record written meanwhile (the transaction ends)
            done_id = conn.execute(
                sa.insert(CoachingActionDone)
                .values(action_id=action_id, done_by=actor.username, done_at=utcnow(), note=text)
                .returning(CoachingActionDone.id)
            ).scalar_one()
        except sa.exc.IntegrityError:
            raise InvalidInput("action_id", "already marked done meanwhile") from None
        record(conn, actor, "mark_action_done", "coaching_action", action_id, after={
            "collector": row.collector, "action": row.action, "due_date": row.due_date.isoformat(),
            "note": text,
        })  # fmt: skip
    return int(done_id)
