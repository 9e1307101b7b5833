"""Sections of the SOPs page (pages/sops.py)."""
