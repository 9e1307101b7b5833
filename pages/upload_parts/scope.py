"""Scope: what part of the ledger the parked extract covers (the lead's choice before Commit)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.ingest import SpooledExtract
from ar_core.ledger import Scope
from ui.text import escape

SCOPE_FILE, SCOPE_FULL, SCOPE_SOME = "file", "full", "some"


def chosen_scope(result: SpooledExtract) -> Scope | None:
    """The scope the lead picks for this file (None: the default, the file's company codes)."""
    if not result.item_count:
        return None
    default = Scope.of_items(
        pl.DataFrame({"company_code": result.company_codes}, schema={"company_code": pl.String})
    )
    choice = st.radio(
        "What does this extract cover?",
        [SCOPE_FILE, SCOPE_FULL, SCOPE_SOME],
        format_func={
            SCOPE_FILE: f"What it lists: {escape(default.describe())}",
            SCOPE_FULL: "The whole ledger: every customer it does not list has nothing open",
            SCOPE_SOME: "Only some customers or collectors of its company codes",
        }.get,
        key="scope_choice",
        help="Items outside the scope keep what the previous snapshots showed: a partial extract never "
        "makes the rest of the ledger look paid.",
    )
    if choice == SCOPE_FULL:
        return Scope.whole_ledger()
    if choice == SCOPE_SOME:
        codes = default.company_codes if not default.full else ("",)
        c1, c2 = st.columns(2)
        customers = c1.text_area("Customer numbers (one per line or comma separated)", key="scope_customers")
        collectors = c2.multiselect(
            "Collectors (their customers today)",
            result.collectors,
            key="scope_collectors",
            accept_new_options=True,
        )
        ids = [c for c in customers.replace(",", "\n").split() if c]
        return Scope.partial(codes, ids, collectors)
    return None
