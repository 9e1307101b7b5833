"""Sections of the Reports page (pages/reports.py)."""
