"""What the sections share: the flash slot, status labels, a customer's label."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.recovery import INSOLVENCY_STATUSES
from ui.text import DASH, escape

FLASH = "insolvency_flash"
STATUSES = list(INSOLVENCY_STATUSES)


def status_label(status: str) -> str:
    return INSOLVENCY_STATUSES.get(status, status)


def problems(found: list) -> None:
    """A rejected file's problems, each with its row and column, as a table."""
    st.error(f"The file was not imported: {len(found)} problem(s), nothing was stored.")
    frame = pl.DataFrame(
        [(p.row, p.column or "", escape(p.message)) for p in found],
        schema={"Row": pl.Int64(), "Column": pl.String(), "Problem": pl.String()},
        orient="row",
    )
    st.dataframe(frame, hide_index=True, width="stretch", placeholder=DASH)
