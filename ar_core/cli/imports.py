"""``import`` (an ERP extract as a snapshot) and ``customers`` (the customer master)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ar_core.cli.common import CLI_ACTOR, iso_date, money, open_store
from ar_core.config import settings
from ar_core.errors import ArDeskError


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="validate an ERP extract and commit it as a snapshot")
    p.add_argument("file")
    p.add_argument("--mapping", help="YAML mapping for a generic CSV/XLSX")
    p.add_argument("--as-of", type=iso_date, help="as-of date when the file does not state its key date")
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
        "totals": money(result.totals()),
        "open_totals": {},
        "file_totals": money(result.file_totals()),
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
                open_store(), CLI_ACTOR, result, as_of=None if result.as_of else args.as_of, scope=scope,
                replace_existing=args.replace, dry_run=args.dry_run,
            )  # fmt: skip
        except ArDeskError as exc:
            report["errors"].append({"row": None, "column": None, "message": str(exc), "blocking": True})
            code = 1
        else:
            if not args.dry_run:  # instalments kept, late or broken by the new extract
                from ar_core.recovery import refresh_plan_statuses

                refresh_plan_statuses(open_store(), CLI_ACTOR)
            report.update(
                snapshot_id=outcome.snapshot_id,
                as_of=outcome.as_of.isoformat(),
                rows=outcome.rows,
                customers=outcome.customers,
                totals=money(outcome.totals),
                open_totals=money(outcome.open_totals),
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
    counts = upsert_customer_master(open_store(), CLI_ACTOR, frame)
    print(json.dumps(counts) if args.json else
          f"{path.name}: {counts['inserted']} customers added, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged")  # fmt: skip
    return 0
