"""The monthly sales file (leads, controllers, admins): credit sales per company code and month for
extracts that hold open items only. Upload, the problems named by row and column, what is stored."""

from __future__ import annotations

import streamlit as st

from ar_core.access import Actor
from ar_core.performance import SALES_ROLES, import_monthly_sales, stored_sales
from pages.kpis_parts.period import clear_figures
from ui import keys
from ui.components import money_column, record_table, time_column
from ui.data import save
from ui.resources import engine
from ui.text import escape


def show(actor: Actor) -> None:
    if not actor.has(*SALES_ROLES):
        return
    with st.expander("Monthly sales file (for extracts of open items only)"):
        st.caption(
            "A CSV or XLSX with the columns company code, month (2026-09 or 09.2026), credit sales and "
            "currency, in German or English. A month given again replaces the stored figure."
        )
        upload = st.file_uploader("Sales file", type=["csv", "txt", "xlsx"], key=keys.KPI_SALES_FILE)
        if upload is not None and st.button("Import the sales file", key="kpi_sales_import"):
            outcome = []
            if save(
                lambda: outcome.append(import_monthly_sales(engine(), actor, upload.name, upload.getvalue()))
            ):
                if outcome and outcome[0].problems:
                    st.error("Nothing stored: " + "; ".join(escape(str(p)) for p in outcome[0].problems[:20]))
                elif outcome:
                    clear_figures()  # the credit sales of the KPIs above change
                    st.success(
                        f"{outcome[0].stored} month(s) stored, {outcome[0].replaced} of them replaced."
                    )
        stored = stored_sales(engine(), actor)
        if stored.is_empty():
            st.info("No monthly sales stored yet.")
            return
        record_table(
            stored,
            {
                "company_code": "Company code",
                "year": "Year",
                "month": "Month",
                "currency": "Currency",
                "sales": money_column("Credit sales"),
                "source_file": "File",
                "imported_by": "Imported by",
                "imported_at": time_column("Imported"),
            },
            height=min(38 + 35 * stored.height, 300),
        )
