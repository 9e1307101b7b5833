"""The clearing proposal under the Suggestions tab: what the ERP team should post, as a table and
as XLSX/CSV written only when downloaded; apart because it reads the decisions, not the suggestions.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.credit import clearing_proposal, clearing_proposal_files
from ar_core.errors import ArDeskError
from pages.credit_parts.common import Credit, refused
from pages.credit_parts.labels import texts
from ui.components import money_column, record_table, time_column


def clearing(ctx: Credit) -> None:
    """Accepted and split allocations for the ERP team: pending until a snapshot shows them cleared."""
    st.subheader("Clearing proposal")
    try:
        proposal = clearing_proposal(ctx.engine, ctx.actor)
    except ArDeskError as exc:
        refused(exc, "The clearing proposal cannot be shown")
        return
    if proposal.is_empty():
        st.info("No accepted or split allocation yet: the clearing proposal is empty.")
        return
    pending = proposal.filter(pl.col("status") == "pending").height
    st.caption(f"{pending:,} pending, {proposal.height - pending:,} posted by the ERP.")
    record_table(
        texts(proposal, "invoice_docs"),
        {
            "company_code": "Company code",
            "customer_id": "Customer",
            "credit_doc": "Credit",
            "invoice_docs": "Invoices",
            "amount": money_column("Amount"),
            "currency": "Currency",
            "status": "Status",
            "decided_by": "Decided by",
            "decided_at": time_column("Decided at"),
        },
        time_zone=settings.get_time_zone(ctx.engine),
    )
    files = lambda: clearing_proposal_files(ctx.engine, ctx.actor)  # noqa: E731 - written when clicked
    c1, c2 = st.columns(2)
    c1.download_button(
        "Clearing proposal (XLSX)",
        lambda: files()[0],
        file_name=f"clearing-proposal-{ctx.as_of.isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
        key="cr_clearing_xlsx",
    )
    c2.download_button(
        "Clearing proposal (CSV)",
        lambda: files()[1],
        file_name=f"clearing-proposal-{ctx.as_of.isoformat()}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="cr_clearing_csv",
    )
