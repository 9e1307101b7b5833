"""The report layouts on offer: the three defaults and the lead's own files."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.reporting import layouts_dir
from ui.tables import show
from ui.text import escape


def show_layouts(layouts: pl.DataFrame) -> None:
    """The layouts as a table, and where a lead puts a copy of one."""
    with st.expander(f"Layouts ({layouts.height})", expanded=False):
        frame = layouts.with_columns(
            pl.when(pl.col("default")).then(pl.lit("default")).otherwise(pl.lit("own")).alias("default")
        )
        show(
            frame.select("name", "kind", "title", "default", "file", "sheets"),
            hide_index=True,
            width="stretch",
            column_config={
                "name": "Layout",
                "kind": "Kind",
                "title": "Title",
                "default": "Origin",
                "file": "File",
                "sheets": "Sheets",
            },
        )
        st.caption(
            "A layout is a YAML file: copy one of ar_core/templates/reports/*.yaml into "
            f"`{escape(str(layouts_dir()))}` under a new name and change its sheets, columns, headings, "
            "grouping and thresholds (README: Reports and sign-off). A file named like a default replaces it."
        )
