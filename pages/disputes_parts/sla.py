"""How SLA days count (calendar or working days, the holiday country): the lead's setting."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.disputes import (
    DAY_KINDS,
    set_sla_settings,
    sla_settings,
)
from ui import disputes, forms

FORM_SLA = "dp_sla_form"


def sla_form(eng: sa.Engine, actor: Actor) -> None:
    """How SLA days count: calendar days, or working days without the public holidays of a country."""
    current = sla_settings(eng)
    with st.form(FORM_SLA):
        st.markdown("**How SLA days count** (for cases opened from now on; open cases keep their due date)")
        c1, c2 = st.columns(2)
        kind = c1.radio(
            "Days",
            DAY_KINDS,
            index=DAY_KINDS.index(current["kind"]),
            horizontal=True,
            format_func=lambda k: f"{k} days",
            key=forms.key(FORM_SLA, "dp_sla_kind"),
        )
        forms.slot("kind", c1)
        country = c2.text_input(
            "Public holidays of (country code)",
            value=current["country"],
            key=forms.key(FORM_SLA, "dp_sla_country"),
            help="e.g. DE, NL, BE",
        )
        forms.slot("country", c2)
        if st.form_submit_button("Save"):
            disputes.save(
                lambda: set_sla_settings(eng, actor, kind=kind, country=country.strip()),
                "How SLA days count is saved.",
                FORM_SLA,
            )
