"""Skills profiles: the skill list as the lead edited it, each person's level per skill with its
history, and the team's cross-training coverage.

A level is given by a file import or by a lead's assessment (audited, an assessment with a
note); a training module completed in a person's plan raises the level of each skill it builds to
the level it grants (read from the training plan, so the rise shows the day the module is marked
complete; ``skills.skill_history`` states the rule). Levels of languages are CEFR levels and rise
by assessment only (a module grants 0–3). A person reads their own profile; leads, admins and
controllers read everyone's and the coverage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, parse_roles, record
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.knowledge.coverage import (
    DEFAULT_REQUIRED,
    CoverageRow,
    area_coverage,
    area_matrix,
    language_coverage,
)
from ar_core.knowledge.skills import (
    COMPLETION_SCHEMA,
    DEFAULT_SKILLS,
    GIVEN_SCHEMA,
    MODULE_SCHEMA,
    FileProblem,
    Skill,
    check_skill,
    current_levels,
    level_label,
    parse_level,
    parse_levels_file,
    skill_history,
    training_grants,
)
from ar_core.ledger import all_customers
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    SkillDefinition,
    SkillLevel,
    TrainingModule,
    TrainingPlanLine,
    User,
    utcnow,
)

#: Who edits the skill list, assesses and imports levels, and sets the coverage requirement.
SKILL_ROLES = ("lead", "admin")
#: Who reads everyone's profile and the team's coverage.
PROFILE_READERS = ("lead", "admin", "controller")
REQUIRED_SETTING = "coverage_required"
MAX_REQUIRED = 20
MAX_NOTE_CHARS = 2_000


# --- the skill list ----------------------------------------------------------------------------


def skill_list(engine: sa.Engine, *, retired: bool = False) -> list[Skill]:
    """The skills in force: the shipped list with the lead's edits over it, new skills after it.

    ``retired``: also the skills the lead retired (their history stays readable).
    """
    with engine.connect() as conn:
        stored = {r.key: r for r in conn.execute(sa.select(SkillDefinition)).all()}
    skills: list[Skill] = []
    for default in DEFAULT_SKILLS:
        row = stored.pop(default.key, None)
        if row is None:
            skills.append(default)
        elif row.active or retired:
            skills.append(_skill(row))
    skills += [
        _skill(r) for r in sorted(stored.values(), key=lambda r: (r.position, r.key)) if r.active or retired
    ]
    return skills


def _skill(row) -> Skill:
    return Skill(row.key, row.name, row.kind, tuple(a for a in row.areas.split(",") if a))


def save_skill(  # noqa: PLR0917 - a skill's fields
    engine: sa.Engine, actor: Actor, key: str, name: str, kind: str, areas: Iterable[str] = ()
) -> Skill:
    """Add a skill or change one (its name, kind, process areas); leads and admins, audited."""
    actor.require(*SKILL_ROLES, doing="edit the skill list")
    skill = check_skill(key, name, kind, areas)
    before = next((s for s in skill_list(engine, retired=True) if s.key == skill.key), None)
    if before is not None and before.kind != skill.kind and _has_levels(engine, skill.key):
        raise InvalidInput("kind", f"{before.name} already has levels: its kind stays {before.kind}")
    _store(engine, actor, skill, active=True, before=before)
    return skill


def retire_skill(engine: sa.Engine, actor: Actor, key: str) -> None:
    """Take a skill off the list (its history stays); leads and admins, audited."""
    actor.require(*SKILL_ROLES, doing="edit the skill list")
    skill = next((s for s in skill_list(engine) if s.key == key), None)
    if skill is None:
        raise NotFound(f"no skill {key!r} on the list")
    _store(engine, actor, skill, active=False, before=skill)


def _has_levels(engine: sa.Engine, key: str) -> bool:
    with engine.connect() as conn:
        return (
            conn.execute(sa.select(SkillLevel.id).where(SkillLevel.skill == key).limit(1)).first() is not None
        )


def _view(skill: Skill | None, active: bool = True) -> dict | None:
    if skill is None:
        return None
    return {
        "key": skill.key,
        "name": skill.name,
        "kind": skill.kind,
        "areas": list(skill.areas),
        "active": active,
    }


def _store(engine: sa.Engine, actor: Actor, skill: Skill, *, active: bool, before: Skill | None) -> None:
    values = {
        "name": skill.name,
        "kind": skill.kind,
        "areas": ",".join(skill.areas),
        "active": active,
        "updated_by": actor.username,
        "updated_at": utcnow(),
    }
    with write_transaction(engine, actor) as conn:
        exists = conn.execute(sa.select(SkillDefinition.key).where(SkillDefinition.key == skill.key)).first()
        if exists:
            conn.execute(sa.update(SkillDefinition).where(SkillDefinition.key == skill.key).values(**values))
        else:
            position = conn.execute(
                sa.select(sa.func.coalesce(sa.func.max(SkillDefinition.position), 0))
            ).scalar()
            conn.execute(
                sa.insert(SkillDefinition).values(key=skill.key, position=int(position) + 1, **values)
            )
        action = "save_skill" if active else "retire_skill"
        record(conn, actor, action, "skill", skill.key, before=_view(before), after=_view(skill, active))


# --- people and levels -------------------------------------------------------------------------


def team(engine: sa.Engine) -> dict[str, str]:
    """Active users who are collectors: user name -> name (the people coverage counts)."""
    return {u: n for u, (n, roles) in _users(engine).items() if "collector" in roles}


def _users(engine: sa.Engine) -> dict[str, tuple[str, list[str]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(User.username, User.name, User.roles).where(User.active.is_(True))
        ).all()
    return {r.username: (r.name, parse_roles(r.roles or "")) for r in rows}


def _reader(actor: Actor, person: str | None) -> str | None:
    if actor.has(*PROFILE_READERS):
        return person
    if person in (None, actor.username):
        return actor.username
    raise PermissionDenied(f"{actor.username} may not read {person}'s skills profile")


def _given(engine: sa.Engine, person: str | None) -> pl.DataFrame:
    query = sa.select(SkillLevel).order_by(SkillLevel.id)
    if person is not None:
        query = query.where(SkillLevel.person == person)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [(r.person, r.skill, r.level, r.source, r.note, r.set_by, r.set_at) for r in rows]
    return pl.DataFrame(records, schema=GIVEN_SCHEMA, orient="row")


def training_frames(engine: sa.Engine, person: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The training modules (:data:`MODULE_SCHEMA`) and the plan lines (:data:`COMPLETION_SCHEMA`)."""
    lines = sa.select(TrainingPlanLine.person, TrainingPlanLine.module_id, TrainingPlanLine.completed_on)
    if person is not None:
        lines = lines.where(TrainingPlanLine.person == person)
    with engine.connect() as conn:
        modules = conn.execute(
            sa.select(
                TrainingModule.id, TrainingModule.title, TrainingModule.skills, TrainingModule.grants_level
            )
        ).all()
        plan = conn.execute(lines).all()
    return (
        pl.DataFrame([tuple(m) for m in modules], schema=MODULE_SCHEMA, orient="row"),
        pl.DataFrame([tuple(p) for p in plan], schema=COMPLETION_SCHEMA, orient="row"),
    )


def _history(engine: sa.Engine, person: str | None, skills: list[Skill]) -> pl.DataFrame:
    modules, plan = training_frames(engine, person)
    languages = [s.key for s in skills if s.kind == "language"]
    grants = training_grants(modules, plan).filter(~pl.col("skill").is_in(languages))
    return skill_history(_given(engine, person), grants)


def _labelled(frame: pl.DataFrame, skills: list[Skill]) -> pl.DataFrame:
    by_key = {s.key: s for s in skills}
    frame = frame.filter(pl.col("skill").is_in(list(by_key)))
    return frame.with_columns(
        pl.col("skill")
        .replace_strict({k: s.name for k, s in by_key.items()}, return_dtype=pl.String)
        .alias("name"),
        pl.col("skill")
        .replace_strict({k: s.kind for k, s in by_key.items()}, return_dtype=pl.String)
        .alias("kind"),
        pl.struct("skill", "level")
        .map_elements(lambda r: level_label(by_key[r["skill"]], r["level"]), return_dtype=pl.String)
        .alias("label"),
    )


def skill_levels(engine: sa.Engine, actor: Actor, person: str | None = None) -> pl.DataFrame:
    """The level each person holds per skill of the list (``skills.LEVEL_SCHEMA`` + name, kind, label).

    A collector reads their own; leads, admins and controllers everyone's (or ``person``'s).
    """
    person = _reader(actor, person)
    skills = skill_list(engine)
    return _labelled(current_levels(_history(engine, person, skills)), skills)


def level_history(engine: sa.Engine, actor: Actor, person: str | None = None) -> pl.DataFrame:
    """Every level event (``skills.HISTORY_SCHEMA`` + name, kind, label), newest first."""
    person = _reader(actor, person)
    skills = skill_list(engine, retired=True)
    history = _history(engine, person, skills).with_row_index("_n")
    return _labelled(history, skills).sort("_n", descending=True).drop("_n")


def _person(conn: sa.Connection, person: str) -> None:
    if conn.execute(sa.select(User.id).where(User.username == person, User.active.is_(True))).first() is None:
        raise NotFound(f"no active user {person!r}")


def assess_skill(  # noqa: PLR0917 - an assessment's fields
    engine: sa.Engine, actor: Actor, person: str, skill: str, level: int | str, note: str
) -> None:
    """A lead's assessment: ``person`` holds ``level`` of ``skill`` from now on (audited, a note required)."""
    actor.require(*SKILL_ROLES, doing="assess skills")
    found = next((s for s in skill_list(engine) if s.key == skill), None)
    if found is None:
        raise InvalidInput("skill", f"{skill!r} is not a skill of the list")
    number = parse_level(found, level)
    note = (note or "").strip()
    if not note:
        raise InvalidInput("note", "an assessment says why: write a note")
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"a note has at most {MAX_NOTE_CHARS} characters")
    with write_transaction(engine, actor) as conn:
        _person(conn, person)
        new_id = conn.execute(
            sa.insert(SkillLevel)
            .values(
                person=person,
                skill=found.key,
                level=number,
                source="assessment",
                note=note,
                set_by=actor.username,
                set_at=utcnow(),
            )
            .returning(SkillLevel.id)
        ).scalar_one()
        after = {"person": person, "skill": found.key, "level": level_label(found, number), "note": note}
        record(conn, actor, "assess_skill", "skill_level", new_id, after=after)


@dataclass(frozen=True)
class LevelImport:
    """What a levels file did: rows stored (none when it had problems) and its problems."""

    stored: int
    problems: list[FileProblem]


def import_skill_levels(engine: sa.Engine, actor: Actor, filename: str, data: bytes) -> LevelImport:
    """Store the levels of a person/skill/level file (CSV/XLSX); a file with any problem stores nothing.

    Leads and admins; one audit entry for the file.
    """
    actor.require(*SKILL_ROLES, doing="import skill levels")
    users = _users(engine)
    people = {u: u for u in users} | {n.strip().lower(): u for u, (n, _roles) in users.items() if n}
    rows, problems = parse_levels_file(filename, data, skill_list(engine), people)
    if problems:
        return LevelImport(0, problems)
    if not rows:
        return LevelImport(0, [FileProblem(filename, None, None, "no levels in the file")])
    now = utcnow()
    with write_transaction(engine, actor) as conn:
        conn.execute(
            sa.insert(SkillLevel),
            [
                {
                    "person": r.person,
                    "skill": r.skill,
                    "level": r.level,
                    "source": "import",
                    "note": filename,
                    "set_by": actor.username,
                    "set_at": now,
                }
                for r in rows
            ],
        )
        record(conn, actor, "import_skill_levels", "skill_levels", filename, after={"rows": len(rows)})
    return LevelImport(len(rows), [])


# --- coverage ----------------------------------------------------------------------------------


def coverage_required(engine: sa.Engine) -> int:
    """How many people each process area needs at level 2 or above (setting, default 2)."""
    from ar_core.settings import get_setting

    return int(get_setting(engine, REQUIRED_SETTING, DEFAULT_REQUIRED))


def set_coverage_required(engine: sa.Engine, actor: Actor, n: int) -> None:
    """Change how many people a process area needs (leads and admins; audited as a setting)."""
    from ar_core.settings import set_setting

    actor.require(*SKILL_ROLES, doing="change the coverage requirement")
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_REQUIRED:
        raise InvalidInput("required", f"a process area needs 1 to {MAX_REQUIRED} people")
    set_setting(engine, actor, REQUIRED_SETTING, n, default=DEFAULT_REQUIRED)


@dataclass(frozen=True)
class Coverage:
    """The team's coverage: the matrix (area, person, level), the rows per area and language, names."""

    matrix: pl.DataFrame
    areas: list[CoverageRow]
    languages: list[CoverageRow]
    names: dict[str, str]


def customer_languages(engine: sa.Engine) -> pl.DataFrame:
    """Every customer's ``customer_id``, ``collector``, ``language`` and ``country`` (services only).

    From the customer master read once per change of it and shared (``ledger.all_customers``):
    the huddle's coverage asks on every run, and reading 50,000 customers again was most of it.
    """
    return all_customers(engine).select("customer_id", "collector", "language", "country")


def team_coverage(engine: sa.Engine, actor: Actor) -> Coverage:
    """Process area × collector, the gaps with who is closest, and language coverage (leads, admins,
    controllers)."""
    actor.require(*PROFILE_READERS, doing="read the team's coverage")
    names = team(engine)
    people = sorted(names)
    skills = skill_list(engine)
    levels = current_levels(_history(engine, None, skills))
    modules, plan = training_frames(engine)
    matrix = area_matrix(levels, skills, people)
    areas = area_coverage(matrix, skills, coverage_required(engine), modules, plan)
    languages = language_coverage(levels, people, customer_languages(engine), modules, plan)
    return Coverage(matrix, areas, languages, names)
