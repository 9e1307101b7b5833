"""The sections of the Worklist page (pages/worklist.py): layout only, rules in ar_core."""
