"""``worklist``: the ranked worklist of a snapshot, as the app ranks it (CSV or JSON)."""

from __future__ import annotations

import argparse
import json
import sys

from ar_core.cli.common import CLI_ACTOR, iso_date, open_store
from ar_core.config import today as config_today


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worklist", help="the ranked worklist of a snapshot (reporting currency)")
    p.add_argument("--as-of", type=iso_date, help="use the latest snapshot on or before this date")
    p.add_argument("--collector", help="only this collector's customers (user name)")
    p.add_argument("--top", type=int, help="only the first N ranks")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(func=_cmd_worklist)


#: Worklist fields the CLI prints, in this order (amounts as decimal strings, reporting currency).
WORKLIST_FIELDS = (
    "rank",
    "customer_id",
    "customer_name",
    "collector",
    "open_amount",
    "overdue_amount",
    "currency",
    "max_days_overdue",
    "score",
    "reasons",
    "next_action",
)


def _cmd_worklist(args: argparse.Namespace) -> int:
    import polars as pl

    from ar_core.collections import snapshot_for, worklist_for
    from ar_core.errors import NotFound

    engine = open_store()
    try:
        snapshot_id, as_of = snapshot_for(engine, args.as_of)
    except NotFound as exc:
        print(str(exc), file=sys.stderr)
        return 1
    # Without --as-of the work is judged today; with it, as of that date (reproducible reports).
    today = args.as_of or config_today()
    # --collector is that collector's own view (the portfolio rule of the app), ranked within it
    frame, missing = worklist_for(
        engine, CLI_ACTOR, snapshot_id, as_of, today=today, collector=args.collector
    )
    if missing:
        print(
            f"warning: no FX rate for {', '.join(missing)} on {as_of}: those items are not converted",
            file=sys.stderr,
        )
    frame = frame.sort("rank").head(args.top) if args.top else frame.sort("rank")
    rows = [
        {k: (f"{r[k]:.2f}" if k in ("open_amount", "overdue_amount") else r[k]) for k in WORKLIST_FIELDS}
        for r in frame.select(WORKLIST_FIELDS).iter_rows(named=True)
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        from ar_core.spreadsheet import neutralise_expr

        out = frame.select(WORKLIST_FIELDS).with_columns(pl.col("reasons").list.join("; "))
        # Opened in Excel: every text cell ("=HYPERLINK(...)" as a customer id or name) stays text;
        # amounts are cast after, so a negative amount stays a number.
        text = [name for name, dtype in out.schema.items() if dtype == pl.String]
        out = out.with_columns(neutralise_expr(c) for c in text).with_columns(
            pl.col("open_amount").cast(pl.String),
            pl.col("overdue_amount").cast(pl.String),
        )
        sys.stdout.write(out.write_csv())
    return 0
