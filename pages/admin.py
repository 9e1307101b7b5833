"""Users & audit (admin): users, roles, passwords, portfolios, moving customers; the audit log."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from ar_core.access import (
    AuditFilter,
    audit_page,
    audit_xlsx,
    create_user,
    filter_choices,
    get_portfolio,
    list_users,
    readable,
    recent_lockouts,
    reset_password,
    set_active,
    set_portfolio,
    set_roles,
    unlock_user,
)
from ar_core.ledger import move_customers
from ar_core.schema import ROLES
from ar_core.settings import get_time_zone
from ui import data, forms, keys
from ui.guard import renew_session, require
from ui.resources import engine
from ui.tables import show
from ui.text import escape

actor = require("admin")
eng = engine()


def _changed(message: str, who: str | None = None) -> None:
    """Confirm a user change; a change of one's own roles or password keeps this session going.

    ``message`` is Markdown: every user name or typed text in it is :func:`escape`-d by the caller.
    """
    if who == actor.username:
        renew_session(actor.username)
    st.toast(message)


st.title("Users & audit")
time_zone = get_time_zone(eng)
people = list_users(eng, actor)
locked = people.filter(pl.col("locked"))
if locked.height:
    st.warning(
        f"Locked after too many failed logins: {', '.join(escape(u) for u in locked['username'].to_list())}. "
        "A lockout ends by itself (15 minutes, then 1 hour, then 24 hours); unlock an account below "
        "or reset its password."
    )
    with st.form("unlock_user"):
        c1, c2 = st.columns([3, 1])
        to_unlock = c1.selectbox("Locked user", locked["username"].to_list(), key="unlock_who")
        if c2.form_submit_button("Unlock", key="unlock_submit") and data.save(
            lambda: unlock_user(eng, actor, to_unlock)
        ):
            _changed(f"{escape(to_unlock)} unlocked.")
            st.rerun()
lockouts = recent_lockouts(eng, actor, days=7)
if lockouts.height:
    with st.expander(f"Lockouts in the last 7 days ({lockouts.height})"):
        st.dataframe(
            lockouts.with_columns(pl.col("at", "locked_until").dt.convert_time_zone(time_zone)),
            hide_index=True,
            width="stretch",
            column_config={
                "at": st.column_config.DatetimeColumn(f"When ({time_zone})", format="DD.MM.YYYY HH:mm"),
                "username": "User name",
                "lockout": st.column_config.NumberColumn("Lockout in a row", format="%d"),
                "locked_until": st.column_config.DatetimeColumn("Locked until", format="DD.MM.YYYY HH:mm"),
            },
            key="recent_lockouts",
        )
show(
    people.with_columns(pl.col("created_at", "locked_until").dt.convert_time_zone(time_zone)),
    download="users",
    hide_index=True,
    width="stretch",
    column_config={
        "username": "User name",
        "name": "Name",
        "email": "E-mail",
        "roles": "Roles",
        "active": st.column_config.CheckboxColumn("Active"),
        "locked": st.column_config.CheckboxColumn(
            "Locked", help="Five failed logins in a row: locked for a while (unlock above)"
        ),
        "locked_until": st.column_config.DatetimeColumn("Locked until", format="DD.MM.YYYY HH:mm"),
        "created_at": st.column_config.DatetimeColumn(f"Created ({time_zone})", format="DD.MM.YYYY HH:mm"),
        "portfolio_customers": st.column_config.ListColumn("Assigned customers"),
        "portfolio_company_codes": st.column_config.ListColumn("Assigned company codes"),
    },
)
names = people["username"].to_list()

add, edit, portfolio, move = st.tabs(
    ["Add a user", "Roles, access and password", "Portfolio", "Move customers"]
)
with add, st.form("add_user"):  # kept when refused, emptied when saved (ui.forms)
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
        _changed(f"User {escape(username)} ({escape(name)}) added.")
        st.rerun()

with edit:
    who = st.selectbox("User", names, key="edit_user")
    if who:
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
                _changed(f"Roles and access of {escape(who)} saved.", who)
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
                _changed(
                    f"Password of {escape(who)} reset; {escape(who)} must change it at the next login.", who
                )
                st.rerun()

with portfolio:
    who = st.selectbox("Collector", names, key="portfolio_user")
    if who:
        current = get_portfolio(eng, who)
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
            if st.form_submit_button("Save portfolio", key="save_portfolio"):
                split = [v.strip() for v in customers.replace(",", "\n").splitlines() if v.strip()]
                codes_list = [c.strip() for c in codes.split(",") if c.strip()]
                if data.save(
                    lambda: set_portfolio(eng, actor, who, customers=split, company_codes=codes_list)
                ):
                    _changed(f"Portfolio of {escape(who)} saved.")
                    st.rerun()

active_collectors = people.filter(pl.col("active") & pl.col("roles").str.contains("collector"))["username"]
with move:
    st.caption(
        "Makes another collector the owner of customers in the customer master (each change audited). "
        "Customers assigned on the Portfolio tab stay assigned there."
    )
    owners = sorted({c for c in data.customers()["collector"].to_list() if c})
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
            active_collectors.to_list(),
            index=None,
            placeholder="Choose the new collector",
            key="move_to",
        )
        if st.form_submit_button("Move customers", type="primary", key="move_submit"):
            ids = [v.strip() for v in listed.replace(",", "\n").splitlines() if v.strip()]
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
                        customers=() if by_owner else ids,
                        from_collector=source if by_owner else None,
                    )
                )
            ):
                st.success(
                    f"{len(outcome)} customers moved to {escape(target)}." if outcome else "Nothing to move."
                )

st.subheader("Audit log")
st.caption("Append-only: every change made in AR Desk, newest first.")
choices = filter_choices(eng, actor)
f1, f2, f3, f4 = st.columns([1, 1, 1, 1.3])
who = f1.selectbox("Who", choices["who"], index=None, placeholder="Everybody", key="audit_who")
action = f2.selectbox("What", choices["action"], index=None, placeholder="Every action", key="audit_action")
record_id = f3.text_input("Customer or record id", key="audit_record")
period = f4.date_input("Between", value=(), format="DD.MM.YYYY", key="audit_period")
days: list[date] = list(period) if isinstance(period, list | tuple) else [period]
filters = AuditFilter(
    who=who,
    action=action,
    entity_id=record_id or None,
    since=days[0] if days else None,
    until=days[-1] if days else None,
    time_zone=time_zone,
)
found = audit_page(eng, actor, filters, page=int(st.session_state.get(keys.AUDIT_PAGE, 1)))
st.session_state[keys.AUDIT_PAGE] = found.page  # fewer pages after a filter change: the last one
shown = readable(found.rows, time_zone)
p1, p2, p3 = st.columns([1, 3, 1.2])
p1.number_input("Page", min_value=1, max_value=found.pages, step=1, key=keys.AUDIT_PAGE)
p2.caption(f"Page {found.page} of {found.pages} · {found.total:,} entries · times in {time_zone}")
p3.download_button(
    "Export to XLSX",
    data=lambda: audit_xlsx(eng, actor, filters),
    file_name="audit-log.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    disabled=found.total == 0,
    key="audit_export",
)
show(
    shown,
    download="audit-log",
    hide_index=True,
    width="stretch",
    column_config={
        "id": st.column_config.NumberColumn("No.", width="small"),
        "at": st.column_config.DatetimeColumn(f"When ({time_zone})", format="DD.MM.YYYY HH:mm"),
        "actor": "Who",
        "action": "Action",
        "entity": "Record",
        "entity_id": "Record id",
        "changes": st.column_config.TextColumn("Changes", width="large"),
    },
)
