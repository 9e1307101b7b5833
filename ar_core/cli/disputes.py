"""``disputes list|pareto|cycle-time``: the cases and their root causes, for scheduling and checks.

Amounts are decimal strings; shares and the SLA share are fractions. The pareto covers disputes
(inquiries carry no disputed amount); cycle time covers every resolved case, per reason.
"""

from __future__ import annotations

import argparse
import json
import sys

from ar_core.cli.common import CLI_ACTOR, iso_date, open_store
from ar_core.config import today as config_today

#: The key names of ``disputes pareto --by``.
PARETO_KEYS = ("reason", "category", "customer", "resolver")


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("disputes", help="dispute and inquiry cases: list, Pareto of root causes, cycle time")
    cmds = p.add_subparsers(dest="disputes_command", required=True)
    c = cmds.add_parser("list", help="one line (or JSON object) per case")
    c.add_argument("--status", choices=("open", "closed", "all"), default="open")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_list)
    c = cmds.add_parser("pareto", help="open disputed amount per key (or of the cases opened in a period)")
    c.add_argument("--by", choices=PARETO_KEYS, default="reason")
    c.add_argument("--from", dest="start", type=iso_date, help="cases opened from this day (with --to)")
    c.add_argument("--to", dest="end", type=iso_date, help="cases opened up to this day (with --from)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_pareto)
    c = cmds.add_parser("cycle-time", help="opened to resolved in days per reason: median, 90th percentile")
    c.add_argument("--from", dest="start", type=iso_date, help="cases resolved from this day")
    c.add_argument("--to", dest="end", type=iso_date, help="cases resolved up to this day")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_cycle_time)


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


def _cmd_list(args: argparse.Namespace) -> int:
    from ar_core.disputes import case_items, list_cases

    engine = open_store()
    cases = list_cases(engine, CLI_ACTOR, status=args.status)
    items = case_items(engine, CLI_ACTOR, cases["case_id"].to_list())
    by_case: dict[int, list[dict[str, str]]] = {}
    for i in items.iter_rows(named=True):
        by_case.setdefault(i["case_id"], []).append({"doc_no": i["doc_no"], "amount": _money(i["amount"])})
    rows = [
        {
            "case_id": c["case_id"],
            "type": c["type"],
            "customer_id": c["customer_id"],
            "items": by_case.get(c["case_id"], []),
            "amount": _money(c["amount"]),
            "currency": c["currency"],
            "reason": c["reason"],
            "category": c["category"],
            "status": c["status"],
            "resolution": c["resolution"],
            "opened": _day(c["opened"]),
            "due": _day(c["due"]),
            "resolved": _day(c["resolved"]),
            "level": c["level"],
            "owner": c["collector"],
        }
        for c in cases.iter_rows(named=True)
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print("No cases.")
    else:
        for r in rows:
            print(
                f"{r['case_id']:>6}  {r['type']:<8} {r['customer_id']:<12} {r['amount']:>14} "
                f"{r['currency']}  {r['reason']:<14} {r['status']:<18} due {r['due']}  level {r['level']}  "
                f"{r['owner'] or ''}"
            )
    return 0


def _period(args: argparse.Namespace) -> bool:
    if (args.start is None) != (args.end is None):
        print("give --from and --to together", file=sys.stderr)
        return False
    if args.start and args.end < args.start:
        print("--to lies before --from", file=sys.stderr)
        return False
    return True


def _cmd_pareto(args: argparse.Namespace) -> int:
    import polars as pl

    from ar_core.disputes import analysis_cases, latest_snapshot, open_cases, opened_between, pareto

    if not _period(args):
        return 2
    engine = open_store()
    cases = analysis_cases(engine, CLI_ACTOR).filter(pl.col("type") == "dispute")
    if args.start:
        chosen = opened_between(cases, args.start, args.end)
    else:  # what is open now, in the ledger of the latest snapshot
        chosen = open_cases(cases, config_today()) if latest_snapshot(engine) else cases.clear()
    frame = pareto(chosen, args.by)
    key = {"customer": "customer_id"}.get(args.by, args.by)
    rows = []
    for r in frame.iter_rows(named=True):
        row = {args.by: r[key]}
        if args.by == "customer":
            row.update(customer_id=r["customer_id"], customer_name=r["customer_name"])
        row.update(
            count=r["count"],
            amount=_money(r["amount"]),
            share=round(r["share"], 6),
            cumulative_share=round(r["cumulative_share"], 6),
        )
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        currency = cases["currency"][0] if cases.height else ""
        for r in rows:
            print(
                f"{r[args.by]!s:<30} {r['count']:>6} {r['amount']:>16} {currency}  {r['share']:7.2%}  "
                f"cumulative {r['cumulative_share']:7.2%}"
            )
    return 0


def _cmd_cycle_time(args: argparse.Namespace) -> int:
    from ar_core.disputes import analysis_cases, cycle_time

    if args.start and args.end and args.end < args.start:
        print("--to lies before --from", file=sys.stderr)
        return 2
    engine = open_store()
    frame = cycle_time(analysis_cases(engine, CLI_ACTOR), "reason", args.start, args.end)
    rows = [
        {
            "reason": r["reason"],
            "n": r["n"],
            "median_days": r["median_days"],
            "p90_days": r["p90_days"],
            "past_sla": r["past_sla"],
        }
        for r in frame.iter_rows(named=True)
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            print(
                f"{r['reason']:<20} n {r['n']:>5}  median {r['median_days']:6.1f} d  "
                f"p90 {r['p90_days']:6.1f} d  past SLA {r['past_sla']:6.1%}"
            )
    return 0
