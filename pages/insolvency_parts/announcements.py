"""Insolvency announcements: the matches a lead confirms or dismisses, and every announcement
with its date (evidence for a customer's stated reason for not paying)."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import EXTERNAL_ROLES, confirm_announcement, dismiss_announcement, list_announcements
from pages.insolvency_parts.common import FLASH
from ui import data
from ui.components import date_column, record_table

COLUMNS = {
    "announcement_id": "No.", "announced_on": date_column("Announced"), "kind": None, "kind_label": "Type",
    "court": "Court", "case_number": "Case number", "debtor_name": "Debtor (announced)", "street": "Street",
    "postcode": "Postcode", "city": "City", "customer_id": "Customer", "customer_name": "Our name",
    "matched_by": "Matched by", "status": None, "status_label": "Status", "decided_by": "Decided by",
    "case_id": "Case", "file_name": "File",
}  # fmt: skip


def show(eng: sa.Engine, actor: Actor) -> None:
    every = list_announcements(eng, actor)
    queue = every.filter(every["status"] == "open")
    st.subheader("To review")
    if queue.is_empty():
        st.info("No announcement is waiting for review.")
    else:
        record_table(queue, COLUMNS)
        if actor.has(*EXTERNAL_ROLES):
            _decide(eng, actor, queue)
    st.subheader("All announcements")
    if every.is_empty():
        st.info("No announcements imported yet: a lead imports the courts' file under Imports.")
    else:
        record_table(every, COLUMNS, download="insolvency_announcements.csv")


def _decide(eng: sa.Engine, actor: Actor, queue) -> None:
    labels = {r["announcement_id"]: f"#{r['announcement_id']} {r['debtor_name']} → {r['customer_id']} "
              f"{r['customer_name'] or ''} ({r['kind_label']}, {r['announced_on']:%d.%m.%Y})"
              for r in queue.iter_rows(named=True)}  # fmt: skip
    with st.form("announcement_decide"):
        chosen = st.selectbox("Announcement", list(labels), format_func=labels.get)
        open_case = st.checkbox("Open an insolvency case from it", value=True)
        note = st.text_input("Note (why dismissed)")
        c1, c2 = st.columns(2)
        if c1.form_submit_button("Confirm match", type="primary"):
            data.save_and_rerun(lambda: confirm_announcement(eng, actor, chosen, open_case=open_case),
                                f"Announcement #{chosen} confirmed.", flash=FLASH)  # fmt: skip
        if c2.form_submit_button("Dismiss"):
            data.save_and_rerun(lambda: dismiss_announcement(eng, actor, chosen, note=note),
                                f"Announcement #{chosen} dismissed.", flash=FLASH)  # fmt: skip
