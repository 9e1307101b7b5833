"""The produced reports with their sign-off: download one unchanged, mark prepared, review.

Reports the scheduler produced (author ``cli``) are listed too; a lead or controller prepares them."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.reporting import (
    XLSX_MIME,
    list_runs,
    mark_prepared,
    may_prepare,
    may_review,
    prepared_by_whom,
    review,
    run_file,
)
from ui import data, fmt, keys
from ui.tables import show


def _table(runs: pl.DataFrame, time_zone: str) -> None:
    frame = runs.with_columns(
        pl.col("produced_at").map_elements(lambda t: fmt.local_time(t, time_zone), return_dtype=pl.String),
        pl.col("as_of").map_elements(fmt.day, return_dtype=pl.String),
        pl.when(pl.col("checks_ok"))
        .then(pl.lit("✔ equal"))
        .otherwise(pl.lit("✘ difference"))
        .alias("checks"),
        pl.col("sha256").str.slice(0, 16).alias("sha"),
        pl.col("prepared_by", "reviewed_by").fill_null(""),  # blanks, not "None"
    )
    show(
        frame.select(
            "run_id",
            "kind",
            "layout",
            "as_of",
            "checks",
            "status",
            "produced_by",
            "produced_at",
            "prepared_by",
            "reviewed_by",
            "sha",
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "run_id": "Run",
            "kind": "Kind",
            "layout": "Layout",
            "as_of": "As of",
            "checks": "Totals",
            "status": "Sign-off",
            "produced_by": "Produced by",
            "produced_at": "Produced at",
            "prepared_by": "Prepared by",
            "reviewed_by": "Reviewed by",
            "sha": "SHA-256 (start)",
        },
    )


def show_runs(actor, eng, time_zone: str) -> None:
    """Every produced report, newest first; actions on the one chosen."""
    st.subheader("Produced reports")
    runs = list_runs(eng, actor)
    if runs.is_empty():
        st.info("No report produced yet: choose a report and a snapshot date above and press Produce.")
        return
    _table(runs, time_zone)
    ids = runs["run_id"].to_list()
    data.sticky(keys.REPORT_RUN, ids[0], ids)
    rows = {r["run_id"]: r for r in runs.iter_rows(named=True)}
    label = lambda i: f"{i}: {rows[i]['layout']} as of {fmt.day(rows[i]['as_of'])} ({rows[i]['status']})"  # noqa: E731
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
    run_id = c1.selectbox("Produced report", ids, key=keys.REPORT_RUN, format_func=label)
    run = rows[run_id]
    name, content = run_file(eng, actor, run_id)  # eager: the kept bytes, unchanged
    c2.download_button(
        "Download the kept file",
        content,
        file_name=name,
        mime=XLSX_MIME,
        key="rp_run_download",
        icon=":material/download:",
    )
    if may_prepare(actor, run) and c3.button("Mark prepared", key="rp_prepare"):
        data.save_and_rerun(
            lambda: mark_prepared(eng, actor, run_id),
            f"Report {run_id} marked prepared.",
            flash=keys.REPORT_FLASH,
        )
    if may_review(actor, run) and c4.button("Review", key="rp_review", type="primary"):
        data.save_and_rerun(
            lambda: review(eng, actor, run_id), f"Report {run_id} reviewed.", flash=keys.REPORT_FLASH
        )
    if run["kind"] == "monthly":
        who = run["prepared_by"]
        st.caption(
            f"Sign-off: {run['status']}"
            + (f" · prepared by {who}" if who else f" · to be marked prepared by {prepared_by_whom(run)}")
            + (
                f" · reviewed by {run['reviewed_by']}"
                if run["reviewed_by"]
                else " · reviewed by another lead or controller, never the preparer"
            )
            + f" · SHA-256 `{run['sha256']}`"
        )
