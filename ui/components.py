"""Blocks several pages repeat: "no snapshot yet" and tables of records.

Tables keep their values typed (dates, timestamps, numbers) and let the grid format them, so a
column sorts as dates or amounts and the CSV download (``ui.tables``) holds the raw values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import polars.selectors as cs
import streamlit as st

from ui import data, tables

#: How the grid shows dates, timestamps and money amounts on every page.
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:mm"
MONEY_FORMAT = "%,.2f"


def snapshots_or_stop(empty: str) -> pl.DataFrame:
    """The snapshots in force (``ui.data.snapshot_list``, oldest first); without any, say so and stop.

    ``empty`` is fixed Markdown text written in the code, e.g. where the first extract comes from.
    """
    listing = data.snapshot_list()
    if listing.is_empty():
        st.info(empty)
        st.stop()
    return listing


def latest_snapshot(empty: str) -> dict[str, Any]:
    """The latest snapshot in force as a row (``snapshot_id``, ``as_of``, …); else ``empty`` and stop."""
    return snapshots_or_stop(empty).row(-1, named=True)


def date_column(label: str | None = None, **options: Any) -> Any:
    return st.column_config.DateColumn(label, format=DATE_FORMAT, **options)


def time_column(label: str | None = None, **options: Any) -> Any:
    """A timestamp; :func:`record_table` shows it in the team's time zone when given one."""
    return st.column_config.DatetimeColumn(label, format=DATETIME_FORMAT, **options)


def money_column(label: str | None = None, **options: Any) -> Any:
    return st.column_config.NumberColumn(label, format=MONEY_FORMAT, **options)


def count_column(label: str | None = None, **options: Any) -> Any:
    """A count with thousands separators (1,234)."""
    return st.column_config.NumberColumn(label, format="localized", **options)


def record_table(
    frame: pl.DataFrame,
    columns: Mapping[str, Any],
    *,
    time_zone: str | None = None,
    download: str | None = None,
    **options: Any,
) -> Any:
    """Show records with readable column names; ``download`` adds the neutralised CSV (``ui.tables``).

    ``columns`` maps a column to its label, its ``st.column_config`` (the helpers above) or
    ``None`` to hide it; unnamed columns show their own name. With ``time_zone`` every stored
    UTC timestamp is shown in that zone. Index hidden and full width unless ``options`` say
    otherwise; returns what ``st.dataframe`` returns (the selection when ``on_select`` is set).
    """
    if time_zone is not None:
        frame = frame.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone(time_zone))
    options = {"hide_index": True, "width": "stretch", "placeholder": "", **options}  # blank, not "None"
    return tables.show(frame, download=download, column_config=dict(columns), **options)
