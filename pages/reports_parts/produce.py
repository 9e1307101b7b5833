"""Produce a report for any stored snapshot: layout, date, the file and its totals check."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from ar_core.reporting import XLSX_MIME, produce_report
from ui import data, fmt, keys
from ui.text import DASH, escape

EQUAL, DIFFERS = "✔ equal", "✘ DIFFERENCE"
#: Green where the report equals the snapshot, red where it does not.
COLOURS = {
    EQUAL: "background-color: #C6EFCE; color: #006100",
    DIFFERS: "background-color: #FFC7CE; color: #9C0006",
}


def label(name: str, title: str, kind: str) -> str:
    """``Weekly I2C report (weekly)``; a lead's own layout also names itself."""
    return f"{title} ({kind})" if name == kind else f"{title} ({kind}: {name})"


def choose(layouts: pl.DataFrame, dates: list[date]) -> tuple[str, date]:
    """The layout and the snapshot date to produce."""
    names = layouts["name"].to_list()
    titles = dict(zip(names, layouts["title"].to_list(), strict=True))
    kinds = dict(zip(names, layouts["kind"].to_list(), strict=True))
    data.sticky(keys.REPORT_LAYOUT, "weekly" if "weekly" in names else names[0], names)
    data.sticky(keys.REPORT_DATE, dates[0], dates)
    c1, c2 = st.columns(2)
    name = c1.selectbox(
        "Report", names, key=keys.REPORT_LAYOUT, format_func=lambda n: label(n, titles[n], kinds[n])
    )
    as_of = c2.selectbox("Snapshot date", dates, key=keys.REPORT_DATE, format_func=fmt.day)
    return name, as_of


def produce(actor, eng, name: str, as_of: date) -> None:
    """Produce on the click; the result stays in the session for the download and the checks."""
    if st.button("Produce", type="primary", key="rp_produce", icon=":material/play_arrow:"):
        result: list = []
        if data.save(lambda: result.append(produce_report(eng, actor, name, as_of))):
            st.session_state[keys.REPORT_PRODUCED] = result[0]


def checks_table(checks: pl.DataFrame) -> None:
    """The totals check: green where the report equals the snapshot, red where it does not."""
    if checks.is_empty():
        st.info("No total of this layout is a snapshot's own total: nothing to check.")
        return

    def money(column: str) -> pl.Expr:
        return pl.struct(column, "currency").map_elements(
            lambda r: fmt.money(r[column], r["currency"]), return_dtype=pl.String
        )

    frame = checks.select(
        pl.col("name").alias("Sheet"),
        pl.col("currency").alias("Currency"),
        money("report_total").alias("Report total"),
        money("snapshot_total").alias("Snapshot total"),
        money("difference").alias("Difference"),
        pl.when(pl.col("ok")).then(pl.lit(EQUAL)).otherwise(pl.lit(DIFFERS)).alias("Result"),
    )
    styled = frame.to_pandas().style.map(lambda v: COLOURS.get(v, ""), subset=["Result"])
    st.dataframe(styled, hide_index=True, width="stretch", key="rp_checks", placeholder=DASH)


def show_produced() -> None:
    """The report just produced: download (written now, not on the click) and its checks."""
    produced = st.session_state.get(keys.REPORT_PRODUCED)
    if produced is None:
        return
    if produced.ok:
        st.success(
            f"{escape(produced.layout.title)} as of {fmt.day(produced.as_of)}: every total equals the "
            "snapshot's."
        )
    else:
        st.error(
            f"{escape(produced.layout.title)} as of {fmt.day(produced.as_of)}: a total differs from the "
            "snapshot's — see the checks."
        )
    # Eager bytes, as the account statement does (pages/account_tabs/statement.py): a deferred file
    # can be written for another run's choice on a busy server.
    st.download_button(
        f"Download {produced.file_name}",
        produced.content,
        file_name=produced.file_name,
        mime=XLSX_MIME,
        key="rp_download",
        icon=":material/download:",
    )
    st.caption(f"Sheets: {escape(', '.join(produced.sheets))} · SHA-256 `{produced.sha256}`")
    checks_table(produced.checks)
