"""Backups and absences: each collector has a named backup who speaks the portfolio's customer
languages, and while a collector is away the backup works their portfolio.

"Speaks" means at least B2 (:data:`BACKUP_MIN_LEVEL`) in every correspondence language of the
collector's customers; naming a backup who does not is refused, naming the language. An absence
runs from its first to its last day, both included; the lead records it for anyone, a person for
themselves, and either may cancel it (kept, marked cancelled). During it the huddle shows who
covers, and ``access.collector_scope`` puts the absent collector's customers on the backup's
worklist (the same tables, read there).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, own_portfolio, parse_roles, record
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.knowledge.coverage import language_shares
from ar_core.knowledge.skill_profiles import SKILL_ROLES, _history, customer_languages, skill_list, team
from ar_core.knowledge.skills import CEFR, LANGUAGE_NAMES, LANGUAGE_SKILLS, current_levels
from ar_core.store.db import write_transaction
from ar_core.store.models import Absence, CollectorBackup, User, utcnow

#: B2 as stored: what a backup needs in each language of the portfolio.
BACKUP_MIN_LEVEL = CEFR.index("B2") + 1
#: Who names backups and records anyone's absence.
BACKUP_ROLES = SKILL_ROLES
MAX_NOTE_CHARS = 500
#: The longest absence one entry may hold (a typo of the year otherwise covers a decade).
MAX_DAYS = 366

BACKUP_SCHEMA: dict[str, pl.DataType] = {
    "collector": pl.String(),
    "collector_name": pl.String(),
    "backup": pl.String(),
    "backup_name": pl.String(),
    "languages": pl.String(),
    "set_by": pl.String(),
    "set_at": pl.Datetime("us", "UTC"),
}
ABSENCE_SCHEMA: dict[str, pl.DataType] = {
    "absence_id": pl.Int64(),
    "person": pl.String(),
    "name": pl.String(),
    "starts_on": pl.Date(),
    "ends_on": pl.Date(),
    "note": pl.String(),
    "recorded_by": pl.String(),
    "cancelled": pl.Boolean(),
}
COVER_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.String(),
    "name": pl.String(),
    "starts_on": pl.Date(),
    "ends_on": pl.Date(),
    "backup": pl.String(),
    "backup_name": pl.String(),
    "backup_away": pl.Boolean(),
    "customers": pl.Int64(),
}


def portfolio_languages(engine: sa.Engine, collector: str) -> dict[str, int]:
    """Correspondence language code -> number of ``collector``'s customers (largest first)."""
    owned = own_portfolio(engine, collector)
    customers = customer_languages(engine).filter(pl.col("customer_id").is_in(list(owned)))
    return {code: n for code, n, _share in language_shares(customers)}


def missing_languages(engine: sa.Engine, collector: str, backup: str) -> list[str]:
    """The languages of ``collector``'s customers ``backup`` does not speak at B2 or above (names)."""
    levels = current_levels(_history(engine, backup, skill_list(engine)))
    held = {r["skill"]: r["level"] for r in levels.iter_rows(named=True)}
    return [
        LANGUAGE_NAMES[code]
        for code in portfolio_languages(engine, collector)
        if held.get(LANGUAGE_SKILLS[code], 0) < BACKUP_MIN_LEVEL
    ]


def set_backup(engine: sa.Engine, actor: Actor, collector: str, backup: str) -> None:
    """Name ``backup`` as ``collector``'s backup (leads and admins; audited).

    Refused when the backup is the collector, not an active collector, or does not speak one of the
    portfolio's customer languages at B2 or above (the message names the language).
    """
    actor.require(*BACKUP_ROLES, doing="name backups")
    collectors = team(engine)
    if collector not in collectors:
        raise NotFound(f"no active collector {collector!r}")
    if backup not in collectors:
        raise InvalidInput("backup", f"{backup!r} is not an active collector")
    if backup == collector:
        raise InvalidInput("backup", "a collector cannot be their own backup")
    missing = missing_languages(engine, collector, backup)
    if missing:
        counts = portfolio_languages(engine, collector)
        first = next(code for code, name in LANGUAGE_NAMES.items() if name == missing[0])
        raise InvalidInput(
            "backup",
            f"{collectors[backup]} does not speak {' or '.join(missing)} at B2 or above "
            f"({counts[first]} of {collectors[collector]}'s customers write in {missing[0]})",
        )
    with write_transaction(engine, actor) as conn:
        old = conn.execute(
            sa.select(CollectorBackup.backup).where(CollectorBackup.collector == collector)
        ).scalar()
        values = {"backup": backup, "set_by": actor.username, "set_at": utcnow()}
        if old is None:
            conn.execute(sa.insert(CollectorBackup).values(collector=collector, **values))
        else:
            conn.execute(
                sa.update(CollectorBackup).where(CollectorBackup.collector == collector).values(**values)
            )
        record(
            conn,
            actor,
            "set_backup",
            "collector_backup",
            collector,
            before=None if old is None else {"backup": old},
            after={"backup": backup},
        )


def list_backups(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Every collector's named backup (:data:`BACKUP_SCHEMA`; a collector without one has nulls).

    ``languages``: the portfolio's customer languages, largest first. Anyone of the team reads it.
    """
    names = team(engine)
    with engine.connect() as conn:
        stored = {r.collector: r for r in conn.execute(sa.select(CollectorBackup)).all()}
    rows = []
    for collector in sorted(names):
        row = stored.get(collector)
        langs = ", ".join(LANGUAGE_NAMES[c] for c in portfolio_languages(engine, collector))
        backup = row.backup if row else None
        rows.append(
            (
                collector,
                names[collector],
                backup,
                names.get(backup, backup),
                langs,
                row.set_by if row else None,
                row.set_at if row else None,
            )
        )
    return pl.DataFrame(rows, schema=BACKUP_SCHEMA, orient="row")


def _checked_note(note: str) -> str | None:
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"a note has at most {MAX_NOTE_CHARS} characters")
    return note or None


def record_absence(  # noqa: PLR0917 - an absence's fields
    engine: sa.Engine, actor: Actor, person: str, starts_on: date, ends_on: date, note: str = ""
) -> int:
    """Record that ``person`` is away from ``starts_on`` to ``ends_on`` (both included); its id.

    A lead or admin records anyone's absence, anyone else their own. Audited.
    """
    if person != actor.username and not actor.has(*BACKUP_ROLES):
        raise PermissionDenied(f"{actor.username} may record their own absences only")
    if ends_on < starts_on:
        raise InvalidInput("ends_on", "the absence ends before it starts")
    if (ends_on - starts_on).days >= MAX_DAYS:
        raise InvalidInput("ends_on", f"one absence lasts at most {MAX_DAYS} days")
    text = _checked_note(note)
    with write_transaction(engine, actor) as conn:
        if (
            conn.execute(sa.select(User.id).where(User.username == person, User.active.is_(True))).first()
            is None
        ):
            raise NotFound(f"no active user {person!r}")
        absence_id = conn.execute(
            sa.insert(Absence)
            .values(
                person=person,
                starts_on=starts_on,
                ends_on=ends_on,
                note=text,
                recorded_by=actor.username,
                recorded_at=utcnow(),
            )
            .returning(Absence.id)
        ).scalar_one()
        record(
            conn,
            actor,
            "record_absence",
            "absence",
            absence_id,
            after={"person": person, "from": starts_on.isoformat(), "to": ends_on.isoformat(), "note": text},
        )
    return int(absence_id)


def cancel_absence(engine: sa.Engine, actor: Actor, absence_id: int) -> None:
    """Cancel an absence (the lead, an admin or the absent person; audited, the entry is kept)."""
    with write_transaction(engine, actor) as conn:
        row = conn.execute(sa.select(Absence).where(Absence.id == absence_id)).first()
        if row is None or row.cancelled_at is not None:
            raise NotFound(f"no absence {absence_id} to cancel")
        if row.person != actor.username and not actor.has(*BACKUP_ROLES):
            raise PermissionDenied(f"{actor.username} may cancel their own absences only")
        conn.execute(
            sa.update(Absence)
            .where(Absence.id == absence_id)
            .values(cancelled_by=actor.username, cancelled_at=utcnow())
        )
        record(
            conn,
            actor,
            "cancel_absence",
            "absence",
            absence_id,
            before={"person": row.person, "from": row.starts_on.isoformat(), "to": row.ends_on.isoformat()},
        )


def list_absences(engine: sa.Engine, actor: Actor, *, since: date | None = None) -> pl.DataFrame:
    """Absences ending on or after ``since`` (all without), latest start first (:data:`ABSENCE_SCHEMA`).

    Leads, admins and controllers read everyone's; anyone else their own.
    """
    query = sa.select(Absence).order_by(Absence.starts_on.desc(), Absence.id.desc())
    if since is not None:
        query = query.where(Absence.ends_on >= since)
    if not actor.has("lead", "admin", "controller"):
        query = query.where(Absence.person == actor.username)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        names = dict(conn.execute(sa.select(User.username, User.name)).all())
    records = [
        (
            r.id,
            r.person,
            names.get(r.person, r.person),
            r.starts_on,
            r.ends_on,
            r.note,
            r.recorded_by,
            r.cancelled_at is not None,
        )
        for r in rows
    ]
    return pl.DataFrame(records, schema=ABSENCE_SCHEMA, orient="row")


def cover_on(engine: sa.Engine, actor: Actor, day: date) -> pl.DataFrame:
    """Who is away on ``day`` and who covers (:data:`COVER_SCHEMA`), for the huddle.

    ``backup`` null: nobody is named; ``backup_away``: the backup is away too, nobody covers.
    ``customers``: the absent collector's portfolio size (0 for someone who is not a collector).
    """
    with engine.connect() as conn:
        away = conn.execute(
            sa.select(Absence)
            .where(Absence.starts_on <= day, Absence.ends_on >= day, Absence.cancelled_at.is_(None))
            .order_by(Absence.person)
        ).all()
        backups = dict(conn.execute(sa.select(CollectorBackup.collector, CollectorBackup.backup)).all())
        users = {
            r.username: (r.name, parse_roles(r.roles or "")) for r in conn.execute(sa.select(User)).all()
        }
    absent = {r.person for r in away}
    rows, seen = [], set()
    for r in away:
        if r.person in seen:  # two overlapping entries: one row
            continue
        seen.add(r.person)
        backup = backups.get(r.person)
        collector = "collector" in users.get(r.person, ("", []))[1]
        rows.append(
            (
                r.person,
                users.get(r.person, (r.person,))[0],
                r.starts_on,
                r.ends_on,
                backup,
                users.get(backup, (backup,))[0] if backup else None,
                backup in absent,
                len(own_portfolio(engine, r.person)) if collector else 0,
            )
        )
    return pl.DataFrame(rows, schema=COVER_SCHEMA, orient="row")
