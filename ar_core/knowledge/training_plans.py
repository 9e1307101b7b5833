"""Training plans: the module catalogue and each person's plan, set by the lead, judged by the risk rule.

The lead keeps the catalogue (title, process area, kind, expected hours, the skills a module builds
and the level it grants, the SOPs it relies on) and sets every person's plan lines (planned start
and due, hours done, completion date, evidence) — by hand or from the plan spreadsheet
(:mod:`ar_core.knowledge.training_file`); every write is audited. Each person reads their own plan,
a lead the team's with late and at-risk modules first (:mod:`ar_core.knowledge.training`), and a
person explains a risk with a note on their own line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, record
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.knowledge.training import NEEDS_ATTENTION, assess, status_rank
from ar_core.knowledge.training_file import (
    MAX_HOURS,
    MAX_TITLE,
    PlanProblem,
    parse_hours,
    parse_plan_file,
    read_mapping,
)
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    ShadowingSession,
    TrainingModule,
    TrainingPlanLine,
    TrainingRiskNote,
    User,
    utcnow,
)

#: Who keeps the catalogue, sets plans and reads the team's.
PLAN_ROLES = ("lead",)
MODULE_KINDS: tuple[str, ...] = ("course", "shadowing", "e-learning", "on the job")
#: The process areas a module (and an SOP) belongs to; a lead may type another.
PROCESS_AREAS: tuple[str, ...] = (
    "collections", "disputes", "cash allocation", "reconciliation", "dunning", "payment plans",
    "legal/write-off", "reporting", "master data", "general",
)  # fmt: skip
#: What a module created by a plan import gets until the lead edits it.
IMPORTED_AREA, IMPORTED_KIND = "general", "course"
MAX_TEXT = 4_000
MAX_NOTE = 2_000
HOURS = pl.Decimal(10, 2)
MODULE_SCHEMA: dict[str, pl.DataType] = {
    "module_id": pl.Int64(),
    "title": pl.String(),
    "area": pl.String(),
    "kind": pl.String(),
    "expected_hours": HOURS,
    "skills": pl.String(),
    "grants_level": pl.Int64(),
    "sop_refs": pl.String(),
}
PLAN_SCHEMA: dict[str, pl.DataType] = {
    "line_id": pl.Int64(),
    "person": pl.String(),
    "person_name": pl.String(),
    "module_id": pl.Int64(),
    "module": pl.String(),
    "area": pl.String(),
    "kind": pl.String(),
    "start": pl.Date(),
    "due": pl.Date(),
    "expected_hours": HOURS,
    "hours_done": HOURS,
    "remaining_hours": HOURS,
    "completed_on": pl.Date(),
    "projected_finish": pl.Date(),
    "status": pl.String(),
    "evidence": pl.String(),
    "risk_note": pl.String(),
    "risk_note_by": pl.String(),
}
NOTE_SCHEMA: dict[str, pl.DataType] = {
    "note_id": pl.Int64(),
    "line_id": pl.Int64(),
    "author": pl.String(),
    "note": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
}


def checked_hours(value: object, name: str, *, positive: bool = False) -> Decimal:
    hours = value if isinstance(value, Decimal) else parse_hours(value)
    if hours is None or hours != hours.quantize(Decimal("0.01")):
        raise InvalidInput(name, f"hours are a number with at most two decimals ({value!r})")
    if hours < 0 or hours > MAX_HOURS or (positive and hours == 0):
        raise InvalidInput(name, f"hours are {'above' if positive else 'at least'} 0 and at most {MAX_HOURS}")
    return hours.quantize(Decimal("0.01"))


def _text(value: str | None, name: str, limit: int = MAX_TEXT) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(name, f"at most {limit:,} characters")
    return text or None


def _skills(skills: str | Iterable[str] | None) -> str | None:
    if skills is None:
        return None
    parts = skills.split(",") if isinstance(skills, str) else list(skills)
    keys = sorted({s.strip() for s in parts if s and s.strip()})
    return ",".join(keys) or None


def save_module(
    engine: sa.Engine,
    actor: Actor,
    *,
    title: str,
    area: str,
    kind: str,
    expected_hours: Decimal | str,
    skills: str | Iterable[str] | None = None,
    grants_level: int | None = None,
    sop_refs: str | None = None,
    module_id: int | None = None,
) -> int:
    """Create a module (``module_id`` None) or change one; returns its id. Leads only, audited."""
    actor.require(*PLAN_ROLES, doing="keep the training catalogue")
    title = (title or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput("title", f"a module has a title of at most {MAX_TITLE} characters")
    area = (area or "").strip()
    if not area or len(area) > 60:
        raise InvalidInput("area", "name the process area (at most 60 characters)")
    if kind not in MODULE_KINDS:
        raise InvalidInput("kind", f"the kind is one of {', '.join(MODULE_KINDS)}")
    if grants_level is not None and grants_level not in range(4):
        raise InvalidInput("grants_level", "a module grants level 0 to 3, or none")
    values = {
        "title": title, "area": area, "kind": kind,
        "expected_hours": checked_hours(expected_hours, "expected_hours", positive=True),
        "skills": _skills(skills), "grants_level": grants_level, "sop_refs": _text(sop_refs, "sop_refs"),
    }  # fmt: skip
    with write_transaction(engine, actor) as conn:
        clash = conn.execute(
            sa.select(TrainingModule.id).where(sa.func.lower(TrainingModule.title) == title.lower())
        ).scalar()
        if clash is not None and clash != module_id:
            raise InvalidInput("title", f"a module {title!r} exists already")
        if module_id is None:
            new_id = conn.execute(
                sa.insert(TrainingModule)
                .values(**values, created_by=actor.username, created_at=utcnow())
                .returning(TrainingModule.id)
            ).scalar_one()
            record(conn, actor, "create_training_module", "training_module", new_id, after=values)
            return int(new_id)
        before = conn.execute(sa.select(TrainingModule).where(TrainingModule.id == module_id)).first()
        if before is None:
            raise NotFound(f"no training module {module_id}")
        conn.execute(sa.update(TrainingModule).where(TrainingModule.id == module_id).values(**values))
        old = {k: getattr(before, k) for k in values}
        record(conn, actor, "update_training_module", "training_module", module_id, before=old, after=values)
    return int(module_id)


def training_modules(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """The module catalogue (:data:`MODULE_SCHEMA`, by area and title); everyone reads it."""
    del actor  # the catalogue is the team's, not personal
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(TrainingModule).order_by(TrainingModule.area, TrainingModule.title)
        ).all()
    return pl.DataFrame(
        [(r.id, r.title, r.area, r.kind, r.expected_hours, r.skills, r.grants_level, r.sop_refs)
         for r in rows],
        schema=MODULE_SCHEMA, orient="row",
    )  # fmt: skip


def _check_user(conn: sa.Connection, person: str, name: str = "person") -> None:
    found = conn.execute(
        sa.select(User.username).where(User.username == person, User.active.is_(True))
    ).scalar()
    if found is None:
        raise InvalidInput(name, f"no active user {person!r}")


def _line_values(start_on: date, due_on: date, hours_done: object, completed_on: date | None,
                 evidence: str | None) -> dict:  # fmt: skip
    if not isinstance(start_on, date) or not isinstance(due_on, date):
        raise InvalidInput("start_on", "a plan line has a planned start and a due date")
    if due_on < start_on:
        raise InvalidInput("due_on", "the due date is on or after the planned start")
    if completed_on is not None and not isinstance(completed_on, date):
        raise InvalidInput("completed_on", "the completion date is a date")
    return {"start_on": start_on, "due_on": due_on, "hours_done": checked_hours(hours_done, "hours_done"),
            "completed_on": completed_on, "evidence": _text(evidence, "evidence")}  # fmt: skip


def _upsert_line(
    conn: sa.Connection, actor: Actor, person: str, module_id: int, values: dict
) -> tuple[int, bool]:
    """Write one plan line (person × module), audited; returns its id and whether it was new."""
    existing = conn.execute(
        sa.select(TrainingPlanLine).where(
            TrainingPlanLine.person == person, TrainingPlanLine.module_id == module_id
        )
    ).first()
    stamp = {"updated_by": actor.username, "updated_at": utcnow()}
    after = {"person": person, "module_id": module_id, **values}
    if existing is None:
        line_id = conn.execute(
            sa.insert(TrainingPlanLine)
            .values(person=person, module_id=module_id, **values, **stamp)
            .returning(TrainingPlanLine.id)
        ).scalar_one()
        record(conn, actor, "set_training_plan_line", "training_plan_line", line_id, after=after)
        return int(line_id), True
    conn.execute(
        sa.update(TrainingPlanLine).where(TrainingPlanLine.id == existing.id).values(**values, **stamp)
    )
    before = {"person": person, "module_id": module_id, **{k: getattr(existing, k) for k in values}}
    record(
        conn, actor, "set_training_plan_line", "training_plan_line", existing.id, before=before, after=after
    )
    return int(existing.id), False


def set_plan_line(  # noqa: PLR0917 - the plan line's own fields
    engine: sa.Engine,
    actor: Actor,
    person: str,
    module_id: int,
    start_on: date,
    due_on: date,
    *,
    hours_done: Decimal | str = Decimal("0.00"),
    completed_on: date | None = None,
    evidence: str | None = None,
) -> int:
    """Put ``module_id`` into ``person``'s plan, or change that line; returns its id. Leads only, audited."""
    actor.require(*PLAN_ROLES, doing="set training plans")
    values = _line_values(start_on, due_on, hours_done, completed_on, evidence)
    with write_transaction(engine, actor) as conn:
        _check_user(conn, person)
        if conn.execute(sa.select(TrainingModule.id).where(TrainingModule.id == module_id)).scalar() is None:
            raise InvalidInput("module_id", f"no training module {module_id}")
        line_id, _new = _upsert_line(conn, actor, person, module_id, values)
    return line_id


def remove_plan_line(engine: sa.Engine, actor: Actor, line_id: int) -> None:
    """Take a module out of a person's plan (its risk notes go with it). Leads only, audited."""
    actor.require(*PLAN_ROLES, doing="set training plans")
    with write_transaction(engine, actor) as conn:
        line = conn.execute(sa.select(TrainingPlanLine).where(TrainingPlanLine.id == line_id)).first()
        if line is None:
            raise NotFound(f"no plan line {line_id}")
        conn.execute(sa.delete(TrainingRiskNote).where(TrainingRiskNote.plan_line_id == line_id))
        conn.execute(  # the sessions stay in the log, counted to no line
            sa.update(ShadowingSession)
            .where(ShadowingSession.plan_line_id == line_id)
            .values(plan_line_id=None)
        )
        conn.execute(sa.delete(TrainingPlanLine).where(TrainingPlanLine.id == line_id))
        before = {"person": line.person, "module_id": line.module_id, "start_on": line.start_on,
                  "due_on": line.due_on, "hours_done": line.hours_done,
                  "completed_on": line.completed_on}  # fmt: skip
        record(conn, actor, "remove_training_plan_line", "training_plan_line", line_id, before=before)


def _whose(actor: Actor, person: str | None) -> str | None:
    if actor.has(*PLAN_ROLES):
        return person
    if person in (None, actor.username):
        return actor.username
    raise PermissionDenied(f"{actor.username} may not read {person}'s training plan")


def training_plan(engine: sa.Engine, actor: Actor, as_of: date, person: str | None = None) -> pl.DataFrame:
    """The plan lines ``actor`` may read, judged as of ``as_of`` (:data:`PLAN_SCHEMA`).

    A person reads their own; a lead the team's (``person`` narrows it). Late and at-risk lines
    first, then on track, done late, done; within a status by due date, person and module. The
    latest risk note of each line comes with it.
    """
    whose = _whose(actor, person)
    query = (
        sa.select(TrainingPlanLine.__table__, TrainingModule.title, TrainingModule.area, TrainingModule.kind,
                  TrainingModule.expected_hours, User.name.label("person_name"))
        .join(TrainingModule, TrainingModule.id == TrainingPlanLine.module_id)
        .outerjoin(User, User.username == TrainingPlanLine.person)
    )  # fmt: skip
    if whose is not None:
        query = query.where(TrainingPlanLine.person == whose)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        ids = [r.id for r in rows]
        notes = conn.execute(
            sa.select(TrainingRiskNote).where(TrainingRiskNote.plan_line_id.in_(ids))
            .order_by(TrainingRiskNote.created_at, TrainingRiskNote.id)
        ).all() if ids else []  # fmt: skip
    latest = {n.plan_line_id: n for n in notes}
    out = []
    for r in rows:
        line = r
        verdict = assess(
            line.start_on, line.due_on, r.expected_hours, line.hours_done, line.completed_on, as_of
        )
        note = latest.get(line.id)
        out.append((
            line.id, line.person, r.person_name or line.person, line.module_id, r.title, r.area, r.kind,
            line.start_on, line.due_on, r.expected_hours, line.hours_done, verdict.remaining_hours,
            line.completed_on, verdict.projected_finish, verdict.status, line.evidence,
            note.note if note else None, note.author if note else None,
        ))  # fmt: skip
    frame = pl.DataFrame(out, schema=PLAN_SCHEMA, orient="row")
    rank = pl.col("status").map_elements(status_rank, return_dtype=pl.Int64)
    return frame.sort(rank, "due", "person", "module")


def attention(plan: pl.DataFrame) -> pl.DataFrame:
    """The late and at-risk lines of a plan frame."""
    return plan.filter(pl.col("status").is_in(NEEDS_ATTENTION))


def add_risk_note(engine: sa.Engine, actor: Actor, line_id: int, note: str) -> int:
    """``actor`` explains the risk of delay of a line of their own plan (a lead: of anyone's); audited."""
    text = (note or "").strip()
    if not text:
        raise InvalidInput("note", "write what delays the module")
    if len(text) > MAX_NOTE:
        raise InvalidInput("note", f"a note has at most {MAX_NOTE:,} characters")
    with write_transaction(engine, actor) as conn:
        me = actor  # confirmed on this connection by write_transaction
        line = conn.execute(sa.select(TrainingPlanLine).where(TrainingPlanLine.id == line_id)).first()
        if line is None:
            raise NotFound(f"no plan line {line_id}")
        if line.person != me.username and not me.has(*PLAN_ROLES):
            raise PermissionDenied(f"{me.username} may not write notes on {line.person}'s plan")
        note_id = conn.execute(
            sa.insert(TrainingRiskNote)
            .values(plan_line_id=line_id, author=me.username, note=text, created_at=utcnow())
            .returning(TrainingRiskNote.id)
        ).scalar_one()
        record(conn, actor, "add_training_risk_note", "training_plan_line", line_id,
               after={"person": line.person, "note": text})  # fmt: skip
    return int(note_id)


def risk_notes(engine: sa.Engine, actor: Actor, person: str | None = None) -> pl.DataFrame:
    """Every risk note on the plan lines ``actor`` may read (:data:`NOTE_SCHEMA`, newest first)."""
    whose = _whose(actor, person)
    query = sa.select(TrainingRiskNote).join(
        TrainingPlanLine, TrainingPlanLine.id == TrainingRiskNote.plan_line_id
    )
    if whose is not None:
        query = query.where(TrainingPlanLine.person == whose)
    with engine.connect() as conn:
        rows = conn.execute(
            query.order_by(TrainingRiskNote.created_at.desc(), TrainingRiskNote.id.desc())
        ).all()
    return pl.DataFrame([(n.id, n.plan_line_id, n.author, n.note, n.created_at) for n in rows],
                        schema=NOTE_SCHEMA, orient="row")  # fmt: skip


@dataclass(frozen=True)
class PlanImport:
    """What a plan import did: lines added and changed, modules created, or why nothing was stored."""

    added: int = 0
    changed: int = 0
    modules_created: tuple[str, ...] = ()
    problems: tuple[PlanProblem, ...] = field(default_factory=tuple)


def import_plan_file(  # noqa: PLR0917 - file and mapping, each with its name
    engine: sa.Engine,
    actor: Actor,
    filename: str,
    data: bytes,
    mapping: str | bytes | None = None,
    mapping_name: str = "mapping",
) -> PlanImport:
    """Store the plan spreadsheet (:mod:`ar_core.knowledge.training_file`); leads only, audited.

    A module the file names (title, without case) that does not exist is created with the file's
    expected hours (area ``general``, kind ``course`` until the lead edits it); an existing module
    keeps its own expected hours. A person who is not an active user is a problem naming the row.
    A row for a person and module already planned replaces that line. Any problem: nothing stored.
    """
    actor.require(*PLAN_ROLES, doing="import training plans")
    columns, problems = read_mapping(mapping_name, mapping)
    if problems:
        return PlanImport(problems=tuple(problems))
    rows, problems = parse_plan_file(filename, data, None if mapping is None else columns)
    if problems:
        return PlanImport(problems=tuple(problems))
    if not rows:
        return PlanImport(problems=(PlanProblem(filename, None, None, "no plan rows below the header"),))
    header = {f: columns.get(f, f) for f in ("person", "expected_hours")}
    with write_transaction(engine, actor) as conn:
        users = set(conn.execute(sa.select(User.username).where(User.active.is_(True))).scalars())
        modules = {t.lower(): i for i, t in conn.execute(sa.select(TrainingModule.id, TrainingModule.title))}
        new: dict[str, tuple[str, Decimal]] = {}
        for row in rows:
            if row.person not in users:
                problems.append(
                    PlanProblem(filename, row.row, header["person"], f"{row.person!r} is not a user")
                )
            if row.module.lower() not in modules and row.module.lower() not in new:
                if row.expected_hours is None:
                    message = f"module {row.module!r} does not exist yet: give its expected hours"
                    problems.append(PlanProblem(filename, row.row, header["expected_hours"], message))
                else:
                    new[row.module.lower()] = (row.module, row.expected_hours)
        if problems:
            return PlanImport(problems=tuple(problems))
        for key, (title, hours) in new.items():
            values = {"title": title, "area": IMPORTED_AREA, "kind": IMPORTED_KIND, "expected_hours": hours}
            modules[key] = conn.execute(
                sa.insert(TrainingModule)
                .values(**values, created_by=actor.username, created_at=utcnow())
                .returning(TrainingModule.id)
            ).scalar_one()
            record(conn, actor, "create_training_module", "training_module", modules[key],
                   after={**values, "source_file": filename})  # fmt: skip
        added = changed = 0
        for row in rows:
            values = {"start_on": row.start, "due_on": row.due, "hours_done": row.hours_done,
                      "completed_on": row.completed_on}  # fmt: skip
            _id, was_new = _upsert_line(conn, actor, row.person, modules[row.module.lower()], values)
            added, changed = added + was_new, changed + (not was_new)
    return PlanImport(added, changed, tuple(t for t, _h in new.values()))
