"""What the sections of the Legal & write-off page share: the page context, labels, saving.

Rules and checks live in ``ar_core.recovery``; this module only shapes what the grids show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl
import sqlalchemy as sa

from ar_core.access import WRITE_ALL_ROLES, Actor
from ar_core.recovery import WRITE_OFF_APPROVERS, WRITE_OFF_EXPORTERS
from ui import components, data

#: Session keys: the open tab, the message after a save.
TAB, FLASH = "wo_tab", "wo_flash"
#: Who asks for write-offs and handovers (a controller reads and approves, never asks).
REQUESTERS = ("collector", *WRITE_ALL_ROLES)


@dataclass(frozen=True)
class Page:
    """Who acts, the store, the latest snapshot (``None`` before the first import)."""

    actor: Actor
    engine: sa.Engine
    snapshot_id: int | None
    as_of: date | None

    @property
    def requests(self) -> bool:
        return self.actor.has(*REQUESTERS)

    @property
    def approves(self) -> bool:
        return self.actor.has(*WRITE_OFF_APPROVERS)

    @property
    def exports(self) -> bool:
        return self.actor.has(*WRITE_OFF_EXPORTERS)


#: The request grid: readable headings, money as money, dates as dates; technical columns hidden.
REQUEST_COLUMNS: Mapping[str, object] = {
    "request_id": components.count_column("Request"),
    "what": "Kind",
    "kind": None,
    "customer_id": "Customer",
    "customer_name": "Name",
    "collector": "Collector",
    "company_code": "Company code",
    "reason": None,
    "reason_label": "Reason",
    "evidence": "Evidence",
    "amount": components.money_column("Amount"),
    "currency": "Currency",
    "items": components.count_column("Items"),
    "status": None,
    "status_label": "Status",
    "approval_request_id": None,
    "requested_by": "Requested by",
    "requested_at": components.time_column("Requested"),
    "decided_by": "Decided by",
    "decided_at": components.time_column("Decided"),
    "decision_note": "Note",
    "snapshot_as_of": components.date_column("Items as of"),
    "cleared_as_of": components.date_column("Cleared in snapshot of"),
}
ITEM_COLUMNS: Mapping[str, object] = {
    "request_id": None,
    "item_key": None,
    "company_code": "Company code",
    "fiscal_year": "Fiscal year",
    "doc_no": "Document",
    "line_item": None,
    "doc_type": "Type",
    "doc_date": components.date_column("Document date"),
    "due_date": components.date_column("Due date"),
    "amount": components.money_column("Amount"),
    "currency": "Currency",
    "reference": "Reference",
    "dunning_level": components.count_column("Dunning level (ERP)"),
}


def with_kind(frame: pl.DataFrame, kinds: Mapping[str, str]) -> pl.DataFrame:
    """The request rows with the kind as a word, first column after the request number."""
    what = pl.col("kind").replace_strict(dict(kinds), default=pl.col("kind")).alias("what")
    labelled = frame.with_columns(what)
    return labelled.select("request_id", "what", *[c for c in frame.columns if c != "request_id"])


def saved(action: Callable[[], object], done: str | Callable[[object], str], form: str | None = None,
          fields: Mapping[str, str] | None = None) -> bool:  # fmt: skip
    """One write through ``ui.data``: a refusal under its field, a success survives the rerun."""
    return data.save_and_rerun(action, done, form, flash=FLASH, fields=fields)
