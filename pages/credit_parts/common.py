"""What the tabs of the Credit balances page share: the page context, open invoices to pick, saving.

The grid labels and texts live in ``labels``, so this module stays about state and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import WRITE_ALL_ROLES, Actor
from ar_core.disputes import item_key
from ar_core.errors import ArDeskError
from ar_core.ledger import customer_items, open_items
from ui import data, fmt
from ui.text import escape

#: Session key of the open tab (kept over saves and reruns).
TAB = "cr_tab"
#: Roles that record collection work (a controller only reads).
WRITERS = ("collector", *WRITE_ALL_ROLES)


@dataclass(frozen=True)
class Credit:
    """What every tab needs: who acts, the store, the latest snapshot."""

    actor: Actor
    engine: sa.Engine
    snapshot_id: int
    as_of: date

    @property
    def writes(self) -> bool:
        """May record decisions (collectors on their portfolio, leads and admins); controllers read."""
        return self.actor.has(*WRITERS)

    @property
    def whole_team(self) -> bool:
        return self.actor.has("lead", "admin", "controller")


def refused(exc: ArDeskError, what: str) -> None:
    """A read the service refused, said on the page instead of a traceback."""
    st.error(f"{what}: {escape(exc)}")


def open_invoices(ctx: Credit, customer_id: str) -> dict[str, str]:
    """The customer's open invoices (debits) at the latest snapshot: item key -> readable label.

    Read through the scoped ledger read (outside the portfolio: none); the key is the item identity
    the credit services take (``ar_core.disputes.item_key``).
    """
    if not customer_id:
        return {}
    try:
        items = customer_items(ctx.engine, ctx.actor, ctx.snapshot_id, customer_id)
    except ArDeskError:
        return {}
    debits = open_items(items, ctx.as_of).filter(pl.col("amount") > 0).sort("due_date", "doc_no")
    return {
        item_key(r["company_code"], r["fiscal_year"], r["doc_no"], r["line_item"]): (
            f"{r['doc_no']} · {fmt.money(r['amount'], r['currency'])} · due {fmt.day(r['due_date'])}"
        )
        for r in debits.iter_rows(named=True)
    }


def credit_invoices(ctx: Credit, row: dict) -> dict[str, str]:
    """Open invoices of a credit's customer (and of the group's customers a group row names)."""
    choices: dict[str, str] = {}
    for customer_id in dict.fromkeys([row["customer_id"], *(row["invoice_customers"] or [])]):
        choices |= open_invoices(ctx, customer_id)
    return choices


def keys_of_documents(choices: dict[str, str], docs: list[str]) -> list[str]:
    """The item keys among ``choices`` whose label starts with one of the document numbers ``docs``."""
    wanted = {str(d) for d in docs}
    return [key for key, label in choices.items() if label.split(" · ", 1)[0] in wanted]


#: Session key: the message of the save that caused this run.
FLASH = "cr_flash"


def saved(
    action: Callable[[], object],
    done: str | Callable[[Any], str],
    form: str | None = None,
    *,
    fields: Mapping[str, str] | None = None,
) -> bool:
    """Save through ``ui.data.save_and_rerun``: the message survives the rerun (:func:`show_flash`)."""
    return data.save_and_rerun(action, done, form, flash=FLASH, fields=fields)


def show_flash() -> None:
    data.show_flash(FLASH)
