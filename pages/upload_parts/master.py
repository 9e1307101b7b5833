"""The customer master upload: names, collectors, risk classes, credit limits and contacts."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.ingest import read_customer_master
from ar_core.ledger import upsert_customer_master
from ui import data
from ui.text import escape


def customer_master(eng: sa.Engine, actor: Actor) -> None:
    with st.expander("Customer master (names, languages, collectors, risk classes, credit limits, contacts)"):
        st.caption(
            "CSV or XLSX with the columns customer_id; name; country; language; collector; risk_class; "
            "credit_limit; credit_limit_currency; payment_terms; company_code; contact_name; contact_phone; "
            "contact_email (German labels accepted). Blank cells never overwrite what is stored. The master "
            "wins over extracts: an extract only fills blank fields and never moves a customer to another "
            "collector."
        )
        master_file = st.file_uploader("Customer master file", type=["csv", "txt", "xlsx"], key="master_file")
        if master_file is None or not st.button("Load customer master", key="load_master"):
            return
        frame, problems = read_customer_master(master_file.getvalue(), master_file.name)
        for problem in problems:
            (st.error if problem.severity == "error" else st.warning)(escape(problem))
        if not any(p.severity == "error" for p in problems):
            counts = upsert_customer_master(eng, actor, frame)
            data.refresh(ledger=True)
            st.success(
                f"{escape(master_file.name)}: {counts['inserted']:,} customers added, "
                f"{counts['updated']:,} updated, "
                f"{counts['unchanged']:,} unchanged."
            )
