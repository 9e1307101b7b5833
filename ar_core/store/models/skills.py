"""Skills profiles, backups and absences."""

from __future__ import annotations

__all__: list[str] = []
