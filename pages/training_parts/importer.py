"""The lead imports the plan spreadsheet (CSV/XLSX, a mapping YAML if needed); a bad file stores nothing."""

from __future__ import annotations

import streamlit as st

from ar_core.access import Actor
from ar_core.knowledge import PLAN_FIELDS, import_plan_file
from pages.training_parts import common
from ui import data
from ui.text import escape

EXAMPLE = (
    "columns:\n  person: Mitarbeiter\n  module: Modul\n  start: Beginn\n  due: Fällig\n"
    "  expected_hours: Sollstunden\n  hours_done: Iststunden\n  completed_on: Abgeschlossen am\n"
)


def show(eng, actor: Actor) -> None:
    st.caption(
        "One row per person and module. Headers exactly "
        + ", ".join(f"`{f}`" for f in PLAN_FIELDS)
        + " need no mapping; otherwise upload a mapping naming your headers. Dates as 31.12.2026 or "
        "2026-12-31. A module that does not exist yet is created with the file's expected hours; a person "
        "who is not a user stops the import — nothing is stored until every row is right."
    )
    with st.expander("Mapping example (YAML)"):
        st.code(EXAMPLE, language="yaml")
    plan_file = st.file_uploader("Plan spreadsheet", type=["csv", "xlsx"], key="tr_import_file")
    mapping = st.file_uploader("Mapping (optional)", type=["yaml", "yml"], key="tr_import_mapping")
    if plan_file is None:
        return
    if st.button("Import plans", type="primary", key="tr_import_go"):
        outcome = []
        stored = data.save(
            lambda: outcome.append(
                import_plan_file(
                    eng,
                    actor,
                    plan_file.name,
                    plan_file.getvalue(),
                    mapping.getvalue() if mapping else None,
                    mapping.name if mapping else "mapping",
                )
            )
        )
        if not stored:
            return
        result = outcome[0]
        if result.problems:
            st.error(f"Nothing stored: {len(result.problems)} problem(s) in {escape(plan_file.name)}.")
            for problem in result.problems[:50]:
                st.markdown(f"- {escape(problem)}")
            return
        created = f"; modules created: {', '.join(result.modules_created)}" if result.modules_created else ""
        st.session_state[common.FLASH] = (
            f"{plan_file.name}: {result.added} plan line(s) added, {result.changed} changed{created}."
        )
        st.rerun()
