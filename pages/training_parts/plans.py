"""The lead sets a person's plan line: module, planned start and due, hours done, completion, evidence."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import streamlit as st

from ar_core.access import Actor, list_users
from ar_core.knowledge import remove_plan_line, set_plan_line, training_modules, training_plan
from pages.training_parts import common
from ui import data, forms


def people(eng, actor: Actor) -> dict[str, str]:
    """Active users, username -> name (by name)."""
    users = list_users(eng, actor).filter(pl.col("active")).sort("name")
    return dict(users.select("username", "name").iter_rows())


def show(eng, actor: Actor, today: date) -> None:
    modules = training_modules(eng, actor)
    if modules.is_empty():
        st.info("No modules yet: add the first one under **Modules** (or import a plan spreadsheet).")
        return
    names = people(eng, actor)
    titles = dict(modules.select("module_id", "title").iter_rows())
    left, right = st.columns(2)
    data.sticky("tr_plan_person", next(iter(names)), list(names))
    person = left.selectbox("Person", list(names), format_func=names.get, key="tr_plan_person")
    module_id = right.selectbox("Module", list(titles), format_func=titles.get, key="tr_plan_module")
    plan = training_plan(eng, actor, today, person)
    existing = plan.filter(pl.col("module_id") == module_id)
    line = existing.row(0, named=True) if existing.height else None
    form = f"tr_plan_{person}_{module_id}"
    with st.form(forms.key(form, f"{form}_form")):
        st.markdown(f"**{'Change' if line else 'Add'} this module in the plan of {names[person]}**")
        a, b = st.columns(2)
        start = a.date_input(
            "Planned start",
            value=line["start"] if line else today,
            format="DD.MM.YYYY",
            key=forms.key(form, f"{form}_start"),
        )
        forms.slot("start_on", a)
        due = b.date_input(
            "Due",
            value=line["due"] if line else today + timedelta(days=30),
            format="DD.MM.YYYY",
            key=forms.key(form, f"{form}_due"),
        )
        forms.slot("due_on", b)
        hours = a.number_input(
            "Hours done",
            min_value=0.0,
            max_value=999999.99,
            step=0.25,
            format="%.2f",
            value=float(line["hours_done"]) if line else 0.0,
            key=forms.key(form, f"{form}_hours"),
        )
        forms.slot("hours_done", a)
        finished = b.checkbox(
            "Completed", value=bool(line and line["completed_on"]), key=forms.key(form, f"{form}_done")
        )
        completed = b.date_input(
            "Completed on",
            value=(line and line["completed_on"]) or today,
            format="DD.MM.YYYY",
            key=forms.key(form, f"{form}_completed"),
        )
        forms.slot("completed_on", b)
        evidence = st.text_area(
            "Evidence / notes",
            value=(line and line["evidence"]) or "",
            key=forms.key(form, f"{form}_evidence"),
            max_chars=4000,
        )
        forms.slot("evidence")
        if st.form_submit_button("Save plan line", type="primary"):
            data.save_and_rerun(
                lambda: set_plan_line(
                    eng,
                    actor,
                    person,
                    module_id,
                    start,
                    due,
                    hours_done=Decimal(str(round(hours, 2))).quantize(Decimal("0.01")),
                    completed_on=completed if finished else None,
                    evidence=evidence,
                ),
                f"Plan of {names[person]} saved: {titles[module_id]}.",
                form,
                flash=common.FLASH,
            )
    if line is not None and st.button(
        "Remove this module from the plan", key=f"tr_plan_remove_{line['line_id']}"
    ):
        data.save_and_rerun(
            lambda: remove_plan_line(eng, actor, line["line_id"]),
            f"{titles[module_id]} removed from the plan of {names[person]}.",
            flash=common.FLASH,
        )
    if plan.is_empty():
        st.caption(f"{names[person]} has no plan lines yet.")
    else:
        st.markdown(f"**The plan of {names[person]}**")
        common.plan_table(plan, person=False)
