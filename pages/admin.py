"""Users & audit (admin): users, roles, passwords, portfolios, moving customers; the audit log.

The sections live in ``pages/admin_parts``; every change goes through an ``ar_core.access`` or
``ar_core.ledger`` service, which checks it and writes the audit entry in the same transaction.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.access import list_users, recent_lockouts
from ar_core.settings import get_time_zone
from pages.admin_parts import audit, portfolios, users
from ui.guard import require
from ui.resources import engine

actor = require("admin")
eng = engine()

st.title("Users & audit")
time_zone = get_time_zone(eng)
people = list_users(eng, actor)

# Who is locked out now and lately, then everybody (with a neutralised CSV).
locked = people.filter(pl.col("locked"))
if locked.height:
    users.unlock(eng, actor, locked)
recent = recent_lockouts(eng, actor, days=7)
if recent.height:
    with st.expander(f"Lockouts in the last 7 days ({recent.height})"):
        users.lockout_table(recent, time_zone)
users.user_table(people, time_zone)

# One change per tab; each form keeps what was typed when the service refuses it.
add, edit, portfolio, move = st.tabs(
    ["Add a user", "Roles, access and password", "Portfolio", "Move customers"]
)
with add:
    users.add_user(eng, actor)
with edit:
    users.edit_user(eng, actor, people)
with portfolio:
    portfolios.portfolio(eng, actor, people["username"].to_list())
with move:
    st.caption(
        "Makes another collector the owner of customers in the customer master (each change audited). "
        "Customers assigned on the Portfolio tab stay assigned there."
    )
    portfolios.move(eng, actor, people)

# Every change made in AR Desk, filtered and paged; the export holds every matching entry.
st.subheader("Audit log")
st.caption("Append-only: every change made in AR Desk, newest first.")
chosen = audit.filters(eng, actor, time_zone)
audit.log(eng, actor, chosen, time_zone)
