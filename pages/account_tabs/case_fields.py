"""The case's fields, shared by the Disputes tab and the contact form (a dispute raised on the call).

The items are a table of the customer's open invoices: tick the disputed ones and, when the
customer disputes only part of one, lower its disputed amount (it starts at the open amount). An
invoice already in a case shows that case and cannot be disputed again (the service refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import streamlit as st

from ar_core.collections import case_candidates
from ar_core.disputes import DEPARTMENTS, reason_taxonomy
from pages.account_tabs.common import Account, fk
from ui import forms
from ui.components import DATE_FORMAT, MONEY_FORMAT
from ui.text import DASH

#: The identity of an item, as the services name it.
IDENTITY = ("company_code", "fiscal_year", "doc_no", "line_item")


@dataclass
class CaseInput:
    reason: str  #: a reason code, or "" when none was chosen
    items: list[dict] = field(default_factory=list)  #: identity + disputed ``amount`` (text)
    department: str | None = None  #: None: the reason's default department
    note: str = ""

    def given(self) -> bool:
        return bool(self.reason or self.items or self.note.strip())

    def to_service(self) -> dict:
        """The case fields of ``collections.record_contact`` (and ``disputes.open_case``)."""
        return {
            "reason": self.reason,
            "items": self.items,
            "resolver_department": self.department,
            "note": self.note,
        }


def candidates(ctx: Account) -> pl.DataFrame:
    """The customer's open invoices, each with the case it is in already (``collections.case_candidates``)."""
    return case_candidates(ctx.engine, ctx.actor, ctx.customer_id, ctx.snapshot_id, ctx.as_of)


def _reason_label(code: str, reasons: dict, with_type: bool) -> str:
    if not code:
        return "—"
    reason = reasons[code]
    kind = f"{reason.case_type.title()} · " if with_type else ""
    return f"{kind}{reason.label} ({reason.category or 'unmapped'})"


def case_fields(
    ctx: Account, form: str, prefix: str, invoices: pl.DataFrame, *, kinds: tuple[str, ...], slots: str
) -> CaseInput:
    """The case's widgets (inside the caller's ``form``): items, reason, resolver department, note.

    Widget keys are ``prefix`` + ``_items``, ``_reason``, ``_dept``, ``_note`` in the form's round;
    ``kinds``: the case types whose reasons are offered; ``slots`` prefixes the places where the
    refusals of ``reason``, ``items``, ``department`` and ``note`` are shown.
    """
    reasons = {code: r for code, r in reason_taxonomy(ctx.engine).items() if r.case_type in kinds}
    items = item_editor(fk(form, f"{prefix}_items"), invoices)
    forms.slot(f"{slots}items")
    r1, r2 = st.columns([3, 2])
    reason = r1.selectbox(
        "Reason",
        ["", *reasons],
        format_func=lambda c: _reason_label(c, reasons, len(kinds) > 1),
        key=fk(form, f"{prefix}_reason"),
    )
    forms.slot(f"{slots}reason", r1)
    department = r2.selectbox(
        "Resolver department",
        ["", *DEPARTMENTS],
        format_func=lambda d: d or "the reason's default",
        key=fk(form, f"{prefix}_dept"),
        help="Who must fix it; by default the department the reason names.",
    )
    forms.slot(f"{slots}department", r2)
    note = st.text_area("Case note (optional)", key=fk(form, f"{prefix}_note"), height=80)
    forms.slot(f"{slots}note")
    return CaseInput(reason, items, department or None, note)


def item_editor(key: str, invoices: pl.DataFrame) -> list[dict]:
    """The open invoices with a tick box and the disputed amount; returns the ticked items."""
    if invoices.is_empty():
        st.caption("No open invoice: an inquiry needs none, a dispute needs one.")
        return []
    table = invoices.select(
        pl.lit(False).alias("pick"),
        "doc_no",
        "due_date",
        "days_overdue",
        pl.col("amount").cast(pl.Float64).alias("open"),
        pl.col("amount").cast(pl.Float64).alias("disputed"),
        "currency",
        pl.when(pl.col("case_id").is_not_null())
        .then(pl.format("case {} ({})", pl.col("case_id"), pl.col("case_status")))
        .alias("in_case"),
    )
    edited = st.data_editor(
        table,
        key=key,
        hide_index=True,
        num_rows="fixed",
        width="stretch",
        placeholder=DASH,  # "Already in": no case yet
        disabled=["doc_no", "due_date", "days_overdue", "open", "currency", "in_case"],
        column_config={
            "pick": st.column_config.CheckboxColumn("Disputed", width=70),
            "doc_no": "Document",
            "due_date": st.column_config.DateColumn("Due", format=DATE_FORMAT),
            "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d"),
            "open": st.column_config.NumberColumn("Open", format=MONEY_FORMAT),
            "disputed": st.column_config.NumberColumn(
                "Disputed amount",
                format=MONEY_FORMAT,
                min_value=0.01,
                step=0.01,
                help="The part the customer disputes; the whole open amount unless lowered.",
            ),
            "currency": "Cur.",
            "in_case": st.column_config.TextColumn(
                "Already in", help="An item is in one case only: work or reopen that case."
            ),
        },
    )
    if not isinstance(edited, pl.DataFrame):  # Streamlit hands back pandas for some inputs
        edited = pl.from_pandas(edited)
    picked = []
    for row, item in zip(edited.iter_rows(named=True), invoices.iter_rows(named=True), strict=True):
        if row["pick"]:
            amount = row["disputed"]
            picked.append(
                {**{f: item[f] for f in IDENTITY}, "amount": None if amount is None else f"{amount:.2f}"}
            )
    return picked
