"""The account's "Payment behaviour" box: how late the customer pays, from its paid invoices
(``collections.payment_behaviour``), with the trend and a small chart of days late per month."""

from __future__ import annotations

import altair as alt
import streamlit as st

from ar_core import settings
from ar_core.collections import customer_payment_history, days_late_by_month, payment_behaviour
from pages.account_tabs.common import Account


def render(ctx: Account) -> None:
    history = customer_payment_history(ctx.engine, ctx.actor, ctx.snapshot_id, ctx.customer_id)
    threshold = settings.get_later_than_usual_days(ctx.engine)
    stats = payment_behaviour(history, ctx.as_of, threshold_days=threshold)
    with st.container(border=True):
        st.markdown("**Payment behaviour** (invoices paid in the last 365 days)")
        if stats.is_empty():
            st.caption("No paid invoice known yet: the behaviour shows once invoices have been paid.")
            return
        row = stats.row(0, named=True)
        cols = st.columns(4)
        cols[0].metric("Avg. days late", f"{row['avg_days_late']:.1f}")
        cols[1].metric("Weighted days late", f"{row['weighted_days_late']:.1f}")
        cols[2].metric("Paid on time", f"{row['on_time_share']:.0f} %")
        recent = row["recent_weighted_days_late"]
        cols[3].metric(
            "Last 90 days",
            "—" if recent is None else f"{recent:.1f}",
            None if row["trend_days"] is None else f"{row['trend_days']:+.1f} days vs the year",
            delta_color="inverse",
        )
        st.caption(
            f"Based on {row['cleared_count']:,} paid invoices, {row['recent_count']:,} of them in the last "
            "90 days. Days late = payment date − due date (0 when early), weighted by amount."
        )
        if row["later_than_usual"]:
            st.warning(
                f"Paying later than usual: {row['trend_days']:+.1f} days in the last 90 days against the "
                f"year (the team flags {threshold} days or more, from 3 invoices)."
            )
        months = days_late_by_month(history, ctx.as_of)
        if months.height > 1:
            chart = (
                alt.Chart(months)
                .mark_line(point=True)
                .encode(
                    x=alt.X("month:T", title="Paid in", axis=alt.Axis(format="%b %Y")),
                    y=alt.Y("weighted_days_late:Q", title="Weighted days late"),
                    tooltip=[alt.Tooltip("month:T", format="%b %Y"), "invoices:Q", "weighted_days_late:Q"],
                )
                .properties(height=160)
            )
            st.altair_chart(chart, width="stretch")
