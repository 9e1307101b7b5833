"""``bank import|payments``: bank statements in, matched incoming payments out, for schedulers.

Amounts are decimal strings with two places, dates ISO. A file the readers refuse exits with 2
and the reason on stderr, with nothing stored.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ar_core.cli.common import CLI_ACTOR, open_store

#: The keys of each object ``bank payments --json`` prints, in this order.
PAYMENT_KEYS = (
    "payment_id", "booking_date", "amount", "currency", "counterparty_name", "counterparty_iban",
    "remittance", "creditor_reference", "end_to_end_id", "customer_id", "invoice_docs", "rule",
    "confidence",
)  # fmt: skip


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bank", help="bank statements (camt.053/054, MT940): import, matched payments")
    cmds = p.add_subparsers(dest="bank_command", required=True)
    c = cmds.add_parser("import", help="store a statement file and match its incoming payments")
    c.add_argument("file", type=Path)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_import)
    c = cmds.add_parser("payments", help="one line (or JSON object) per incoming customer payment")
    c.add_argument("--status", choices=("matched", "ambiguous", "unmatched", "all"), default="all")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_payments)


def _cmd_import(args: argparse.Namespace) -> int:
    from ar_core.credit import import_bank_statement
    from ar_core.errors import ArDeskError, InvalidInput

    path: Path = args.file
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    engine = open_store()
    try:
        report = import_bank_statement(engine, CLI_ACTOR, path.read_bytes(), path.name)
    except InvalidInput as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except ArDeskError as exc:
        print(f"{path.name}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    for warning in report["warnings"]:
        print(f"warning: {warning}")
    print(
        f"{report['file']} ({report['format']}): {report['statements']} statements, "
        f"{report['entries']} entries, {report['incoming_credits']} incoming credits "
        f"({report['matched']} matched, {report['ambiguous']} ambiguous, {report['unmatched']} unmatched), "
        f"{report['duplicates_skipped']} duplicates skipped"
    )
    return 0


def _cmd_payments(args: argparse.Namespace) -> int:
    from ar_core.credit import bank_payments

    engine = open_store()
    frame = bank_payments(engine, CLI_ACTOR, status=args.status)
    rows = [
        {
            **{k: p[k] for k in PAYMENT_KEYS},
            "booking_date": None if p["booking_date"] is None else p["booking_date"].isoformat(),
            "amount": f"{p['amount']:.2f}",
        }
        for p in frame.iter_rows(named=True)
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print("No payments.")
    else:
        for r in rows:
            print(
                f"{r['payment_id']:>6}  {r['booking_date']}  {r['amount']:>14} {r['currency']}  "
                f"{(r['counterparty_name'] or '')[:30]:<30}  {r['customer_id'] or '-':<12} "
                f"{r['rule'] or '':<12} {', '.join(r['invoice_docs'])}"
            )
    return 0
