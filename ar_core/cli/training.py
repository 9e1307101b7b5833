"""``training import`` and ``training risks``: plans from a spreadsheet, the risk of delay per module.

``training risks --json`` prints a JSON array with one object per plan line (unfinished or
finished module of each person), keys exactly ``person, module, start, due, expected_hours,
hours_done, completed_on, projected_finish, status``: dates ISO (``null`` when none — a projected
finish of *never*, or any finished module), hours as decimal strings with two places (``"12.50"``),
status one of ``late``, ``at risk``, ``on track``, ``done``, ``done late``. Ordered by person, due
date and module.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from ar_core.cli.common import CLI_ACTOR, open_store, parse_date

#: The keys of one ``training risks --json`` object, in order.
RISK_KEYS: tuple[str, ...] = (
    "person", "module", "start", "due", "expected_hours", "hours_done", "completed_on",
    "projected_finish", "status",
)  # fmt: skip


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("training", help="training plans: import the plan spreadsheet, the risk of delay")
    cmds = p.add_subparsers(dest="training_command", required=True)
    c = cmds.add_parser(
        "import", help="store a CSV/XLSX of person, module, start, due, hours (a lead's plan)"
    )
    c.add_argument("file")
    c.add_argument("--mapping", help="YAML naming the file's headers (not needed for the canonical headers)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_import)
    c = cmds.add_parser("risks", help="every plan line with its projected finish and status")
    c.add_argument(
        "--as-of", type=parse_date, help="judge as of this day (default: today in the team's time zone)"
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_risks)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def risk_json(row: dict) -> dict:
    """One row of ``knowledge.training_plan`` as the command's JSON object."""
    return {
        "person": row["person"],
        "module": row["module"],
        "start": _iso(row["start"]),
        "due": _iso(row["due"]),
        "expected_hours": f"{row['expected_hours']:.2f}",
        "hours_done": f"{row['hours_done']:.2f}",
        "completed_on": _iso(row["completed_on"]),
        "projected_finish": _iso(row["projected_finish"]),
        "status": row["status"],
    }


def _cmd_risks(args: argparse.Namespace) -> int:
    from ar_core import settings
    from ar_core.config import today
    from ar_core.knowledge import training_plan

    engine = open_store()
    as_of = args.as_of or today(settings.get_time_zone(engine))
    plan = training_plan(engine, CLI_ACTOR, as_of).sort("person", "due", "module")
    out = [risk_json(row) for row in plan.iter_rows(named=True)]
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    if not out:
        print(f"No training plan lines (as of {as_of.isoformat()}).")
        return 0
    print(f"Training plans as of {as_of.isoformat()}")
    for o in out:
        finish = o["projected_finish"] or (
            "never" if o["completed_on"] is None else f"done {o['completed_on']}"
        )
        print(f"  {o['person']:<14} {o['module'][:38]:<38} due {o['due']}  {o['hours_done']:>7}/"
              f"{o['expected_hours']:<7} h  finish {finish:<16} {o['status']}")  # fmt: skip
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from ar_core.errors import ArDeskError
    from ar_core.knowledge import import_plan_file

    path = Path(args.file)
    try:
        data = path.read_bytes()
        mapping = Path(args.mapping).read_text(encoding="utf-8-sig") if args.mapping else None
    except OSError as exc:
        print(f"cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    engine = open_store()
    try:
        outcome = import_plan_file(engine, CLI_ACTOR, path.name, data, mapping,
                                   Path(args.mapping).name if args.mapping else "mapping")  # fmt: skip
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    report = {"file": path.name, "added": outcome.added, "changed": outcome.changed,
              "modules_created": list(outcome.modules_created),
              "problems": [str(p) for p in outcome.problems]}  # fmt: skip
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for problem in outcome.problems:
            print(problem, file=sys.stderr)
        if outcome.problems:
            print(f"{path.name}: nothing stored ({len(outcome.problems)} problem(s))", file=sys.stderr)
        else:
            created = (
                f", modules created: {', '.join(outcome.modules_created)}" if outcome.modules_created else ""
            )
            print(f"{path.name}: {outcome.added} plan line(s) added, {outcome.changed} changed{created}")
    return 1 if outcome.problems else 0
