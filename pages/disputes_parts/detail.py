"""One case: its facts, the items it covers, the notes thread (append a note) and the escalations."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.disputes import WORKING, case_detail
from ar_core.errors import ArDeskError
from pages.disputes_parts import actions
from pages.disputes_parts.common import TYPE_LABELS, level_label, page_link
from pages.disputes_parts.thread import escalations, notes
from ui import disputes, fmt
from ui.components import date_column, money_column, record_table
from ui.text import escape, or_dash


def show(eng: sa.Engine, actor: Actor, case_id: int, today: date, time_zone: str) -> None:
    """The whole case: facts; items, escalations and notes on the left; working it on the right."""
    try:
        case = case_detail(eng, actor, case_id)
    except ArDeskError as exc:  # not found, or not in this user's portfolio: the service says which
        st.error(f"Case {case_id} cannot be opened: {escape(exc)}. Go back to the list.")
        return
    header(case, today)
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Items")
        items(case)
        st.subheader("Escalations")
        escalations(case, time_zone)
        st.subheader("Notes")
        notes(eng, actor, case, time_zone)
    with right:
        if case["may_write"]:
            st.subheader("Work the case")
            actions.render(eng, actor, case, disputes.reasons(), today)


def _due_text(case: dict[str, Any], today: date) -> str:
    due = case["due"]
    if case["status"] not in WORKING or due is None:
        return fmt.day(due)
    days = (today - due).days
    if days > 0:
        return f"{fmt.day(due)} · **:red[{days} days late]**"
    return f"{fmt.day(due)} · due today" if days == 0 else f"{fmt.day(due)} · in {-days} days"


def header(case: dict[str, Any], today: date) -> None:
    """Who, what, how much and where the case stands, in four columns."""
    kind = TYPE_LABELS.get(case["type"], case["type"])
    name = case["customer_name"] or case["customer_id"]
    st.title(f"{kind} #{case['case_id']} — {escape(name)}")
    if not case["may_write"]:
        st.caption("Read only: your role sees this case but does not work it.")
    money = fmt.money(case["amount"], case["currency"])
    h1, h2, h3, h4 = st.columns(4)
    h1.markdown(
        f"**Status** {escape(case['status'])}  \n**Amount** {money}  \n"
        f"**Items** {case['items']} ({case['items_open']} open)"
    )
    h2.markdown(
        f"**Reason** {escape(case['reason'])} · {escape(case['reason_label'])}  \n"
        f"**Root cause** {escape(case['category'] or 'unmapped')}  \n"
        f"**Source** {escape(case['source'])}"
        + (f" · ERP case {escape(case['erp_case_id'])}" if case["erp_case_id"] else "")
    )
    h3.markdown(
        f"**Owner** {or_dash(case['collector'])}  \n**Resolver** {or_dash(case['resolver_department'])}"
        f" · {or_dash(case['resolver'])}  \n**Escalation** {escape(level_label(case['level']))}"
    )
    h4.markdown(
        f"**Opened** {fmt.day(case['opened'])}  \n**Due** {_due_text(case, today)}  \n"
        f"**Next follow-up** {fmt.day(case['next_action_date']) or '—'}"
    )
    if case["resolution"]:
        credited = f" · credited {fmt.money(case['credited'], case['currency'])}" if case["credited"] else ""
        st.info(f"**Resolved** {fmt.day(case['resolved'])}: {escape(case['resolution'])}{credited}")
    page_link(
        "pages/account.py",
        f"Open the account of {escape(name)}",
        icon=":material/person:",
        query_params={"customer": case["customer_id"]},
    )


def items(case: dict[str, Any]) -> None:
    frame: pl.DataFrame = case["items_frame"]
    if frame.is_empty():
        st.caption("No open item: an inquiry may cover none.")
        return
    cur = case["currency"]
    record_table(
        frame.select(
            "doc_no",
            "company_code",
            "fiscal_year",
            "line_item",
            "due_date",
            "amount",
            "item_amount",
            "currency",
            "cleared_on",
        ),
        {
            "doc_no": "Document",
            "company_code": "Company code",
            "fiscal_year": st.column_config.NumberColumn("Year", format="%d"),
            "line_item": st.column_config.NumberColumn("Line", format="%d"),
            "due_date": date_column("Item due"),
            "amount": money_column(f"Disputed ({cur})"),
            "item_amount": money_column(f"Item amount ({cur})"),
            "currency": None,
            "cleared_on": date_column("Cleared on", help="Gone from a later snapshot: cleared in the ERP."),
        },
        download=f"case-{case['case_id']}-items",
        placeholder="—",
    )
