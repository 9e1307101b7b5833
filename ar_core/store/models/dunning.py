"""Dunning procedures, blocks, runs, letters and levels."""

from __future__ import annotations

__all__: list[str] = []
