"""Sections of the Collector metrics page (pages/collector_metrics.py)."""
