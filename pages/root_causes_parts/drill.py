"""The cases behind one Pareto row: clicked in the chart or chosen in the box, each linking to its case."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.disputes import UNMAPPED, cases_behind
from pages.root_causes_parts.controls import LABELS, NONE, Scope
from ui.components import date_column, money_column, record_table
from ui.text import escape


def drill_down(scope: Scope, table: pl.DataFrame, by: str, currency: str) -> None:
    """The cases behind one key: clicked in the chart, or chosen here."""
    labels = dict(zip(table["key"].to_list(), table["label"].to_list(), strict=True))
    box = f"rc_key_{by}"
    key = st.selectbox(
        f"Cases behind one {LABELS[by].lower()}",
        list(labels),
        format_func=labels.get,
        index=None,
        placeholder="Click a bar or choose one",
        key=box,
    )
    if key is None:
        return
    behind = cases_behind(scope.basis, by, None if key == NONE else key)
    st.markdown(f"**{behind.height:,} cases** behind {escape(labels[key])}, largest first:")
    name = pl.col("customer_name").fill_null(pl.col("customer_id"))
    resolved = ["resolved"] if behind["resolved"].is_not_null().any() else []
    record_table(
        behind.select(
            pl.format("disputes?case={}", pl.col("case_id")).alias("link"),
            name.alias("customer"),
            "reason",
            pl.col("category").fill_null(UNMAPPED),
            "status",
            "collector",
            "resolver_department",
            "opened",
            "due",
            *resolved,
            "amount",
        ),
        {
            "link": st.column_config.LinkColumn(
                "Case", display_text=r"case=(\d+)$", width=60, help="Opens the case on the Disputes page"
            ),
            "customer": st.column_config.TextColumn("Customer", width=240),
            "reason": "Reason",
            "category": "Root cause",
            "status": "Status",
            "collector": "Owner",
            "resolver_department": "Resolver",
            "opened": date_column("Opened"),
            "due": date_column("Due"),
            "resolved": date_column("Resolved"),
            "amount": money_column(f"Amount ({currency})"),
        },
        download=f"cases-behind-{by}-{key}",
        placeholder="—",
        height=min(38 + 35 * behind.height, 420),
        key="rc_behind",
    )
