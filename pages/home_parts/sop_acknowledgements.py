"""Home: the SOP versions this person still has to read and confirm (nothing when there are none)."""

from __future__ import annotations

import streamlit as st

from ar_core.access import Actor
from ar_core.knowledge import acknowledge, my_pending_acknowledgements
from ui import data, fmt
from ui.resources import engine
from ui.text import escape

FLASH = "home_sop_flash"


def show(actor: Actor) -> None:
    """One line per SOP to confirm: a link to read it on the SOPs page and "I have read it"."""
    eng = engine()
    pending = my_pending_acknowledgements(eng, actor)
    data.show_flash(FLASH)
    if pending.is_empty():
        return
    st.subheader(f"SOPs to read ({pending.height})")
    for row in pending.iter_rows(named=True):
        left, right = st.columns([4, 1], vertical_alignment="center")
        since = f", effective {fmt.day(row['effective_on'])}" if row["effective_on"] else ""
        left.markdown(
            f"[{escape(row['title'])}](/sops?sop={row['sop_id']}) — version {row['version_no']}{since}: "
            f"{escape(row['change_summary'])}"
        )
        if right.button("I have read it", key=f"home_sop_ack_{row['version_id']}"):
            data.save_and_rerun(
                lambda v=row["version_id"]: acknowledge(eng, actor, v),
                f"Confirmed: {escape(row['title'])}, version {row['version_no']}.",
                flash=FLASH,
            )


def notice(actor: Actor) -> None:
    """One line for another page (the worklist): how many SOP versions wait to be read, with a link."""
    count = my_pending_acknowledgements(engine(), actor).height
    if count:
        what = "a new SOP version" if count == 1 else f"{count} new SOP versions"
        st.info(f"You have {what} to read and confirm: [open the SOPs](/sops).", icon=":material/menu_book:")
