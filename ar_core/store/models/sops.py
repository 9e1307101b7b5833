"""The SOP register."""

from __future__ import annotations

__all__: list[str] = []
