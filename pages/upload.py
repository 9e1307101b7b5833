"""Upload: read an ERP extract, show its validation report, commit it as a snapshot; list snapshots.

The sections live in ``pages/upload_parts``; the rules (reading, checking, scopes, replacing,
removing) in ``ar_core``. Validate parks the file on disk, Commit stores it.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.ledger import list_snapshots
from ar_core.settings import get_time_zone
from pages.upload_parts import commit, master, review, snapshots, source
from pages.upload_parts import scope as scope_choice
from ui.guard import require
from ui.resources import engine
from ui.text import escape

actor = require("lead", "admin")

st.title("Upload an ERP extract")
eng = engine()

# 1. The file, its layout (FBL5N, a saved mapping or a new one) and the as-of date.
chosen = source.choose(eng, actor)
review.validate(chosen)

# 2. The validated file: its report, its scope, and what Commit would do with it.
parked = review.parked()
if parked is not None:
    st.subheader(f"Validation report — {escape(parked.file_name)}")
    st.caption(escape(parked.source_format))
    scope = scope_choice.chosen_scope(parked)
    preview = review.preview(eng, actor, parked, scope, chosen)
    review.report(parked, preview)
    decision = commit.decide(parked, preview)
    commit.buttons(eng, actor, parked, chosen, scope=scope, decision=decision)
commit.outcome()

# 3. The customer master, which wins over what extracts say about a customer.
st.divider()
master.customer_master(eng, actor)

# 4. The snapshots: those in force make up the ledger; removed ones stay for the audit.
st.subheader("Snapshots")
time_zone = get_time_zone(eng)
listing = list_snapshots(eng, include_retired=True)
in_force = listing.filter(pl.col("retired_at").is_null())
if in_force.is_empty():
    st.info("No snapshot yet: upload an extract above.")
else:
    st.caption(
        "The ledger is the latest whole-ledger snapshot, updated by every later snapshot that covers only "
        "some company codes or customers."
    )
    snapshots.table(in_force, time_zone, retired=False)
    snapshots.removal(eng, actor, in_force)
retired = listing.filter(pl.col("retired_at").is_not_null())
if not retired.is_empty():
    with st.expander(f"Removed snapshots ({retired.height})"):
        snapshots.table(retired, time_zone, retired=True)
