"""Which file, which layout, which as-of date: the inputs of Validate, and the mapping builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from ar_core.access import Actor
from ar_core.config import today
from ar_core.errors import ArDeskError, ConfigError
from ar_core.ingest import Mapping, get_mapping, list_mappings, save_mapping, source_headers
from ar_core.schema import ITEM_COLUMNS, REQUIRED_COLUMNS
from ui import keys
from ui.text import escape

AUTO = "SAP FBL5N (detected from the headers)"
NEW_MAPPING = "Build a new mapping from this file…"
#: Old extracts must stay enterable (a 2013 sample ledger, a migration from an archive).
EARLIEST_AS_OF = date(1990, 1, 1)


@dataclass(frozen=True)
class Source:
    upload: UploadedFile | None
    layout: str
    as_of: date | None  #: typed by the lead; used when the file states no key date
    mapping: Mapping | None

    @property
    def mapping_missing(self) -> bool:
        """A new mapping was asked for but cannot be used yet."""
        return self.layout == NEW_MAPPING and self.mapping is None


def choose(eng: sa.Engine, actor: Actor) -> Source:
    """The file, its layout and the as-of date; stops the page when a saved mapping is unusable."""
    left, right = st.columns([2, 1])
    with left:
        upload = st.file_uploader(
            "Extract file (SAP FBL5N text/CSV/XLSX, or any CSV/XLSX with a mapping)",
            type=["txt", "csv", "tsv", "xls", "xlsx"],
            key="extract_file",
        )
    with right:
        layout = st.selectbox("Layout", [AUTO, *list_mappings(eng), NEW_MAPPING], key="layout")
        as_of = st.date_input(
            "As-of date (used when the file does not state its key date)",
            value=None,
            min_value=EARLIEST_AS_OF,
            max_value=date(today().year + 1, 12, 31),
            format="DD.MM.YYYY",
            key="as_of",
        )
    if saved_name := st.session_state.pop(keys.MAPPING_SAVED, None):
        st.success(
            f"Mapping “{escape(saved_name)}” saved. Choose it under Layout for this and later uploads."
        )
    mapping: Mapping | None = None
    if upload is not None and layout == NEW_MAPPING:
        mapping = _mapping_builder(eng, actor, upload.getvalue(), upload.name)
    elif layout not in (AUTO, NEW_MAPPING):
        try:
            mapping = Mapping.from_yaml(get_mapping(eng, layout))
        except (ArDeskError, ConfigError) as exc:
            st.error(f"Mapping “{escape(layout)}”: {escape(exc)}")
            st.stop()
    return Source(upload, layout, as_of, mapping)


def _mapping_builder(eng: sa.Engine, actor: Actor, data: bytes, name: str) -> Mapping | None:
    """Let the lead map each canonical column to a header of this file or a constant, then save it."""
    headers = source_headers(data, name)
    if not headers:
        st.error(f"{escape(name)}: no header row found, so there is nothing to map.")
        return None
    st.subheader("Map the file's columns")
    st.caption("Required: " + ", ".join(REQUIRED_COLUMNS) + ". Leave a column empty when the file lacks it.")
    columns: dict[str, str] = {}
    constants: dict[str, str] = {}
    cols = st.columns(3)
    for i, canonical in enumerate(c for c in ITEM_COLUMNS if c != "source_row"):
        with cols[i % 3]:
            choice = st.selectbox(canonical, ["", *headers, "(constant)"], key=f"map_{canonical}")
            if choice == "(constant)":
                constants[canonical] = st.text_input(f"{canonical} constant", key=f"const_{canonical}")
            elif choice:
                columns[canonical] = choice
    c1, c2, c3, c4 = st.columns(4)
    date_format = c1.text_input(
        "Date format",
        value="%d.%m.%Y",
        key="map_date_format",
        help="strftime codes: %d.%m.%Y for 31.12.2025, %m/%d/%Y for 12/31/2025",
    )
    decimal = c2.selectbox("Decimal separator", [",", "."], key="map_decimal")
    thousands = c3.selectbox("Thousands separator", [".", ",", " ", "'", "(none)"], key="map_thousands")
    mapping_name = c4.text_input("Save as", key="map_name", placeholder="e.g. Exact Online receivables")
    try:
        mapping = Mapping(
            columns=columns,
            constants=constants,
            date_format=date_format or None,
            decimal=decimal,
            thousands="" if thousands == "(none)" else thousands,
        )
    except ConfigError as exc:
        st.error(f"This mapping cannot be used yet: {escape(exc)}")
        return None
    if st.button("Save mapping", disabled=not mapping_name, key="save_mapping"):
        try:
            save_mapping(eng, actor, mapping_name, mapping.to_yaml())
        except (ArDeskError, ConfigError) as exc:
            st.error(escape(exc))
        else:
            st.session_state[keys.MAPPING_SAVED] = mapping_name
            st.rerun()  # so that the Layout list offers the new mapping
    return mapping
