"""Bank payments tab: a lead imports camt.053/054 or MT940 statements; everyone who works the cash
sees the incoming payments, how each was matched, and confirms or corrects the match.

This module is the import; the list and the confirm form are ``payments``.
"""

from __future__ import annotations

import streamlit as st

from ar_core.credit import import_bank_statement
from pages.credit_parts import payments
from pages.credit_parts.common import Credit, saved
from ui import forms
from ui.text import escape

FORM_IMPORT = "cr_bank_import"
#: Session key: the report of the last import, shown after the rerun.
OUTCOME = "cr_bank_outcome"
IMPORT_ROLES = ("lead", "admin")


def render(ctx: Credit) -> None:
    if ctx.actor.has(*IMPORT_ROLES):
        upload(ctx)
    payments.render(ctx)


def upload(ctx: Credit) -> None:
    with st.form(FORM_IMPORT):
        file = st.file_uploader(
            "Bank statement: camt.053 / camt.054 (XML or ZIP) or MT940 (.sta, .txt, .mt940)",
            type=["xml", "zip", "sta", "txt", "mt940"],
            key=forms.key(FORM_IMPORT, "cr_bank_file"),
        )
        forms.slot("file")
        if not st.form_submit_button("Import statement", type="primary"):
            outcome()
            return
    if file is None:
        forms.show_refusal("file", "Choose the bank's file first.")
        return

    def run() -> dict:
        report = import_bank_statement(ctx.engine, ctx.actor, file.getvalue(), file.name)
        st.session_state[OUTCOME] = report
        return report

    saved(run, _summary, FORM_IMPORT)


def _summary(report: dict) -> str:
    return (
        f"{escape(report.get('file', 'The file'))}: {report['statements']} statement(s) imported, "
        f"{report['duplicates_skipped']} already imported skipped; {report['incoming_credits']} incoming "
        f"customer payment(s) — {report['matched']} matched, {report['ambiguous']} ambiguous, "
        f"{report['unmatched']} unmatched."
    )


def outcome() -> None:
    report = st.session_state.get(OUTCOME)
    if not report:
        return
    m = st.columns(5)
    m[0].metric("Statements", report["statements"])
    m[1].metric("Transactions", report["transactions"])
    m[2].metric("Matched", report["matched"])
    m[3].metric("Ambiguous", report["ambiguous"])
    m[4].metric("Unmatched", report["unmatched"])
    for warning in report.get("warnings") or []:
        st.warning(escape(warning))
