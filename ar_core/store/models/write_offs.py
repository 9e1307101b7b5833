"""Legal handover and write-off requests."""

from __future__ import annotations

__all__: list[str] = []
