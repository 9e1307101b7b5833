"""Sections of the Legal & write-off page (pages/write_offs.py)."""
