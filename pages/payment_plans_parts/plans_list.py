"""The plans with their status; one plan's instalments tracked against the snapshots, its letter, cancel."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import cancel_plan, list_plans, plan_instalments, plan_letter_pdf, refresh_plan_statuses
from pages.payment_plans_parts import chart
from pages.payment_plans_parts.common import (
    CHOSEN,
    INSTALMENT_COLUMNS,
    INSTALMENT_LABELS,
    PLAN_COLUMNS,
    STATUS_LABELS,
    labelled,
    saved,
)
from ui import components, fmt, forms

FORM_CANCEL = "pp_cancel"


def show(eng: sa.Engine, actor: Actor, names: Mapping[str, str], customer_id: str | None = None) -> None:
    """Every plan ``actor`` may read (of ``customer_id`` only, when given), newest first."""
    plans = list_plans(eng, actor, customer_id=customer_id)
    refresh = actor.has("lead", "admin") and customer_id is None
    if refresh and st.button("Check instalments against the latest snapshot", key="pp_refresh"):
        saved(lambda: refresh_plan_statuses(eng, actor), lambda n: f"{n} plan(s) updated.")
    if plans.is_empty():
        st.info("No payment plan yet." if customer_id is None else "No payment plan for this customer yet.")
        return
    statuses = [s for s in STATUS_LABELS if s in set(plans["status"])]
    shown = st.multiselect("Status", statuses, default=statuses, format_func=STATUS_LABELS.get,
                           key=f"pp_status_{customer_id or 'all'}")  # fmt: skip
    plans = plans.filter(pl.col("status").is_in(shown))
    components.record_table(labelled(plans, names), PLAN_COLUMNS)
    if plans.is_empty():
        return
    rows = {r["plan_id"]: r for r in plans.iter_rows(named=True)}
    pid = st.selectbox(
        "Plan",
        list(rows),
        key=f"{CHOSEN}_{customer_id or 'all'}",
        format_func=lambda p: _label(rows[p], names),
    )
    _detail(eng, actor, rows[pid])


def _label(row: dict, names: Mapping[str, str]) -> str:
    who = names.get(row["customer_id"]) or row["customer_id"]
    total = fmt.money(row["total"], row["currency"])
    return f"{row['plan_id']} · {who} · {total} · {STATUS_LABELS[row['status']]}"


def _detail(eng: sa.Engine, actor: Actor, plan: dict) -> None:
    parts = plan_instalments(eng, actor, plan["plan_id"])
    st.markdown(f"**Instalments of plan {plan['plan_id']}** — kept {plan['kept']}, late {plan['late']}, "
                f"broken {plan['broken']}")  # fmt: skip
    chart.show(parts, plan["currency"])
    status = (
        pl.col("status").replace_strict(INSTALMENT_LABELS, default=pl.col("status")).alias("status_label")
    )
    components.record_table(parts.with_columns(status), INSTALMENT_COLUMNS)
    if plan["status"] in ("active", "completed", "broken"):
        st.download_button(
            "Confirmation letter (PDF)", data=lambda: plan_letter_pdf(eng, actor, plan["plan_id"]),
            file_name=f"payment-plan-{plan['plan_id']}.pdf", mime="application/pdf",
            key=f"pp_letter_{plan['plan_id']}", icon=":material/picture_as_pdf:",
        )  # fmt: skip
    if plan["status"] in ("active", "pending_approval") and (
        plan["proposed_by"] == actor.username or actor.has("lead", "admin")
    ):
        with st.form(FORM_CANCEL):
            reason = st.text_input("Why cancelled?", key=forms.key(FORM_CANCEL, "pp_cancel_reason"))
            forms.slot("reason")
            if st.form_submit_button("Cancel plan", icon=":material/cancel:"):
                saved(lambda: cancel_plan(eng, actor, plan["plan_id"], reason),
                      f"Plan {plan['plan_id']} cancelled.", FORM_CANCEL)  # fmt: skip
