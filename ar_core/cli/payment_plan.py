"""``payment-plan schedule``: the instalments of a payment plan, on business days, summing to the cent."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    pass
