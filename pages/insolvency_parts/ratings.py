"""Credit-agency ratings: the latest per customer and agency, with its date, beside our own limit."""

from __future__ import annotations

import altair as alt
import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import list_ratings
from ui.components import date_column, money_column, record_table

COLUMNS = {
    "customer_id": "Customer", "customer_name": "Name", "agency": "Agency", "rated_on": date_column("Rated"),
    "score": "Score", "rating": "Rating", "limit": money_column("Recommended limit"), "currency": "Currency",
    "our_limit": money_column("Our credit limit"), "file_name": "File",
}  # fmt: skip


def show(eng: sa.Engine, actor: Actor) -> None:
    ratings = list_ratings(eng, actor)
    if ratings.is_empty():
        st.info("No credit ratings imported yet: a lead imports the agency's file under Imports.")
        return
    over = ratings.filter(pl.col("limit").is_not_null() & pl.col("our_limit").is_not_null()
                          & (pl.col("our_limit") > pl.col("limit")))  # fmt: skip
    if over.height:
        st.warning(f"{over.height} customer(s) have a credit limit above the agency's recommendation.")
    record_table(ratings, COLUMNS, download="credit_ratings.csv")
    scored = ratings.filter(pl.col("score").is_not_null())
    if scored.height > 1:
        chart = (
            alt.Chart(scored.select("customer_id", "customer_name", "score", "rated_on").to_pandas())
            .mark_bar()
            .encode(x=alt.X("score:Q", bin=alt.Bin(maxbins=20), title="Score"),
                    y=alt.Y("count():Q", title="Customers"))
            .properties(height=220, title="Customers by score")
        )  # fmt: skip
        st.altair_chart(chart, width="stretch")
