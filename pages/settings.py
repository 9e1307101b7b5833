"""Settings (lead, admin): priority, promises and aging, FX rates, team and imports, letterhead. Audited."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ar_core import settings
from ar_core.collections import PriorityConfig
from ar_core.config import today
from ar_core.ledger import import_rates, list_rates, set_rate
from ar_core.money import parse_amount
from ui import data, forms
from ui.guard import require
from ui.resources import engine
from ui.text import escape

actor = require("lead", "admin")
eng = engine()
st.title("Settings")
st.caption("Every change is written to the audit log with the values before and after.")
if notice := st.session_state.pop("settings_notice", None):
    st.success(notice)

weights, general, fx, team, letterhead = st.tabs(
    ["Priority score", "Promises & aging", "FX rates", "Team & imports", "Letterhead"]
)


def _forget(prefix: str) -> None:
    """Drop the form's widget states so that the next run shows what is stored, not what was typed."""
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


with weights:
    current = settings.get_priority_config(eng)
    defaults = PriorityConfig().to_dict()
    st.markdown(
        "Weights and thresholds of the priority score. The README explains each one; "
        "*Reset* puts the documented defaults back."
    )
    with st.form("priority"):
        cols = st.columns(3)
        edited: dict = {}
        for i, (name, value) in enumerate(current.items()):
            label = name.replace("_", " ").capitalize()
            if isinstance(value, dict):  # e.g. points per risk class
                edited[name] = {
                    k: float(
                        cols[i % 3].number_input(
                            f"{label}: {k}", value=float(v), step=0.5, key=f"pc_{name}_{k}"
                        )
                    )
                    for k, v in value.items()
                }
            elif isinstance(value, bool):
                edited[name] = cols[i % 3].checkbox(label, value=value, key=f"pc_{name}")
            elif isinstance(value, int):
                edited[name] = int(
                    cols[i % 3].number_input(
                        label, value=value, step=1, key=f"pc_{name}", help=f"default {defaults.get(name)}"
                    )
                )
            elif isinstance(value, float):
                edited[name] = float(
                    cols[i % 3].number_input(
                        label, value=value, step=0.5, key=f"pc_{name}", help=f"default {defaults.get(name)}"
                    )
                )
            else:
                edited[name] = cols[i % 3].text_input(
                    label, value=str(value), key=f"pc_{name}", help=f"default {defaults.get(name)}"
                )
        save, reset = st.columns(2)
        if save.form_submit_button("Save weights", type="primary"):
            data.save(
                lambda: settings.set_priority_config(eng, actor, edited),
                "Priority weights saved; worklists use them from now on.",
                ledger=True,
            )
        if reset.form_submit_button("Reset to defaults") and data.save(
            lambda: settings.set_priority_config(eng, actor, defaults), ledger=True
        ):
            _forget("pc_")
            st.session_state["settings_notice"] = "Priority weights reset to the documented defaults."
            st.rerun()

with general, st.form("general"):
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
    if st.form_submit_button("Save", type="primary"):
        parts = [e.strip() for e in edges_text.replace(";", ",").split(",") if e.strip()]
        if not all(p.isdigit() for p in parts):
            st.error(f"Aging bucket edges: {escape(repr(edges_text))} is not a list of whole day counts.")
        else:

            def _save_general() -> None:
                settings.set_aging_edges(eng, actor, [int(p) for p in parts])
                settings.set_promise_grace_days(eng, actor, int(grace))
                settings.set_reporting_currency(eng, actor, reporting.strip().upper())

            data.save(_save_general, "Saved.", ledger=True)

with fx:
    st.markdown(
        "A rate is **EUR per one unit** of the currency (CHF 1 = EUR 1.06 → enter 1.06). Worklists "
        "and tiles use the latest rate on or before the snapshot date."
    )
    table = list_rates(eng)
    if table.is_empty():
        st.info("No FX rates yet: items in other currencies are reported, not converted, until you add some.")
    else:
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "rate_date": st.column_config.DateColumn("Valid from", format="DD.MM.YYYY"),
                "currency": "Currency",
                "rate": st.column_config.NumberColumn("EUR per unit", format="%.6f"),
                "updated_by": "Entered by",
            },
        )
    with st.form("rate"):  # kept when refused, emptied when saved (ui.forms)
        c1, c2, c3 = st.columns(3)
        on = c1.date_input(
            "Valid from",
            value=today(settings.get_time_zone(eng)),
            min_value=date(1990, 1, 1),
            format="DD.MM.YYYY",
            key=forms.key("rate", "fx_date"),
        )
        cur = c2.text_input("Currency", max_chars=3, key=forms.key("rate", "fx_cur"))
        rate_text = c3.text_input("Rate (EUR per unit)", key=forms.key("rate", "fx_rate"))
        if st.form_submit_button("Add rate"):
            rate = parse_amount(rate_text)
            if rate is None:
                st.error(f"Rate: {escape(repr(rate_text))} is not a number.")
            elif data.save(lambda: set_rate(eng, actor, on, cur.strip().upper(), rate), ledger=True):
                forms.next_round("rate")
                st.rerun()
    upload = st.file_uploader(
        "Or upload a rates file (CSV: date;currency;rate)", type=["csv", "txt"], key="fx_file"
    )
    if upload is not None and st.button("Import rates", key="fx_import"):
        count, problems = import_rates(eng, actor, upload.getvalue(), upload.name)
        for p in problems:
            st.error(escape(p))  # problems quote the file's cells
        if count:
            data.refresh(ledger=True)
            st.success(f"{count} rates imported from {escape(upload.name)}.")

with team, st.form("team"):
    from zoneinfo import available_timezones

    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
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

        def _save_team() -> None:
            settings.set_time_zone(eng, actor, zone)
            settings.set_fx_max_age_days(eng, actor, int(fx_age))
            settings.set_coverage_thresholds(
                eng, actor, {"customers": int(cov_customers), "items": int(cov_items)}
            )

        data.save(_save_team, "Saved.", ledger=True)

with letterhead, st.form("letterhead"):
    st.markdown("The sender on statements of account and letters to customers.")
    stored = settings.get_letterhead(eng)
    labels = {
        "company_name": "Company name",
        "address": "Address",
        "vat_id": "VAT id",
        "phone": "Phone",
        "email": "E-mail",
        "bank_name": "Bank",
        "iban": "IBAN",
        "bic": "BIC",
    }
    values = {}
    cols = st.columns(2)
    for i, (field, label) in enumerate(labels.items()):
        box = cols[i % 2]
        widget = box.text_area if field == "address" else box.text_input
        values[field] = widget(label, value=stored[field], key=f"lh_{field}", max_chars=300)
    if st.form_submit_button("Save letterhead", type="primary"):
        data.save(lambda: settings.set_letterhead(eng, actor, values), "Letterhead saved.", ledger=True)
