"""The overview: items and customers per level, letters due at the next run, blocked items and why,
the ERP's dunning level against the procedure (control check), and the levels per snapshot."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from ar_core.errors import ArDeskError
from ar_core.recovery import dunning_summary
from pages.dunning_parts import charts
from ui.components import count_column, money_column, record_table
from ui.text import escape

LEVEL_COLUMNS = {
    "level": "Level",
    "label": "Meaning",
    "items": count_column("Items"),
    "customers": count_column("Customers"),
    "amount": money_column("Overdue"),
}


def show(eng, actor, today: date) -> None:
    next_run = st.date_input(
        "Next run on",
        value=today + timedelta(days=7),
        format="DD.MM.YYYY",
        key="dn_next_run",
        help="The letters a run on this day would propose",
    )
    try:
        with st.spinner("Reading levels, blocks and the next run's letters"):
            board = dunning_summary(eng, actor, today, next_run)
    except ArDeskError as exc:
        st.error(escape(exc))
        return
    due, blocked, mismatches = board["due"], board["blocked"], board["mismatches"]
    a, b, c = st.columns(3)
    a.metric("Letters due at the next run", int(due["letters"].sum() or 0))
    b.metric("Overdue items blocked", int(blocked["items"].sum() or 0))
    c.metric("Customers: ERP level ≠ procedure", mismatches.height)
    left, right = st.columns(2)
    with left:
        st.subheader("Overdue items per level")
        charts.levels_chart(board["recorded"], board["by_days"])
    with right:
        st.subheader("Letters due at the next run")
        if due.is_empty():
            st.info(f"A run on {next_run:%d.%m.%Y} would propose no letter.")
        else:
            record_table(
                due,
                {
                    "level": "Level",
                    "label": "Letter",
                    "letters": count_column("Letters"),
                    "currency": "Currency",
                    "total": money_column("Total"),
                },
            )
    st.subheader("Blocked items and why")
    if blocked.is_empty():
        st.info("No overdue item is blocked.")
    else:
        record_table(
            blocked.select("reason_label", "items", "customers", "amount"),
            {
                "reason_label": "Reason",
                "items": count_column("Items"),
                "customers": count_column("Customers"),
                "amount": money_column("Overdue"),
            },
        )
    st.subheader("Control check: ERP dunning level against the procedure")
    if mismatches.is_empty():
        st.success("Every customer's ERP dunning level matches the procedure.")
    else:
        st.caption(
            "The ERP level is the highest of the customer's overdue items in the extract; the "
            "procedure's is the level their days overdue reached; AR Desk's, its released letters."
        )
        record_table(
            mismatches.head(200),
            {
                "customer_id": "Customer",
                "erp_level": "ERP level",
                "procedure_level": "Procedure level",
                "recorded_level": "AR Desk level",
                "overdue": money_column("Overdue"),
                "max_days_overdue": "Most days overdue",
            },
            download="dunning_control_check.csv",
        )
    st.subheader("Levels per snapshot")
    charts.trend_chart(board["trend"])
