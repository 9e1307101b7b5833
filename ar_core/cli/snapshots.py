"""``snapshots``: the committed snapshots in force, newest first, with their stored totals.

Reads the light register (no polars, no ORM): schedulers call it often.
"""

from __future__ import annotations

import argparse
import json

from ar_core.cli.common import money, open_store


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("snapshots", help="list the committed snapshots")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_snapshots)


def _cmd_snapshots(args: argparse.Namespace) -> int:
    from ar_core.ledger import Scope, snapshot_register

    listing = snapshot_register(open_store())
    rows = [
        {
            "snapshot_id": s.snapshot_id,
            "as_of": s.as_of.isoformat(),
            "file_name": s.file_name,
            "rows": s.rows,
            "totals": money(s.totals),
            "scope": json.loads(s.scope_json),
        }
        for s in listing
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("No snapshots yet.")
    else:
        for r, s in zip(rows, listing, strict=True):
            totals = ", ".join(f"{c} {v}" for c, v in r["totals"].items())
            scope = Scope.from_json(s.scope_json).describe()
            print(
                f"{r['snapshot_id']:>5}  {r['as_of']}  {r['rows']:>9}  {r['file_name']}  {totals}  [{scope}]"
            )
    return 0
