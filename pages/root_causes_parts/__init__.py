"""The sections of the Root causes page (pages/root_causes.py): layout and charts; rules in ar_core."""
