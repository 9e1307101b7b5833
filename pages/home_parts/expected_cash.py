"""Overview: expected cash for the next eight weeks (promised vs predicted) and how good the
prediction was on the last quarter's payments. A lead picks a collector; a collector sees their own."""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl
import streamlit as st

from ar_core.access import READ_ALL_ROLES, Actor
from ar_core.performance import expected_cash, payment_backtest
from ui import fmt, keys, tables
from ui.resources import engine

ALL = "All collectors"


def backtest_line(invoices: int, mae: float | None, naive: float | None) -> str:
    """The backtest in one sentence (or why there is none)."""
    if not invoices:
        return (
            "No payment history for the last quarter yet (no invoice cleared in it): predicted dates "
            "rest on the due dates and cannot be checked."
        )
    return (
        f"Predicted clearing dates were off by {mae:.1f} days on average, against {naive:.1f} days for "
        f"'pays on the due date' ({invoices:,} invoices cleared in the last quarter)."
    )


def _table(totals: pl.DataFrame, currency: str) -> pl.DataFrame:
    return totals.select(
        pl.col("week_start").map_elements(fmt.day, return_dtype=pl.String).alias("Week of (Monday)"),
        *(pl.col(c).map_elements(fmt.amount, return_dtype=pl.String).alias(f"{c.title()} ({currency})")
          for c in ("promised", "predicted", "expected")),
    )  # fmt: skip


def show(actor: Actor, as_of: date) -> None:
    eng = engine()
    st.subheader("Expected cash, next 8 weeks")
    collector = None
    with st.spinner("Reading the payment history of the snapshots (once per new snapshot)…"):
        team = expected_cash(eng, actor, as_of)  # the first run after a restart reads every snapshot
    if actor.has(*READ_ALL_ROLES):
        names = team.weekly["collector"].drop_nulls().unique().sort().to_list()
        chosen = st.selectbox("Collector", [ALL, *names], key=keys.CASH_COLLECTOR)
        collector = None if chosen in (None, ALL) else chosen
    cash = team if collector is None else expected_cash(eng, actor, as_of, collector=collector)
    if cash.totals["expected"].sum() == 0:
        st.info(
            "No payment expected in the next eight weeks for these customers"
            f" ({fmt.money(cash.later, cash.currency)} expected later)."
        )
    else:
        long = cash.totals.unpivot(
            index="week_start", on=["promised", "predicted"], variable_name="kind", value_name="amount"
        ).with_columns(
            pl.col("amount").cast(pl.Float64),  # chart only
            pl.col("kind").str.to_titlecase(),
            pl.col("week_start").dt.strftime("%d.%m.%Y").alias("week"),  # a label: no time-zone shift
        )
        chart = (
            alt.Chart(long)
            .mark_bar()
            .encode(
                x=alt.X("week:O", title="Week of (Monday)", sort=None, axis=alt.Axis(labelAngle=0)),
                y=alt.Y("sum(amount):Q", title=f"Expected ({cash.currency})", stack="zero"),
                color=alt.Color("kind:N", title="", scale=alt.Scale(domain=["Promised", "Predicted"])),
                tooltip=[
                    alt.Tooltip("week:O", title="Week of"),
                    "kind:N",
                    alt.Tooltip("amount:Q", format=",.2f"),
                ],
            )
            .properties(height=260)
        )
        st.altair_chart(chart, width="stretch")
        tables.show(_table(cash.totals, cash.currency), hide_index=True)
        total = cash.totals["expected"].sum()
        promised = cash.totals["promised"].sum()
        st.caption(
            f"{fmt.money(total, cash.currency)} expected in these weeks, "
            f"{fmt.money(promised, cash.currency)} of it promised; "
            f"{fmt.money(cash.later, cash.currency)} expected later. "
            "Predicted = due date + the customer's usual days late (else its country and company code's, "
            "else the due date); credit notes are left out."
        )
    test = payment_backtest(eng, actor, as_of)
    st.caption(backtest_line(test.invoices, test.mae_days, test.naive_mae_days))
