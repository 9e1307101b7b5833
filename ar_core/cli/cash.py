"""``cash``: expected cash per ISO week for the next eight weeks (promised and predicted) and the
backtest of the payment-date model against "pays on the due date". Amounts are decimal strings
in the reporting currency; ``mae_days`` are numbers, ``null`` when nothing could be judged."""

from __future__ import annotations

import argparse
import json
import sys

from ar_core.cli.common import CLI_ACTOR, iso_date, open_store


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cash", help="expected cash per week for 8 weeks, and the payment-date backtest")
    p.add_argument(
        "--as-of", type=iso_date, help="the latest snapshot on or before this date (default: latest)"
    )
    p.add_argument("--collector", help="only this collector's customers (user name)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_cash)


def cash_json(forecast, test) -> dict:
    """The command's JSON object from ``expected_cash`` and ``payment_backtest``."""
    weeks = [
        {"week_start": r["week_start"].isoformat(), "expected": f"{r['expected']:.2f}",
         "promised": f"{r['promised']:.2f}", "predicted": f"{r['predicted']:.2f}"}
        for r in forecast.totals.iter_rows(named=True)
    ]  # fmt: skip
    return {
        "as_of": forecast.as_of.isoformat(),
        "weeks": weeks,
        "later": f"{forecast.later:.2f}",
        "currency": forecast.currency,
        "backtest": {
            "invoices": test.invoices,
            "mae_days": test.mae_days,
            "naive_mae_days": test.naive_mae_days,
            "cutoff": test.cutoff.isoformat(),
            "bases": test.bases,
        },
    }


def _table(out: dict) -> str:
    cur = out["currency"]
    lines = [f"Expected cash from the snapshot of {out['as_of']} ({cur})", "",
             f"  {'week of':<12}{'promised':>16}{'predicted':>16}{'expected':>16}"]  # fmt: skip
    lines += [
        f"  {w['week_start']:<12}{w['promised']:>16}{w['predicted']:>16}{w['expected']:>16}"
        for w in out["weeks"]
    ]
    lines.append(f"  {'later':<12}{'':>16}{'':>16}{out['later']:>16}")
    bt = out["backtest"]
    if bt["invoices"]:
        lines += [
            "",
            f"Backtest ({bt['invoices']} invoices cleared after {bt['cutoff']}): model error "
            f"{bt['mae_days']} days vs {bt['naive_mae_days']} days for 'pays on the due date'",
        ]
    else:
        lines += ["", "Backtest: no invoice cleared in the last quarter to judge."]
    return "\n".join(lines) + "\n"


def _cmd_cash(args: argparse.Namespace) -> int:
    from ar_core.errors import ArDeskError
    from ar_core.performance import expected_cash, payment_backtest

    engine = open_store()
    try:
        forecast = expected_cash(engine, CLI_ACTOR, args.as_of, collector=args.collector)
        test = payment_backtest(engine, CLI_ACTOR, args.as_of)
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out = cash_json(forecast, test)
    sys.stdout.write(json.dumps(out, indent=2) + "\n" if args.json else _table(out))
    return 0
