"""What the payment-plan sections share: labels, grid columns, saving with a rerun.

Rules and checks live in ``ar_core.recovery``; this module only shapes what the grids show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from ui import components, data

#: Session keys: the open tab, the message after a save, the chosen plan.
TAB, FLASH, CHOSEN = "pp_tab", "pp_flash", "pp_plan"
#: Who proposes plans (a controller reads and approves, never proposes).
PROPOSERS = ("collector", "lead", "admin")
APPROVERS = ("lead", "controller")

STATUS_LABELS = {
    "proposed": "Proposed", "pending_approval": "Waiting for approval", "active": "Active",
    "completed": "Completed", "broken": "Broken", "rejected": "Rejected", "cancelled": "Cancelled",
}  # fmt: skip
INSTALMENT_LABELS = {"open": "Not yet due", "overdue": "Overdue", "kept": "Kept", "late": "Paid late",
                     "broken": "Broken"}  # fmt: skip
EVERY = {"week": "Every week", "month": "Every month", "quarter": "Every quarter"}

PLAN_COLUMNS: Mapping[str, object] = {
    "plan_id": components.count_column("Plan"),
    "customer_id": "Customer",
    "customer_name": "Name",
    "status": None,
    "status_label": "Status",
    "currency": "Currency",
    "debt": components.money_column("Debt"),
    "down_payment": components.money_column("Down payment"),
    "fee": components.money_column("Fee"),
    "interest": components.money_column("Interest"),
    "total": components.money_column("Total"),
    "frequency": None,
    "instalments": components.count_column("Instalments"),
    "first_due": components.date_column("First due"),
    "next_due": components.date_column("Next unpaid"),
    "kept": components.count_column("Kept"),
    "late": components.count_column("Late"),
    "broken": components.count_column("Broken"),
    "country": "Holidays of",
    "note": "Note",
    "approval_request_id": None,
    "proposed_by": "Proposed by",
    "proposed_at": components.time_column("Proposed"),
    "approved_by": "Approved by",
    "approved_at": components.time_column("Approved"),
    "status_decided_on": components.date_column("Status since"),
}
INSTALMENT_COLUMNS: Mapping[str, object] = {
    "plan_id": None,
    "seq": components.count_column("#"),
    "kind": "Payment",
    "due_on": components.date_column("Due"),
    "amount": components.money_column("Amount"),
    "status": None,
    "status_label": "Status",
    "covered_on": components.date_column("Seen paid in snapshot of"),
}
SCHEDULE_COLUMNS: Mapping[str, object] = {
    "seq": components.count_column("#"),
    "kind": "Payment",
    "due": components.date_column("Due (business day)"),
    "amount": components.money_column("Amount"),
}


def labelled(plans: pl.DataFrame, names: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Plans with the status in words and, when given, the customer's name after the id."""
    out = plans.with_columns(
        pl.col("status").replace_strict(STATUS_LABELS, default=pl.col("status")).alias("status_label")
    )
    if names is not None:
        name = pl.col("customer_id").replace_strict(dict(names), default=None, return_dtype=pl.String())
        out = out.with_columns(name.alias("customer_name"))
    first = [c for c in ("plan_id", "customer_id", "customer_name", "status_label") if c in out.columns]
    return out.select(*first, *[c for c in out.columns if c not in first])


def saved(action: Callable[[], object], done: str | Callable[[object], str], form: str | None = None,
          fields: Mapping[str, str] | None = None) -> bool:  # fmt: skip
    """One write through ``ui.data``: a refusal under its field, a success survives the rerun."""
    return data.save_and_rerun(action, done, form, flash=FLASH, fields=fields)
