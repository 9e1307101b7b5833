"""``python -m ar_core``: the same services as the app, headless, for operators and schedulers.

Each command group is a module with ``add_commands(sub)``; a command imports its services when
it runs, so start-up costs only argparse and the chosen command's own libraries.
"""

from __future__ import annotations

import argparse

from ar_core.cli import (
    bank,
    cash,
    credit,
    disputes,
    dunning,
    imports,
    kpis,
    payment_plan,
    report,
    setup,
    skills,
    snapshots,
    training,
    users,
    worklist,
)

#: The command groups, in the order ``--help`` lists them.
GROUPS = (
    imports, snapshots, worklist, disputes, bank, credit, kpis, report, cash,
    dunning, payment_plan, training, skills, setup, users,
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ar_core", description="AR Desk, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
