"""The lead's module catalogue: title, process area, kind, expected hours, skills, level, SOPs."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.access import Actor
from ar_core.knowledge import MODULE_KINDS, PROCESS_AREAS, save_module, training_modules
from pages.training_parts import common
from ui import components, data, forms

NEW = 0
LEVELS = {None: "none", 0: "0 none", 1: "1 trained", 2: "2 independent", 3: "3 can coach"}


def show(eng, actor: Actor) -> None:
    modules = training_modules(eng, actor)
    if modules.is_empty():
        st.info("The catalogue is empty: add the first module below.")
    else:
        components.record_table(
            modules.with_columns(pl.col("expected_hours").cast(pl.Float64)),  # display only
            {
                "module_id": None,
                "title": "Module",
                "area": "Process area",
                "kind": "Kind",
                "expected_hours": st.column_config.NumberColumn("Expected hours", format=common.HOURS_FORMAT),
                "skills": "Skills it builds",
                "grants_level": "Level it grants",
                "sop_refs": "SOPs it relies on",
            },
            download="training-modules",
        )
    titles = {NEW: "New module", **dict(modules.select("module_id", "title").iter_rows())}
    chosen = st.selectbox("Edit", list(titles), format_func=titles.get, key="tr_mod_pick")
    row = modules.filter(pl.col("module_id") == chosen).row(0, named=True) if chosen else None
    form = f"tr_module_{chosen}"
    areas = list(PROCESS_AREAS) + ([row["area"]] if row and row["area"] not in PROCESS_AREAS else [])
    with st.form(forms.key(form, f"{form}_form")):
        title = st.text_input(
            "Title", value=row["title"] if row else "", key=forms.key(form, f"{form}_title")
        )
        forms.slot("title")
        a, b = st.columns(2)
        area = a.selectbox(
            "Process area",
            areas,
            index=areas.index(row["area"]) if row else 0,
            key=forms.key(form, f"{form}_area"),
        )
        kind = b.selectbox(
            "Kind",
            MODULE_KINDS,
            index=MODULE_KINDS.index(row["kind"]) if row else 0,
            key=forms.key(form, f"{form}_kind"),
        )
        hours = a.number_input(
            "Expected hours",
            min_value=0.25,
            max_value=999999.99,
            step=0.25,
            format="%.2f",
            value=float(row["expected_hours"]) if row else 8.0,
            key=forms.key(form, f"{form}_hours"),
        )
        forms.slot("expected_hours", a)
        level = b.selectbox(
            "Level it grants",
            list(LEVELS),
            format_func=LEVELS.get,
            index=list(LEVELS).index(row["grants_level"]) if row else 0,
            key=forms.key(form, f"{form}_level"),
        )
        skills = st.text_input(
            "Skills it builds (skill keys, comma-separated)",
            value=(row and row["skills"]) or "",
            key=forms.key(form, f"{form}_skills"),
        )
        sops = st.text_input(
            "SOPs it relies on (ids or titles)",
            value=(row and row["sop_refs"]) or "",
            key=forms.key(form, f"{form}_sops"),
        )
        if st.form_submit_button("Save module", type="primary"):
            data.save_and_rerun(
                lambda: save_module(
                    eng,
                    actor,
                    title=title,
                    area=area,
                    kind=kind,
                    expected_hours=f"{hours:.2f}",
                    skills=skills,
                    grants_level=level,
                    sop_refs=sops,
                    module_id=chosen or None,
                ),
                f"Module {title.strip()} saved.",
                form,
                flash=common.FLASH,
            )
