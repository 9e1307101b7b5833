"""The "paying later than usual" threshold: how many days later than over the year a customer must
have paid in the last 90 days before the worklist says so (``collections.payment_behaviour``)."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from ar_core import settings
from ar_core.access import Actor
from ui import data, forms


def later_than_usual(eng: sa.Engine, actor: Actor) -> None:
    st.markdown("**Paying later than usual** (a worklist reason, no points)")
    with st.form("payment_behaviour_settings"):
        days = st.number_input(
            "Days later than over the year",
            min_value=1,
            max_value=settings.MAX_LATER_THAN_USUAL_DAYS,
            step=1,
            value=settings.get_later_than_usual_days(eng),
            key="later_than_usual_days",
            help="A customer is flagged when at least 3 invoices were paid in the last 90 days and "
            "their amount-weighted days late exceed the last 365 days' by at least this many days.",
        )
        forms.slot("days")
        if st.form_submit_button("Save"):
            data.save(
                lambda: settings.set_later_than_usual_days(eng, actor, int(days)), "Saved.", ledger=True
            )
