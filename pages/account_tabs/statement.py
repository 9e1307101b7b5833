"""The statement of account to send the customer, in the customer's language by default: XLSX for
their accounting, PDF (a letter with our letterhead and their address) to read."""

from __future__ import annotations

import streamlit as st

from ar_core import settings
from ar_core.ledger import STATEMENT_LANGUAGES, statement_language, statement_xlsx
from ar_core.recovery import statement_pdf
from pages.account_tabs.common import Account

LANGUAGE_NAMES = {"de": "Deutsch", "nl": "Nederlands", "en": "English", "fr": "Français"}
#: Session key: the last PDF statement ``(what it was written from, bytes)``.
PDF = "st_pdf"


def download(ctx: Account) -> None:
    """Another language can be chosen, for a customer whose contact reads a different one."""
    default = statement_language(ctx.customer)
    c1, c2, c3 = st.columns([1, 1.5, 1.5], vertical_alignment="bottom")
    language = c1.selectbox(
        "Statement language",
        STATEMENT_LANGUAGES,
        index=STATEMENT_LANGUAGES.index(default),
        format_func=lambda code: f"{LANGUAGE_NAMES[code]}{' (customer)' if code == default else ''}",
        key=f"st_lang_{ctx.customer_id}",
    )
    # Written on every run, not deferred to the click: a deferred file here let a busy server write
    # the first customer into a deep link's URL (tests/test_browser_account.py, under CPU load).
    c2.download_button(
        f"Statement of account (XLSX, {language.upper()})",
        statement_xlsx(
            ctx.customer,
            ctx.items,
            ctx.as_of,
            language=language,
            letterhead=settings.get_letterhead(ctx.engine),
        ),
        file_name=f"statement-{ctx.customer_id}-{ctx.as_of.isoformat()}-{language}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="statement",
    )
    key = _pdf_key(ctx, language)
    cached = st.session_state.get(PDF)
    if cached and cached[0] == key:
        c3.download_button(
            f"As a PDF letter ({language.upper()})",
            cached[1],
            file_name=f"statement-{ctx.customer_id}-{ctx.as_of.isoformat()}-{language}.pdf",
            mime="application/pdf",
            key="statement_pdf",
        )
    else:  # written when asked for: a long statement takes a good part of a second, most visits need none
        c3.button(
            f"Prepare the PDF letter ({language.upper()})",
            on_click=_write_pdf,
            args=(ctx, language),
            key="statement_pdf_prepare",
        )


def _pdf_key(ctx: Account, language: str) -> tuple:
    letterhead = settings.get_letterhead(ctx.engine)
    return (ctx.customer_id, ctx.snapshot_id, language, tuple(letterhead.items()))


def _write_pdf(ctx: Account, language: str) -> None:
    """The PDF letter for this account, snapshot, language and letterhead, kept for the session."""
    pdf = statement_pdf(ctx.engine, ctx.actor, ctx.customer, ctx.items, ctx.as_of, language=language)
    st.session_state[PDF] = (_pdf_key(ctx, language), pdf)
