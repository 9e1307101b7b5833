"""Legal & write-off: ask for a write-off or a legal handover, decide with four eyes, post and hand over.

A collector asks for their portfolio's open invoices, a lead for any customer; a lead or
controller other than the requester, within their approval limit, decides (``ar_core.recovery``
checks every rule). Approved requests go to the ERP as a posting file and to the legal partner as
a handover file; the next extract shows them cleared. The register sums the approved write-offs per
month, reason and collector. Only the open tab runs; the sections live in
``pages/write_offs_parts``.
"""

from __future__ import annotations

import streamlit as st

from pages.write_offs_parts import common, decide, exports, history, limits, register, request_form
from ui import data, fmt
from ui.guard import require
from ui.resources import engine

actor = require("collector", "lead", "controller", "admin")
eng = engine()

st.title("Legal & write-off")
data.show_flash(common.FLASH)
snapshots = data.snapshot_list()
latest = snapshots.row(-1, named=True) if not snapshots.is_empty() else None
page = common.Page(
    actor=actor,
    engine=eng,
    snapshot_id=latest["snapshot_id"] if latest else None,
    as_of=latest["as_of"] if latest else None,
)
who = "All customers" if actor.has("lead", "controller", "admin") else "Your portfolio"
st.caption(
    f"{who} — open invoices as of the snapshot of {fmt.day(page.as_of)}."
    if page.as_of
    else f"{who} — no snapshot yet."
)

SECTIONS = {
    "Request": request_form,
    "Waiting for my approval": decide,
    "History": history,
    "Register": register,
    "Exports": exports,
    "Approval limits": limits,
}
if not page.requests:
    SECTIONS.pop("Request")
if not actor.has("lead", "controller", "admin"):  # the limits are the team's, not a collector's business
    SECTIONS.pop("Approval limits")
tabs = st.tabs(list(SECTIONS), key=common.TAB, on_change="rerun")
for tab, section in zip(tabs, SECTIONS.values(), strict=True):
    if tab.open:
        with tab:
            section.show(page)
