"""The skills of the job and how a level is written: the default skill list, the process areas each
hard skill covers, and the rule by which a person's level stands today.

Skills (hard and soft) have four levels: 0 none, 1 trained, 2 independent, 3 can coach.
Languages have the CEFR levels A1–C2, kept as 1–6 (0: none). A person's level of a skill is the
latest level given to them (an import or a lead's assessment), raised by every training module
completed since that grants more (a module never lowers a level; a later assessment may).

Pure: values and frames in, values and frames out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

import polars as pl

from ar_core.errors import FileProblem, InvalidInput

#: Hard and soft skill levels.
SKILL_LEVELS: dict[int, str] = {0: "none", 1: "trained", 2: "independent", 3: "can coach"}
#: CEFR levels of a language, stored as 1..6 (0: none).
CEFR: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
KINDS = ("hard", "soft", "language")

#: The process areas of the team (the SOP register uses the same names).
PROCESS_AREAS: tuple[str, ...] = (
    "collections", "disputes", "cash allocation", "reconciliation", "dunning", "payment plans",
    "legal/write-off", "reporting", "master data",
)  # fmt: skip

#: Correspondence language code -> the language skill's key.
LANGUAGE_SKILLS: dict[str, str] = {"de": "german", "nl": "dutch", "en": "english", "fr": "french"}
LANGUAGE_NAMES: dict[str, str] = {"de": "German", "nl": "Dutch", "en": "English", "fr": "French"}


@dataclass(frozen=True)
class Skill:
    """One skill of the list: its key, the name people read, hard/soft/language, the areas it covers."""

    key: str
    name: str
    kind: str
    areas: tuple[str, ...] = field(default=())

    @property
    def max_level(self) -> int:
        return len(CEFR) if self.kind == "language" else max(SKILL_LEVELS)


#: The shipped skill list (the lead may edit it; the edits are stored over it).
DEFAULT_SKILLS: tuple[Skill, ...] = (
    Skill("cash_collection", "Cash collection", "hard", ("collections", "legal/write-off")),
    Skill("dispute_resolution", "Dispute resolution", "hard", ("disputes",)),
    Skill("account_reconciliation", "Account reconciliation", "hard", ("reconciliation",)),
    Skill("credit_balance_allocation", "Credit-balance allocation", "hard", ("cash allocation",)),
    Skill("dunning_cycle_management", "Dunning cycle management", "hard", ("dunning", "legal/write-off")),
    Skill("payment_plan_coordination", "Payment-plan coordination", "hard", ("payment plans",)),
    Skill("reporting_metrics", "Reporting and metrics analysis", "hard", ("reporting",)),
    Skill("financial_analysis", "Financial analysis", "hard", ("legal/write-off", "reporting")),
    # writing SOPs is part of every area's work, it covers none on its own
    Skill("sop_writing", "SOP writing", "hard", ()),
    Skill("erp_sap_fi_ar", "ERP/SAP FI-AR", "hard", ("master data", "cash allocation", "reconciliation")),
    Skill("customer_communication", "Customer communication", "soft"),
    Skill("negotiation", "Negotiation", "soft"),
    Skill("written_communication", "Written communication", "soft"),
    Skill("coaching", "Coaching", "soft"),
    Skill("working_under_pressure", "Working under pressure", "soft"),
    Skill("german", "German", "language"),
    Skill("dutch", "Dutch", "language"),
    Skill("english", "English", "language"),
    Skill("french", "French", "language"),
)

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def check_skill(key: str, name: str, kind: str, areas: Iterable[str]) -> Skill:
    """A skill as the lead may define it, or ``InvalidInput`` naming the field."""
    key, name = (key or "").strip(), (name or "").strip()
    if not _KEY_RE.match(key):
        raise InvalidInput(
            "key", "a skill key is 2–40 lower-case letters, digits or _ (e.g. cash_collection)"
        )
    if not name or len(name) > 80:
        raise InvalidInput("name", "a skill needs a name of at most 80 characters")
    if kind not in KINDS:
        raise InvalidInput("kind", f"a skill is one of {', '.join(KINDS)}, not {kind!r}")
    areas = tuple(dict.fromkeys(a.strip() for a in areas if a and a.strip()))
    unknown = [a for a in areas if a not in PROCESS_AREAS]
    if unknown:
        raise InvalidInput("areas", f"{unknown[0]!r} is not a process area ({', '.join(PROCESS_AREAS)})")
    if areas and kind != "hard":
        raise InvalidInput("areas", "only a hard skill covers process areas")
    return Skill(key, name, kind, areas)


def level_label(skill: Skill, level: int) -> str:
    """``2`` -> ``independent``; for a language ``5`` -> ``C1`` (``none`` for 0)."""
    if level <= 0:
        return "none"
    return CEFR[level - 1] if skill.kind == "language" else SKILL_LEVELS.get(level, str(level))


def level_choices(skill: Skill) -> dict[int, str]:
    """Every level of ``skill`` with its label, lowest first."""
    return {n: level_label(skill, n) for n in range(skill.max_level + 1)}


def parse_level(skill: Skill, value: object) -> int:
    """A level as written in a file or form (``2``, ``independent``; ``C1`` for a language)."""
    if isinstance(value, bool):
        raise InvalidInput("level", f"{value!r} is not a level")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    if skill.kind == "language":
        upper = text.upper()
        if upper in CEFR:
            return CEFR.index(upper) + 1
        if upper in ("0", "NONE", "-"):
            return 0
        raise InvalidInput("level", f"{text!r} is not a CEFR level of {skill.name} (A1–C2, or none)")
    lowered = text.lower()
    for number, label in SKILL_LEVELS.items():
        if lowered in (str(number), label):
            return number
    raise InvalidInput("level", f"{text!r} is not a level of {skill.name} (0 none, 1 trained, 2 independent, "
                                "3 can coach)")  # fmt: skip


def find_skill(skills: Iterable[Skill], text: object) -> Skill | None:
    """The skill named by its key or its name (any case), or ``None``."""
    wanted = str(text or "").strip().lower()
    for skill in skills:
        if wanted in (skill.key, skill.name.lower()):
            return skill
    return None


# --- the level rule --------------------------------------------------------------------------

#: Levels given (imports, assessments): person, skill, level, source, note, set_by, set_at.
GIVEN_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.String(), "skill": pl.String(), "level": pl.Int64(), "source": pl.String(),
    "note": pl.String(), "set_by": pl.String(), "set_at": pl.Datetime("us", "UTC"),
}  # fmt: skip
#: Training modules: id, title, the skill keys it builds (comma separated) and the level it grants.
MODULE_SCHEMA: dict[str, pl.DataType] = {
    "module_id": pl.Int64(), "title": pl.String(), "skills": pl.String(), "grants_level": pl.Int64(),
}  # fmt: skip
#: Completed plan lines: who completed which module on which day.
COMPLETION_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.String(), "module_id": pl.Int64(), "completed_on": pl.Date(),
}  # fmt: skip
#: A person's skill history: every event, oldest first, with the level it left.
HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.String(), "skill": pl.String(), "on": pl.Date(), "source": pl.String(),
    "given": pl.Int64(), "level": pl.Int64(), "note": pl.String(), "by": pl.String(),
}  # fmt: skip
#: The level each person holds per skill today.
LEVEL_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.String(), "skill": pl.String(), "level": pl.Int64(), "since": pl.Date(),
    "source": pl.String(),
}  # fmt: skip


def module_skills(text: str | None) -> list[str]:
    """The skill keys of a module's comma-separated ``skills``."""
    return [s.strip() for s in (text or "").split(",") if s.strip()]


def training_grants(modules: pl.DataFrame, completions: pl.DataFrame) -> pl.DataFrame:
    """One row per completed module and skill it builds: person, skill, level granted, day, module."""
    titles = {r["module_id"]: r for r in modules.iter_rows(named=True)}
    rows = []
    for line in completions.iter_rows(named=True):
        module = titles.get(line["module_id"])
        if module is None or line["completed_on"] is None or not module["grants_level"]:
            continue
        rows += [
            (line["person"], skill, int(module["grants_level"]), line["completed_on"], module["title"])
            for skill in module_skills(module["skills"])
        ]
    schema = {"person": pl.String(), "skill": pl.String(), "level": pl.Int64(), "completed_on": pl.Date(),
              "module": pl.String()}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def skill_history(given: pl.DataFrame, grants: pl.DataFrame) -> pl.DataFrame:
    """Every level event per person and skill in order, with the level it left (:data:`HISTORY_SCHEMA`).

    A given level (import, assessment) sets the level; a completed module raises it to the level
    it grants, never lowers it. Events of one day: the module first, then what was given that day
    in the order given (an assessment on the day a course ends judges the course's result).
    """
    events: list[tuple] = []
    for r in given.iter_rows(named=True):
        stamp: datetime = r["set_at"]
        events.append((r["person"], r["skill"], stamp.date(), 1, stamp, r["source"], r["level"], r["note"],
                       r["set_by"]))  # fmt: skip
    for r in grants.iter_rows(named=True):
        events.append((r["person"], r["skill"], r["completed_on"], 0, None, "training", r["level"],
                       r["module"], None))  # fmt: skip
    events.sort(key=lambda e: (e[0], e[1], e[2], e[3], e[4].isoformat() if e[4] else ""))
    out, held = [], {}
    for person, skill, on, order, _stamp, source, level, note, by in events:
        key = (person, skill)
        held[key] = max(held.get(key, 0), level) if order == 0 else level
        out.append((person, skill, on, source, level, held[key], note, by))
    return pl.DataFrame(out, schema=HISTORY_SCHEMA, orient="row")


def current_levels(history: pl.DataFrame) -> pl.DataFrame:
    """The level each person holds per skill after the last event (:data:`LEVEL_SCHEMA`).

    ``since`` is the day the level was reached (the event that changed it, not a later one that
    left it as it was).
    """
    rows, state = [], {}
    for r in history.iter_rows(named=True):
        key = (r["person"], r["skill"])
        if key not in state or state[key][0] != r["level"]:
            state[key] = (r["level"], r["on"], r["source"])
    rows = [(p, s, lvl, on, src) for (p, s), (lvl, on, src) in sorted(state.items())]
    return pl.DataFrame(rows, schema=LEVEL_SCHEMA, orient="row")


# --- the import file -------------------------------------------------------------------------

MAX_LEVELS_BYTES = 5_000_000
LEVEL_HEADERS: dict[str, tuple[str, ...]] = {
    "person": ("person", "user", "username", "collector", "employee", "mitarbeiter", "name"),
    "skill": ("skill", "competence", "kompetenz", "fähigkeit"),
    "level": ("level", "stufe", "niveau", "cefr"),
}


@dataclass(frozen=True)
class LevelRow:
    """One good row of a levels file."""

    person: str
    skill: str
    level: int
    row: int


def _norm(header: object) -> str:
    return re.sub(r"[\s._\-/()]", "", str(header or "").strip().lower())


def _file_lines(data: bytes) -> list[tuple[int, list[object]]]:
    if data[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            return [(n, list(cells)) for n, cells in enumerate(rows, start=1)]
        finally:
            book.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, [c.strip() for c in cells]) for cells in reader]


def _header(filename: str, row: int, cells: list[object]) -> tuple[dict[str, int], list[FileProblem]]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        for name, spellings in LEVEL_HEADERS.items():
            if _norm(cell) in spellings and name not in found:
                found[name] = index
    missing = [name for name in LEVEL_HEADERS if name not in found]
    if missing:
        message = f"no column for {', '.join(missing)} in the header (person, skill, level)"
        return found, [FileProblem(filename, row, None, message)]
    return found, []


def _level_row(
    cell: Mapping[str, object], skills: list[Skill], people: Mapping[str, str]
) -> tuple[LevelRow | None, list[tuple[str, str]]]:
    """One data row (``row`` 0), or the ``(field, message)`` problems of its cells."""
    wrong: list[tuple[str, str]] = []
    name = str(cell["person"] or "").strip()
    person = people.get(name) or people.get(name.lower())
    if person is None:
        wrong.append(("person", f"{cell['person']!r} is not a user of AR Desk"))
    skill = find_skill(skills, cell["skill"])
    if skill is None:
        return None, [*wrong, ("skill", f"{cell['skill']!r} is not a skill of the list")]
    try:
        level = parse_level(skill, cell["level"])
    except InvalidInput as exc:
        return None, [*wrong, ("level", exc.message)]
    return (None, wrong) if person is None else (LevelRow(person, skill.key, level, 0), [])


def parse_levels_file(
    filename: str, data: bytes, skills: Iterable[Skill], people: Mapping[str, str]
) -> tuple[list[LevelRow], list[FileProblem]]:
    """The rows of a person/skill/level file (CSV or XLSX) and its problems (none: every row is good).

    ``people``: user name (and, lower case, the full name) -> user name of every known person. A
    person and skill named twice is a problem (which level is right?).
    """
    skills = list(skills)
    if len(data) > MAX_LEVELS_BYTES:
        return [], [FileProblem(filename, None, None, f"file too large ({len(data):,} bytes)")]
    try:
        lines = _file_lines(data)
    except Exception as exc:  # a damaged workbook: openpyxl raises many kinds
        return [], [FileProblem(filename, None, None, f"cannot read the file as XLSX: {exc}")]
    lines = [(n, cells) for n, cells in lines if any(str(c or "").strip() for c in cells)]
    if not lines:
        return [], [FileProblem(filename, None, None, "the file is empty")]
    found, problems = _header(filename, *lines[0])
    if problems:
        return [], problems
    label = {name: str(lines[0][1][i]).strip() for name, i in found.items()}
    rows: list[LevelRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in lines[1:]:
        cell = {name: cells[i] if i < len(cells) else None for name, i in found.items()}
        row, wrong = _level_row(cell, skills, people)
        problems += [FileProblem(filename, number, label[f], message) for f, message in wrong]
        if row is None:
            continue
        if (row.person, row.skill) in seen:
            message = f"{row.person} and {cell['skill']} are already on row {seen[row.person, row.skill]}"
            problems.append(FileProblem(filename, number, label["skill"], message))
            continue
        seen[row.person, row.skill] = number
        rows.append(replace(row, row=number))
    return rows, problems
