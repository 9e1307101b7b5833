"""Statutory interest rates: the published rates with their valid-from dates, and for a lead the
form to enter the next half-year's rate (audited). Until a half-year's rate is entered, interest
for its days cannot be computed and the dunning run says so."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import RATE_KINDS, RATE_ROLES, add_rate, list_rates
from ui import data, forms
from ui.components import date_column, record_table, time_column
from ui.resources import engine

FLASH = "interest_rates_flash"
FORM = "interest_rate"


def show(actor: Actor) -> None:
    eng = engine()
    data.show_flash(FLASH)
    rates = list_rates(eng, actor)
    st.caption(
        "German base rate (§ 247 BGB, + 9 points for business claims), the Dutch statutory "
        "commercial rate (art. 6:119a BW) and the ECB reference rate (+ 8 points elsewhere in the "
        "EU). A rate holds until the next one; the newest one to the end of its half-year."
    )
    if rates.is_empty():
        st.warning("No statutory rates are stored: interest cannot be computed.")
    else:
        newest = rates.group_by("kind").agg(pl.col("valid_from").max()).sort("kind")
        cols = st.columns(max(newest.height, 1))
        for col, row in zip(cols, newest.iter_rows(named=True), strict=False):
            current = rates.filter(pl.col("kind") == row["kind"], pl.col("valid_from") == row["valid_from"])
            col.metric(RATE_KINDS[row["kind"]], f"{current['rate'][0]} %",
                       help=f"valid from {row['valid_from']:%d.%m.%Y}")  # fmt: skip
        kind = st.selectbox("Rate", list(RATE_KINDS), format_func=RATE_KINDS.get, key="interest_rate_kind")
        record_table(rates.filter(pl.col("kind") == kind),
                     {"kind": None, "kind_label": None, "valid_from": date_column("Valid from"),
                      "rate": st.column_config.NumberColumn("Rate % a year", format="%.2f"),
                      "source": "Source", "entered_by": "Entered by",
                      "entered_at": time_column("Entered at")})  # fmt: skip
    if actor.has(*RATE_ROLES):
        _add_form(actor)


def _add_form(actor: Actor) -> None:
    today = data.team_today()
    starts = [date(today.year + (m == 1 and today.month > 6), m, 1) for m in (7, 1)]
    with st.form(FORM):
        st.markdown("**Enter a new rate** (published twice a year, valid from 1 January or 1 July)")
        c1, c2, c3 = st.columns(3)
        kind = c1.selectbox("Rate", list(RATE_KINDS), format_func=RATE_KINDS.get, key=forms.key(FORM, "kind"))
        valid_from = c2.date_input("Valid from", value=min(starts), format="DD.MM.YYYY",
                                   key=forms.key(FORM, "from"))  # fmt: skip
        rate = c3.text_input("Rate in % a year (e.g. 1.27 or -0.88)", key=forms.key(FORM, "rate"))
        source = st.text_input("Source (notice, publication)", key=forms.key(FORM, "source"))
        if st.form_submit_button("Add rate"):
            data.save_and_rerun(lambda: add_rate(engine(), actor, kind, valid_from, rate, source=source),
                                f"{RATE_KINDS[kind]} from {valid_from:%d.%m.%Y} added.", FORM,
                                flash=FLASH)  # fmt: skip
