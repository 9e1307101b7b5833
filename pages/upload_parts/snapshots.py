"""The snapshots in force and the removed ones, and removing a snapshot that was a mistake."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.collections import remove_snapshot
from ar_core.errors import ArDeskError
from ar_core.recovery import refresh_plan_statuses
from ui import data, fmt
from ui.components import count_column, date_column, record_table, time_column
from ui.text import escape


def table(frame: pl.DataFrame, time_zone: str, *, retired: bool) -> None:
    columns = [
        pl.col("snapshot_id").alias("Id"),
        pl.col("as_of").alias("As of"),
        pl.col("scope").alias("Covers"),
        pl.col("file_name").alias("File"),
        pl.col("created_by").alias("Uploaded by"),
        pl.col("created_at").alias("Uploaded at"),
        pl.col("rows").alias("Items"),
        pl.col("customers").alias("Customers"),
        pl.col("totals").alias("Totals"),
    ]
    if retired:
        columns += [
            pl.col("retired_by").alias("Removed by"),
            pl.col("retired_at").alias("Removed at"),
            pl.col("retire_reason").alias("Reason"),
        ]
    record_table(
        frame.select(columns),
        {
            "As of": date_column(),
            "Items": count_column(),
            "Customers": count_column(),
            "Uploaded at": time_column(f"Uploaded at ({time_zone})"),
            "Removed at": time_column(f"Removed at ({time_zone})"),
        },
        time_zone=time_zone,
    )


def removal(eng: sa.Engine, actor: Actor, in_force: pl.DataFrame) -> None:
    """Retire a snapshot: audited, with a reason; what it did is undone, its items stay."""
    with st.expander("Remove a snapshot that was a mistake"):
        labels = {
            r["snapshot_id"]: f"{r['snapshot_id']} — {fmt.day(r['as_of'])} — {r['file_name']} — {r['scope']}"
            for r in in_force.iter_rows(named=True)
        }
        ids = in_force["snapshot_id"].to_list()
        victim = st.selectbox("Snapshot", ids, format_func=labels.get, key="delete_choice")
        reason = st.text_input("Why is it removed?", key="delete_reason", max_chars=500)
        st.caption(
            "Removing undoes what the snapshot did: promises it decided are decided again, customers it "
            "created and blanks it filled are undone. Its items stay readable below for the audit."
        )
        sure = st.checkbox("Yes, remove this snapshot (this is audited)", key="delete_sure")
        if st.button("Remove snapshot", disabled=not (sure and reason.strip()), key="delete_snapshot"):
            try:
                remove_snapshot(eng, actor, victim, reason)
                refresh_plan_statuses(eng, actor)
            except ArDeskError as exc:
                st.error(escape(exc))
            else:
                data.refresh(ledger=True)
                st.toast(f"Snapshot {victim} removed.")
                st.rerun()
