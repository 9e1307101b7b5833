"""The files of approved requests: the posting file for the ERP, the handover file for the legal partner.

Both list approved requests not yet cleared in the ERP (a later snapshot without their invoices
shows them cleared and they leave the files). Text cells are neutralised against formulas.
"""

from __future__ import annotations

import streamlit as st

from ar_core.recovery import (
    WRITE_OFF_REASONS,
    file_csv,
    handover_export,
    handover_xlsx,
    posting_export,
    posting_xlsx,
    set_write_off_gl_accounts,
    write_off_gl_accounts,
)
from pages.write_offs_parts.common import Page, saved
from ui import components, forms

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM = "wo_gl"
POSTING_COLUMNS = {
    "doc_date": components.date_column("Document date"),
    "due_date": components.date_column("Due date"),
    "amount": components.money_column("Amount"),
    "approved_on": components.date_column("Approved on"),
}


def _downloads(name: str, rows, xlsx) -> None:
    """The XLSX and CSV of ``rows``, written when clicked."""
    stem = name.lower().replace(" ", "-")
    left, right = st.columns(2)
    left.download_button(
        f"{name} (XLSX)",
        lambda: xlsx(rows),
        file_name=f"{stem}.xlsx",
        mime=XLSX,
        key=f"wo_{stem}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        f"{name} (CSV)",
        lambda: file_csv(rows),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"wo_{stem}_csv",
        icon=":material/download:",
        on_click="ignore",
    )


def _accounts(page: Page) -> None:
    accounts = write_off_gl_accounts(page.engine)
    labels = {**WRITE_OFF_REASONS, "legal_handover": "Legal handover (doubtful receivables)"}
    with st.expander("G/L accounts of the posting file"):
        if not page.actor.has("lead", "admin"):
            st.table({labels[k]: v for k, v in accounts.items()})
            return
        with st.form(FORM):
            typed = {
                k: st.text_input(labels[k], value=v, key=forms.key(FORM, f"wo_gl_{k}"))
                for k, v in accounts.items()
            }
            forms.slot("accounts")
            if st.form_submit_button("Save accounts"):
                saved(
                    lambda: set_write_off_gl_accounts(page.engine, page.actor, typed),
                    "G/L accounts saved.",
                    FORM,
                )


def show(page: Page) -> None:
    if not page.exports:
        st.info("Leads, controllers and administrators download the posting and handover files.")
        return
    postings = posting_export(page.engine, page.actor)
    st.subheader("Posting file for the ERP")
    st.caption(
        "One line per invoice of each approved request (SAP F-30 / FB1D or similar): post, then "
        "import the next extract — the requests then show as cleared in ERP."
    )
    if postings.is_empty():
        st.info("Nothing to post: no approved request waits for the ERP.")
    else:
        components.record_table(postings, POSTING_COLUMNS)
        _downloads("Write-off postings", postings, posting_xlsx)
    _accounts(page)
    st.subheader("Handover file for the legal partner")
    if page.as_of is None:
        st.info("No snapshot yet.")
        return
    handover = handover_export(page.engine, page.actor, page.as_of)
    if handover.is_empty():
        st.info("No approved legal handover waits to be sent.")
        return
    components.record_table(
        handover, {**POSTING_COLUMNS, "last_letter_on": components.date_column("Last letter")}
    )
    _downloads("Legal handover", handover, handover_xlsx)
