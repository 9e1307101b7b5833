"""What the Training page's sections share: the flash slot, status colours, the plan table."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ui import components

FLASH = "tr_flash"
#: Status -> colour of the charts (late red, at risk amber, on track blue, done green).
STATUS_COLOURS: dict[str, str] = {
    "late": "#c62828",
    "at risk": "#f9a825",
    "on track": "#1565c0",
    "done late": "#8d6e63",
    "done": "#2e7d32",
}
HOURS_FORMAT = "%.2f h"


def line_label(row: dict, *, person: bool = False) -> str:
    """A plan line as one readable choice in a select box."""
    who = f"{row['person_name']} — " if person else ""
    return f"{who}{row['module']} (due {row['due']:%d.%m.%Y}, {row['status']})"


def plan_table(plan: pl.DataFrame, *, person: bool, download: str | None = None) -> None:
    """The plan lines with readable columns: dates as dates, hours with two places, the status."""
    shown = plan.with_columns(
        # display only: the store and the rule keep exact decimals
        *(pl.col(c).cast(pl.Float64) for c in ("expected_hours", "hours_done", "remaining_hours")),
    ).select(
        *(["person_name"] if person else []),
        "module", "status", "due", "projected_finish", "hours_done", "expected_hours", "remaining_hours",
        "start", "completed_on", "risk_note", "area", "kind", "evidence",
    )  # fmt: skip
    components.record_table(
        shown,
        {
            "person_name": "Person",
            "module": "Module",
            "area": "Process area",
            "kind": "Kind",
            "start": components.date_column("Planned start"),
            "due": components.date_column("Due"),
            "expected_hours": st.column_config.NumberColumn("Expected", format=HOURS_FORMAT),
            "hours_done": st.column_config.NumberColumn("Done", format=HOURS_FORMAT),
            "remaining_hours": st.column_config.NumberColumn("Remaining", format=HOURS_FORMAT),
            "projected_finish": components.date_column(
                "Projected finish", help="Empty: never at this pace, or done"
            ),
            "completed_on": components.date_column("Completed"),
            "status": "Status",
            "risk_note": "Risk note",
            "evidence": "Evidence / notes",
        },
        download=download,
    )


def counts(plan: pl.DataFrame) -> None:
    """Tiles: how many modules are late, at risk, on track and done."""
    by = dict(plan.group_by("status").len().iter_rows())
    cols = st.columns(4)
    cols[0].metric("Late", by.get("late", 0))
    cols[1].metric("At risk", by.get("at risk", 0))
    cols[2].metric("On track", by.get("on track", 0))
    cols[3].metric("Done", by.get("done", 0) + by.get("done late", 0))
