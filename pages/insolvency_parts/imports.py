"""Imports of external information files (leads): ratings and insolvency announcements."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import import_announcements, import_ratings, list_imports
from pages.insolvency_parts.common import FLASH, problems
from ui import data
from ui.components import record_table, time_column


def show(eng: sa.Engine, actor: Actor, time_zone: str) -> None:
    st.caption("CSV files with a header row (`;` or `,`). Ratings: customer_id, date, score, rating, limit, "
               "currency, agency. Announcements: court, case number, debtor name, street, postcode, city, "
               "date, type (pre-bankruptcy, restructuring, receivership, bankruptcy).")  # fmt: skip
    c1, c2 = st.columns(2)
    with c1.form("ratings_import"):
        file = st.file_uploader("Credit ratings file", type=["csv", "txt"])
        agency = st.text_input("Agency (when the file has no agency column)")
        if st.form_submit_button("Import ratings") and file is not None:
            _import(lambda: import_ratings(eng, actor, file.name, file.getvalue(), agency=agency), "ratings")
    with c2.form("announcements_import"):
        file2 = st.file_uploader("Insolvency announcements file", type=["csv", "txt"])
        if st.form_submit_button("Import announcements") and file2 is not None:
            _import(lambda: import_announcements(eng, actor, file2.name, file2.getvalue()), "announcements")
    imports = list_imports(eng, actor)
    if imports.height:
        record_table(imports, {"import_id": "No.", "kind": "Kind", "file_name": "File", "rows": "Rows",
                               "imported_by": "Imported by", "imported_at": time_column("Imported at")},
                     time_zone=time_zone)  # fmt: skip


def _import(action, kind: str) -> None:
    outcome: list = []
    if not data.save(lambda: outcome.append(action())):
        return
    import_id, found = outcome[0]
    if found:
        problems(found)
    else:
        st.session_state[FLASH] = f"The {kind} file was imported (import #{import_id})."
        st.rerun()
