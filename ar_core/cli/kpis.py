"""``kpis`` (the order-to-cash KPIs of a period with their inputs) and ``sales import`` (the monthly
sales file). Amounts and KPIs are decimal strings (percentages in percent), ``null`` when a KPI
cannot be computed; ``days`` and ``months`` are integers."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from ar_core.cli.common import CLI_ACTOR, open_store, parse_date

#: JSON key -> the column of ``performance.period_kpis`` it comes from, in the order printed.
KPI_KEYS: dict[str, str] = {
    "dso_simple": "dso_simple",
    "dso_countback": "dso_count_back",
    "best_possible_dso": "best_possible_dso",
    "add": "add",
    "cei": "cei",
    "pct_current": "pct_current",
    "pct_over_90": "pct_over_90",
    "avg_days_late": "avg_days_late",
    "avg_days_late_weighted": "weighted_days_late",
    "beginning_ar": "beginning_ar",
    "ending_ar": "ending_ar",
    "ending_current_ar": "ending_current_ar",
    "credit_sales": "credit_sales",
    "days": "days",
    "months": "months",
    "sales_source": "sales_source",
}
#: Further keys of ``--json`` (promises, disputes, the other inputs and where they came from).
MORE_KEYS: tuple[str, ...] = (
    "ending_over_90_ar", "cleared_count", "cleared_amount",
    "promises_due", "promises_kept", "promises_undecided", "promises_due_amount", "promises_kept_amount",
    "promise_kept_rate", "promise_kept_rate_amount",
    "disputes_resolved", "dispute_cycle_days", "open_disputes", "open_dispute_age_days",
    "currency", "beginning_source", "ending_source",
)  # fmt: skip


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kpis", help="DSO, best possible DSO, ADD, CEI, aging shares, days late of a period")
    p.add_argument("--from", dest="start", required=True, type=parse_date, help="first day of the period")
    p.add_argument(
        "--to", dest="end", required=True, type=parse_date, help="last day of the period (included)"
    )
    p.add_argument("--company-code", help="only this company code")
    p.add_argument("--collector", help="only this collector's portfolio (user name, as in worklist)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_kpis)

    p = sub.add_parser("sales", help="the monthly credit sales file (for open-item extracts)")
    cmds = p.add_subparsers(dest="sales_command", required=True)
    c = cmds.add_parser("import", help="store a CSV/XLSX of company code, month, credit sales, currency")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_sales_import)


def _text(value: object) -> object:
    if value is None or isinstance(value, int | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return f"{value:.2f}"


def kpi_json(row: dict) -> dict:
    """One row of ``period_kpis`` as the command's JSON object (the contract keys first)."""
    out = {key: _text(row[col]) for key, col in KPI_KEYS.items()}
    out.update({key: _text(row[key]) for key in MORE_KEYS})
    out["start"], out["end"] = row["start"].isoformat(), row["end"].isoformat()
    out["monthly_sales"] = [
        {"year": m["year"], "month": m["month"], "days": m["days"], "sales": _text(m["sales"])}
        for m in row["monthly_sales"] or []
    ]
    out["notes"] = list(row["note_list"] or [])  # one by one: a note may hold "; "
    return out


def _table(out: dict) -> str:
    from ar_core.performance import KPI_DEFINITIONS

    cur = out["currency"]
    lines = [
        f"KPIs {out['start']} .. {out['end']}  (D = {out['days']} days, N = {out['months']} months, {cur})",
        "",
        "Inputs",
        f"  beginning AR       {out['beginning_ar']:>16} {cur}   {out['beginning_source']}",
        f"  ending AR          {out['ending_ar']:>16} {cur}   {out['ending_source']}",
        f"  ending current AR  {out['ending_current_ar']:>16} {cur}   due on or after {out['end']}",
        f"  ending over 90     {out['ending_over_90_ar']:>16} {cur}",
        f"  credit sales       {out['credit_sales']:>16} {cur}   from {out['sales_source']}",
    ]
    lines += [
        f"    {m['year']}-{m['month']:02d} ({m['days']} d)  {m['sales']:>16} {cur}"
        for m in out["monthly_sales"]
    ]
    lines += ["", "KPIs"]
    for key in (*list(KPI_KEYS)[:9], "promise_kept_rate", "promise_kept_rate_amount", "dispute_cycle_days",
                "open_dispute_age_days"):  # fmt: skip
        value = "n/a" if out[key] is None else out[key]
        unit = "%" if key.startswith(("pct", "cei", "promise")) else "days"
        lines.append(f"  {key:<25} {value:>10} {unit:<5} {KPI_DEFINITIONS[KPI_KEYS.get(key, key)]}")
    lines.append(
        f"  promises due {out['promises_due']}, kept {out['promises_kept']}; disputes resolved "
        f"{out['disputes_resolved']}, open at the end {out['open_disputes']}"
    )
    if out["notes"]:
        lines += ["", "Notes", *(f"  - {n}" for n in out["notes"])]
    return "\n".join(lines) + "\n"


def _cmd_kpis(args: argparse.Namespace) -> int:
    from ar_core.errors import ArDeskError
    from ar_core.performance import check_company_code, period_kpis

    if args.end < args.start:
        print(f"--to {args.end} is before --from {args.start}", file=sys.stderr)
        return 2
    engine = open_store()
    try:
        if args.company_code:  # a code in no ledger is a typo here, not a company without AR
            check_company_code(engine, args.start, args.end, args.company_code)
        frame = period_kpis(engine, CLI_ACTOR, args.start, args.end, company_code=args.company_code,
                            collector=args.collector)  # fmt: skip
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out = kpi_json(frame.row(0, named=True))
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(_table(out))
    return 0


def _cmd_sales_import(args: argparse.Namespace) -> int:
    from ar_core.errors import ArDeskError
    from ar_core.performance import import_monthly_sales

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    engine = open_store()
    try:
        outcome = import_monthly_sales(engine, CLI_ACTOR, path.name, data)
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    report = {"file": path.name, "stored": outcome.stored, "replaced": outcome.replaced,
              "problems": [str(p) for p in outcome.problems]}  # fmt: skip
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for problem in outcome.problems:
            print(problem, file=sys.stderr)
        if outcome.stored:
            print(f"{path.name}: {outcome.stored} month(s) stored, {outcome.replaced} replaced")
    return 1 if outcome.problems else 0
