"""The sections of the Disputes page (pages/disputes.py): layout only, rules in ar_core.disputes."""
