"""What the SOP sections share: session keys, labels, the SOP picker, a version's header."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from ar_core.knowledge import SOP_AREAS, SOP_STATUSES
from ui import fmt
from ui.text import escape

FLASH = "sop_flash"
VIEW = "sop_view"
CHOSEN = "sop_chosen"
REVIEW_LABELS = {"overdue": "Review overdue", "due soon": "Review due soon", "ok": "Review on time"}


def area_label(area: str | None) -> str:
    return SOP_AREAS.get(area or "", area or "—")


def linked_sop() -> int | None:
    """The SOP named in the URL (``/sops?sop=12``), if any."""
    raw = st.query_params.get("sop")
    return int(raw) if raw and raw.isdigit() else None


def pick(frame: pl.DataFrame, key: str, label: str = "SOP") -> int | None:
    """Choose one SOP of ``frame`` (``sop_id``, ``title``, ``area``), the URL's SOP preselected.

    A link gets a widget of its own (the key names the linked SOP) starting at that SOP: changing
    the state of a widget the browser already shows can race with the browser's own value.
    """
    ids = frame["sop_id"].to_list()
    if not ids:
        return None
    titles = {r["sop_id"]: f"{r['title']} ({area_label(r['area'])})" for r in frame.iter_rows(named=True)}
    linked = linked_sop()
    index = ids.index(linked) if linked in ids else 0
    return st.selectbox(label, ids, index=index, format_func=titles.get, key=f"{key}_{linked or 'any'}")


def header(version: dict[str, Any]) -> None:
    """Title, version, status and dates of one version (every piece of typed text escaped)."""
    st.subheader(escape(version["title"]))
    parts = [
        f"Version {version['version_no']}",
        SOP_STATUSES.get(version["status"], version["status"]),
        area_label(version["area"]),
        f"owner {escape(version['owner'])}",
        f"written by {escape(version['author'])}",
    ]
    if version.get("approver"):
        parts.append(f"approved by {escape(version['approver'])}")
    if version.get("effective_on"):
        parts.append(f"effective {fmt.day(version['effective_on'])}")
    st.caption(" · ".join(parts))
    st.caption(f"What changed: {escape(version['change_summary'])}")
