"""The boards of the huddle: closing it, choosing a board, and the board's cases in one table."""

from __future__ import annotations

from datetime import date

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core import settings
from ar_core.access import Actor
from pages.huddle_parts.controls import saved
from ui.components import money_column, record_table

# The table grid is a canvas drawn at the width Streamlit gives it, so it gets a fixed width that,
# zoomed by 1.5 on a wall screen (pages/huddle.py), still fits 1,920 px beside the sidebar.
TABLE_PX = 960
SECTIONS = {
    "top_collectable": "Top collectable",
    "top_disputed": "Top disputed",
    "credit_balances": "Largest credit balances",
    "broken_promises": "Broken promises",
    "escalations": "Second-voice escalations",
    "disputes_past_due": "Disputes past due",
}
#: The money column each board ranks by, with its label.
AMOUNTS = {
    "top_collectable": ("overdue_collectable", "Overdue (collectable)"),
    "top_disputed": ("disputed_amount", "In dispute"),
    "credit_balances": ("credit_balance", "Credit balance (owed to the customer)"),
    "broken_promises": ("amount", "Promised"),
    "escalations": ("open_amount", "Open, net of credits"),
    "disputes_past_due": ("amount", "Disputed"),
}
#: The page of one case (another part of the app).
CASE_URL = "/disputes?case={}"


def close_button(eng: sa.Engine, actor: Actor, today: date) -> None:
    """Closing sets where the next huddle's broken promises start."""
    if st.button(
        "Close today's huddle",
        key="hd_close",
        help="The next huddle then shows broken promises since today.",
    ):
        st.session_state.pop("hd_since", None)  # the date picker follows the new last huddle
        saved(
            lambda: settings.close_huddle(eng, actor, today), "Huddle closed: the next one starts from today."
        )


def pick(board: dict[str, pl.DataFrame]) -> str:
    """The board to walk through; each label says how many cases it holds."""
    counts = {k: board[k].height for k in SECTIONS}
    return (
        st.segmented_control(
            "Board",
            list(SECTIONS),
            format_func=lambda k: f"{SECTIONS[k]} ({counts[k]})",
            default="top_collectable",
            key="hd_section",
        )
        or "top_collectable"
    )


def currency(cases: pl.DataFrame) -> str:
    return cases["currency"][0] if "currency" in cases.columns else "EUR"


def overview(cases: pl.DataFrame, section: str) -> None:
    """The whole board at a glance, before its cases are taken one by one."""
    if section == "disputes_past_due":
        _disputes_overview(cases)
        return
    amount_col, amount_label = AMOUNTS[section]
    cur = currency(cases)
    escalated = section == "escalations"
    table = cases.with_row_index("case", offset=1).select(
        "case",
        pl.col("customer_name").fill_null(pl.col("customer_id")).alias("customer"),
        pl.col("collector").alias("owner"),
        *([pl.col("to_user").alias("escalated_to")] if escalated else []),
        pl.col(amount_col).alias("amount"),
        *([pl.col("overdue_collectable").alias("collectable")] if escalated else []),
        pl.col("next_action").alias("suggested"),
    )
    record_table(
        table,
        {
            "case": st.column_config.NumberColumn("#", width=36),
            "customer": st.column_config.TextColumn("Customer", width=300 if escalated else 420),
            "owner": st.column_config.TextColumn("Owner", width=100),
            "escalated_to": st.column_config.TextColumn("Escalated to", width=110),
            "amount": money_column(f"{amount_label} ({cur})", width=150),
            "collectable": money_column(f"Overdue (collectable) ({cur})", width=130),
            "suggested": st.column_config.TextColumn("Suggested", width=130),
        },
        download=f"huddle-{section}",
        width=TABLE_PX,
        row_height=40,
    )


def _disputes_overview(cases: pl.DataFrame) -> None:
    """Delayed cases: whose, who resolves, how high it went, how late, how much; each links to its case."""
    cur = currency(cases)
    table = cases.with_row_index("n", offset=1).select(
        "n",
        pl.format(CASE_URL, pl.col("case_id")).alias("case"),
        pl.col("customer_name").fill_null(pl.col("customer_id")).alias("customer"),
        pl.col("collector").alias("owner"),
        pl.concat_str(
            pl.col("resolver_department").fill_null("—"),
            pl.col("resolver"),
            separator=" · ",
            ignore_nulls=True,
        ).alias("resolver"),
        pl.col("level_label").fill_null("—").alias("level"),
        "days_late",
        "amount",
    )
    record_table(
        table,
        {
            "n": st.column_config.NumberColumn("#", width=36),
            "case": st.column_config.LinkColumn("Case", display_text=r"case=(\d+)$", width=60),
            "customer": st.column_config.TextColumn("Customer", width=260),
            "owner": st.column_config.TextColumn("Owner", width=90),
            "resolver": st.column_config.TextColumn("Resolver", width=150),
            "level": st.column_config.TextColumn("Escalated to", width=120),
            "days_late": st.column_config.NumberColumn("Days late", format="%d", width=70),
            "amount": money_column(f"Disputed ({cur})", width=130),
        },
        download="huddle-disputes_past_due",
        width=TABLE_PX,
        row_height=40,
    )
