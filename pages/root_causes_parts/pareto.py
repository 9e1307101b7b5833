"""The Pareto view: amount per key, largest first, with the cumulative share and the 80 % mark; the
cases behind a bar (clicked, or chosen) with a link to each case on the Disputes page."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from ar_core.disputes import pareto
from pages.root_causes_parts.controls import LABELS, NONE, Scope
from pages.root_causes_parts.drill import drill_down
from ui.components import count_column, money_column, record_table
from ui.data import sticky
from ui.text import escape

#: Bars drawn at most (the table below lists every key; the line keeps the share of all keys).
TOP = 25
VITAL, OTHER, LINE = "#1f4e79", "#9db7d1", "#c0392b"


def choose_grouping() -> str:
    sticky("rc_by", "reason", list(LABELS))
    return st.radio("By", list(LABELS), format_func=LABELS.get, key="rc_by", horizontal=True)


def _keyed(table: pl.DataFrame, by: str) -> pl.DataFrame:
    """The Pareto rows with ``key`` (what the drill-down filters on) and ``label`` (what the chart shows)."""
    key = pl.col("customer_id" if by == "customer" else by).fill_null(NONE)
    label = key
    if by == "customer":
        name = pl.col("customer_name")
        label = (
            pl.when(name.is_null() | (name == ""))
            .then(key)
            .otherwise(pl.concat_str(name, pl.lit(" ("), key, pl.lit(")")))
        )
    return table.with_columns(key.alias("key"), label.alias("label"))


def _chosen(table: pl.DataFrame, by: str) -> str | None:
    """The key the drill-down shows: a bar clicked since the last run, else the box's choice.

    The chart's selection is read from its state before the chart is drawn, so the chosen bar is
    outlined in the same run; a choice in the box after a click wins until the next click.
    """
    state = st.session_state.get(f"rc_chart_{by}") or {}
    picked = (state.get("selection") or {}).get("pick") or []
    clicked = str(picked[0]["key"]) if picked and "key" in picked[0] else None
    box, seen = f"rc_key_{by}", f"_rc_clicked_{by}"
    keys = set(table["key"].to_list())
    if clicked in keys and st.session_state.get(seen) != clicked:
        st.session_state[box] = clicked
    st.session_state[seen] = clicked
    chosen = st.session_state.get(box)
    return chosen if chosen in keys else None


def chart(table: pl.DataFrame, by: str, currency: str, chosen: str | None) -> None:
    """Bars by amount (the vital few darker, the chosen one outlined), the cumulative share on the
    right axis, the 80 % rule; a click on a bar chooses its key (:func:`_chosen`)."""
    shown = table.head(TOP).with_columns(
        pl.col("amount").cast(pl.Float64).alias("amount_f"), (pl.col("key") == (chosen or "")).alias("chosen")
    )
    order = shown["label"].to_list()
    pick = alt.selection_point(name="pick", fields=["key"], on="click")
    x = alt.X("label:N", sort=order, title=LABELS[by], axis=alt.Axis(labelAngle=-35, labelLimit=170))
    base = alt.Chart(shown).encode(x=x)
    bars = (
        base.mark_bar()
        .encode(
            y=alt.Y("amount_f:Q", title=f"Disputed amount ({currency})", axis=alt.Axis(format=",.0f")),
            color=alt.condition("datum.within_80", alt.value(VITAL), alt.value(OTHER)),
            opacity=alt.condition("datum.chosen", alt.value(1.0), alt.value(0.55 if chosen else 1.0)),
            stroke=alt.condition("datum.chosen", alt.value("#111111"), alt.value(None)),
            strokeWidth=alt.condition("datum.chosen", alt.value(2), alt.value(0)),
            tooltip=[
                alt.Tooltip("label:N", title=LABELS[by]),
                alt.Tooltip("count:Q", title="Cases", format=","),
                alt.Tooltip("amount_f:Q", title=f"Amount ({currency})", format=",.2f"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
                alt.Tooltip("cumulative_share:Q", title="Cumulative share", format=".1%"),
            ],
        )
        .add_params(pick)
    )
    share = alt.Scale(domain=[0, 1])
    line = base.mark_line(color=LINE, point=alt.OverlayMarkDef(color=LINE)).encode(
        y=alt.Y("cumulative_share:Q", scale=share, title="Cumulative share", axis=alt.Axis(format="%"))
    )
    mark = alt.Chart(pl.DataFrame({"y": [0.8], "text": ["80 %"]}))
    rule = mark.mark_rule(color=LINE, strokeDash=[6, 4]).encode(y=alt.Y("y:Q", scale=share))
    text = mark.mark_text(align="left", dx=4, dy=-6, color=LINE).encode(
        y=alt.Y("y:Q", scale=share), text="text:N"
    )
    layered = (
        alt.layer(bars, alt.layer(line, rule, text)).resolve_scale(y="independent").properties(height=380)
    )
    st.altair_chart(layered, on_select="rerun", selection_mode="pick", key=f"rc_chart_{by}")


def table_of(table: pl.DataFrame, by: str, currency: str) -> None:
    columns = {
        "key": None,
        "label": LABELS[by],
        "customer_id": None,
        "customer_name": None,
        by: None,
        "count": count_column("Cases"),
        "amount": money_column(f"Amount ({currency})"),
        "share": st.column_config.NumberColumn("Share", format="percent"),
        "cumulative_share": st.column_config.NumberColumn("Cumulative share", format="percent"),
        "within_80": st.column_config.CheckboxColumn("Vital few (80 %)"),
    }
    shown = table.select("label", pl.exclude("label"))
    record_table(shown, columns, download=f"pareto-{by}", height=min(38 + 35 * table.height, 400))


def show(scope: Scope, currency: str) -> None:
    by = choose_grouping()
    if scope.basis.is_empty():
        st.info(f"No {escape(scope.what)}: nothing to rank.")
        return
    table = _keyed(pareto(scope.basis, by), by)
    vital = int(table["within_80"].sum())
    what = escape(scope.what[:1].upper() + scope.what[1:])
    drawn = f" The {TOP} largest are drawn; the table lists all." if table.height > TOP else ""
    st.caption(f"{what}: {table.height:,} keys; the first {vital:,} (dark) hold 80 % of the amount.{drawn}")
    chart(table, by, currency, _chosen(table, by))
    table_of(table, by, currency)
    drill_down(scope, table, by, currency)
