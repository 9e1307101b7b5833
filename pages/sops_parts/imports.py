"""Import: existing SOPs from Markdown (.md) or Word (.docx) files, as the importer's drafts."""

from __future__ import annotations

import streamlit as st

from ar_core.knowledge import SOP_AREAS, import_sops
from ui import data
from ui.text import escape

RESULT = "sop_import_result"


def show(eng, actor) -> None:
    st.caption(
        "Each file becomes a draft of yours: a new SOP, or a new version of the SOP with the same title. "
        "The first heading is the title. A file that cannot be read is listed and nothing of it is stored."
    )
    area = st.selectbox(
        "Process area of the imported SOPs",
        list(SOP_AREAS),
        format_func=SOP_AREAS.get,
        key="sop_import_area",
    )
    files = st.file_uploader(
        "SOP files", type=["md", "markdown", "docx"], accept_multiple_files=True, key="sop_import_files"
    )
    if files and st.button("Import as drafts", type="primary", key="sop_import_go"):
        result: list = []
        if data.save(
            lambda: result.append(import_sops(eng, actor, [(f.name, f.getvalue()) for f in files], area=area))
        ):
            st.session_state[RESULT] = result[0]
    if RESULT in st.session_state:
        created, problems = st.session_state[RESULT]
        if created:
            st.success(f"{len(created)} draft{'s' if len(created) != 1 else ''} imported: see My drafts.")
        for problem in problems:
            st.error(f"{escape(problem.file)}: {escape(problem.message)}")
