"""Read: the current approved version of each SOP (search by title and text), its attachments,
its version history (older versions stay readable) and the "I have read it" confirmation."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from ar_core.knowledge import (
    SOP_AREAS,
    SOP_STATUSES,
    acknowledge,
    attachment_content,
    attachments,
    current_sops,
    get_version,
    my_pending_acknowledgements,
    version_history,
)
from pages.sops_parts import common
from ui import components, data, fmt

ANY = "any"


def _attachments(eng, actor, version_id: int) -> None:
    files = attachments(eng, actor, version_id)
    for row in files.iter_rows(named=True):
        name, kind, content = attachment_content(eng, actor, row["attachment_id"])
        if kind.startswith("image/"):
            st.image(content, caption=name)
        else:
            st.download_button(
                f"Download {name}", content, file_name=name, mime=kind, key=f"sop_att_{row['attachment_id']}"
            )


def body(eng, actor, version: dict) -> None:
    """The procedure itself: Markdown rendered (Streamlit never renders raw HTML here), then its files."""
    with st.container(border=True):
        st.markdown(version["body"])
        _attachments(eng, actor, version["version_id"])


def show(eng, actor, today: date) -> None:
    left, right = st.columns([3, 1])
    query = left.text_input("Search title and text", key="sop_query", placeholder="e.g. F-32, write-off")
    area = right.selectbox(
        "Process area",
        [ANY, *SOP_AREAS],
        key="sop_area",
        format_func=lambda a: "All areas" if a == ANY else common.area_label(a),
    )
    current = current_sops(eng, actor, query=query, area=None if area == ANY else area, as_of=today)
    if current.is_empty():
        st.info("No approved SOP matches." if query or area != ANY else "No SOP has been approved yet.")
        return
    st.caption(f"{current.height} SOP{'s' if current.height != 1 else ''} in force.")
    sop_id = common.pick(current, common.CHOSEN)
    row = current.filter(pl.col("sop_id") == sop_id).row(0, named=True)
    history = version_history(eng, actor, sop_id)
    readable = history.filter(
        pl.col("approved_at").is_not_null() | (pl.col("version_id") == row["version_id"])
    )
    labels = {
        r["version_id"]: f"Version {r['version_no']} — {r['status'].replace('_', ' ')}"
        for r in readable.iter_rows(named=True)
    }
    version_id = st.selectbox("Version", list(labels), format_func=labels.get, key=f"sop_version_{sop_id}")
    version = get_version(eng, actor, version_id)
    common.header(version)
    if version_id == row["version_id"]:
        state = common.REVIEW_LABELS[row["review"]]
        text = f"{state}: next review by {fmt.day(row['next_review'])}"
        (st.warning if row["review"] != "ok" else st.caption)(text)
        pending = my_pending_acknowledgements(eng, actor)
        if version_id in pending["version_id"].to_list():
            st.info("This version is new for you: please read it and confirm.")
            if st.button("I have read it", key=f"sop_ack_{version_id}", type="primary"):
                data.save_and_rerun(
                    lambda: acknowledge(eng, actor, version_id),
                    "Thank you: your confirmation is recorded.",
                    flash=common.FLASH,
                )
    else:
        st.warning("An earlier version, kept as the record of what was in force. It cannot be changed.")
    body(eng, actor, version)
    st.markdown("**Version history**")
    components.record_table(
        history.select(
            "version_no",
            pl.col("status").replace_strict(SOP_STATUSES, default=pl.col("status")),
            "change_summary",
            "author",
            "approver",
            "effective_on",
        ),
        {
            "version_no": "Version",
            "status": "Status",
            "change_summary": "What changed",
            "author": "Author",
            "approver": "Approver",
            "effective_on": components.date_column("Effective"),
        },
    )
