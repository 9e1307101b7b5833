"""A read reconciliation: the three balances, the four lists, the statement, and what to do next."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.collections import open_points_as_cases, record_reconciliation
from ar_core.credit import reconciliation_xlsx
from ar_core.ledger import STATEMENT_LANGUAGES, statement_language
from pages.credit_parts.common import Credit, saved
from ui import fmt
from ui.components import date_column, money_column, record_table
from ui.text import escape

LANGUAGES = {"de": "German", "nl": "Dutch", "en": "English", "fr": "French"}
MATCH_COLUMNS = {
    "match": "Matched by",
    "doc_no": "Our document",
    "doc_type": "Doc type",
    "doc_date": date_column("Document date"),
    "due_date": date_column("Due date"),
    "reference": "Our reference",
    "our_amount": money_column("Our amount"),
    "their_reference": "Their reference",
    "their_date": date_column("Their date"),
    "their_amount": money_column("Their amount"),
    "difference": money_column("Difference (ours − theirs)"),
    "currency": "Currency",
    "source_row": "Their row",
}
SIDE_COLUMNS = {
    **MATCH_COLUMNS,
    "doc_date": date_column("Date"),
    "amount": money_column("Amount"),
    "text": "Their text",
    "reason": "Why",
}


def show(ctx: Credit, customer: dict, source_file: str, rec) -> None:
    cur = rec.currency or ""
    m = st.columns(3)
    m[0].metric("Our balance", fmt.money(rec.our_balance, cur))
    m[1].metric("Their balance", fmt.money(rec.their_balance, cur))
    m[2].metric("Difference", fmt.money(rec.difference, cur))
    if rec.agrees:
        st.success(f"Both sides show the same balance at {fmt.day(rec.as_of)}.")
    else:
        st.caption(
            f"Explained {fmt.money(rec.explained, cur)} by the lists below; unexplained "
            f"{fmt.money(rec.unexplained, cur)}."
        )
    ours = _side("Only in our ledger", rec.only_ours, "cr_rec_ours", ctx.writes)
    theirs = _side("Only in their list", rec.only_theirs, "cr_rec_theirs", ctx.writes)
    _lists("Matched", rec.matched)
    _lists("Same document, different amount", rec.differences)
    statement(ctx, customer, rec)
    if ctx.writes:
        actions(ctx, customer, source_file, rec, (ours, theirs))


def _readable(frame: pl.DataFrame) -> pl.DataFrame:
    if "reason" not in frame.columns:
        return frame
    return frame.with_columns(pl.col("reason").str.replace_all("_", " "))


def _lists(title: str, frame: pl.DataFrame) -> None:
    st.markdown(f"**{title}** ({frame.height:,})")
    if frame.height:
        record_table(frame, MATCH_COLUMNS)


def _side(title: str, frame: pl.DataFrame, key: str, selectable: bool) -> pl.DataFrame:
    """One side's open points; the selected rows (for cases) when the user works the account."""
    st.markdown(f"**{title}** ({frame.height:,})")
    if frame.is_empty():
        return frame
    event = record_table(
        _readable(frame),
        SIDE_COLUMNS,
        on_select="rerun" if selectable else "ignore",
        selection_mode="multi-row",
        key=key,
    )
    rows = event.selection.rows if selectable and event and event.selection else []
    return frame[rows] if rows else frame.clear()


def statement(ctx: Credit, customer: dict, rec) -> None:
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    default = statement_language(customer)
    language = c1.selectbox(
        "Statement language",
        list(STATEMENT_LANGUAGES),
        index=list(STATEMENT_LANGUAGES).index(default),
        format_func=lambda code: LANGUAGES.get(code, code),
        key="cr_rec_language",
    )
    c2.download_button(
        "Reconciliation statement (XLSX)",
        lambda: reconciliation_xlsx(
            rec, customer, rec.as_of, language=language, letterhead=settings.get_letterhead(ctx.engine)
        ),
        file_name=f"reconciliation-{customer['customer_id']}-{rec.as_of.isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
        key="cr_rec_statement",
    )


def actions(ctx: Credit, customer: dict, source_file: str, rec, chosen: tuple) -> None:
    cid = customer["customer_id"]
    ours, theirs = chosen
    c1, c2 = st.columns(2)
    if c1.button("Record on the account", key="cr_rec_record", icon=":material/note_add:"):
        saved(
            lambda: record_reconciliation(ctx.engine, ctx.actor, cid, rec, source_file),
            f"The reconciliation with {escape(source_file)} is recorded on the account of {escape(cid)}.",
        )
    count = ours.height + theirs.height
    if c2.button(
        f"Open cases for the {count} selected open point(s)",
        key="cr_rec_cases",
        disabled=not count,
        icon=":material/gavel:",
        help="Select rows of the two lists of open points above.",
    ):
        saved(
            lambda: open_points_as_cases(
                ctx.engine,
                ctx.actor,
                cid,
                rec,
                only_ours=[str(d) for d in ours["doc_no"]] if ours.height else [],
                only_theirs=[int(r) for r in theirs["source_row"]] if theirs.height else [],
            ),
            lambda ids: f"{len(ids)} case(s) opened: {', '.join(f'#{i}' for i in ids)}.",
        )
