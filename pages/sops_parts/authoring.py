"""My drafts: write a new SOP, start a new version of one, change a draft, attach files, submit it."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.knowledge import (
    SOP_AREAS,
    add_attachment,
    attachments,
    create_sop,
    edit_draft,
    my_drafts,
    new_version,
    remove_attachment,
    sop_titles,
    submit_for_review,
)
from pages.sops_parts import common
from ui import data, forms
from ui.text import escape


def _new_sop(eng, actor) -> None:
    form = "sop_new"
    with st.form(forms.key(form, "sop_new_form")):
        st.markdown("**Write a new SOP**")
        title = st.text_input("Title", key=forms.key(form, "sop_new_title"), max_chars=200)
        forms.slot("title")
        area = st.selectbox(
            "Process area",
            list(SOP_AREAS),
            format_func=SOP_AREAS.get,
            key=forms.key(form, "sop_new_area"),
        )
        forms.slot("area")
        body = st.text_area("Procedure (Markdown)", height=260, key=forms.key(form, "sop_new_body"))
        forms.slot("body")
        if st.form_submit_button("Save as draft", type="primary"):
            data.save_and_rerun(
                lambda: create_sop(eng, actor, title=title, area=area, body=body),
                "Draft saved: it is under My drafts.",
                form,
                flash=common.FLASH,
            )


def _next_version(eng, actor) -> None:
    sops = sop_titles(eng, actor, include_retired=False)
    if sops.is_empty():
        return
    form = "sop_next"
    with st.form(forms.key(form, "sop_next_form")):
        st.markdown("**Start a new version of an SOP** (from its approved text)")
        titles = dict(zip(sops["sop_id"], sops["title"], strict=True))
        sop_id = st.selectbox(
            "SOP", list(titles), format_func=titles.get, key=forms.key(form, "sop_next_sop")
        )
        summary = st.text_input("What changes and why", key=forms.key(form, "sop_next_summary"))
        forms.slot("change_summary")
        if st.form_submit_button("Start the new version"):
            data.save_and_rerun(
                lambda: new_version(eng, actor, sop_id, change_summary=summary),
                "New version started as a draft.",
                form,
                flash=common.FLASH,
            )


def _files(eng, actor, version_id: int) -> None:
    files = attachments(eng, actor, version_id)
    for row in files.iter_rows(named=True):
        left, right = st.columns([4, 1])
        left.caption(f"{escape(row['file_name'])} ({row['content_type']}, {row['size_bytes']:,} bytes)")
        if right.button("Remove", key=f"sop_rm_{row['attachment_id']}"):
            data.save_and_rerun(
                lambda a=row["attachment_id"]: remove_attachment(eng, actor, a),
                "File removed.",
                flash=common.FLASH,
            )
    upload = st.file_uploader(
        "Attach an image or PDF (PNG, JPEG, PDF; at most 5 MB)",
        type=["png", "jpg", "jpeg", "pdf"],
        key=f"sop_upload_{version_id}",
    )
    forms.slot("content")
    if upload is not None and st.button("Attach", key=f"sop_attach_{version_id}"):
        data.save_and_rerun(
            lambda: add_attachment(eng, actor, version_id, upload.name, upload.getvalue()),
            f"{upload.name} attached.",
            flash=common.FLASH,
        )


def _draft(eng, actor, row: dict) -> None:
    common.header(row)
    if row["rejection_note"]:
        st.warning(f"Sent back by the reviewer: {escape(row['rejection_note'])}")
    if row["status"] == "in_review":
        st.info("In review: it cannot be changed until the approver decides.")
        st.markdown(row["body"])
        return
    form = f"sop_edit_{row['version_id']}"
    with st.form(forms.key(form, f"{form}_form")):
        text = st.text_area(
            "Procedure (Markdown)", value=row["body"], height=320, key=forms.key(form, f"{form}_b")
        )
        forms.slot("body")
        summary = st.text_input("What changed", value=row["change_summary"], key=forms.key(form, f"{form}_s"))
        forms.slot("change_summary")
        if st.form_submit_button("Save the draft"):
            data.save_and_rerun(
                lambda: edit_draft(eng, actor, row["version_id"], body=text, change_summary=summary),
                "Draft saved.",
                form,
                flash=common.FLASH,
            )
    with st.expander("Preview"):
        st.markdown(row["body"])
    _files(eng, actor, row["version_id"])
    if st.button("Submit for review", key=f"sop_submit_{row['version_id']}", type="primary"):
        data.save_and_rerun(
            lambda: submit_for_review(eng, actor, row["version_id"]),
            "Submitted: a lead or the area's approver reviews it.",
            flash=common.FLASH,
        )


def show(eng, actor) -> None:
    drafts = my_drafts(eng, actor)
    if drafts.is_empty():
        st.info("You have no draft. Write a new SOP or start a new version below.")
    else:
        labels = {
            r["version_id"]: f"{r['title']} — version {r['version_no']} ({r['status'].replace('_', ' ')})"
            for r in drafts.iter_rows(named=True)
        }
        chosen = st.selectbox("Draft", list(labels), format_func=labels.get, key="sop_my_draft")
        _draft(eng, actor, drafts.filter(pl.col("version_id") == chosen).row(0, named=True))
    st.divider()
    left, right = st.columns(2)
    with left:
        _new_sop(eng, actor)
    with right:
        _next_version(eng, actor)
