"""The lead's forms: an assessment with a note, the skill list, and how many people an area needs."""

from __future__ import annotations

import streamlit as st

from ar_core.knowledge import (
    KINDS,
    PROCESS_AREAS,
    assess_skill,
    coverage_required,
    level_choices,
    retire_skill,
    save_skill,
    set_coverage_required,
    skill_list,
)
from ui import data, forms

FLASH = "sk_flash"


def assessment(eng, actor, names: dict[str, str]) -> None:
    """Set a person's level of one skill, with the reason (audited; kept in the history)."""
    if not names:
        st.info("No active collector to assess yet.")
        return
    skills = {s.key: s for s in skill_list(eng)}
    form = "sk_assess"
    person = st.selectbox("Person", sorted(names, key=names.get), format_func=names.get, key="sk_a_person")
    skill = st.selectbox("Skill", list(skills), format_func=lambda k: skills[k].name, key="sk_a_skill")
    choices = level_choices(skills[skill])
    with st.form(forms.key(form, "sk_assess_form")):
        level = st.select_slider(
            "Level", list(choices), format_func=choices.get, key=forms.key(form, "sk_a_level")
        )
        forms.slot("level")
        note = st.text_area("Why (what you observed)", max_chars=2000, key=forms.key(form, "sk_a_note"))
        forms.slot("note")
        if st.form_submit_button("Save assessment", type="primary"):
            data.save_and_rerun(
                lambda: assess_skill(eng, actor, person, skill, level, note),
                f"{names[person]}: {skills[skill].name} now {choices[level]}.",
                form,
                flash=FLASH,
            )


def skill_editor(eng, actor) -> None:
    """Add or change a skill, retire one; a hard skill names the process areas it covers."""
    skills = skill_list(eng)
    form = "sk_skill"
    options = ["(a new skill)", *(s.key for s in skills)]
    names = {s.key: s.name for s in skills}
    chosen = st.selectbox("Skill to edit", options, format_func=lambda k: names.get(k, k), key="sk_e_pick")
    current = next((s for s in skills if s.key == chosen), None)
    with st.form(forms.key(form, f"sk_skill_form_{chosen}")):
        key = st.text_input(
            "Key",
            value=current.key if current else "",
            disabled=current is not None,
            key=forms.key(form, f"sk_e_key_{chosen}"),
            help="lower case, e.g. intercompany_netting",
        )
        forms.slot("key")
        name = st.text_input(
            "Name", value=current.name if current else "", key=forms.key(form, f"sk_e_name_{chosen}")
        )
        forms.slot("name")
        kind = st.selectbox(
            "Kind",
            KINDS,
            index=KINDS.index(current.kind) if current else 0,
            key=forms.key(form, f"sk_e_kind_{chosen}"),
        )
        forms.slot("kind")
        areas = st.multiselect(
            "Process areas it covers (hard skills)",
            PROCESS_AREAS,
            default=list(current.areas) if current else [],
            key=forms.key(form, f"sk_e_areas_{chosen}"),
        )
        forms.slot("areas")
        left, right = st.columns(2)
        if left.form_submit_button("Save skill", type="primary"):
            data.save_and_rerun(
                lambda: save_skill(eng, actor, current.key if current else key, name, kind, areas),
                f"Skill {name} saved.",
                form,
                flash=FLASH,
            )
        if current is not None and right.form_submit_button("Retire skill"):
            data.save_and_rerun(
                lambda: retire_skill(eng, actor, current.key),
                f"Skill {current.name} retired.",
                form,
                flash=FLASH,
            )


def required(eng, actor) -> None:
    """How many people each process area needs at level 2 or above (a team setting)."""
    now = coverage_required(eng)
    with st.popover(f"Each area needs {now} people at level 2+"):
        n = st.number_input(
            "People per area", min_value=1, max_value=20, value=now, step=1, key="sk_required"
        )
        forms.slot("required")
        if st.button("Save", key="sk_required_save"):
            data.save_and_rerun(
                lambda: set_coverage_required(eng, actor, int(n)),
                f"Each process area now needs {int(n)} people.",
                flash=FLASH,
            )
