"""The sections of the Huddle page (pages/huddle.py): layout only, rules in ar_core."""
