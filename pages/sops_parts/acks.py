"""Read by (the lead): for each SOP version in force, who has confirmed reading it and who not yet."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.knowledge import acknowledgement_status, acknowledgement_summary
from ui import components


def show(eng, actor) -> None:
    summary = acknowledgement_summary(eng, actor)
    if summary.is_empty():
        st.info("No SOP version in force asks anybody to confirm yet.")
        return
    st.caption(
        "Each approved version asks the people of its area (all collectors and leads unless the area names "
        "an audience) to confirm they have read it; its author and approver count as having read it."
    )
    components.record_table(
        summary.with_columns(pl.col("not_yet").list.join(", ")).drop("sop_id"),
        {
            "title": "SOP",
            "version_no": "Version",
            "effective_on": components.date_column("Effective"),
            "asked": components.count_column("Asked"),
            "confirmed": components.count_column("Confirmed"),
            "pending": components.count_column("Not yet"),
            "not_yet": "Still to confirm",
        },
    )
    with st.expander("Every confirmation"):
        status = acknowledgement_status(eng, actor)
        components.record_table(
            status.select("title", "version_no", "name", "acknowledged_at"),
            {
                "title": "SOP",
                "version_no": "Version",
                "name": "Person",
                "acknowledged_at": components.time_column("Confirmed at"),
            },
            download="sop-acknowledgements",
        )
