"""A letter of the run under review as the customer would read it, in their language, with its
interest and compensation: looked at before anything is sent."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from ar_core.errors import ArDeskError
from ar_core.recovery import letters_pdf, preview_letter, render_text
from ui.text import escape

LANGUAGES = {"de": "German", "nl": "Dutch", "en": "English", "fr": "French"}


def show(eng, actor, run: dict, kept: pl.DataFrame, today: date) -> None:
    if kept.is_empty():
        return
    st.markdown("**Preview a letter**")
    names = {
        r[
            "customer_id"
        ]: f"{r['customer_id']} · {r['customer_name'] or ''} ({LANGUAGES.get(r['language'], r['language'])})"
        for r in kept.iter_rows(named=True)
    }
    customer = st.selectbox("Letter to", list(names), format_func=names.get, key="dn_preview_customer")
    letter_date = max(today, run["as_of"])
    try:
        letter = preview_letter(eng, actor, run["run_id"], customer, letter_date)
        text = render_text(letter)
    except ArDeskError as exc:
        st.error(escape(exc))
        return
    with st.container(border=True):
        st.text(text)
    st.download_button(
        "Preview (PDF)",
        lambda: letters_pdf([letter]),
        f"preview-{run['run_id']}-{customer}.pdf",
        "application/pdf",
        key="dn_preview_pdf",
    )
