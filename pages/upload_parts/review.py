"""Validate: read and check the file, park it until Commit, and report what Commit would do."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.config import settings
from ar_core.errors import ArDeskError
from ar_core.ingest import SpooledExtract, read_extract, spool, validation_report_xlsx
from ar_core.ledger import ImportPreview, Scope, preview_import
from pages.upload_parts.source import Source
from ui import fmt, keys
from ui.components import record_table
from ui.text import escape

#: Session key: the preview of the chosen scope, with what it was computed for.
PREVIEW = "upload_preview"
#: Under the data folder: validated uploads waiting for Commit (private, swept after hours).
SPOOL_FOLDER = "uploads"


def count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def validate(source: Source) -> None:
    """The Validate button: the items wait on disk until Commit, the session keeps a small handle."""
    upload = source.upload
    if upload is None or not st.button(
        "Validate", type="primary", key="validate", disabled=source.mapping_missing
    ):
        return
    with st.status(f"Reading {upload.name}…", expanded=True) as status:
        st.write("Reading and validating the file…")
        read = read_extract(
            upload.getvalue(),
            upload.name,
            mapping=source.mapping,
            as_of=source.as_of,
            max_bytes=settings().upload_limit_bytes,
        )
        if (previous := st.session_state.pop(keys.UPLOAD_RESULT, None)) is not None:
            previous.discard()
        st.session_state[keys.UPLOAD_RESULT] = spool(read, settings().data_dir / SPOOL_FOLDER)
        st.session_state.pop(keys.UPLOAD_OUTCOME, None)
        st.session_state.pop(PREVIEW, None)
        status.update(
            label=f"{upload.name}: {count(len(read.errors), 'error')}, "
            f"{count(len(read.warnings), 'warning')}",
            state="error" if read.errors else "complete",
            expanded=False,
        )
        del read


def parked() -> SpooledExtract | None:
    """The validated file waiting for Commit, unless it was swept (hours away, or a server restart)."""
    result: SpooledExtract | None = st.session_state.get(keys.UPLOAD_RESULT)
    if result is not None and not result.folder.is_dir():
        st.session_state.pop(keys.UPLOAD_RESULT, None)
        st.info(f"{escape(result.file_name)} was validated too long ago: choose it again and press Validate.")
        return None
    return result


def forget(result: SpooledExtract) -> None:
    """The parked file is committed or dropped: delete it and its preview."""
    result.discard()
    st.session_state.pop(keys.UPLOAD_RESULT, None)
    st.session_state.pop(PREVIEW, None)


def preview(
    eng: sa.Engine, actor: Actor, result: SpooledExtract, scope: Scope | None, source: Source
) -> ImportPreview | None:
    """What Commit would do with this scope, computed once per file, date and scope."""
    as_of = None if result.as_of else source.as_of
    cache_key = (result.file_hash, as_of, scope)
    cached = st.session_state.get(PREVIEW)
    if cached and cached[0] == cache_key:
        return cached[1]
    try:
        found = preview_import(eng, actor, result.load(), as_of=as_of, scope=scope)
    except ArDeskError as exc:
        st.error(escape(exc))
        return None
    st.session_state[PREVIEW] = (cache_key, found)
    return found


def report(result: SpooledExtract, found: ImportPreview | None) -> None:
    """Counts and totals, what blocks the commit, and the file's problems (all of them as XLSX)."""
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Item lines read", f"{result.lines_read:,}")
    m2.metric("Valid items", f"{result.item_count:,}")
    m3.metric("Rows with errors", f"{result.rejected_rows:,}")
    m4.metric("As-of date", fmt.day(found.as_of if found else result.as_of) or "not stated")
    st.markdown(f"**Totals of the valid items:** {fmt.totals(result.totals)}")
    if result.file_totals:
        st.markdown(f"**Totals stated in the file:** {fmt.totals(result.file_totals)}")
    for problem in result.blocking_errors:
        st.error(f"Cannot be committed, not even in part: {escape(problem)}")
    blocking = list(found.problems) if found else []
    for problem in blocking:
        st.error(escape(problem))
    if not result.problem_count:
        if not blocking:
            st.success("No problems found in the file.")
        return
    shown = result.shown_problems
    problems = pl.DataFrame(
        {
            "Severity": [p.severity for p in shown],
            "Row": [p.row for p in shown],
            "Column": [p.column or "" for p in shown],
            "Problem": [p.message for p in shown],
        },
        schema={"Severity": pl.String, "Row": pl.Int64, "Column": pl.String, "Problem": pl.String},
    )
    record_table(problems, {})
    if result.problem_count > len(shown):
        st.caption(
            f"Showing {len(shown):,} of {result.problem_count:,} problems; the download holds them all."
        )
    st.download_button(  # written when it is downloaded, from the parked files
        "Download the validation report (XLSX)",
        lambda: validation_report_xlsx(result.load()),
        file_name=f"validation-{result.file_name}.xlsx",
        key="download_report",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
