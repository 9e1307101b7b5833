"""At the huddle: who is away today and who covers, and the open cross-training gaps."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ar_core.knowledge import cover_on, team_coverage
from ui.text import escape


def show(eng, actor, today: date) -> None:
    """Absences of the day with their backup, then every process area and language with a gap."""
    away = cover_on(eng, actor, today)
    cover = team_coverage(eng, actor)
    open_gaps = [r for r in (*cover.areas, *cover.languages) if r.gap]
    if away.is_empty() and not open_gaps:
        return
    st.subheader("Cover and gaps")
    for row in away.iter_rows(named=True):
        until = f"{row['ends_on']:%d.%m.%Y}"
        if row["backup"] is None:
            st.error(f"{escape(row['name'])} is away until {until} — no backup named.")
        elif row["backup_away"]:
            st.error(
                f"{escape(row['name'])} is away until {until} and the backup "
                f"{escape(row['backup_name'])} too — nobody covers."
            )
        else:
            st.info(
                f"{escape(row['name'])} is away until {until}: **{escape(row['backup_name'])}** covers "
                f"({row['customers']} customers on their worklist)."
            )
    for row in open_gaps:
        what = f"{row.share:.1f} % of customers write in {row.area}" if row.kind == "language" else row.area
        closest = ", ".join(cover.names.get(p, p) for p in row.closest) or "nobody yet"
        st.warning(
            f"Coverage gap — {escape(what)}: {len(row.people_at_level)} of {row.required} needed; "
            f"closest: {escape(closest)}."
        )
