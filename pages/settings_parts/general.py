"""The plain settings forms: promises and aging, team and imports, the letterhead."""

from __future__ import annotations

from zoneinfo import available_timezones

import sqlalchemy as sa
import streamlit as st

from ar_core import settings
from ar_core.access import Actor
from ui import data
from ui.text import escape

LETTERHEAD_LABELS = {
    "company_name": "Company name",
    "address": "Address",
    "vat_id": "VAT id",
    "phone": "Phone",
    "email": "E-mail",
    "bank_name": "Bank",
    "iban": "IBAN",
    "bic": "BIC",
}


def promises_and_aging(eng: sa.Engine, actor: Actor) -> None:
    with st.form("general"):
        grace = st.number_input(
            "Promise grace period (days after the promised date before a promise counts as broken)",
            min_value=0,
            max_value=settings.MAX_GRACE_DAYS,
            value=settings.get_promise_grace_days(eng),
            key="grace",
        )
        edges_text = st.text_input(
            "Aging bucket edges (days overdue, increasing)",
            value=", ".join(str(e) for e in settings.get_aging_edges(eng)),
            key="edges",
            help="30, 60, 90, 180, 360 gives not due, 1-30, 31-60, 61-90, 91-180, 181-360, >360",
        )
        reporting = st.text_input(
            "Reporting currency", value=settings.get_reporting_currency(eng), key="reporting"
        )
        if not st.form_submit_button("Save", type="primary"):
            return
        parts = [e.strip() for e in edges_text.replace(";", ",").split(",") if e.strip()]
        if not all(p.isdigit() for p in parts):
            st.error(f"Aging bucket edges: {escape(repr(edges_text))} is not a list of whole day counts.")
            return

        def _save() -> None:
            settings.set_aging_edges(eng, actor, [int(p) for p in parts])
            settings.set_promise_grace_days(eng, actor, int(grace))
            settings.set_reporting_currency(eng, actor, reporting.strip().upper())

        data.save(_save, "Saved.", ledger=True)


def team_and_imports(eng: sa.Engine, actor: Actor) -> None:
    """The team's time zone, when an FX rate counts as old, and when an extract looks incomplete."""
    with st.form("team"):
        zones = sorted(
            z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
        )
        current_zone = settings.get_time_zone(eng)
        zone = st.selectbox(
            "Team time zone (decides which day is today and how times are shown)",
            zones,
            index=zones.index(current_zone) if current_zone in zones else 0,
            key="team_zone",
        )
        fx_age = st.number_input(
            "Warn when the FX rate used is older than (days)",
            min_value=1,
            max_value=366,
            value=settings.get_fx_max_age_days(eng),
            key="team_fx_age",
        )
        coverage = settings.get_coverage_thresholds(eng)
        c1, c2 = st.columns(2)
        cov_customers = c1.number_input(
            "Flag an extract with fewer customers than this share of the previous snapshot (%)",
            min_value=0,
            max_value=100,
            value=coverage["customers"],
            key="team_cov_customers",
        )
        cov_items = c2.number_input(
            "… or fewer items than this share (%)",
            min_value=0,
            max_value=100,
            value=coverage["items"],
            key="team_cov_items",
        )
        if st.form_submit_button("Save", type="primary"):

            def _save() -> None:
                settings.set_time_zone(eng, actor, zone)
                settings.set_fx_max_age_days(eng, actor, int(fx_age))
                settings.set_coverage_thresholds(
                    eng, actor, {"customers": int(cov_customers), "items": int(cov_items)}
                )

            data.save(_save, "Saved.", ledger=True)


def letterhead(eng: sa.Engine, actor: Actor) -> None:
    with st.form("letterhead"):
        st.markdown("The sender on statements of account and letters to customers.")
        stored = settings.get_letterhead(eng)
        values = {}
        cols = st.columns(2)
        for i, (field, label) in enumerate(LETTERHEAD_LABELS.items()):
            box = cols[i % 2]
            widget = box.text_area if field == "address" else box.text_input
            values[field] = widget(label, value=stored[field], key=f"lh_{field}", max_chars=300)
        if st.form_submit_button("Save letterhead", type="primary"):
            data.save(lambda: settings.set_letterhead(eng, actor, values), "Letterhead saved.", ledger=True)
