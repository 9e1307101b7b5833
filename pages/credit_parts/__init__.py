"""Sections of the Credit balances page (``pages/credit_balances.py``), one module per tab part."""
