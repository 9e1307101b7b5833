"""Users & audit (admin): add users, reset passwords, assign roles and portfolios; read the audit log."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core import audit, users
from ar_core.schema import ROLES
from ui import data
from ui.guard import require
from ui.resources import engine, login_credentials

actor = require("admin")
eng = engine()


def _changed(message: str) -> None:
    """After any user change the shared login credentials must be rebuilt."""
    login_credentials.clear()
    st.toast(message)


st.title("Users & audit")
people = users.list_users(eng, actor)
st.dataframe(
    people,
    hide_index=True,
    width="stretch",
    column_config={
        "username": "User name",
        "name": "Name",
        "email": "E-mail",
        "roles": "Roles",
        "active": st.column_config.CheckboxColumn("Active"),
        "locked": st.column_config.CheckboxColumn(
            "Locked", help="Five failed logins; reset the password to unlock"
        ),
        "created_at": st.column_config.DatetimeColumn("Created (UTC)", format="DD.MM.YYYY HH:mm"),
        "portfolio_customers": st.column_config.ListColumn("Assigned customers"),
        "portfolio_company_codes": st.column_config.ListColumn("Assigned company codes"),
    },
)
names = people["username"].to_list()

add, edit, portfolio = st.tabs(["Add a user", "Roles, access and password", "Portfolio"])
with add, st.form("add_user", clear_on_submit=True):
    c1, c2, c3 = st.columns(3)
    username = c1.text_input("User name", help="lower case, e.g. j.devries")
    name = c2.text_input("Full name")
    email = c3.text_input("E-mail")
    roles = st.multiselect("Roles", ROLES, default=["collector"])
    password = st.text_input("Initial password (at least 10 characters)", type="password")
    if st.form_submit_button("Add user", type="primary") and data.save(
        lambda: users.create_user(
            eng, actor, username=username, name=name, email=email, password=password, roles=roles
        )
    ):
        _changed(f"User {username} added.")
        st.rerun()

with edit:
    who = st.selectbox("User", names, key="edit_user")
    if who:
        current = people.filter(pl.col("username") == who).row(0, named=True)
        with st.form("edit_roles"):
            new_roles = st.multiselect("Roles", ROLES, default=[r for r in current["roles"].split(", ") if r])
            active = st.checkbox("Active (may log in)", value=bool(current["active"]))
            if st.form_submit_button("Save roles and access") and data.save(
                lambda: (
                    users.set_roles(eng, actor, who, new_roles),
                    users.set_active(eng, actor, who, active),
                )
            ):
                _changed(f"Roles and access of {who} saved.")
                st.rerun()
        with st.form("reset_password", clear_on_submit=True):
            new_password = st.text_input("New password (at least 10 characters)", type="password")
            if st.form_submit_button("Reset password") and data.save(
                lambda: users.reset_password(eng, actor, who, new_password)
            ):
                _changed(f"Password of {who} reset.")

with portfolio:
    who = st.selectbox("Collector", names, key="portfolio_user")
    if who:
        current = users.get_portfolio(eng, who)
        with st.form("portfolio"):
            st.caption(
                "A collector owns the customers whose master record names them as collector, "
                "plus the customers and company codes listed here."
            )
            customers = st.text_area(
                "Customer ids (one per line or comma separated)", value="\n".join(current["customers"])
            )
            codes = st.text_input(
                "Company codes (comma separated)", value=", ".join(current["company_codes"])
            )
            if st.form_submit_button("Save portfolio"):
                split = [v.strip() for v in customers.replace(",", "\n").splitlines() if v.strip()]
                codes_list = [c.strip() for c in codes.split(",") if c.strip()]
                if data.save(
                    lambda: users.set_portfolio(eng, actor, who, customers=split, company_codes=codes_list)
                ):
                    _changed(f"Portfolio of {who} saved.")
                    st.rerun()

st.subheader("Audit log")
st.caption("Append-only: every change made in AR Desk, newest first.")
st.dataframe(
    audit.list_audit(eng, actor, limit=500),
    hide_index=True,
    width="stretch",
    column_config={
        "id": "No.",
        "at": st.column_config.DatetimeColumn("When (UTC)", format="DD.MM.YYYY HH:mm:ss"),
        "actor": "Who",
        "action": "Action",
        "entity": "Record",
        "entity_id": "Record id",
        "before": "Before",
        "after": "After",
    },
)
