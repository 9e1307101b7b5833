"""One collector's page: the chosen weeks against the team median, trends, targets, 1:1 notes.

The same view for the collector (``name`` "You") and for the lead's 1:1 (the collector's name):
it only ever holds that one collector's rows and the team median, never another collector.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl
import streamlit as st

from ar_core.performance import CollectorMetrics, attainment, period_totals
from pages.metrics_parts.common import HEADLINE, METRICS, columns, help_text, label, value_text, within
from ui.components import count_column, date_column, record_table, time_column
from ui.text import escape

MEDIAN = "Team median"
TOP = alt.Legend(orient="top")


def tiles(view: CollectorMetrics, collector: str, weeks: tuple[date, date]) -> None:
    """The headline figures of the chosen weeks, each with the team median's beside it."""
    mine = period_totals(within(view.rows.filter(pl.col("collector") == collector), weeks), *weeks)
    team = period_totals(within(view.median, weeks), *weeks)
    if mine.is_empty():
        st.info("No week ends in the chosen range.")
        return
    me, median = mine.row(0, named=True), team.row(0, named=True)
    for start in range(0, len(HEADLINE), 4):
        for column, metric in zip(st.columns(4), HEADLINE[start : start + 4], strict=False):
            column.metric(
                label(metric, view.reporting), value_text(me[metric], metric, view.reporting, whole=True),
                help=help_text(metric), border=True,
            )  # fmt: skip
            column.caption(f"{MEDIAN}: {value_text(median[metric], metric, view.reporting, whole=True)}")


def trend(view: CollectorMetrics, collector: str, name: str, weeks: tuple[date, date]) -> None:
    """One metric week by week: this collector's line and the team median's."""
    metric = st.selectbox(
        "Trend of", list(METRICS), index=0, key="cm_trend",
        format_func=lambda m: label(m, view.reporting),
    )  # fmt: skip
    mine = view.rows.filter(pl.col("collector") == collector).select(
        "week_end", pl.col(metric).cast(pl.Float64).alias("value"), pl.lit(name).alias("series")
    )
    team = view.median.select("week_end", pl.col(metric).cast(pl.Float64).alias("value"),
                              pl.lit(MEDIAN).alias("series"))  # fmt: skip
    lines = within(pl.concat([mine, team]), weeks)
    ends = lines["week_end"].unique().sort().to_list()  # one tick per week, not per day
    st.altair_chart(
        alt.Chart(lines)
        .mark_line(point=True)
        .encode(
            x=alt.X("week_end:T", axis=alt.Axis(format="%d %b", labelAngle=-35, title="Week to",
                                                values=[d.isoformat() for d in ends])),
            y=alt.Y("value:Q", title=label(metric, view.reporting)),
            color=alt.Color("series:N", title=None, sort=[name, MEDIAN], legend=TOP),
            strokeDash=alt.StrokeDash("series:N", title=None, sort=[name, MEDIAN], legend=TOP),
            tooltip=[alt.Tooltip("week_end:T", title="Week to", format="%d %b %Y"), "series:N",
                     alt.Tooltip("value:Q", title=METRICS[metric][0], format=",.2f")],
        )
        .properties(height=280)
    )  # fmt: skip
    st.caption(help_text(metric).capitalize() + ".")
    record_table(
        within(view.rows.filter(pl.col("collector") == collector), weeks)
        .drop("collector")
        .sort("week_end", descending=True),
        columns(view.reporting),
        download=f"metrics-{collector}",
    )


def targets(view: CollectorMetrics, frame: pl.DataFrame, collector: str) -> None:
    """The collector's targets with the actual figure of each period and how far it is attained."""
    st.subheader("Targets")
    if frame.is_empty():
        st.caption("No target set yet: the team lead sets targets per metric and period.")
        return
    got = attainment(frame, view.rows.filter(pl.col("collector") == collector))
    shown = got.with_columns(
        pl.struct("target", "metric").map_elements(
            lambda r: value_text(r["target"], r["metric"], view.reporting), return_dtype=pl.String
        ).alias("target_text"),
        pl.struct("actual", "metric").map_elements(
            lambda r: value_text(r["actual"], r["metric"], view.reporting), return_dtype=pl.String
        ).alias("actual_text"),
    )  # fmt: skip
    record_table(
        shown.select("label", "period_start", "period_end", "target_text", "actual_text", "attainment_pct",
                     "weeks", "note"),
        {"label": "Metric", "period_start": date_column("From"), "period_end": date_column("To"),
         "target_text": "Target", "actual_text": "Actual", "weeks": count_column("Weeks counted"),
         "attainment_pct": st.column_config.ProgressColumn("Attained", format="%.1f %%", min_value=0,
                                                           max_value=100),
         "note": "Note"},
    )  # fmt: skip


def notes(notes_frame: pl.DataFrame, actions: pl.DataFrame, names: dict[str, str], time_zone: str) -> None:
    """The 1:1 notes, latest first, and every agreed action with its due date and whether it is
    done (past due as the core judged it: not done and due before today)."""
    st.subheader("1:1 notes and agreed actions")
    if notes_frame.is_empty():
        st.caption("No 1:1 recorded yet.")
        return
    late = actions.filter(pl.col("past_due")).height
    if late:
        st.warning(f"{late} agreed action{'s are' if late > 1 else ' is'} past the due date.")
    shown = actions.with_columns(pl.col("done_by").replace(names))
    record_table(
        shown.select("due_date", "action", "met_on", "past_due", "done_by", "done_at", "done_note"),
        {"due_date": date_column("Due"), "action": "Agreed action",
         "met_on": date_column("Agreed in the 1:1 of"),
         "past_due": st.column_config.CheckboxColumn("Past due"),
         "done_by": "Done — marked by", "done_at": time_column("Marked done at"), "done_note": "Done note"},
        time_zone=time_zone,
    )  # fmt: skip
    for note in notes_frame.iter_rows(named=True):
        author = names.get(note["author"], note["author"])
        with st.expander(f"1:1 of {note['met_on']:%d %b %Y} — by {author}", expanded=False):
            st.markdown(escape(note["note"]))
