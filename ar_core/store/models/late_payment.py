"""Statutory interest rates, insolvency cases, external credit information."""

from __future__ import annotations

__all__: list[str] = []
