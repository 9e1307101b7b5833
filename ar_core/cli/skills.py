"""``skills import`` (person, skill, level) and ``coverage``: cross-training per process area and language.

``skills import FILE``: a CSV or XLSX with the columns person (user name or full name), skill (key
or name as on the Skills page) and level (0–3 or none/trained/independent/can coach; A1–C2 for a
language). A file with any problem stores nothing; each problem names the file, row and column.

``coverage --json`` prints a JSON array: one object per process area (in the order of the
process areas), then one per correspondence language of the customers (largest share first),
keys exactly ``area, people_at_level, required, gap, closest``:

- ``area``: the process area (``"cash allocation"``) or the language (``"French"``);
- ``people_at_level``: user names of the collectors who count — level 2 (independent) or above in
  the area, C1 or above in the language — sorted;
- ``required``: how many are needed (the ``coverage_required`` setting for an area, 2 for a language);
- ``gap``: required minus how many count, never below 0;
- ``closest``: user names of the collectors closest to closing the gap, closest first, as many as
  the gap at most (below the level, with the highest level or a training module that would get
  them there); empty when there is no gap.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ar_core.cli.common import CLI_ACTOR, open_store


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("skills", help="skills profiles: import levels per person and skill")
    cmds = p.add_subparsers(dest="skills_command", required=True)
    c = cmds.add_parser("import", help="store a CSV/XLSX of person, skill, level (all rows or none)")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_import)

    p = sub.add_parser("coverage", help="cross-training coverage per process area and language, with gaps")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_coverage)


def _cmd_import(args: argparse.Namespace) -> int:
    from ar_core.errors import ArDeskError
    from ar_core.knowledge import import_skill_levels

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    engine = open_store()
    try:
        outcome = import_skill_levels(engine, CLI_ACTOR, path.name, data)
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        report = {"file": path.name, "stored": outcome.stored, "problems": [str(p) for p in outcome.problems]}
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for problem in outcome.problems:
            print(problem, file=sys.stderr)
        if outcome.stored:
            print(f"{path.name}: {outcome.stored} level(s) stored")
        elif outcome.problems:
            print(f"{path.name}: nothing stored", file=sys.stderr)
    return 1 if outcome.problems else 0


def _table(rows, names: dict[str, str]) -> str:
    lines = [f"{'Area / language':<22} {'need':>4} {'have':>4} {'gap':>4}  who counts · closest (modules)"]
    for row in rows:
        share = f" ({row.share:.1f} % of customers)" if row.share is not None else ""
        who = ", ".join(row.people_at_level) or "nobody"
        close = "; ".join(
            p + (f" ({', '.join(row.modules[p])})" if row.modules.get(p) else "") for p in row.closest
        )
        flag = "  GAP" if row.gap else ""
        counts = f"{row.required:>4} {len(row.people_at_level):>4} {row.gap:>4}"
        lines.append(f"{row.area:<22} {counts}  {who}{share}{flag}")
        if close:
            lines.append(f"{'':<38}closest: {close}")
    if not names:
        lines.append("(no active collector yet)")
    return "\n".join(lines) + "\n"


def _cmd_coverage(args: argparse.Namespace) -> int:
    from ar_core.errors import ArDeskError
    from ar_core.knowledge import team_coverage

    engine = open_store()
    try:
        cover = team_coverage(engine, CLI_ACTOR)
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    rows = [*cover.areas, *cover.languages]
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(_table(rows, cover.names))
    return 0
