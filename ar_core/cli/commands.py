"""``python -m ar_core``: the same services as the app, headless, for operators and schedulers.

Whoever runs the CLI holds the database credentials (``AR_DATABASE_URL``), so it acts as the
built-in ``cli`` operator with lead rights; every write is audited under that name.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from ar_core.access import Actor
from ar_core.config import settings
from ar_core.config import today as config_today
from ar_core.errors import ArDeskError

#: The CLI acts as this operator in the audit log.
CLI_ACTOR = Actor(username="cli", name="Command line", roles=frozenset({"lead", "admin"}))


def _engine():
    from ar_core.store import make_engine, migrate

    engine = make_engine(settings().database_url)
    migrate(engine)
    return engine


def _money(totals: dict[str, Decimal]) -> dict[str, str]:
    return {cur: f"{amount:.2f}" for cur, amount in sorted(totals.items())}


def _scope_arg(args: argparse.Namespace, items):
    """``--scope full|file|CODES`` with ``--customers``/``--collectors`` as a ``Scope`` (None: default)."""
    from ar_core.ledger import Scope

    customers = [c for c in (args.customers or "").split(",") if c.strip()]
    collectors = [c for c in (args.collectors or "").split(",") if c.strip()]
    choice = (args.scope or "file").strip()
    if choice == "full":
        if customers or collectors:
            raise ArDeskError("--scope full covers every customer; leave out --customers/--collectors")
        return Scope.whole_ledger()
    if choice == "file":
        if not customers and not collectors:
            return None
        codes = Scope.of_items(items).company_codes or ("",)
    else:
        codes = tuple(c.strip() for c in choice.split(",") if c.strip())
    return Scope.partial(codes, customers, collectors)


def _cmd_import(args: argparse.Namespace) -> int:
    from ar_core.collections import import_snapshot
    from ar_core.ingest import Mapping, read_extract
    from ar_core.ledger import Scope

    path = Path(args.file)
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 1
    mapping = None
    if args.mapping:
        try:
            mapping = Mapping.from_yaml(Path(args.mapping).read_text(encoding="utf-8"))
        except (OSError, ArDeskError) as exc:
            print(f"{args.mapping}: {exc}", file=sys.stderr)
            return 1
    result = read_extract(
        path.read_bytes(),
        path.name,
        mapping=mapping,
        as_of=args.as_of,
        max_bytes=settings().upload_limit_bytes,
    )
    errors = [
        {"row": p.row, "column": p.column, "message": p.message, "blocking": p in result.blocking_errors}
        for p in result.errors
    ]
    report = {
        "snapshot_id": None,
        "as_of": result.as_of.isoformat() if result.as_of else None,
        "rows": result.items.height,
        "customers": result.items["customer_id"].n_unique(),
        "totals": _money(result.totals()),
        "open_totals": {},
        "file_totals": _money(result.file_totals()),
        "excluded": {
            cur: {"rows": v["rows"], "amount": f"{v['amount']:.2f}"}
            for cur, v in sorted(result.excluded_summary().items())
        },
        "scope": Scope.of_items(result.items).as_dict(),
        "replaced": [],
        "warnings": [str(p) for p in result.warnings],
        "errors": errors,
    }
    code = 1 if result.errors else 0
    if not result.errors:
        try:
            scope = _scope_arg(args, result.items)
            outcome = import_snapshot(
                _engine(), CLI_ACTOR, result, as_of=None if result.as_of else args.as_of, scope=scope,
                replace_existing=args.replace, dry_run=args.dry_run,
            )  # fmt: skip
        except ArDeskError as exc:
            report["errors"].append({"row": None, "column": None, "message": str(exc), "blocking": True})
            code = 1
        else:
            report.update(
                snapshot_id=outcome.snapshot_id,
                as_of=outcome.as_of.isoformat(),
                rows=outcome.rows,
                customers=outcome.customers,
                totals=_money(outcome.totals),
                open_totals=_money(outcome.open_totals),
                scope=outcome.scope.as_dict(),
                replaced=outcome.replaced,
                warnings=outcome.warnings,
            )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_import(report, result, path.name, dry_run=args.dry_run)
    return code


def _print_import(report: dict, result, name: str, *, dry_run: bool) -> None:
    """Human output: every problem (errors to stderr), then the verdict."""
    for problem in result.problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
    # Problems raised by the store (duplicate file, missing as-of date) are not in result.problems.
    for message in report["errors"][len(result.errors) :]:
        print(f"{name}: {message['message']}", file=sys.stderr)
    if report["errors"]:
        print(f"{name}: rejected, nothing stored.", file=sys.stderr)
        return
    from ar_core.ledger import Scope

    for warning in report["warnings"][len(result.warnings) :]:
        print(f"warning: {warning}")
    verb = "would be imported (dry run)" if dry_run else f"imported as snapshot {report['snapshot_id']}"
    replaced = f"; replaced snapshot {', '.join(map(str, report['replaced']))}" if report["replaced"] else ""
    print(
        f"{name}: {report['rows']} items of {report['customers']} customers as of "
        f"{report['as_of']} {verb}; totals {report['totals']}, open {report['open_totals']}{replaced}"
    )
    print(f"{name}: scope stored: {Scope.from_json(json.dumps(report['scope'])).describe()}")


def _cmd_customers(args: argparse.Namespace) -> int:
    from ar_core.ingest import read_customer_master
    from ar_core.ledger import upsert_customer_master

    path = Path(args.file)
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 1
    frame, problems = read_customer_master(path.read_bytes(), path.name)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        print(problem, file=sys.stderr)
    if errors:
        print(f"{path.name}: rejected, nothing stored.", file=sys.stderr)
        return 1
    counts = upsert_customer_master(_engine(), CLI_ACTOR, frame)
    print(json.dumps(counts) if args.json else
          f"{path.name}: {counts['inserted']} customers added, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged")  # fmt: skip
    return 0


def _cmd_snapshots(args: argparse.Namespace) -> int:
    from ar_core.ledger import list_snapshots, snapshot_totals

    engine = _engine()
    listing = list_snapshots(engine)
    rows = [
        {
            "snapshot_id": r["snapshot_id"],
            "as_of": r["as_of"].isoformat(),
            "file_name": r["file_name"],
            "rows": r["rows"],
            "totals": _money(snapshot_totals(engine, r["snapshot_id"])["totals"]),
            "scope": json.loads(r["scope_json"]),
        }
        for r in listing.iter_rows(named=True)
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("No snapshots yet.")
    else:
        for r in rows:
            totals = ", ".join(f"{c} {v}" for c, v in r["totals"].items())
            scope = listing.filter(listing["snapshot_id"] == r["snapshot_id"])["scope"][0]
            print(
                f"{r['snapshot_id']:>5}  {r['as_of']}  {r['rows']:>9}  {r['file_name']}  {totals}  [{scope}]"
            )
    return 0


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

    engine = _engine()
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


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from ar_core.demo import generate_demo

    kwargs = {"seed": args.seed}
    if args.items:
        kwargs["items"] = args.items
    paths = generate_demo(Path(args.out), **kwargs)
    for p in paths:
        print(p)
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from ar_core.demo import load_demo_if_empty

    cfg = settings()
    engine = _engine()
    if args.no_demo:
        print(f"Database ready at {engine.url.render_as_string(hide_password=True)}")
        return 0
    loaded = load_demo_if_empty(engine, cfg.data_dir)
    print("Demo data loaded." if loaded else "Database already holds data; demo not loaded.")
    return 0


def _cmd_users(args: argparse.Namespace) -> int:
    from ar_core.access import one_time_password, reset_password, unlock_user

    engine = _engine()
    try:
        if args.users_command == "unlock":
            was_locked = unlock_user(engine, CLI_ACTOR, args.name)
            print(
                f"{args.name} unlocked."
                if was_locked
                else f"{args.name} was not locked; failure counts cleared."
            )
        else:
            password = one_time_password()
            reset_password(engine, CLI_ACTOR, args.name, password)
            print(f"One-time password for {args.name} (to be changed at the first login):")
            print(password)
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ar_core", description="AR Desk, headless.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="validate an ERP extract and commit it as a snapshot")
    p.add_argument("file")
    p.add_argument("--mapping", help="YAML mapping for a generic CSV/XLSX")
    p.add_argument("--as-of", type=_iso_date, help="as-of date when the file does not state its key date")
    p.add_argument("--dry-run", action="store_true", help="validate and total, store nothing")
    p.add_argument(
        "--scope",
        default="file",
        help="what the extract covers: 'file' (the company codes it lists, default), 'full' (the whole "
        "ledger: customers it does not list have nothing open) or company codes '1000,2000'",
    )
    p.add_argument("--customers", help="only these customers of the scope's company codes (comma separated)")
    p.add_argument(
        "--collectors", help="only the customers of these collectors (user names, comma separated)"
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace (retire) a stored snapshot with the same as-of date and an overlapping scope",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("customers", help="load a customer master file (CSV/XLSX)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_customers)

    p = sub.add_parser("snapshots", help="list the committed snapshots")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_snapshots)

    p = sub.add_parser("worklist", help="the ranked worklist of a snapshot (reporting currency)")
    p.add_argument("--as-of", type=_iso_date, help="use the latest snapshot on or before this date")
    p.add_argument("--collector", help="only this collector's customers (user name)")
    p.add_argument("--top", type=int, help="only the first N ranks")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(func=_cmd_worklist)

    p = sub.add_parser("demo-data", help="write the demo extracts (FBL5N style) and customer master")
    p.add_argument("--out", required=True)
    p.add_argument("--items", type=int)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=_cmd_demo_data)

    p = sub.add_parser("users", help="operator commands for user accounts (audited as cli)")
    users_sub = p.add_subparsers(dest="users_command", required=True)
    u = users_sub.add_parser("unlock", help="lift a lockout after failed logins")
    u.add_argument("name")
    u = users_sub.add_parser(
        "reset-password", help="set and print a one-time password (to be changed at the first login)"
    )
    u.add_argument("name")
    p.set_defaults(func=_cmd_users)

    p = sub.add_parser("init", help="create/migrate the database and load the demo data when it is empty")
    p.add_argument("--no-demo", action="store_true")
    p.set_defaults(func=_cmd_init)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
