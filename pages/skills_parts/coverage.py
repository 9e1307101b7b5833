"""The team's coverage: the heat map of process area × collector, the gaps, the language coverage."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from ar_core.knowledge import SKILL_LEVELS, Coverage, CoverageRow
from ui.text import escape

#: Level -> colour of the heat map (none … can coach).
COLOURS = ["#f2f2f2", "#f5c26b", "#7fb77e", "#2e7d32"]


def heat_map(cover: Coverage) -> None:
    """Process area × collector, coloured by level; the areas with a gap are marked."""
    if not cover.names:
        st.info("No active collector yet: coverage counts users with the collector role.")
        return
    gap = {r.area for r in cover.areas if r.gap}
    frame = cover.matrix.with_columns(
        pl.col("person").replace_strict(cover.names, default=pl.col("person")).alias("name"),
        pl.col("level").replace_strict(SKILL_LEVELS, return_dtype=pl.String).alias("label"),
        pl.when(pl.col("area").is_in(list(gap)))
        .then(pl.col("area") + " ⚠")
        .otherwise(pl.col("area"))
        .alias("row"),
    )
    order = [f"{r.area} ⚠" if r.area in gap else r.area for r in cover.areas]
    base = alt.Chart(frame).encode(
        x=alt.X("name:N", title=None, axis=alt.Axis(labelAngle=-30, orient="top")),
        y=alt.Y("row:N", title=None, sort=order),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "level:O",
            title="Level",
            scale=alt.Scale(domain=[0, 1, 2, 3], range=COLOURS),
            legend=alt.Legend(
                orient="bottom", labelExpr="['none','trained','independent','can coach'][datum.value]"
            ),
        ),
        tooltip=[
            alt.Tooltip("name:N", title="Collector"),
            alt.Tooltip("area:N", title="Process area"),
            alt.Tooltip("label:N", title="Level"),
        ],
    )
    text = base.mark_text(fontSize=12).encode(text="level:Q")
    st.altair_chart((cells + text).properties(height=34 * len(order)), width="stretch")
    st.caption(
        "A collector's level in an area is their highest level among the hard skills that cover it; "
        "⚠ marks an area with fewer people at level 2 (independent) or above than it needs."
    )


def _row_text(row: CoverageRow, names: dict[str, str]) -> str:
    who = ", ".join(names.get(p, p) for p in row.people_at_level) or "nobody"
    text = f"**{escape(row.area)}** — needs {row.required}, has {len(row.people_at_level)} ({escape(who)})"
    for person in row.closest:
        modules = row.modules.get(person) or ()
        by = f" — would get there with {', '.join(escape(m) for m in modules)}" if modules else ""
        text += f"\n- closest: {escape(names.get(person, person))}{by}"
    if not row.closest:
        text += "\n- nobody is close yet: plan a module or hire"
    return text


def gaps(cover: Coverage) -> None:
    """Each process area with a gap: who counts, who is closest and the modules that would do it."""
    open_gaps = [r for r in cover.areas if r.gap]
    if not open_gaps:
        st.success(
            f"Every process area has at least {cover.areas[0].required if cover.areas else 2} people "
            "at level 2 or above."
        )
        return
    for row in open_gaps:
        st.warning(_row_text(row, cover.names))


def languages(cover: Coverage) -> None:
    """Per correspondence language: its portfolio share, the collectors at C1 or above, the gap."""
    if not cover.languages:
        st.info("No customers yet: language coverage follows the customers' correspondence languages.")
        return
    frame = pl.DataFrame(
        {
            "language": [r.area for r in cover.languages],
            "share": [r.share for r in cover.languages],
            "speakers": [len(r.people_at_level) for r in cover.languages],
            "status": ["gap" if r.gap else "covered" for r in cover.languages],
        }
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title="Share of customers (%)"),
            y=alt.Y("language:N", title=None, sort="-x"),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(domain=["covered", "gap"], range=["#7fb77e", "#c0392b"]),
            ),
            tooltip=[
                alt.Tooltip("language:N", title="Language"),
                alt.Tooltip("share:Q", title="Share %"),
                alt.Tooltip("speakers:Q", title="Collectors at C1+"),
            ],
        )
    )
    st.altair_chart(chart.properties(height=40 * frame.height + 30), width="stretch")
    for row in cover.languages:
        line = _row_text(row, cover.names).replace("needs", f"{row.share:.1f} % of customers, needs", 1)
        (st.warning if row.gap else st.markdown)(line)
    st.caption(
        "Each correspondence language needs two collectors at C1 or above: with a single speaker, "
        "one absence leaves that share of the customers without anyone who speaks their language."
    )
