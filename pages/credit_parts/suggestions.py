"""Suggestions tab: what each open credit should settle (rule, confidence, evidence), the decision
on the selected one, and the clearing proposal for the ERP team (``clearing``).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ar_core.credit import allocation_suggestions
from ar_core.errors import ArDeskError
from pages.credit_parts import decide
from pages.credit_parts.clearing import clearing
from pages.credit_parts.common import Credit, refused
from pages.credit_parts.labels import texts
from ui import fmt
from ui.components import money_column, record_table
from ui.data import sticky
from ui.text import escape

SHOW = {"open": "To decide", "decided": "Decided", "all": "All"}
DECIDED = ("accepted", "split", "rejected", "posted", "pending")
RULES = {
    "reference": "quoted invoice",
    "amount": "same amount",
    "many_to_one": "several invoices",
    "partial": "partial",
    "group": "customer group",
    "ambiguous": "ambiguous",
    "manual": "by hand",
}
COLUMNS = {
    "credit_doc": "Credit",
    "customer_id": "Customer",
    "company_code": "Company code",
    "credit_amount": money_column("Credit amount"),
    "invoice_docs": "Invoices",
    "amount": money_column("Settles"),
    "residual": money_column("Left over"),
    "currency": "Currency",
    "rule": "Rule",
    "confidence": st.column_config.ProgressColumn(
        "Confidence", min_value=0.0, max_value=1.0, format="percent"
    ),
    "evidence": st.column_config.TextColumn("Evidence", width="large"),
    "status": "Status",
    "needs_approval": st.column_config.CheckboxColumn("Lead decides"),
    "decided_by": "Decided by",
    "decision_reason": "Reason",
    "refund_status": "Refund",
}
HIDDEN = ("credit_key", "invoice_keys", "invoice_customers", "candidates", "decided_at")


def render(ctx: Credit) -> None:
    try:
        frame = allocation_suggestions(ctx.engine, ctx.actor)
    except ArDeskError as exc:
        refused(exc, "The suggestions cannot be shown")
        return
    if frame.is_empty():
        st.info("No open credit to allocate in your portfolio: nothing to decide.")
    else:
        chosen = table(frame)
        if chosen is not None:
            details(ctx, chosen)
    clearing(ctx)


def table(frame: pl.DataFrame) -> dict | None:
    """The suggestions the status choice keeps; the selected row, if any."""
    sticky("cr_sg_show", "open", list(SHOW))
    show = st.segmented_control("Show", list(SHOW), format_func=SHOW.get, key="cr_sg_show", required=True)
    if show == "open":
        frame = frame.filter(pl.col("status") == "open")
    elif show == "decided":
        frame = frame.filter(pl.col("status").is_in(DECIDED))
    if frame.is_empty():
        st.info("No suggestion here." if show != "open" else "Every suggestion is decided.")
        return None
    shown = texts(frame.with_columns(pl.col("rule").replace(RULES)), "invoice_docs")
    event = record_table(
        shown,
        {**COLUMNS, **dict.fromkeys(HIDDEN)},
        download="allocation-suggestions",
        on_select="rerun",
        selection_mode="single-row",
        key="cr_sg_table",
    )
    rows = event.selection.rows if event and event.selection else []
    if not rows:
        st.caption("Select a row to decide on that credit.")
        return None
    return frame.row(rows[0], named=True)


def details(ctx: Credit, row: dict) -> None:
    st.subheader(f"Credit {escape(row['credit_doc'])} of customer {escape(row['customer_id'])}")
    rule = RULES.get(row["rule"], row["rule"])
    st.markdown(
        f"**{fmt.money(row['credit_amount'], row['currency'])}** · rule **{escape(rule)}** · confidence "
        f"{row['confidence']:.0%} · status **{escape(row['status'])}**  \n{escape(row['evidence'])}"
    )
    if row["needs_approval"]:
        st.warning("This allocation crosses customers of a group: a team lead decides it.")
    if ctx.writes:
        decide.render(ctx, row)
