"""``training import`` and ``training risks``: plans from a spreadsheet, the risk of delay per module."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    pass
