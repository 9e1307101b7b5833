"""The credit settings: how far a credit and its invoices may differ, and when a refund needs four eyes."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from ar_core import settings
from ar_core.access import Actor
from ui import data, forms


def credits(eng: sa.Engine, actor: Actor) -> None:
    reporting = settings.get_reporting_currency(eng)
    with st.form("credit_settings"):
        tolerance = st.text_input(
            f"Allocation tolerance ({reporting})",
            value=f"{settings.get_allocation_tolerance(eng):.2f}",
            key="credit_tolerance",
            help="A credit and the invoices it settles count as equal within this amount "
            f"(0.00: exact; at most {settings.MAX_ALLOCATION_TOLERANCE}).",
        )
        forms.slot("tolerance")
        threshold = st.text_input(
            f"Refunds need a second person's approval above ({reporting})",
            value=f"{settings.get_refund_approval_threshold(eng):.2f}",
            key="credit_refund_threshold",
            help="Up to this amount a refund is approved when it is requested; above it another "
            "person with the lead or controller role approves it.",
        )
        forms.slot("threshold")
        if st.form_submit_button("Save"):

            def _save() -> None:
                settings.set_allocation_tolerance(eng, actor, tolerance)
                settings.set_refund_approval_threshold(eng, actor, threshold)

            data.save(_save, "Saved.", ledger=True)
