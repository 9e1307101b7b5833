"""Portfolios: the customers and company codes assigned to a collector, and moving customers."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor, get_portfolio, set_portfolio
from ar_core.ledger import move_customers
from pages.admin_parts.users import changed
from ui import data
from ui.text import escape


def _ids(text: str) -> list[str]:
    """Ids typed one per line or comma separated."""
    return [v.strip() for v in text.replace(",", "\n").splitlines() if v.strip()]


def portfolio(eng: sa.Engine, actor: Actor, names: list[str]) -> None:
    who = st.selectbox("Collector", names, key="portfolio_user")
    if not who:
        return
    current = get_portfolio(eng, who)
    with st.form("portfolio"):
        st.caption(
            "A collector owns the customers whose master record names them as collector, "
            "plus the customers and company codes listed here."
        )
        customers = st.text_area(
            "Customer ids (one per line or comma separated)", value="\n".join(current["customers"])
        )
        codes = st.text_input("Company codes (comma separated)", value=", ".join(current["company_codes"]))
        if st.form_submit_button("Save portfolio", key="save_portfolio"):
            split = _ids(customers)
            codes_list = [c.strip() for c in codes.split(",") if c.strip()]
            if data.save(lambda: set_portfolio(eng, actor, who, customers=split, company_codes=codes_list)):
                changed(actor, f"Portfolio of {escape(who)} saved.")
                st.rerun()


def move(eng: sa.Engine, actor: Actor, people: pl.DataFrame) -> None:
    """Give a collector's customers, or the customers listed, to another active collector."""
    owners = sorted({c for c in data.customers()["collector"].to_list() if c})
    active = people.filter(pl.col("active") & pl.col("roles").str.contains("collector"))["username"]
    with st.form("move_customers"):
        mode = st.radio(
            "Customers to move",
            ["All customers of a collector", "The customers listed"],
            horizontal=True,
            key="move_mode",
        )
        c1, c2 = st.columns(2)
        source = c1.selectbox(
            "From collector", owners, index=None, placeholder="Choose a collector", key="move_from"
        )
        listed = c2.text_area("Customer ids (one per line or comma separated)", key="move_ids")
        target = st.selectbox(
            "To collector",
            active.to_list(),
            index=None,
            placeholder="Choose the new collector",
            key="move_to",
        )
        if not st.form_submit_button("Move customers", type="primary", key="move_submit"):
            return
        by_owner = mode == "All customers of a collector"
        outcome: list[str] = []
        if not target:
            st.error("Choose the collector who takes the customers over.")
        elif data.save(
            lambda: outcome.extend(
                move_customers(
                    eng,
                    actor,
                    target=target,
                    customers=() if by_owner else _ids(listed),
                    from_collector=source if by_owner else None,
                )
            )
        ):
            st.success(
                f"{len(outcome)} customers moved to {escape(target)}." if outcome else "Nothing to move."
            )
