"""Upload: read an ERP extract, show its validation report, commit it as a snapshot; list snapshots."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from ar_core.collections import import_snapshot, remove_snapshot
from ar_core.config import settings, today
from ar_core.errors import ArDeskError, ConfigError
from ar_core.ingest import (
    Mapping,
    SpooledExtract,
    get_mapping,
    list_mappings,
    read_customer_master,
    read_extract,
    save_mapping,
    source_headers,
    spool,
    validation_report_xlsx,
)
from ar_core.ledger import (
    ImportPreview,
    Scope,
    list_snapshots,
    preview_import,
    upsert_customer_master,
)
from ar_core.schema import ITEM_COLUMNS, REQUIRED_COLUMNS
from ar_core.settings import get_time_zone
from ui import data, fmt, keys, tables
from ui.guard import require
from ui.resources import engine
from ui.text import escape

actor = require("lead", "admin")

AUTO = "SAP FBL5N (detected from the headers)"
#: Old extracts must stay enterable (a 2013 sample ledger, a migration from an archive).
EARLIEST_AS_OF = date(1990, 1, 1)
#: Session keys of this page: the chosen scope's preview, and the outcome of "remove".
PREVIEW = "upload_preview"
SCOPE_FILE, SCOPE_FULL, SCOPE_SOME = "file", "full", "some"
#: Under the data folder: validated uploads waiting for Commit (private, swept after hours).
SPOOL_FOLDER = "uploads"
NEW_MAPPING = "Build a new mapping from this file…"

st.title("Upload an ERP extract")
eng = engine()

left, right = st.columns([2, 1])
with left:
    upload = st.file_uploader(
        "Extract file (SAP FBL5N text/CSV/XLSX, or any CSV/XLSX with a mapping)",
        type=["txt", "csv", "tsv", "xls", "xlsx"],
        key="extract_file",
    )
with right:
    saved = list_mappings(eng)
    layout = st.selectbox("Layout", [AUTO, *saved, NEW_MAPPING], key="layout")
    as_of_input = st.date_input(
        "As-of date (used when the file does not state its key date)",
        value=None,
        min_value=EARLIEST_AS_OF,
        max_value=date(today().year + 1, 12, 31),
        format="DD.MM.YYYY",
        key="as_of",
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _mapping_builder(data: bytes, name: str) -> Mapping | None:
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


if saved_name := st.session_state.pop(keys.MAPPING_SAVED, None):
    st.success(f"Mapping “{escape(saved_name)}” saved. Choose it under Layout for this and later uploads.")
mapping: Mapping | None = None
if upload is not None and layout == NEW_MAPPING:
    mapping = _mapping_builder(upload.getvalue(), upload.name)
elif layout not in (AUTO, NEW_MAPPING):
    try:
        mapping = Mapping.from_yaml(get_mapping(eng, layout))
    except (ArDeskError, ConfigError) as exc:
        st.error(f"Mapping “{escape(layout)}”: {escape(exc)}")
        st.stop()

mapping_missing = layout == NEW_MAPPING and mapping is None
if upload is not None and st.button("Validate", type="primary", key="validate", disabled=mapping_missing):
    with st.status(f"Reading {upload.name}…", expanded=True) as status:
        st.write("Reading and validating the file…")
        read = read_extract(
            upload.getvalue(),
            upload.name,
            mapping=mapping,
            as_of=as_of_input,
            max_bytes=settings().upload_limit_bytes,
        )
        # the session keeps a small handle; the items wait on disk until Commit (ar_core.ingest.spool)
        if (previous := st.session_state.pop(keys.UPLOAD_RESULT, None)) is not None:
            previous.discard()
        st.session_state[keys.UPLOAD_RESULT] = spool(read, settings().data_dir / SPOOL_FOLDER)
        st.session_state.pop(keys.UPLOAD_OUTCOME, None)
        st.session_state.pop(PREVIEW, None)
        status.update(
            label=f"{upload.name}: {_count(len(read.errors), 'error')}, "
            f"{_count(len(read.warnings), 'warning')}",
            state="error" if read.errors else "complete",
            expanded=False,
        )
        del read


def _chosen_scope(parked: SpooledExtract) -> Scope | None:
    """The scope the lead picks for this file (None: the default, the file's company codes)."""
    default = Scope.of_items(
        pl.DataFrame({"company_code": parked.company_codes}, schema={"company_code": pl.String})
    )
    choice = st.radio(
        "What does this extract cover?",
        [SCOPE_FILE, SCOPE_FULL, SCOPE_SOME],
        format_func={
            SCOPE_FILE: f"What it lists: {escape(default.describe())}",
            SCOPE_FULL: "The whole ledger: every customer it does not list has nothing open",
            SCOPE_SOME: "Only some customers or collectors of its company codes",
        }.get,
        key="scope_choice",
        help="Items outside the scope keep what the previous snapshots showed: a partial extract never "
        "makes the rest of the ledger look paid.",
    )
    if choice == SCOPE_FULL:
        return Scope.whole_ledger()
    if choice == SCOPE_SOME:
        codes = default.company_codes if not default.full else ("",)
        c1, c2 = st.columns(2)
        customers = c1.text_area("Customer numbers (one per line or comma separated)", key="scope_customers")
        collectors = c2.multiselect(
            "Collectors (their customers today)",
            parked.collectors,
            key="scope_collectors",
            accept_new_options=True,
        )
        ids = [c for c in customers.replace(",", "\n").split() if c]
        return Scope.partial(codes, ids, collectors)
    return None


def _preview(parked: SpooledExtract, scope: Scope | None) -> ImportPreview | None:
    """What Commit would do with this scope, computed once per file, date and scope."""
    as_of = None if parked.as_of else as_of_input
    cache_key = (parked.file_hash, as_of, scope)
    cached = st.session_state.get(PREVIEW)
    if cached and cached[0] == cache_key:
        return cached[1]
    try:
        preview = preview_import(eng, actor, parked.load(), as_of=as_of, scope=scope)
    except ArDeskError as exc:
        st.error(escape(exc))
        return None
    st.session_state[PREVIEW] = (cache_key, preview)
    return preview


result: SpooledExtract | None = st.session_state.get(keys.UPLOAD_RESULT)
if result is not None and not result.folder.is_dir():  # swept after hours away, or the server restarted
    st.session_state.pop(keys.UPLOAD_RESULT, None)
    st.info(f"{escape(result.file_name)} was validated too long ago: choose it again and press Validate.")
    result = None
if result is not None:
    st.subheader(f"Validation report — {escape(result.file_name)}")
    st.caption(escape(result.source_format))
    scope = _chosen_scope(result) if result.item_count else None
    preview = _preview(result, scope)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Item lines read", f"{result.lines_read:,}")
    m2.metric("Valid items", f"{result.item_count:,}")
    m3.metric("Rows with errors", f"{result.rejected_rows:,}")
    m4.metric("As-of date", fmt.day(preview.as_of if preview else result.as_of) or "not stated")
    st.markdown(f"**Totals of the valid items:** {fmt.totals(result.totals)}")
    if result.file_totals:
        st.markdown(f"**Totals stated in the file:** {fmt.totals(result.file_totals)}")
    for problem in result.blocking_errors:
        st.error(f"Cannot be committed, not even in part: {escape(problem)}")
    blocking = list(preview.problems) if preview else []
    for problem in blocking:
        st.error(escape(problem))
    if result.problem_count:
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
        tables.show(problems, hide_index=True, width="stretch")
        if result.problem_count > len(shown):
            st.caption(
                f"Showing {len(shown):,} of {result.problem_count:,} problems; the download holds them all."
            )
        parked = result  # the report is written when it is downloaded, from the parked files
        st.download_button(
            "Download the validation report (XLSX)",
            lambda: validation_report_xlsx(parked.load()),
            file_name=f"validation-{result.file_name}.xlsx",
            key="download_report",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif not blocking:
        st.success("No problems found in the file.")
    replace_existing = False
    if preview is not None:
        if preview.duplicate_of is not None:
            st.error(
                f"{escape(result.file_name)}: this file was already imported "
                f"(snapshot {preview.duplicate_of})."
            )
        for warning in preview.warnings:
            st.warning(escape(warning))
        if preview.overlapping:
            listed = "; ".join(
                f"snapshot {o['snapshot_id']} ({escape(o['file_name'])}, {escape(o['scope'])})"
                for o in preview.overlapping
            )
            st.warning(f"The same as-of date and an overlapping scope are already stored: {listed}.")
            replace_existing = st.checkbox(
                "Replace it: retire the stored snapshot (its items stay for the audit) and commit this one",
                key="replace_existing",
            )
        if preview.previous:
            prev = preview.previous
            st.caption(
                f"Compared with the snapshot of {fmt.day(prev['as_of'])} in the same scope: "
                f"{prev['customers']:,} customers (before {prev['customers_before']:,}), "
                f"{prev['items']:,} items (before {prev['items_before']:,} open)."
            )

    commit_valid = False
    if result.error_count and result.item_count and not result.blocking_errors:
        left_out = ", ".join(
            f"{cur}: {v['rows']:,} row{'s' if v['rows'] != 1 else ''}"
            + (f" ({fmt.money(v['amount'], cur)})" if v.get("amount") is not None and cur != "?" else "")
            for cur, v in sorted((preview.excluded if preview else {}).items())
        )
        commit_valid = st.checkbox(
            f"Commit only the {result.item_count:,} valid rows and leave out the "
            f"{_count(result.rejected_rows, 'row')} with errors"
            + (f" — left out: {left_out}" if left_out else ""),
            key="commit_valid",
        )
    can_commit = (
        result.item_count > 0
        and (not result.error_count or commit_valid)
        and preview is not None
        and not preview.problems
        and preview.duplicate_of is None
        and (not preview.overlapping or replace_existing)
    )
    commit_col, drop_col = st.columns([1, 4])
    if drop_col.button("Drop this file", key="drop_upload"):
        result.discard()
        st.session_state.pop(keys.UPLOAD_RESULT, None)
        st.session_state.pop(PREVIEW, None)
        st.rerun()
    if commit_col.button("Commit as snapshot", type="primary", disabled=not can_commit, key="commit"):
        with st.spinner("Storing the snapshot…"):
            try:
                outcome = import_snapshot(
                    eng,
                    actor,
                    result.load(),
                    as_of=None if result.as_of else as_of_input,
                    scope=scope,
                    replace_existing=replace_existing,
                    commit_valid_rows=commit_valid,
                )
            except ArDeskError as exc:
                st.error(escape(exc))
            else:
                st.session_state[keys.UPLOAD_OUTCOME] = outcome
                st.session_state.pop(keys.UPLOAD_RESULT, None)
                result.discard()
                st.session_state.pop(PREVIEW, None)
                data.refresh(ledger=True)
                st.rerun()

outcome = st.session_state.get(keys.UPLOAD_OUTCOME)
if outcome is not None:
    st.success(
        f"Snapshot {outcome.snapshot_id} as of {fmt.day(outcome.as_of)} committed: "
        f"{outcome.rows:,} items of {outcome.customers:,} customers, totals {fmt.totals(outcome.totals)}, "
        f"open {fmt.totals(outcome.open_totals)}. Scope: {escape(outcome.scope.describe())}."
        + (f" Replaced snapshot {', '.join(map(str, outcome.replaced))}." if outcome.replaced else "")
        + (f" {outcome.promises_decided} promises to pay decided." if outcome.promises_decided else "")
    )

st.divider()
with st.expander("Customer master (names, languages, collectors, risk classes, credit limits, contacts)"):
    st.caption(
        "CSV or XLSX with the columns customer_id; name; country; language; collector; risk_class; "
        "credit_limit; credit_limit_currency; payment_terms; company_code; contact_name; contact_phone; "
        "contact_email (German labels accepted). Blank cells never overwrite what is stored. The master "
        "wins over extracts: an extract only fills blank fields and never moves a customer to another "
        "collector."
    )
    master_file = st.file_uploader("Customer master file", type=["csv", "txt", "xlsx"], key="master_file")
    if master_file is not None and st.button("Load customer master", key="load_master"):
        frame, problems = read_customer_master(master_file.getvalue(), master_file.name)
        for problem in problems:
            (st.error if problem.severity == "error" else st.warning)(escape(problem))
        if not any(p.severity == "error" for p in problems):
            counts = upsert_customer_master(eng, actor, frame)
            data.refresh(ledger=True)
            st.success(
                f"{escape(master_file.name)}: {counts['inserted']:,} customers added, "
                f"{counts['updated']:,} updated, "
                f"{counts['unchanged']:,} unchanged."
            )

st.subheader("Snapshots")
time_zone = get_time_zone(eng)
listing = list_snapshots(eng, include_retired=True)
in_force = listing.filter(pl.col("retired_at").is_null())


def _table(frame: pl.DataFrame, retired: bool) -> None:
    columns = [
        pl.col("snapshot_id").alias("Id"),
        pl.col("as_of").alias("As of"),
        pl.col("scope").alias("Covers"),
        pl.col("file_name").alias("File"),
        pl.col("created_by").alias("Uploaded by"),
        pl.col("created_at").dt.convert_time_zone(time_zone).alias("Uploaded at"),
        pl.col("rows").alias("Items"),
        pl.col("customers").alias("Customers"),
        pl.col("totals").alias("Totals"),
    ]
    if retired:
        columns += [
            pl.col("retired_by").alias("Removed by"),
            pl.col("retired_at").dt.convert_time_zone(time_zone).alias("Removed at"),
            pl.col("retire_reason").alias("Reason"),
        ]
    tables.show(
        frame.select(columns),
        hide_index=True,
        width="stretch",
        column_config={
            "As of": st.column_config.DateColumn(format="DD.MM.YYYY"),
            "Items": st.column_config.NumberColumn(format="localized"),
            "Customers": st.column_config.NumberColumn(format="localized"),
            "Uploaded at": st.column_config.DatetimeColumn(
                f"Uploaded at ({time_zone})", format="DD.MM.YYYY HH:mm"
            ),
            "Removed at": st.column_config.DatetimeColumn(
                f"Removed at ({time_zone})", format="DD.MM.YYYY HH:mm"
            ),
        },
    )


if in_force.is_empty():
    st.info("No snapshot yet: upload an extract above.")
else:
    st.caption(
        "The ledger is the latest whole-ledger snapshot, updated by every later snapshot that covers only "
        "some company codes or customers."
    )
    _table(in_force, retired=False)
    with st.expander("Remove a snapshot that was a mistake"):
        ids = in_force["snapshot_id"].to_list()
        labels = {
            r["snapshot_id"]: f"{r['snapshot_id']} — {fmt.day(r['as_of'])} — {r['file_name']} — {r['scope']}"
            for r in in_force.iter_rows(named=True)
        }
        victim = st.selectbox("Snapshot", ids, format_func=labels.get, key="delete_choice")
        reason = st.text_input("Why is it removed?", key="delete_reason", max_chars=500)
        st.caption(
            "Removing undoes what the snapshot did: promises it decided are decided again, customers it "
            "created and blanks it filled are undone. Its items stay readable below for the audit."
        )
        sure = st.checkbox("Yes, remove this snapshot (this is audited)", key="delete_sure")
        if st.button("Remove snapshot", disabled=not (sure and reason.strip()), key="delete_snapshot"):
            try:
                remove_snapshot(eng, actor, victim, reason)
            except ArDeskError as exc:
                st.error(escape(exc))
            else:
                data.refresh(ledger=True)
                st.toast(f"Snapshot {victim} removed.")
                st.rerun()
retired = listing.filter(pl.col("retired_at").is_not_null())
if not retired.is_empty():
    with st.expander(f"Removed snapshots ({retired.height})"):
        _table(retired, retired=True)
