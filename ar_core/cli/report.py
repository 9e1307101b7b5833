"""``report daily|weekly|monthly --as-of DATE --out FILE.xlsx [--json] [--layout NAME]``: for a scheduler.

Produces the report of the latest snapshot on or before ``--as-of``, writes it to ``--out`` and
keeps it as a report run (with its SHA-256, audited, as the command-line operator). Exit 1 when
a totals check fails or there is no snapshot, else 0. ``--json`` prints ``{"file", "sheets",
"checks": [{"name", "currency", "report_total", "snapshot_total", "difference"}]}`` (amounts as
decimal strings).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ar_core.cli.common import CLI_ACTOR, iso_date, open_store

KINDS = ("daily", "weekly", "monthly")


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="produce the daily, weekly or monthly report workbook (XLSX)")
    p.add_argument("kind", choices=KINDS)
    p.add_argument(
        "--as-of",
        dest="as_of",
        type=iso_date,
        required=True,
        help="the latest snapshot on or before this day is reported",
    )
    p.add_argument("--out", type=Path, required=True, help="the XLSX file to write")
    p.add_argument("--layout", help="a layout of that kind other than the default (by its name)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    from ar_core.errors import ArDeskError
    from ar_core.reporting import checks_json, produce_report, report_layouts

    try:
        layouts = report_layouts()
        name = args.layout or args.kind
        if name not in layouts:
            print(f"No report layout {name!r}: one of {', '.join(sorted(layouts))}.", file=sys.stderr)
            return 1
        if layouts[name].kind != args.kind:
            print(f"The layout {name!r} is a {layouts[name].kind} report, not {args.kind}.", file=sys.stderr)
            return 1
        produced = produce_report(open_store(), CLI_ACTOR, layouts[name], args.as_of)
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(produced.content)
    if args.json:
        payload = {"file": str(args.out), "sheets": produced.sheets, "checks": checks_json(produced.checks)}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(
            f"{args.out}: {produced.layout.title} as of {produced.as_of.isoformat()} "
            f"(snapshot {produced.snapshot_id}), sha256 {produced.sha256}"
        )
        for check in checks_json(produced.checks):
            print(
                f"  {check['name']} {check['currency']}: report {check['report_total']}, "
                f"snapshot {check['snapshot_total']}, difference {check['difference']}"
            )
        if not produced.ok:
            print("A totals check FAILED: the report does not add up to the snapshot.", file=sys.stderr)
    return 0 if produced.ok else 1
