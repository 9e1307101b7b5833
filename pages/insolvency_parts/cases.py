"""Insolvency cases: the table, and for a lead the forms to open a case, change it, record the
quota received and end it."""

from __future__ import annotations

from datetime import date

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import (
    INSOLVENCY_ROLES,
    end_insolvency_case,
    open_insolvency_case,
    record_insolvency_quota,
    update_insolvency_case,
)
from pages.insolvency_parts.common import FLASH, STATUSES, status_label
from ui import data, forms
from ui.components import date_column, money_column, record_table

COLUMNS = {
    "case_id": "Case", "customer_id": "Customer", "customer_name": "Name", "status": None,
    "status_label": "Status", "opened_on": date_column("Opened"), "ended_on": date_column("Ended"),
    "ongoing": None, "court": "Court", "case_number": "Case number", "administrator": "Administrator",
    "claim_filed_on": date_column("Claim filed"), "claim": money_column("Claim"), "currency": "Currency",
    "quota_received": money_column("Quota received"),
    "quota_pct": st.column_config.NumberColumn("Quota %", format="%.1f %%"),
    "note": "Note", "created_by": None, "created_at": None,
}  # fmt: skip


def show(eng: sa.Engine, actor: Actor, today: date, cases: pl.DataFrame) -> None:
    """``cases``: :func:`list_insolvency_cases` of ``actor`` (the page reads it once for its tiles too)."""
    ongoing = cases.filter(pl.col("ongoing"))
    if cases.is_empty():
        st.info("No insolvency case is recorded for your customers.")
    else:
        st.caption(f"{ongoing.height} ongoing — collections and dunning hold these customers "
                   "until the case ends.")  # fmt: skip
        record_table(cases, COLUMNS, download="insolvency_cases.csv")
    if actor.has(*INSOLVENCY_ROLES):
        _open_form(eng, actor, today)
        if cases.height:
            _change_form(eng, actor, cases, today)


def _k(form: str, name: str) -> str:
    return forms.key(form, name)


def _open_form(eng: sa.Engine, actor: Actor, today: date) -> None:
    customers = data.customers(actor)
    ids = customers["customer_id"].to_list()
    names = dict(zip(ids, customers["name"].to_list(), strict=True))
    with st.expander("Record an insolvency case"), st.form("insolvency_open"):
        customer = st.selectbox("Customer", ids, format_func=lambda c: f"{c} {names.get(c) or ''}",
                                key=_k("insolvency_open", "customer"))  # fmt: skip
        c1, c2 = st.columns(2)
        status = c1.selectbox("Status", STATUSES, format_func=status_label,
                              key=_k("insolvency_open", "status"))  # fmt: skip
        opened = c2.date_input("Opened on", value=today, format="DD.MM.YYYY", key=_k("insolvency_open", "on"))
        court = c1.text_input("Court", key=_k("insolvency_open", "court"))
        number = c2.text_input("Case number", key=_k("insolvency_open", "number"))
        admin = c1.text_input("Administrator", key=_k("insolvency_open", "admin"))
        claim = c2.text_input("Claim filed (amount)", key=_k("insolvency_open", "claim"))
        note = st.text_area("Note", key=_k("insolvency_open", "note"))
        if st.form_submit_button("Record case") and customer:
            data.save_and_rerun(
                lambda: open_insolvency_case(
                    eng, actor, customer, status, opened, court=court, case_number=number,
                    administrator=admin, claim=claim or None, claim_filed_on=opened if claim else None,
                    note=note),
                lambda case_id: f"Insolvency case #{case_id} recorded for {customer}.",
                "insolvency_open", flash=FLASH)  # fmt: skip


def _change_form(eng: sa.Engine, actor: Actor, cases: pl.DataFrame, today: date) -> None:
    labels = {r["case_id"]: f"#{r['case_id']} {r['customer_id']} {r['customer_name'] or ''} "
              f"({r['status_label']})" for r in cases.iter_rows(named=True)}  # fmt: skip
    with st.expander("Change a case, record a quota, end a case"), st.form("insolvency_change"):
        case_id = st.selectbox("Case", list(labels), format_func=labels.get,
                               key=_k("insolvency_change", "case"))  # fmt: skip
        c1, c2, c3 = st.columns(3)
        status = c1.selectbox("New status", ["", *STATUSES],
                              format_func=lambda s: status_label(s) if s else "unchanged",
                              key=_k("insolvency_change", "status"))  # fmt: skip
        quota = c2.text_input("Quota received (amount)", key=_k("insolvency_change", "quota"))
        ended = c3.date_input("Ended on", value=None, format="DD.MM.YYYY", key=_k("insolvency_change", "end"))
        if st.form_submit_button("Save"):

            def action() -> None:
                if status:
                    update_insolvency_case(eng, actor, case_id, status=status)
                if quota.strip():
                    record_insolvency_quota(eng, actor, case_id, quota)
                if ended is not None:
                    end_insolvency_case(eng, actor, case_id, ended)

            data.save_and_rerun(action, f"Case #{case_id} saved.", "insolvency_change", flash=FLASH)
