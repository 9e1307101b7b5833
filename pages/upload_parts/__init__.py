"""The sections of the Upload page (pages/upload.py): layout only, rules in ar_core."""
