"""Training plans, buddies and shadowing."""

from __future__ import annotations

__all__: list[str] = []
