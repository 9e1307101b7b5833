"""Reports (lead, controller, admin): the daily, weekly and monthly I2C workbooks for any snapshot.

Lists the layouts (defaults and the lead's own files), produces a report for a chosen snapshot
date with its totals check against the snapshot, and lists the produced reports, which can be
downloaded unchanged and — monthly ones — signed off (prepared by the author, or by a lead or
controller for the scheduler's, reviewed by another lead or controller). The rules live in
``ar_core.reporting``; the sections in ``pages/reports_parts``.
"""

from __future__ import annotations

import streamlit as st

from ar_core import settings
from ar_core.errors import InvalidInput
from ar_core.reporting import layout_list
from pages.reports_parts import layouts, produce, runs
from ui import data, keys
from ui.guard import require
from ui.resources import engine
from ui.text import escape

actor = require("lead", "controller", "admin")
eng = engine()

st.title("Reports")
st.caption(
    "Daily, weekly and monthly I2C workbooks of a snapshot: one sheet per topic and a totals check that "
    "ties every portfolio total to the snapshot to the cent. The same reports run headless for a "
    "scheduler: `python -m ar_core report daily|weekly|monthly --as-of DATE --out FILE.xlsx`."
)
data.show_flash(keys.REPORT_FLASH)
try:
    offered = layout_list()
except InvalidInput as exc:  # a lead's layout file is broken: say which file and key
    offered = None
    st.error(f"A report layout file cannot be used: {escape(exc)}")

snapshots = data.snapshot_list()
if snapshots.is_empty():  # said, not stopped: app.py keeps a URL's query string until a page run ends
    st.info(
        "No snapshot yet, so there is nothing to report. A lead imports an ERP extract on the Upload "
        "page; then every report can be produced for any snapshot date."
    )
elif offered is not None:
    layouts.show_layouts(offered)
    dates = sorted(set(snapshots["as_of"].to_list()), reverse=True)
    name, as_of = produce.choose(offered, dates)
    produce.produce(actor, eng, name, as_of)
    produce.show_produced()
    st.divider()
    runs.show_runs(actor, eng, settings.get_time_zone(eng))
