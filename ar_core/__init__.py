"""AR Desk domain package: ingest, store and the collections rules. Never imports Streamlit."""

from __future__ import annotations

__version__ = "0.1.0"
