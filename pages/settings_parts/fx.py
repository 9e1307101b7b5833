"""FX rates: the stored rates, one rate typed in, or a whole rates file."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import streamlit as st

from ar_core import settings
from ar_core.access import Actor
from ar_core.config import today
from ar_core.ledger import import_rates, list_rates, set_rate
from ar_core.money import parse_amount
from ui import data, forms
from ui.components import date_column, record_table
from ui.text import escape


def rates(eng: sa.Engine, actor: Actor) -> None:
    table = list_rates(eng)
    if table.is_empty():
        st.info("No FX rates yet: items in other currencies are reported, not converted, until you add some.")
    else:
        record_table(
            table,
            {
                "rate_date": date_column("Valid from"),
                "currency": "Currency",
                "rate": st.column_config.NumberColumn("EUR per unit", format="%.6f"),
                "updated_by": "Entered by",
            },
        )
    _add_rate(eng, actor)
    _import_rates(eng, actor)


def _add_rate(eng: sa.Engine, actor: Actor) -> None:
    """One rate: kept when refused, emptied when saved (ui.forms)."""
    with st.form("rate"):
        c1, c2, c3 = st.columns(3)
        on = c1.date_input(
            "Valid from",
            value=today(settings.get_time_zone(eng)),
            min_value=date(1990, 1, 1),
            format="DD.MM.YYYY",
            key=forms.key("rate", "fx_date"),
        )
        cur = c2.text_input("Currency", max_chars=3, key=forms.key("rate", "fx_cur"))
        rate_text = c3.text_input("Rate (EUR per unit)", key=forms.key("rate", "fx_rate"))
        if st.form_submit_button("Add rate"):
            rate = parse_amount(rate_text)
            if rate is None:
                st.error(f"Rate: {escape(repr(rate_text))} is not a number.")
            elif data.save(lambda: set_rate(eng, actor, on, cur.strip().upper(), rate), ledger=True):
                forms.next_round("rate")
                st.rerun()


def _import_rates(eng: sa.Engine, actor: Actor) -> None:
    upload = st.file_uploader(
        "Or upload a rates file (CSV: date;currency;rate)", type=["csv", "txt"], key="fx_file"
    )
    if upload is None or not st.button("Import rates", key="fx_import"):
        return
    count, problems = import_rates(eng, actor, upload.getvalue(), upload.name)
    for p in problems:
        st.error(escape(p))  # problems quote the file's cells
    if count:
        data.refresh(ledger=True)
        st.success(f"{count} rates imported from {escape(upload.name)}.")
