"""Commit: what the lead must confirm first, the Commit and Drop buttons, and the outcome."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.collections import import_snapshot
from ar_core.errors import ArDeskError
from ar_core.ingest import SpooledExtract
from ar_core.ledger import ImportPreview, Scope
from ar_core.recovery import refresh_plan_statuses
from pages.upload_parts.review import count, forget
from pages.upload_parts.source import Source
from ui import data, fmt, keys
from ui.text import escape


@dataclass(frozen=True)
class Decision:
    replace_existing: bool  #: retire the stored snapshot of the same date and an overlapping scope
    commit_valid: bool  #: leave out the rows with errors
    allowed: bool  #: Commit is enabled


def decide(result: SpooledExtract, found: ImportPreview | None) -> Decision:
    """Name what stands in the way (a duplicate, an overlap, rows with errors) and ask to confirm it."""
    replace_existing = False
    if found is not None:
        if found.duplicate_of is not None:
            st.error(
                f"{escape(result.file_name)}: this file was already imported (snapshot {found.duplicate_of})."
            )
        for warning in found.warnings:
            st.warning(escape(warning))
        if found.overlapping:
            listed = "; ".join(
                f"snapshot {o['snapshot_id']} ({escape(o['file_name'])}, {escape(o['scope'])})"
                for o in found.overlapping
            )
            st.warning(f"The same as-of date and an overlapping scope are already stored: {listed}.")
            replace_existing = st.checkbox(
                "Replace it: retire the stored snapshot (its items stay for the audit) and commit this one",
                key="replace_existing",
            )
        if prev := found.previous:
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
            for cur, v in sorted((found.excluded if found else {}).items())
        )
        commit_valid = st.checkbox(
            f"Commit only the {result.item_count:,} valid rows and leave out the "
            f"{count(result.rejected_rows, 'row')} with errors"
            + (f" — left out: {left_out}" if left_out else ""),
            key="commit_valid",
        )
    allowed = (
        result.item_count > 0
        and (not result.error_count or commit_valid)
        and found is not None
        and not found.problems
        and found.duplicate_of is None
        and (not found.overlapping or replace_existing)
    )
    return Decision(replace_existing, commit_valid, allowed)


def buttons(
    eng: sa.Engine,
    actor: Actor,
    result: SpooledExtract,
    source: Source,
    *,
    scope: Scope | None,
    decision: Decision,
) -> None:
    """Drop forgets the file; Commit stores it as a snapshot and refreshes every ledger cache."""
    commit_col, drop_col = st.columns([1, 4])
    if drop_col.button("Drop this file", key="drop_upload"):
        forget(result)
        st.rerun()
    if not commit_col.button(
        "Commit as snapshot", type="primary", disabled=not decision.allowed, key="commit"
    ):
        return
    with st.spinner("Storing the snapshot…"):
        try:
            outcome = import_snapshot(
                eng,
                actor,
                result.load(),
                as_of=None if result.as_of else source.as_of,
                scope=scope,
                replace_existing=decision.replace_existing,
                commit_valid_rows=decision.commit_valid,
            )
        except ArDeskError as exc:
            st.error(escape(exc))
        else:
            st.session_state[keys.UPLOAD_OUTCOME] = outcome
            forget(result)
            refresh_plan_statuses(eng, actor)  # instalments kept, late or broken by the new extract
            data.refresh(ledger=True)
            st.rerun()


def outcome() -> None:
    """The last commit of this session, until the next Validate."""
    done = st.session_state.get(keys.UPLOAD_OUTCOME)
    if done is None:
        return
    st.success(
        f"Snapshot {done.snapshot_id} as of {fmt.day(done.as_of)} committed: "
        f"{done.rows:,} items of {done.customers:,} customers, totals {fmt.totals(done.totals)}, "
        f"open {fmt.totals(done.open_totals)}. Scope: {escape(done.scope.describe())}."
        + (f" Replaced snapshot {', '.join(map(str, done.replaced))}." if done.replaced else "")
        + (f" {done.promises_decided} promises to pay decided." if done.promises_decided else "")
    )
