"""Backups and absences: each collector's named backup, who is away, recording and cancelling."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from ar_core.knowledge import (
    BACKUP_ROLES,
    cancel_absence,
    cover_on,
    list_absences,
    list_backups,
    record_absence,
    set_backup,
)
from pages.skills_parts.forms import FLASH
from ui import data, forms
from ui.components import date_column, record_table


def backups(eng, actor) -> dict[str, str]:
    """The backups table, and for a lead the form naming one; returns user name -> name."""
    table = list_backups(eng, actor)
    names = dict(table.select("collector", "collector_name").rows())
    if table.is_empty():
        st.info("No active collector yet.")
        return names
    record_table(
        table.select("collector_name", "backup_name", "languages"),
        {"collector_name": "Collector", "backup_name": "Backup", "languages": "Customer languages"},
    )
    missing = table.filter(table["backup"].is_null())["collector_name"].to_list()
    if missing:
        st.warning(f"No backup named for {', '.join(missing)}.")
    if actor.has(*BACKUP_ROLES) and len(names) > 1:
        form = "sk_backup"
        with st.form(forms.key(form, "sk_backup_form")):
            left, right = st.columns(2)
            collector = left.selectbox(
                "Collector", list(names), format_func=names.get, key=forms.key(form, "sk_b_c")
            )
            backup = right.selectbox(
                "Backup", list(names), format_func=names.get, key=forms.key(form, "sk_b_b")
            )
            forms.slot("backup")
            st.caption("The backup must speak every language of the collector's customers at B2 or above.")
            if st.form_submit_button("Name backup"):
                data.save_and_rerun(
                    lambda: set_backup(eng, actor, collector, backup),
                    f"{names[backup]} backs up {names[collector]}.",
                    form,
                    flash=FLASH,
                )
    return names


def absences(eng, actor, today: date, names: dict[str, str]) -> None:
    """Who is away today and who covers; upcoming absences; record or cancel one."""
    away = cover_on(eng, actor, today)
    for row in away.iter_rows(named=True):
        if row["backup"] is None:
            st.error(f"{row['name']} is away until {row['ends_on']:%d.%m.%Y} and has no backup named.")
        elif row["backup_away"]:
            st.error(
                f"{row['name']} is away until {row['ends_on']:%d.%m.%Y}; the backup {row['backup_name']} "
                "is away too — nobody covers."
            )
        else:
            st.info(
                f"{row['name']} is away until {row['ends_on']:%d.%m.%Y}: {row['backup_name']} covers "
                f"{row['customers']} customers (on their worklist meanwhile)."
            )
    upcoming = list_absences(eng, actor, since=today).filter(
        ~list_absences(eng, actor, since=today)["cancelled"]
    )
    if upcoming.is_empty():
        st.caption("No absence recorded from today on.")
    else:
        record_table(
            upcoming.select("name", "starts_on", "ends_on", "note"),
            {"name": "Who", "starts_on": date_column("From"), "ends_on": date_column("To"), "note": "Note"},
        )
    lead = actor.has(*BACKUP_ROLES)
    people = names if lead else {actor.username: "me"}
    form = "sk_absence"
    with st.form(forms.key(form, "sk_absence_form")):
        st.markdown("**Record an absence**")
        who = st.selectbox(
            "Who", list(people), format_func=lambda p: people.get(p, p), key=forms.key(form, "sk_ab_who")
        )
        left, right = st.columns(2)
        start = left.date_input("From", value=today, format="DD.MM.YYYY", key=forms.key(form, "sk_ab_from"))
        end = right.date_input(
            "To", value=today + timedelta(days=4), format="DD.MM.YYYY", key=forms.key(form, "sk_ab_to")
        )
        forms.slot("ends_on")
        note = st.text_input("Note (optional)", key=forms.key(form, "sk_ab_note"), max_chars=500)
        forms.slot("note")
        if st.form_submit_button("Record absence"):
            data.save_and_rerun(
                lambda: record_absence(eng, actor, who, start, end, note),
                "Absence recorded.",
                form,
                flash=FLASH,
            )
    if not upcoming.is_empty():
        labels = {
            r["absence_id"]: f"{r['name']} {r['starts_on']:%d.%m.} – {r['ends_on']:%d.%m.%Y}"
            for r in upcoming.iter_rows(named=True)
        }
        chosen = st.selectbox("Cancel an absence", list(labels), format_func=labels.get, key="sk_ab_cancel")
        if st.button("Cancel this absence", key="sk_ab_cancel_go"):
            data.save_and_rerun(lambda: cancel_absence(eng, actor, chosen), "Absence cancelled.", flash=FLASH)
