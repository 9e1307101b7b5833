"""``dunning run`` (the proposed letters of a run as of a date) and ``dunning letters`` (their PDFs)."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    pass
