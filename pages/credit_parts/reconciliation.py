"""Reconciliation tab: one customer's own open-items list (CSV/XLSX) against our latest snapshot.

The problems of a list that cannot be read are listed with file, row and column; a read list
shows the three balances, the four lists, the statement for the customer, and (for who works
the account) recording it on the account and opening cases for the open points.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.credit import reconcile_customer
from ar_core.errors import ArDeskError
from ar_core.ledger import STATEMENT_LANGUAGES, find_customers, statement_language
from ar_core.recovery import reconciliation_pdf
from pages.credit_parts import reconciled
from pages.credit_parts.common import Credit
from ui import data, forms
from ui.text import DASH, escape

FORM = "cr_rec"
#: Session key: the last reconciliation ``(customer_id, file name, Reconciliation | None, problems)``.
RESULT = "cr_rec_result"
#: Most customers offered in the box at once (a search field above that).
LIMIT = 200
SIGNS = {
    "owed_positive": "What they owe us is positive",
    "owed_negative": "What they owe us is negative",
}


def render(ctx: Credit) -> None:
    customer = pick(ctx)
    if customer is None:
        return
    with st.form(FORM):
        file = st.file_uploader(
            "The customer's open-items list (CSV or XLSX)",
            type=["csv", "txt", "xlsx"],
            key=forms.key(FORM, "cr_rec_file"),
        )
        forms.slot("file")
        sign = st.radio(
            "Their list shows", list(SIGNS), format_func=SIGNS.get, horizontal=True, key="cr_rec_sign"
        )
        forms.slot("sign")
        if st.form_submit_button("Reconcile", type="primary"):
            run(ctx, customer, file, sign)
    shown = st.session_state.get(RESULT)
    if shown and shown[0] == customer["customer_id"]:
        _, name, rec, problems = shown
        if rec is None:
            problem_list(problems)
        else:
            reconciled.show(ctx, customer, name, rec)
            statement_pdf(ctx, customer, rec)


def pick(ctx: Credit) -> dict | None:
    """A bounded customer box: above :data:`LIMIT` customers a search narrows it."""
    allowed = data.customers(ctx.actor)
    if allowed.is_empty():
        st.info("No customers in your portfolio yet.")
        return None
    offered = allowed
    if allowed.height > LIMIT:
        text = st.text_input("Find a customer", key="cr_rec_find", placeholder="part of the number or name")
        offered = find_customers(allowed, text, LIMIT)
    names = dict(zip(offered["customer_id"], offered["name"].fill_null(""), strict=True))
    chosen = st.selectbox(
        "Customer",
        list(names),
        format_func=lambda c: f"{c} — {names.get(c, '')}",
        index=None,
        key="cr_rec_customer",
    )
    if chosen is None:
        st.caption("Choose the customer whose list you received.")
        return None
    return allowed.filter(pl.col("customer_id") == chosen).row(0, named=True)


def statement_pdf(ctx: Credit, customer: dict, rec) -> None:
    """The reconciliation statement as a PDF letter, in the language chosen for the XLSX above."""
    language = st.session_state.get("cr_rec_language") or statement_language(customer)
    if language not in STATEMENT_LANGUAGES:
        language = statement_language(customer)
    st.download_button(
        f"Reconciliation statement (PDF, {language.upper()})",
        lambda: reconciliation_pdf(ctx.engine, ctx.actor, rec, customer, language=language),
        file_name=f"reconciliation-{customer['customer_id']}-{rec.as_of.isoformat()}-{language}.pdf",
        mime="application/pdf",
        icon=":material/download:",
        on_click="ignore",
        key="cr_rec_statement_pdf",
    )


def run(ctx: Credit, customer: dict, file, sign: str) -> None:
    if file is None:
        forms.show_refusal("file", "Choose the customer's file first.")
        return
    try:
        rec, problems = reconcile_customer(
            ctx.engine, ctx.actor, customer["customer_id"], file.getvalue(), file.name, sign=sign
        )
    except ArDeskError as exc:
        if not forms.show_refusal(getattr(exc, "field", None), escape(exc)):
            st.error(escape(exc))
        return
    st.session_state[RESULT] = (customer["customer_id"], file.name, rec, problems)


def problem_list(problems: list) -> None:
    st.error("The list cannot be reconciled: correct these problems and upload it again.")
    rows = pl.DataFrame(
        {
            "file": [p.file for p in problems],
            "row": [p.row for p in problems],
            "column": [p.column for p in problems],
            "message": [p.message for p in problems],
            "severity": [getattr(p, "severity", None) for p in problems],
        },
        schema={
            "file": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "message": pl.String,
            "severity": pl.String,
        },
    )
    st.dataframe(
        rows.to_arrow(),
        hide_index=True,
        width="stretch",
        placeholder=DASH,
        column_config={
            "file": "File",
            "row": "Row",
            "column": "Column",
            "message": "Problem",
            "severity": "Severity",
        },
    )
