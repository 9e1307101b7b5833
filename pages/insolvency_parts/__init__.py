"""Sections of the Insolvency & ratings page."""
