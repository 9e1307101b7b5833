"""The tabs of the customer account page (pages/account.py): layout only, rules in ar_core."""
