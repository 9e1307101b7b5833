"""The audit log: filters, pages of 500 entries, the XLSX export of everything the filters match."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor, AuditFilter, audit_page, audit_xlsx, filter_choices, readable
from ui import keys
from ui.components import record_table, time_column


def filters(eng: sa.Engine, actor: Actor, time_zone: str) -> AuditFilter:
    choices = filter_choices(eng, actor)
    f1, f2, f3, f4 = st.columns([1, 1, 1, 1.3])
    who = f1.selectbox("Who", choices["who"], index=None, placeholder="Everybody", key="audit_who")
    action = f2.selectbox(
        "What", choices["action"], index=None, placeholder="Every action", key="audit_action"
    )
    record_id = f3.text_input("Customer or record id", key="audit_record")
    period = f4.date_input("Between", value=(), format="DD.MM.YYYY", key="audit_period")
    days: list[date] = list(period) if isinstance(period, list | tuple) else [period]
    return AuditFilter(
        who=who,
        action=action,
        entity_id=record_id or None,
        since=days[0] if days else None,
        until=days[-1] if days else None,
        time_zone=time_zone,
    )


def log(eng: sa.Engine, actor: Actor, chosen: AuditFilter, time_zone: str) -> None:
    """One page of the entries the filters match, newest first, in the team's time zone."""
    found = audit_page(eng, actor, chosen, page=int(st.session_state.get(keys.AUDIT_PAGE, 1)))
    st.session_state[keys.AUDIT_PAGE] = found.page  # fewer pages after a filter change: the last one
    p1, p2, p3 = st.columns([1, 3, 1.2])
    p1.number_input("Page", min_value=1, max_value=found.pages, step=1, key=keys.AUDIT_PAGE)
    p2.caption(f"Page {found.page} of {found.pages} · {found.total:,} entries · times in {time_zone}")
    p3.download_button(
        "Export to XLSX",
        data=lambda: audit_xlsx(eng, actor, chosen),
        file_name="audit-log.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        disabled=found.total == 0,
        key="audit_export",
    )
    record_table(
        readable(found.rows, time_zone),
        {
            "id": st.column_config.NumberColumn("No.", width="small"),
            "at": time_column(f"When ({time_zone})"),
            "actor": "Who",
            "action": "Action",
            "entity": "Record",
            "entity_id": "Record id",
            "changes": st.column_config.TextColumn("Changes", width="large"),
        },
        download="audit-log",
    )
