"""Compare versions: the line diff between any two readable versions of one SOP."""

from __future__ import annotations

import streamlit as st

from ar_core.knowledge import diff_counts, diff_versions, sop_titles, version_history
from pages.sops_parts import common


def show(eng, actor) -> None:
    sops = sop_titles(eng, actor)
    sop_id = common.pick(sops, "sop_compare_sop")
    if sop_id is None:
        st.info("No SOP yet.")
        return
    history = version_history(eng, actor, sop_id)
    if history.height < 2:
        st.info("This SOP has one version so far: nothing to compare.")
        return
    labels = {
        r["version_id"]: f"Version {r['version_no']} ({r['status'].replace('_', ' ')})"
        for r in history.iter_rows(named=True)
    }
    ids = list(labels)  # newest first
    left, right = st.columns(2)
    old = left.selectbox("From", ids, index=1, format_func=labels.get, key=f"sop_cmp_old_{sop_id}")
    new = right.selectbox("To", ids, index=0, format_func=labels.get, key=f"sop_cmp_new_{sop_id}")
    diff = diff_versions(eng, actor, old, new)
    if not diff:
        st.info("The two versions have the same text.")
        return
    added, removed = diff_counts(diff)
    st.caption(f"{added} line{'s' if added != 1 else ''} added, {removed} removed.")
    st.code(diff, language="diff")
