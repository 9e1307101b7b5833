"""Users: lockouts, the user list, adding a user, roles, access and password resets."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import (
    Actor,
    create_user,
    reset_password,
    set_active,
    set_roles,
    unlock_user,
)
from ar_core.schema import ROLES
from ui import data, forms
from ui.components import record_table, time_column
from ui.guard import renew_session
from ui.text import escape


def changed(actor: Actor, message: str, who: str | None = None) -> None:
    """Confirm a user change; a change of one's own roles or password keeps this session going.

    ``message`` is Markdown: every user name or typed text in it is :func:`escape`-d by the caller.
    """
    if who == actor.username:
        renew_session(actor.username)
    st.toast(message)


def unlock(eng: sa.Engine, actor: Actor, locked: pl.DataFrame) -> None:
    """Name the locked users and offer to unlock one before the lockout ends by itself."""
    names = locked["username"].to_list()
    st.warning(
        f"Locked after too many failed logins: {', '.join(escape(u) for u in names)}. "
        "A lockout ends by itself (15 minutes, then 1 hour, then 24 hours); unlock an account below "
        "or reset its password."
    )
    with st.form("unlock_user"):
        c1, c2 = st.columns([3, 1])
        to_unlock = c1.selectbox("Locked user", names, key="unlock_who")
        if c2.form_submit_button("Unlock", key="unlock_submit") and data.save(
            lambda: unlock_user(eng, actor, to_unlock)
        ):
            changed(actor, f"{escape(to_unlock)} unlocked.")
            st.rerun()


def lockout_table(recent: pl.DataFrame, time_zone: str) -> None:
    record_table(
        recent,
        {
            "at": time_column(f"When ({time_zone})"),
            "username": "User name",
            "lockout": st.column_config.NumberColumn("Lockout in a row", format="%d"),
            "locked_until": time_column("Locked until"),
        },
        time_zone=time_zone,
        key="recent_lockouts",
    )


def user_table(people: pl.DataFrame, time_zone: str) -> None:
    record_table(
        people,
        {
            "username": "User name",
            "name": "Name",
            "email": "E-mail",
            "roles": "Roles",
            "active": st.column_config.CheckboxColumn("Active"),
            "locked": st.column_config.CheckboxColumn(
                "Locked", help="Five failed logins in a row: locked for a while (unlock above)"
            ),
            "locked_until": time_column("Locked until"),
            "created_at": time_column(f"Created ({time_zone})"),
            "portfolio_customers": st.column_config.ListColumn("Assigned customers"),
            "portfolio_company_codes": st.column_config.ListColumn("Assigned company codes"),
        },
        time_zone=time_zone,
        download="users",
    )


def add_user(eng: sa.Engine, actor: Actor) -> None:
    """The new user's form: kept when refused, emptied when saved (ui.forms)."""
    with st.form("add_user"):
        c1, c2, c3 = st.columns(3)
        username = c1.text_input(
            "User name", help="lower case, e.g. j.devries", key=forms.key("add_user", "au_name")
        )
        name = c2.text_input("Full name", key=forms.key("add_user", "au_full"))
        email = c3.text_input("E-mail", key=forms.key("add_user", "au_email"))
        roles = st.multiselect("Roles", ROLES, default=["collector"], key=forms.key("add_user", "au_roles"))
        password = st.text_input(
            "Initial password (at least 12 characters)",
            type="password",
            help="The user must choose their own password at the first login.",
            key=forms.key("add_user", "au_password"),
        )
        if st.form_submit_button("Add user", type="primary") and data.save(
            lambda: create_user(
                eng, actor, username=username, name=name, email=email, password=password, roles=roles
            )
        ):
            forms.next_round("add_user")
            changed(actor, f"User {escape(username)} ({escape(name)}) added.")
            st.rerun()


def edit_user(eng: sa.Engine, actor: Actor, people: pl.DataFrame) -> None:
    """Roles and access of one user, and a password reset (which also unlocks)."""
    who = st.selectbox("User", people["username"].to_list(), key="edit_user")
    if not who:
        return
    current = people.filter(pl.col("username") == who).row(0, named=True)
    st.caption(f"{escape(current['name'])} · {escape(current['email'])}")
    with st.form("edit_roles"):
        new_roles = st.multiselect("Roles", ROLES, default=[r for r in current["roles"].split(", ") if r])
        active = st.checkbox("Active (may log in)", value=bool(current["active"]))
        if st.form_submit_button("Save roles and access") and data.save(
            lambda: (
                set_roles(eng, actor, who, new_roles),
                set_active(eng, actor, who, active),
            )
        ):
            changed(actor, f"Roles and access of {escape(who)} saved.", who)
            st.rerun()
    with st.form("reset_password"):
        new_password = st.text_input(
            "New password (at least 12 characters)",
            type="password",
            help="Also unlocks a locked account. The user must change it at the next login.",
            key=forms.key("reset_password", "rp_password"),
        )
        if st.form_submit_button("Reset password") and data.save(
            lambda: reset_password(eng, actor, who, new_password)
        ):
            forms.next_round("reset_password")
            changed(
                actor,
                f"Password of {escape(who)} reset; {escape(who)} must change it at the next login.",
                who,
            )
            st.rerun()
