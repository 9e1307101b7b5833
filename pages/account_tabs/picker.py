"""Which customer the account shows: the URL's (checked against the portfolio), the last one, or a pick.

A lead reads the whole team's customers (50,000 in a large team): a select box of all of them
would send megabytes to the browser on every run. Above :data:`LIMIT` customers a search field
narrows the choice, and the box holds the matches plus the customer in view.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor, check_customer_access
from ar_core.errors import ArDeskError
from ar_core.ledger import find_customers
from pages.account_tabs import common
from ui import data, keys
from ui.text import escape

#: Most customers offered in the select box at once.
LIMIT = 200
FIND = "acct_find"


def _refused(eng: sa.Engine, actor: Actor, wanted: str) -> None:
    try:  # the service says why: unknown customer, or not in this user's portfolio
        check_customer_access(eng, actor, wanted, write=False)
        reason = "it is not in the customer master"
    except ArDeskError as exc:
        reason = str(exc)
    st.error(
        f"Customer {escape(repr(wanted))} cannot be opened: {escape(reason)}. "
        "Pick one below or go back to the worklist."
    )


def choose(eng: sa.Engine, actor: Actor) -> dict:
    """The customer record to show (stops the page when the portfolio is empty)."""
    allowed = data.customers(actor)  # the core applies the portfolio rule
    known = set(allowed["customer_id"].to_list())
    wanted = st.query_params.get(common.PARAM)
    if wanted is not None and wanted not in known:
        _refused(eng, actor, wanted)
        wanted = None
    if wanted is not None:  # remembered at once: a rerun may interrupt this run before its end
        st.session_state[keys.ACCOUNT] = wanted
    if not known:
        st.info("No customers in your portfolio yet. Ask your lead to assign your portfolio.")
        st.stop()
    if wanted is None:
        last = st.session_state.get(keys.ACCOUNT)
        wanted = last if last in known else allowed["customer_id"][0]
    if st.session_state.get(common.PICK) != wanted:
        st.session_state[common.PICK] = wanted
    current = allowed.filter(pl.col("customer_id") == wanted)
    if allowed.height > LIMIT:
        c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
        text = c1.text_input("Find a customer", key=FIND, placeholder="part of the number or name")
        found = find_customers(allowed, text, LIMIT)
        c2.caption(
            f"{found.height:,} of {allowed.height:,} customers in the box"
            + (": type part of a number or name to find another." if found.height == LIMIT else ".")
        )
        offered = pl.concat([current, found.filter(pl.col("customer_id") != wanted)])
    else:
        offered = allowed
    names = dict(zip(offered["customer_id"], offered["name"].fill_null(""), strict=True))
    options = list(names)
    # The default is the customer in view too: the browser falls back to the default when a rerun
    # (the login cookie's) interrupts the run that set the value, and would reopen the first one.
    customer_id = st.selectbox(
        "Customer",
        options,
        index=options.index(wanted),
        format_func=lambda c: f"{c} — {names.get(c, '')}",
        key=common.PICK,
        on_change=common.picked,
    )
    if common.PARAM not in st.query_params:  # a refused one stays (and so does its message) until a choice
        st.query_params[common.PARAM] = customer_id
    st.session_state[keys.ACCOUNT] = customer_id
    return allowed.filter(pl.col("customer_id") == customer_id).row(0, named=True)
