"""Sections of the Training page (own plan, team view, plans, modules, import, buddies)."""
