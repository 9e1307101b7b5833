"""Sections of the Payment plans page (and the account tab's proposal form)."""
