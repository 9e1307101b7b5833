"""The contact log: every call, e-mail or letter to a customer, and what was agreed.

Entries are never changed after the fact (the table refuses UPDATE and DELETE, see migration
0002): a mistake is fixed by a *correction* entry that references the original and carries the
corrected values. Reading code treats an entry that has a correction as superseded, so the log
shows the history and the summary uses the corrected facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, check_customers_access, record
from ar_core.collections.reason_codes import (
    CHANNELS,
    DELINQUENCY_REASONS,
    INTERNAL_NOTE,
    NEXT_ACTIONS,
    OUTCOMES,
    check_choice,
    reason_label,
)
from ar_core.errors import ArDeskError, InvalidInput, NotFound
from ar_core.store.db import write_transaction
from ar_core.store.models import ContactEntry, utcnow

#: Longest note kept (a call note, not a document).
MAX_NOTES_CHARS = 4_000
#: Fields of an entry that a correction may change.
CORRECTABLE = ("contacted_at", "channel", "outcome", "reason", "notes", "next_action", "next_action_date")
#: Customer ids per ``IN (...)`` query.
_BATCH = 5_000

CONTACT_SCHEMA: dict[str, pl.DataType] = {
    "contact_id": pl.Int64(),
    "customer_id": pl.String(),
    "contacted_at": pl.Datetime("us", "UTC"),
    "channel": pl.String(),
    "outcome": pl.String(),
    "reason": pl.String(),
    "reason_label": pl.String(),
    "notes": pl.String(),
    "next_action": pl.String(),
    "next_action_date": pl.Date(),
    "created_by": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
    "corrects_id": pl.Int64(),  #: the entry this one corrects (null for an original entry)
    "correction_note": pl.String(),
    "corrected_by_id": pl.Int64(),  #: the correction that supersedes this entry (null if none)
    "effective": pl.Boolean(),  #: not superseded by a correction
}

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "last_contact_at": pl.Date(),
    "last_outcome": pl.String(),
    "next_action": pl.String(),
    "next_action_date": pl.Date(),
}


def _when(value: datetime | date | None) -> datetime:
    """A contact time in UTC; a bare date means noon UTC of that day (the same date everywhere)."""
    if value is None:
        return utcnow()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ArDeskError("contacted_at needs a time zone")
        return value.astimezone(UTC)
    return datetime.combine(value, time(12), tzinfo=UTC)


def _validated(fields: dict[str, Any]) -> dict[str, Any]:
    """Check the values of an entry against the reason codes; clear messages for bad input."""
    notes = (fields.get("notes") or "").strip()
    if len(notes) > MAX_NOTES_CHARS:
        raise InvalidInput("notes", f"notes may have at most {MAX_NOTES_CHARS} characters, got {len(notes)}")
    next_date = fields.get("next_action_date")
    if next_date is not None and (not isinstance(next_date, date) or isinstance(next_date, datetime)):
        raise InvalidInput("next_action_date", f"next_action_date must be a date, got {next_date!r}")
    when = _when(fields.get("contacted_at"))
    if when > utcnow():
        raise InvalidInput("contacted_at", "a contact cannot be logged in the future")
    return {
        "contacted_at": when,
        "channel": check_choice(fields.get("channel"), CHANNELS, "channel"),
        "outcome": check_choice(fields.get("outcome"), OUTCOMES, "outcome"),
        "reason": check_choice(
            fields.get("reason"), DELINQUENCY_REASONS, "delinquency reason", optional=True
        ),
        "notes": notes,
        "next_action": check_choice(fields.get("next_action"), NEXT_ACTIONS, "next action", optional=True),
        "next_action_date": next_date,
    }


def validated_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """One new entry (``customer_id`` plus :data:`CORRECTABLE` fields) checked: the row to insert."""
    extra = set(entry) - {"customer_id", *CORRECTABLE}
    if extra:
        raise ArDeskError(f"unknown contact field(s): {', '.join(sorted(extra))}")
    return {"customer_id": entry["customer_id"], **_validated(entry)}


def insert_contacts(conn: sa.Connection, actor: Actor, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert validated entries (:func:`validated_entry`) in the caller's transaction, audited.

    For services that write a contact together with something else (a promise); the caller has
    checked write access.
    """
    ids = []
    for row in rows:
        values = {**row, "created_by": actor.username, "created_at": utcnow()}
        new_id = conn.execute(
            sa.insert(ContactEntry).values(**values).returning(ContactEntry.id)
        ).scalar_one()
        record(conn, actor, "log_contact", "contact", new_id, after=values)
        ids.append(new_id)
    return ids


def log_contacts(engine: sa.Engine, actor: Actor, entries: Sequence[dict[str, Any]]) -> list[int]:
    """Log several contacts in one transaction (one audit record each); returns their ids.

    Each entry holds ``customer_id`` and the keyword arguments of :func:`log_contact`. All are
    validated and permission-checked before anything is written.
    """
    rows = [validated_entry(entry) for entry in entries]
    check_customers_access(engine, actor, [r["customer_id"] for r in rows], write=True)
    with write_transaction(engine, actor) as conn:
        return insert_contacts(conn, actor, rows)


def log_contact(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    channel: str,
    outcome: str,
    reason: str | None = None,
    notes: str = "",
    next_action: str | None = None,
    next_action_date: date | None = None,
    contacted_at: datetime | date | None = None,
) -> int:
    """Log one contact with a customer (the customer's collector, a lead or an admin); returns its id.

    ``channel``, ``outcome``, ``reason`` (a delinquency reason code) and ``next_action`` must come
    from :mod:`ar_core.collections.reason_codes`; ``contacted_at`` defaults to now and may not lie
    in the future.
    """
    fields = {
        "customer_id": customer_id,
        "channel": channel,
        "outcome": outcome,
        "reason": reason,
        "notes": notes,
        "next_action": next_action,
        "next_action_date": next_action_date,
        "contacted_at": contacted_at,
    }
    return log_contacts(engine, actor, [fields])[0]


def _entry_dict(row: Any) -> dict[str, Any]:
    return {c: getattr(row, c) for c in ("customer_id", *CORRECTABLE)}


def correct_contact(engine: sa.Engine, actor: Actor, contact_id: int, *, note: str, **fields: Any) -> int:
    """Append a correction of entry ``contact_id`` (which stays unchanged); returns the new id.

    ``fields`` are the values to change (any of :data:`CORRECTABLE`); the rest is copied from the
    entry being corrected. ``note`` says why. Correcting an entry that already has a correction
    is refused: correct the latest correction instead, so the chain stays linear.
    """
    unknown = set(fields) - set(CORRECTABLE)
    if unknown:
        raise ArDeskError(f"cannot correct {', '.join(sorted(unknown))}: only {', '.join(CORRECTABLE)}")
    note = note.strip()
    if not note:
        raise InvalidInput("note", "a correction needs a note saying what was wrong")
    with engine.connect() as conn:
        original = conn.execute(sa.select(ContactEntry).where(ContactEntry.id == contact_id)).first()
    if original is None:
        raise NotFound(f"no contact entry {contact_id}")
    check_customer_access(engine, actor, original.customer_id, write=True)
    before = _entry_dict(original)
    after = {"customer_id": original.customer_id, **_validated({**before, **fields})}
    with write_transaction(engine, actor) as conn:
        superseded = conn.execute(
            sa.select(ContactEntry.id).where(ContactEntry.corrects_id == contact_id)
        ).first()
        if superseded is not None:
            raise ArDeskError(
                f"entry {contact_id} was already corrected by entry {superseded.id}: correct that one"
            )
        values = {
            **after,
            "corrects_id": contact_id,
            "correction_note": note,
            "created_by": actor.username,
            "created_at": utcnow(),
        }
        new_id = conn.execute(
            sa.insert(ContactEntry).values(**values).returning(ContactEntry.id)
        ).scalar_one()
        record(
            conn,
            actor,
            "correct_contact",
            "contact",
            new_id,
            before={"contact_id": contact_id, **before},
            after=values,
        )
    return new_id


def _frame(rows: Iterable[Any]) -> pl.DataFrame:
    records = [
        (
            r.id,
            r.customer_id,
            r.contacted_at,
            r.channel,
            r.outcome,
            r.reason,
            reason_label(r.reason),
            r.notes,
            r.next_action,
            r.next_action_date,
            r.created_by,
            r.created_at,
            r.corrects_id,
            r.correction_note,
        )
        for r in rows
    ]
    base = {k: v for k, v in CONTACT_SCHEMA.items() if k not in ("corrected_by_id", "effective")}
    frame = pl.DataFrame(records, schema=base, orient="row")
    corrections = frame.filter(pl.col("corrects_id").is_not_null()).select(
        pl.col("corrects_id").alias("contact_id"), pl.col("contact_id").alias("corrected_by_id")
    )
    return frame.join(corrections, on="contact_id", how="left").with_columns(
        pl.col("corrected_by_id").is_null().alias("effective")
    )


def list_contacts(engine: sa.Engine, actor: Actor, customer_id: str) -> pl.DataFrame:
    """A customer's contact log, newest first (``CONTACT_SCHEMA``).

    A correction carries the contact time of what it corrects (unless it corrects that), so it
    is listed right above the entry it supersedes; ``corrects_id``/``corrected_by_id`` link them.
    """
    check_customer_access(engine, actor, customer_id, write=False)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(ContactEntry).where(ContactEntry.customer_id == customer_id)).all()
    return _frame(rows).sort(["contacted_at", "contact_id"], descending=True)


def contact_summary(engine: sa.Engine, customer_ids: Iterable[str] | None = None) -> pl.DataFrame:
    """Per customer the latest effective entry (``SUMMARY_SCHEMA``), for the worklist.

    No permission check: the caller filters to the portfolio it shows. ``last_contact_at`` is
    the UTC date of the contact.
    """
    query = sa.select(ContactEntry)
    wanted = None if customer_ids is None else sorted(set(customer_ids))
    with engine.connect() as conn:
        if wanted is None:
            rows = conn.execute(query).all()
        else:
            rows = []
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                rows.extend(conn.execute(query.where(ContactEntry.customer_id.in_(chunk))).all())
    # An internal note (huddle decision, talk with sales) sets the next step but is no contact
    # with the customer: "days since last contact" must keep counting.
    customer_contact = pl.col("outcome") != INTERNAL_NOTE
    return (
        _frame(rows)
        .filter("effective")
        .sort("customer_id", "contacted_at", "contact_id")
        .group_by("customer_id", maintain_order=True)
        .agg(
            pl.col("contacted_at").filter(customer_contact).last().dt.date().alias("last_contact_at"),
            pl.col("outcome").filter(customer_contact).last().alias("last_outcome"),
            pl.col("next_action").last(),
            pl.col("next_action_date").last(),
        )
    )


def record_step(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    action: str,
    by: date,
    note: str = "",
    today: date,
) -> int:
    """Record the step the huddle agreed for a customer; returns the contact-log entry id.

    It lands in the contact log as an internal note (it sets the next action and its date but is
    no contact with the customer). A step cannot be due before ``today`` (the team's day).
    """
    if by < today:
        raise InvalidInput(
            "by", f"the agreed step cannot be due in the past ({by:%d.%m.%Y}); choose today or a later day"
        )
    return log_contact(
        engine,
        actor,
        customer_id,
        channel="meeting",
        outcome=INTERNAL_NOTE,
        notes=f"Huddle: {note.strip()}".strip(),
        next_action=action,
        next_action_date=by,
    )
