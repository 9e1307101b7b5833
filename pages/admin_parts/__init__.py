"""The sections of the Users & audit page (pages/admin.py): layout only, rules in ar_core."""
