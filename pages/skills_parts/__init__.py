"""Sections of the Skills & coverage page."""
