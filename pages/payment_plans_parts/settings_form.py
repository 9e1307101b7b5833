"""The payment-plan settings a lead keeps: approval threshold, fee, interest, grace and broken-after days."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import plan_settings, set_plan_settings
from pages.payment_plans_parts.common import saved
from ui import forms

FORM = "pp_settings"


def show(eng: sa.Engine, actor: Actor) -> None:
    current = plan_settings(eng)
    if not actor.has("lead", "admin"):
        st.info(
            f"Plans above {current['approval_threshold']:,.2f} (reporting currency) need four eyes; "
            f"an instalment counts as on time up to {current['grace_days']} days after its due date and "
            f"breaks the plan {current['broken_after_days']} days after it. A lead keeps these settings."
        )
        return
    with st.form(FORM):
        c1, c2, c3 = st.columns(3)
        threshold = c1.text_input(
            "Approval threshold (reporting currency)", value=f"{current['approval_threshold']:.2f}",
            key=forms.key(FORM, "pp_set_threshold"),
        )  # fmt: skip
        forms.slot("approval_threshold", c1)
        fee = c2.text_input("Fee per plan", value=f"{current['fee']:.2f}", key=forms.key(FORM, "pp_set_fee"))
        forms.slot("fee", c2)
        rate = c3.text_input("Flat interest, % a year", value=f"{current['interest_pct']:.2f}",
                             key=forms.key(FORM, "pp_set_rate"))  # fmt: skip
        forms.slot("interest_pct", c3)
        d1, d2 = st.columns(2)
        grace = d1.number_input("Grace days", min_value=0, max_value=365, value=current["grace_days"], step=1,
                                key=forms.key(FORM, "pp_set_grace"))  # fmt: skip
        forms.slot("grace_days", d1)
        broken = d2.number_input(
            "Broken after days", min_value=0, max_value=365, step=1, value=current["broken_after_days"],
            key=forms.key(FORM, "pp_set_broken"),
        )  # fmt: skip
        forms.slot("broken_after_days", d2)
        if st.form_submit_button("Save settings", type="primary"):
            values = {"approval_threshold": threshold, "fee": fee, "interest_pct": rate,
                      "grace_days": int(grace), "broken_after_days": int(broken)}  # fmt: skip
            saved(lambda: set_plan_settings(eng, actor, **values), "Payment-plan settings saved.", FORM)
