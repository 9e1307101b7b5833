"""Payment plans of one customer on the account page: their plans and a proposal for chosen items.

``show(actor, customer_id, items)``: ``items`` are the customer's items of the latest snapshot
(the account page holds them). The sections are the Payment plans page's own.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.access import Actor, may_write
from ar_core.collections import snapshot_for
from ar_core.errors import NotFound
from pages.account_tabs.common import Account
from pages.payment_plans_parts import plans_list, proposal
from pages.payment_plans_parts.common import FLASH
from ui import data
from ui.resources import engine


def show(actor: Actor, customer_id: str, items: pl.DataFrame) -> None:
    eng = engine()
    data.show_flash(FLASH)
    names = dict(zip(*data.customers(actor).select("customer_id", "name"), strict=True))
    plans_list.show(eng, actor, names, customer_id=customer_id)
    if not may_write(eng, actor, customer_id):
        return
    try:
        _sid, as_of = snapshot_for(eng)
    except NotFound:
        return
    st.divider()
    proposal.form(
        eng, actor, customer_id, items, as_of=as_of, today=data.team_today(), name="pp_account_propose"
    )


def render(ctx: Account) -> None:
    """The account page's tab interface (``section.render(ctx)``)."""
    show(ctx.actor, ctx.customer_id, ctx.items)
