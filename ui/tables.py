"""Tables on the pages: shown with ``st.dataframe``, downloaded only through the neutralising writer.

The grid's own "Download as CSV" writes cells raw — a customer named ``=HYPERLINK(...)`` becomes
a live formula in LibreOffice or Excel. It is switched off for every table of the app
(``client.disableDataExport`` in ``.streamlit/config.toml``, which also stops copying cells to
the clipboard); :func:`show` offers the same data as a CSV file in which every text cell that a
spreadsheet would evaluate starts with ``'`` (``ar_core.spreadsheet``).
"""

from __future__ import annotations

import re

import polars as pl
import streamlit as st

from ar_core.spreadsheet import csv_bytes
from ui.text import DASH


def show(frame: pl.DataFrame, *, download: str | None = None, label: str = "Download table (CSV)", **options):
    """``st.dataframe(frame, **options)``, plus a neutralised CSV download when ``download`` names it.

    ``download`` is the file name without extension and the download button's key; the file holds
    every column of ``frame``, also those ``column_config`` hides. Returns what ``st.dataframe`` returns
    (the selection when ``on_select`` is set). An empty cell reads as a dash, not "None", unless
    ``placeholder`` says otherwise.
    """
    options.setdefault("placeholder", DASH)
    # As an Arrow table: Streamlit turns any other frame into a pandas one first (a tenth of a second).
    shown = st.dataframe(frame.to_arrow(compat_level=pl.CompatLevel.oldest()), **options)
    if download is not None:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", download).strip("-") or "table"
        st.download_button(
            label,
            lambda: csv_bytes(frame),  # written when it is clicked, not on every run
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"csv_{name}",
            icon=":material/download:",
            on_click="ignore",
        )
    return shown
