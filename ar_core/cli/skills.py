"""``skills import`` (person, skill, level) and ``coverage``: cross-training per process area and language."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    pass
