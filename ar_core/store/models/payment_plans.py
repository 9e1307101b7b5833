"""Payment plans and their instalments."""

from __future__ import annotations

__all__: list[str] = []
