"""Cross-training coverage: who can do the work of each process area, and who speaks each
correspondence language of the customers — and where one absence would leave a gap.

Rules, applied as written:

- A person's level in a process area is their highest level among the hard skills that cover the
  area (``Skill.areas``; 0 when they have none of them).
- A process area needs at least ``required`` people (the setting, default 2) at level 2
  (independent) or above; the gap is ``required`` minus how many there are (never below 0).
- The people closest to closing a gap: those below level 2, highest level first (then those a
  training module would bring there, then those with such a module in their plan already, then by
  name); one per missing person. The modules that would do it build a skill of the area, grant
  level 2 or more and are not completed by that person yet (those in their plan first).
- A correspondence language of the customers (their language if German, Dutch, English or French,
  else by country: DE/AT/CH German, NL/BE Dutch, FR/LU French, others English) needs at least two
  collectors at C1 or above; closest are the collectors below C1 who speak it at all (or whom a
  module would bring there), best first.
  Its portfolio share is its customers' share of all customers (percent, one decimal).

Pure: frames and values in, rows out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

from ar_core.knowledge.skills import (
    CEFR,
    LANGUAGE_NAMES,
    LANGUAGE_SKILLS,
    MODULE_SCHEMA,
    PROCESS_AREAS,
    Skill,
    module_skills,
)

#: Default number of people a process area needs at level 2 or above (the setting's default).
DEFAULT_REQUIRED = 2
#: "Independent": the level a person needs to count for a process area.
AREA_MIN_LEVEL = 2
#: Collectors a language needs at C1 or above.
LANGUAGE_REQUIRED = 2
#: C1 as stored (A1 = 1 … C2 = 6).
LANGUAGE_MIN_LEVEL = CEFR.index("C1") + 1

MATRIX_SCHEMA: dict[str, pl.DataType] = {"area": pl.String(), "person": pl.String(), "level": pl.Int64()}


@dataclass(frozen=True)
class CoverageRow:
    """One process area or language: who counts, how many are needed, the gap and who is closest.

    ``people_at_level``: user names at the level that counts (sorted); ``closest``: user names,
    closest first, one per missing person; ``modules``: for each of them the titles of the modules
    that would bring them there. ``share``/``customers``: a language's portfolio share (percent) and
    its number of customers (``None`` for a process area).
    """

    area: str
    kind: str
    people_at_level: tuple[str, ...]
    required: int
    gap: int
    closest: tuple[str, ...]
    modules: dict[str, tuple[str, ...]] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    share: float | None = None
    customers: int | None = None

    def as_json(self) -> dict:
        """The ``coverage --json`` object: exactly area, people_at_level, required, gap, closest."""
        return {"area": self.area, "people_at_level": list(self.people_at_level), "required": self.required,
                "gap": self.gap, "closest": list(self.closest)}  # fmt: skip


def correspondence_language(language: str | None, country: str | None) -> str:
    """The language letters to a customer are written in (the letters' rule): de, nl, en or fr."""
    code = (language or "").strip().lower()[:2]
    if code in LANGUAGE_SKILLS:
        return code
    country = (country or "").strip().upper()
    if country in ("DE", "AT", "CH"):
        return "de"
    if country in ("NL", "BE"):
        return "nl"
    if country in ("FR", "LU"):
        return "fr"
    return "en"


def _level_map(levels: pl.DataFrame) -> dict[tuple[str, str], int]:
    return {(r["person"], r["skill"]): int(r["level"]) for r in levels.iter_rows(named=True)}


def area_matrix(levels: pl.DataFrame, skills: Iterable[Skill], people: Sequence[str]) -> pl.DataFrame:
    """Process area × person: the highest level among the area's hard skills (:data:`MATRIX_SCHEMA`)."""
    held = _level_map(levels)
    hard = [s for s in skills if s.kind == "hard"]
    rows = []
    for area in PROCESS_AREAS:
        keys = [s.key for s in hard if area in s.areas]
        for person in people:
            rows.append((area, person, max((held.get((person, k), 0) for k in keys), default=0)))
    return pl.DataFrame(rows, schema=MATRIX_SCHEMA, orient="row")


def _modules_for(
    person: str, keys: set[str], min_level: int, modules: pl.DataFrame, plan: dict[tuple[str, int], bool]
) -> tuple[tuple[str, ...], bool]:
    """The titles of the modules that would bring ``person`` to ``min_level`` (those in their plan
    first), and whether one of them is in their plan already."""
    found = [
        ((person, m["module_id"]) not in plan, m["title"])
        for m in modules.iter_rows(named=True)
        if (m["grants_level"] or 0) >= min_level
        and keys & set(module_skills(m["skills"]))
        and not plan.get((person, m["module_id"]))
    ]
    found.sort()
    return tuple(title for _, title in found), any(not outside for outside, _ in found)


def _row(  # noqa: PLR0917 - one area's inputs
    area: str,
    kind: str,
    levels: dict[str, int],
    required: int,
    min_level: int,
    candidates: dict[str, tuple[tuple[str, ...], bool]],
    **extra: object,
) -> CoverageRow:
    counted = tuple(sorted(p for p, lvl in levels.items() if lvl >= min_level))
    gap = max(0, required - len(counted))
    titles = {p: candidates.get(p, ((), False))[0] for p in levels}
    planned = {p: candidates.get(p, ((), False))[1] for p in levels}
    below = [p for p, lvl in levels.items() if lvl < min_level and (lvl > 0 or titles[p])]
    below.sort(key=lambda p: (-levels[p], not titles[p], not planned[p], p))
    closest = tuple(below[:gap])
    modules = {p: titles[p] for p in closest}
    return CoverageRow(area, kind, counted, required, gap, closest, modules, dict(levels), **extra)  # type: ignore[arg-type]


def _plan(completions: pl.DataFrame | None) -> dict[tuple[str, int], bool]:
    """``(person, module_id)`` of every plan line -> whether it is completed."""
    if completions is None:
        return {}
    return {
        (r["person"], r["module_id"]): r["completed_on"] is not None
        for r in completions.iter_rows(named=True)
    }


def area_coverage(
    matrix: pl.DataFrame,
    skills: Iterable[Skill],
    required: int = DEFAULT_REQUIRED,
    modules: pl.DataFrame | None = None,
    completions: pl.DataFrame | None = None,
) -> list[CoverageRow]:
    """Per process area (in :data:`PROCESS_AREAS` order) who counts, the gap and who is closest."""
    modules = modules if modules is not None else pl.DataFrame(schema=MODULE_SCHEMA)
    plan = _plan(completions)
    hard = [s for s in skills if s.kind == "hard"]
    rows = []
    for area in PROCESS_AREAS:
        keys = {s.key for s in hard if area in s.areas}
        levels = {
            r["person"]: int(r["level"]) for r in matrix.filter(pl.col("area") == area).iter_rows(named=True)
        }
        candidates = {p: _modules_for(p, keys, AREA_MIN_LEVEL, modules, plan) for p in levels}
        rows.append(_row(area, "process area", levels, required, AREA_MIN_LEVEL, candidates))
    return rows


def language_shares(customers: pl.DataFrame) -> list[tuple[str, int, float]]:
    """``(language code, customers, share %)`` of the customers' correspondence languages, largest first.

    ``customers``: columns ``language`` and ``country`` (one row per customer).
    """
    total = customers.height
    if not total:
        return []
    counts: dict[str, int] = {}
    # the rule per distinct (language, country) pair, a few dozen however many customers
    for language, country, n in customers.group_by("language", "country").len().iter_rows():
        code = correspondence_language(language, country)
        counts[code] = counts.get(code, 0) + n
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(code, n, round(100 * n / total, 1)) for code, n in ordered]


def language_coverage(  # noqa: PLR0917 - the levels, the collectors, the customers and the modules
    levels: pl.DataFrame,
    collectors: Sequence[str],
    customers: pl.DataFrame,
    modules: pl.DataFrame | None = None,
    completions: pl.DataFrame | None = None,
    required: int = LANGUAGE_REQUIRED,
) -> list[CoverageRow]:
    """Per correspondence language of the customers: collectors at C1 or above, the gap, who is closest."""
    held = _level_map(levels)
    modules = modules if modules is not None else pl.DataFrame(schema=MODULE_SCHEMA)
    plan = _plan(completions)
    rows = []
    for code, count, share in language_shares(customers):
        skill = LANGUAGE_SKILLS[code]
        spoken = {p: held.get((p, skill), 0) for p in collectors}
        candidates = {p: _modules_for(p, {skill}, LANGUAGE_MIN_LEVEL, modules, plan) for p in collectors}
        rows.append(_row(LANGUAGE_NAMES[code], "language", spoken, required, LANGUAGE_MIN_LEVEL, candidates,
                         share=share, customers=count))  # fmt: skip
    return rows


def gaps(rows: Iterable[CoverageRow]) -> list[CoverageRow]:
    """The rows with a gap."""
    return [r for r in rows if r.gap > 0]
