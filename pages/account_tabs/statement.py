"""The statement of account to send the customer, in the customer's language by default."""

from __future__ import annotations

import streamlit as st

from ar_core import settings
from ar_core.ledger import STATEMENT_LANGUAGES, statement_language, statement_xlsx
from pages.account_tabs.common import Account

LANGUAGE_NAMES = {"de": "Deutsch", "nl": "Nederlands", "en": "English", "fr": "Français"}


def download(ctx: Account) -> None:
    """Another language can be chosen, for a customer whose contact reads a different one."""
    default = statement_language(ctx.customer)
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
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
