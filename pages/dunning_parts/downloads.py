"""A released run's letters to download: the whole run as one PDF, one customer's PDF or e-mail draft."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.recovery import letter_eml_draft, run_letters, run_pdf


def show(eng, actor, released: pl.DataFrame) -> None:
    ids = released["run_id"].to_list()
    # keyed by the newest run: a release shows its own letters first
    run_id = st.selectbox("Run", ids, key=f"dn_download_run_{ids[0]}", format_func=lambda r: f"Run {r}")
    letters = run_letters(eng, actor, run_id).filter(pl.col("removed_reason").is_null())
    if letters.is_empty():
        st.info("This run released no letter.")
        return
    names = {
        r["customer_id"]: f"{r['customer_id']} · {r['customer_name'] or ''} · {r['kind']} ({r['language']})"
        for r in letters.iter_rows(named=True)
    }
    customer = st.selectbox("Customer", list(names), format_func=names.get, key="dn_download_customer")
    left, mid, right = st.columns(3)
    left.download_button(
        "Customer's letter (PDF)",
        lambda: run_pdf(eng, actor, run_id, customer),
        f"dunning-{run_id}-{customer}.pdf",
        "application/pdf",
        key="dn_pdf_customer",
    )
    mid.download_button(
        "E-mail draft (.eml)",
        lambda: letter_eml_draft(eng, actor, run_id, customer),
        f"dunning-{run_id}-{customer}.eml",
        "message/rfc822",
        key="dn_eml",
    )
    right.download_button(
        "Whole run (PDF)",
        lambda: run_pdf(eng, actor, run_id),
        f"dunning-run-{run_id}.pdf",
        "application/pdf",
        key="dn_pdf_run",
    )
