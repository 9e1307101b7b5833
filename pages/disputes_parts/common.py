"""What the sections of the Disputes page share: the case in the URL, labels, the case table's columns."""

from __future__ import annotations

import contextlib

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ar_core.disputes import LEVELS
from ui.components import date_column, money_column

#: The URL query parameter naming the case (``/disputes?case=123``).
PARAM = "case"
#: The tables whose selected row opens a case (their selection is dropped on the way back).
SELECTING_TABLES = ("dp_table", "dp_late_table")
TYPE_LABELS = {"dispute": "Dispute", "inquiry": "Inquiry"}


def chosen_case() -> int | None:
    """The case named in the URL, ``None`` without one; an unreadable number is said and dropped."""
    raw = st.query_params.get(PARAM)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        st.error("The link names no case number: showing the list instead.")
        del st.query_params[PARAM]
        return None


def open_case(case_id: int) -> None:
    """Show the detail of ``case_id``: it goes into the URL (reload and bookmarks keep it)."""
    st.query_params[PARAM] = str(case_id)
    st.rerun()


def back_to_list() -> None:
    """The way back to the list, which keeps its filters, sort and page (drawn through ``sticky``)."""
    if st.button("All cases", icon=":material/arrow_back:", key="dp_back"):
        st.query_params.pop(PARAM, None)
        for table in SELECTING_TABLES:  # a row still selected would open the case again
            st.session_state.pop(table, None)
        st.rerun()


def level_label(level: int | None) -> str:
    """``2 · resolver's manager``; a case not escalated is ``—``."""
    return f"{level} · {LEVELS[level]}" if level else "—"


def level_expr() -> pl.Expr:
    """``2 · resolver's manager`` as text (``—`` when not escalated)."""
    return pl.col("level").replace_strict({0: "—", **{k: level_label(k) for k in LEVELS}}, default="—")


def level_number() -> pl.Expr:
    """The escalation level, null (shown ``—``) when the case is not escalated."""
    return pl.when(pl.col("level") > 0).then(pl.col("level")).alias("level")


def case_columns(currency: str | None) -> dict:
    """Readable column configs of a case table; amounts in ``currency`` when all cases share it.

    The widths fit 1,600 px with the sidebar open (with a selection column and narrowed padding).
    """
    amount = f"Amount ({currency})" if currency else "Amount"
    levels = ", ".join(f"{k} {v}" for k, v in LEVELS.items())
    return {
        "case_id": st.column_config.NumberColumn("Case", format="%d", width=52),
        "type": st.column_config.TextColumn("Type", width=62),
        "customer": st.column_config.TextColumn("Customer", width=190),
        "reason": st.column_config.TextColumn("Reason", width=100),
        "category": st.column_config.TextColumn("Root cause", width=112),
        "status": st.column_config.TextColumn("Status", width=104),
        "collector": st.column_config.TextColumn("Owner", width=76),
        "resolver": st.column_config.TextColumn("Resolver", width=112),
        "opened": date_column("Opened", width=80),
        "due": date_column("Due", width=80),
        "days_late": st.column_config.NumberColumn("Days late", format="%d", width=60),
        "level": st.column_config.NumberColumn(
            "Level", format="%d", width=48, help=f"Escalation level: {levels}"
        ),
        "amount": money_column(amount, width=108),
        "currency": st.column_config.TextColumn("Cur.", width=44) if not currency else None,
    }


def one_currency(frame: pl.DataFrame) -> str | None:
    """The currency all rows share, ``None`` when they mix currencies (or there are none)."""
    found = frame["currency"].unique().drop_nulls().to_list()
    return found[0] if len(found) == 1 else None


def customer_expr() -> pl.Expr:
    """The customer's name, or its number when the master has no name (the number is in the CSV)."""
    name = pl.col("customer_name")
    return (
        pl.when(name.is_null() | (name == "")).then(pl.col("customer_id")).otherwise(name).alias("customer")
    )


def resolver_expr() -> pl.Expr:
    """``billing · Bea Biller``: the department and, once named, the person."""
    return pl.concat_str(
        pl.col("resolver_department").fill_null("—"),
        pl.when(pl.col("resolver").is_not_null())
        .then(pl.lit(" · ") + pl.col("resolver"))
        .otherwise(pl.lit("")),
    ).alias("resolver")


def narrow_padding() -> None:
    """Narrower side padding: the case tables' columns fit 1,600 px with the sidebar open."""
    st.markdown(
        "<style>[data-testid='stMainBlockContainer'] {padding-left: 2rem; padding-right: 2rem;}</style>",
        unsafe_allow_html=True,
    )


def page_link(page: str, label: str, **options) -> None:
    """``st.page_link``; a page file run on its own (page tests) has no navigation to link into."""
    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link(page, label=label, **options)
