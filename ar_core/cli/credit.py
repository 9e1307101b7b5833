"""``allocate`` and ``reconcile``: what the open credits settle, and a customer's list against ours.

Amounts are decimal strings with two places (the JSON contract of every command); CSV goes
through the neutralising writer, so a document number such as ``=1+1`` stays text in Excel.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ar_core.cli.common import CLI_ACTOR, iso_date, open_store

#: The keys of one ``allocate`` row (an ambiguous one adds ``candidates``).
ALLOCATE_KEYS = ("credit_doc", "invoice_docs", "customer_id", "amount", "rule", "confidence")
#: The keys of ``reconcile --json``.
RECONCILE_KEYS = (
    "matched", "only_ours", "only_theirs", "differences", "our_balance", "their_balance", "difference",
    "explained", "unexplained",
)  # fmt: skip


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("allocate", help="what each open credit settles: one row per suggestion")
    p.add_argument("--as-of", type=iso_date, help="the latest snapshot on or before this day")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=_cmd_allocate)
    p = sub.add_parser("reconcile", help="a customer's open-items list against our latest snapshot")
    p.add_argument("customer_id")
    p.add_argument("file", type=Path)
    p.add_argument("--mapping", type=Path, help="a mapping (YAML) of the list's columns")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_reconcile)


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _cmd_allocate(args: argparse.Namespace) -> int:
    from ar_core.credit import allocation_suggestions

    frame = allocation_suggestions(open_store(), CLI_ACTOR, as_of=args.as_of)
    rows = []
    for r in frame.filter(frame["rule"].is_not_null()).iter_rows(named=True):
        row = {
            "credit_doc": r["credit_doc"],
            "invoice_docs": list(r["invoice_docs"] or []),
            "customer_id": r["customer_id"],
            "amount": _money(r["amount"]),
            "rule": r["rule"],
            "confidence": r["confidence"],
        }
        if r["rule"] == "ambiguous":
            row["candidates"] = [list(c) for c in r["candidates"]]
        rows.append(row)
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    import polars as pl

    from ar_core.spreadsheet import csv_bytes

    table = pl.DataFrame(
        {
            **{k: [r[k] for r in rows] for k in ALLOCATE_KEYS if k != "invoice_docs"},
            "invoice_docs": [r["invoice_docs"] for r in rows],
            "candidates": [" | ".join(", ".join(c) for c in r.get("candidates", [])) for r in rows],
        },
        schema={"credit_doc": pl.String, "customer_id": pl.String, "amount": pl.String, "rule": pl.String,
                "confidence": pl.Float64, "invoice_docs": pl.List(pl.String), "candidates": pl.String},
    ).select(*ALLOCATE_KEYS, "candidates")  # fmt: skip
    sys.stdout.write(csv_bytes(table).decode("utf-8-sig"))
    return 0


def _plain(frame) -> list[dict]:
    from datetime import date
    from decimal import Decimal

    def value(v):
        if isinstance(v, Decimal):
            return f"{v:.2f}"
        if isinstance(v, date):
            return v.isoformat()
        return v

    return [{k: value(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def _cmd_reconcile(args: argparse.Namespace) -> int:
    from ar_core.credit import reconcile_customer
    from ar_core.errors import ArDeskError
    from ar_core.ingest import Mapping

    try:
        mapping = Mapping.from_yaml(args.mapping.read_text(encoding="utf-8")) if args.mapping else None
        data = args.file.read_bytes()
    except (OSError, ArDeskError) as exc:
        print(f"cannot read: {exc}", file=sys.stderr)
        return 2
    try:
        rec, problems = reconcile_customer(open_store(), CLI_ACTOR, args.customer_id, data, args.file.name,
                                           mapping=mapping)  # fmt: skip
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    for p in problems:
        where = f" row {p.row}" if p.row is not None else ""
        print(f"{p.severity}: {p.file}{where}: {p.message}", file=sys.stderr)
    if rec is None:
        return 1
    out = {
        "matched": _plain(rec.matched),
        "only_ours": _plain(rec.only_ours),
        "only_theirs": _plain(rec.only_theirs),
        "differences": _plain(rec.differences),
        "our_balance": _money(rec.our_balance),
        "their_balance": _money(rec.their_balance),
        "difference": _money(rec.difference),
        "explained": _money(rec.explained),
        "unexplained": _money(rec.unexplained),
    }
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    cur = rec.currency or ""
    print(f"Customer {args.customer_id} as of {rec.as_of.isoformat()} ({cur})")
    for name in ("our_balance", "their_balance", "difference"):
        print(f"  {name.replace('_', ' '):<14} {out[name]:>16}")
    for name in ("matched", "differences", "only_ours", "only_theirs"):
        print(f"{name.replace('_', ' ')}: {len(out[name])}")
        for row in out[name]:
            doc = row.get("doc_no") or row.get("their_reference") or ""
            amount = row.get("amount") or row.get("difference") or ""
            print(f"  {doc!s:<20} {amount:>14}  {row.get('reason') or row.get('match') or ''}")
    return 0
