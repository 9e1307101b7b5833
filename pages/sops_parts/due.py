"""Reviews due (the lead): SOPs overdue for review or due in the next 30 days, and each area's
review interval, named approvers and audience (who is asked to confirm a new version)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ar_core.access import list_users
from ar_core.knowledge import (
    LEAD_ROLES,
    SOP_AREAS,
    area_settings,
    retire_sop,
    reviews_due,
    set_area_people,
    set_review_months,
    sop_titles,
)
from pages.sops_parts import common
from ui import components, data, forms


def _settings(eng, actor) -> None:
    areas = area_settings(eng, actor)
    components.record_table(
        areas.with_columns(areas["approvers"].list.join(", "), areas["audience"].list.join(", ")).drop(
            "area"
        ),
        {
            "label": "Process area",
            "review_months": "Review every (months)",
            "approvers": "Named approvers",
            "audience": "Audience (empty: all collectors and leads)",
        },
    )
    users = list_users(eng, actor).filter(active=True)["username"].to_list()
    form = "sop_area_form"
    st.markdown("**Change an area**")
    area = st.selectbox("Process area", list(SOP_AREAS), format_func=SOP_AREAS.get, key="sop_area_pick")
    row = areas.filter(area=area).row(0, named=True)
    with st.form(forms.key(form, "sop_area_f")):
        months = st.number_input(
            "Review every (months)",
            1,
            60,
            int(row["review_months"]),
            key=forms.key(form, f"sop_area_m_{area}"),
        )
        forms.slot("months")
        approvers = st.multiselect(
            "Named approvers", users, default=row["approvers"], key=forms.key(form, f"sop_area_a_{area}")
        )
        audience = st.multiselect(
            "Audience", users, default=row["audience"], key=forms.key(form, f"sop_area_r_{area}")
        )
        forms.slot("usernames")

        def save() -> None:
            set_review_months(eng, actor, area, int(months))
            set_area_people(eng, actor, area, "approver", approvers)
            set_area_people(eng, actor, area, "audience", audience)

        if st.form_submit_button("Save the area"):
            data.save_and_rerun(save, f"{SOP_AREAS[area]} saved.", form, flash=common.FLASH)


def _retire(eng, actor) -> None:
    sops = sop_titles(eng, actor, include_retired=False)
    if sops.is_empty():
        return
    form = "sop_retire"
    with st.form(forms.key(form, "sop_retire_f")):
        st.markdown("**Retire an SOP** that no longer applies (it stays readable, never editable)")
        titles = dict(zip(sops["sop_id"], sops["title"], strict=True))
        sop_id = st.selectbox(
            "SOP", list(titles), format_func=titles.get, key=forms.key(form, "sop_ret_pick")
        )
        reason = st.text_input("Why", key=forms.key(form, "sop_ret_reason"))
        forms.slot("reason")
        if st.form_submit_button("Retire"):
            data.save_and_rerun(lambda: retire_sop(eng, actor, sop_id, reason), "SOP retired.", form,
                                flash=common.FLASH)  # fmt: skip


def show(eng, actor, today: date, *, may_set: bool) -> None:
    due = reviews_due(eng, actor, today)
    if due.is_empty():
        st.success("No SOP review is overdue or due in the next 30 days.")
    else:
        st.caption(
            "An SOP is due for review its area's interval after its effective date (default 12 months)."
        )
        components.record_table(
            due.select(
                "title",
                "area",
                "owner",
                "version_no",
                "effective_on",
                "next_review",
                "days_to_review",
                "review",
            ).with_columns(due["area"].replace_strict(SOP_AREAS, default=due["area"])),
            {
                "title": "SOP",
                "area": "Process area",
                "owner": "Owner",
                "version_no": "Version",
                "effective_on": components.date_column("Effective"),
                "next_review": components.date_column("Review by"),
                "days_to_review": components.count_column("Days left"),
                "review": "State",
            },
        )
    if may_set:
        st.subheader("Process areas")
        _settings(eng, actor)
    if actor.has(*LEAD_ROLES):
        _retire(eng, actor)
