"""``payment-plan schedule``: the instalments of a payment plan, on business days, summing to the cent.

``--json`` prints ``[{"due", "amount"}]``: ``due`` an ISO date, ``amount`` a decimal string with two
places. A down payment (``--down``) is the first row, due on ``--down-on`` (default: today, but
never after the first instalment); the rows then sum to ``--amount``. Without a down payment the
rows are the instalments alone. The command needs no database (a pure rule).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation

from ar_core.cli.common import parse_date

FREQUENCIES = ("week", "month", "quarter")


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}")
    return value


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("payment-plan", help="payment plans: the instalment schedule")
    cmds = p.add_subparsers(dest="plan_command", required=True)
    c = cmds.add_parser("schedule", help="instalments on business days that sum to the amount to the cent")
    c.add_argument("--amount", required=True, type=_amount, help="the debt the plan covers")
    c.add_argument("--down", type=_amount, help="a down payment (its own first row)")
    c.add_argument("--down-on", type=parse_date, help="when the down payment is due (default: today)")
    c.add_argument("--instalments", required=True, type=int, help="instalments after the down payment")
    c.add_argument("--first", required=True, type=parse_date, help="due date of the first instalment")
    c.add_argument("--every", required=True, choices=FREQUENCIES)
    c.add_argument("--country", help="ISO country whose public holidays move the dates (e.g. DE, NL)")
    c.add_argument("--fee", type=_amount, help="a flat fee added to the plan")
    c.add_argument("--interest", type=_amount, help="flat interest in percent a year on the financed part")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_schedule)


def schedule_json(schedule) -> list[dict[str, str]]:
    """The rows as the command's JSON: ``{"due": ISO date, "amount": "123.45"}``."""
    return [{"due": r.due.isoformat(), "amount": f"{r.amount:.2f}"} for r in schedule.rows]


def _cmd_schedule(args: argparse.Namespace) -> int:
    from ar_core.config import today
    from ar_core.errors import InvalidInput
    from ar_core.recovery import build_schedule

    down_on = args.down_on or min(today(), args.first)
    try:
        schedule = build_schedule(
            args.amount, args.instalments, args.first, args.every, down=args.down, down_on=down_on,
            country=args.country, fee=args.fee, interest_pct=args.interest,
        )  # fmt: skip
    except InvalidInput as exc:
        print(f"--{exc.field.replace('_', '-')}: {exc.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(schedule_json(schedule), indent=2))
        return 0
    width = max(len(f"{r.amount:,.2f}") for r in schedule.rows)
    print(f"{'#':>3}  {'due':<10}  {'weekday':<9}  {'amount':>{width}}  kind")
    for r in schedule.rows:
        print(f"{r.seq:>3}  {r.due:%d.%m.%Y}  {r.due.strftime('%A'):<9}  {r.amount:>{width},.2f}  {r.kind}")
    print(f"{'':>3}  {'total':<10}  {'':<9}  {schedule.total:>{width},.2f}")
    if schedule.fee or schedule.interest:
        print(f"debt {schedule.debt:,.2f} + fee {schedule.fee:,.2f} + interest {schedule.interest:,.2f}")
    if schedule.note:
        print(f"note: {schedule.note}")
    return 0
