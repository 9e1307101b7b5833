"""Dunning blocks: a customer or one item held back from dunning with a reason, an end date and a
note ("customer pays after month end").

A block is active while its end date is on or after the run's as-of date and it is not lifted
early: a read-time rule, so a block lifts itself the day after its end date without anything
having to run at midnight. Ended and lifted blocks stay, as the history.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, in_portfolio, readable_customers, record
from ar_core.errors import ArDeskError, InvalidInput, NotFound
from ar_core.recovery.procedure import (
    BLOCK_REASONS,
)
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    DunningBlock,
    utcnow,
)

MANUAL_REASONS: dict[str, str] = {
    "agreement": "Agreement with the customer",
    "clarification": "Being clarified",
    "sales_request": "Sales asked to hold",
    "customer_care": "Key account / customer care",
    "other": "Other",
}
#: The reason under which manual blocks show in the overview.
MANUAL = "dunning_block"
REASON_LABELS: dict[str, str] = {**BLOCK_REASONS, MANUAL: "Dunning block"}
MAX_BLOCK_DAYS = 366
MAX_TEXT = 1_000
BLOCK_SCHEMA: dict[str, pl.DataType] = {
    "block_id": pl.Int64(),
    "customer_id": pl.String(),
    "_item_key": pl.String(),
    "doc_no": pl.String(),
    "reason": pl.String(),
    "reason_label": pl.String(),
    "note": pl.String(),
    "starts_on": pl.Date(),
    "ends_on": pl.Date(),
    "status": pl.String(),
    "created_by": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
    "lifted_by": pl.String(),
    "lifted_at": pl.Datetime("us", "UTC"),
    "lift_note": pl.String(),
}
# --- blocks --------------------------------------------------------------------------------------


def add_block(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    reason: str,
    ends_on: date,
    today: date,
    note: str = "",
    item_key: str | None = None,
    doc_no: str | None = None,
) -> int:
    """Block a customer (or one of its items, ``item_key``) from dunning until ``ends_on`` (included).

    The customer's collector, a lead or an admin; ``reason`` from :data:`MANUAL_REASONS`; the end
    date from today to a year ahead. Audited as ``add_dunning_block``; returns the block's id.
    """
    if reason not in MANUAL_REASONS:
        raise InvalidInput("reason", f"choose one of {', '.join(MANUAL_REASONS)}, not {reason!r}")
    if not isinstance(ends_on, date) or ends_on < today:
        raise InvalidInput("ends_on", "a block ends today or later")
    if ends_on > today + timedelta(days=MAX_BLOCK_DAYS):
        raise InvalidInput("ends_on", "a block lasts at most a year; set a new one when it ends")
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput("note", f"a note has at most {MAX_TEXT} characters")
    check_customer_access(engine, actor, customer_id, write=True)
    values = {
        "customer_id": customer_id,
        "item_key": item_key,
        "doc_no": doc_no,
        "reason": reason,
        "note": note or None,
        "starts_on": today,
        "ends_on": ends_on,
        "created_by": actor.username,
        "created_at": utcnow(),
    }
    with write_transaction(engine, actor) as conn:
        block_id = conn.execute(
            sa.insert(DunningBlock).values(**values).returning(DunningBlock.id)
        ).scalar_one()
        record(conn, actor, "add_dunning_block", "dunning_block", block_id, after=values)
    return int(block_id)


def lift_block(engine: sa.Engine, actor: Actor, block_id: int, *, note: str) -> None:
    """End a block before its end date (the customer's collector, a lead or an admin), with a note."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput("note", "say why the block ends early")
    with engine.connect() as conn:
        row = conn.execute(sa.select(DunningBlock).where(DunningBlock.id == block_id)).first()
    if row is None:
        raise NotFound(f"no dunning block {block_id}")
    check_customer_access(engine, actor, row.customer_id, write=True)
    with write_transaction(engine, actor) as conn:
        if conn.execute(sa.select(DunningBlock.lifted_at).where(DunningBlock.id == block_id)).scalar():
            raise ArDeskError(f"dunning block {block_id} was already lifted")
        values = {"lifted_by": actor.username, "lifted_at": utcnow(), "lift_note": note[:MAX_TEXT]}
        conn.execute(sa.update(DunningBlock).where(DunningBlock.id == block_id).values(**values))
        record(
            conn,
            actor,
            "lift_dunning_block",
            "dunning_block",
            block_id,
            before={"ends_on": row.ends_on.isoformat()},
            after=values,
        )


def _status(row: Any, as_of: date) -> str:
    if row.lifted_at is not None:
        return "lifted"
    if row.starts_on > as_of:
        return "scheduled"
    return "active" if row.ends_on is None or row.ends_on >= as_of else "ended"


def list_blocks(
    engine: sa.Engine, actor: Actor, *, as_of: date, customer_id: str | None = None, active_only: bool = False
) -> pl.DataFrame:
    """The dunning blocks ``actor`` may read (:data:`BLOCK_SCHEMA`) with their status at ``as_of``
    (active, ended, lifted, scheduled), newest first: the history of every block."""
    query = sa.select(DunningBlock).order_by(DunningBlock.id.desc())
    if customer_id is not None:
        check_customer_access(engine, actor, customer_id, write=False)
        query = query.where(DunningBlock.customer_id == customer_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [
        (
            r.id,
            r.customer_id,
            r.item_key,
            r.doc_no,
            r.reason,
            MANUAL_REASONS.get(r.reason, r.reason),
            r.note,
            r.starts_on,
            r.ends_on,
            _status(r, as_of),
            r.created_by,
            r.created_at,
            r.lifted_by,
            r.lifted_at,
            r.lift_note,
        )
        for r in rows
    ]
    frame = in_portfolio(
        pl.DataFrame(records, schema=BLOCK_SCHEMA, orient="row"), readable_customers(engine, actor)
    )
    return frame.filter(pl.col("status") == "active") if active_only else frame
