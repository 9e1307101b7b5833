"""A contact and what it raised, logged at once: a promise to pay, a dispute, an inquiry.

The account's contact form logs a call once: the entry and, when the customer promised, the
promise (one transaction, as :func:`ar_core.collections.promises.record_call`); when the customer
disputed items (outcome "dispute raised") or asked for something (an inquiry reason: an invoice
copy, a statement, a clarification), the case it opens, linked to the entry (``contact_id``).
Everything is checked before anything is written — the entry, the promise, and the case's reason,
items and disputed amounts — and a refusal names the form's field (``case_reason``,
``case_items``, ``case_department``, ``case_note``; ``outcome`` when the outcome and the case do
not go together).

All in one transaction: ``disputes.prepare_case`` checks the case with the entry and the
promise, and ``disputes.insert_case`` writes it on the same connection, so a refusal at the last
moment (a colleague put the item into a case meanwhile) leaves neither entry nor case behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access
from ar_core.collections.reason_codes import DISPUTE_RAISED, INTERNAL_NOTE
from ar_core.errors import ArDeskError, InvalidInput
from ar_core.schema import ITEM_IDENTITY, MONEY
from ar_core.store.db import write_transaction

#: What the contact form says about the case: ``items`` are dicts of the item identity and the
#: disputed ``amount`` (``None``: the whole open amount).
CASE_FIELDS = ("reason", "items", "resolver_department", "resolver", "note")
#: The case's parameter (as ``disputes.open_case`` names it) -> the contact form's field.
CASE_FIELD_NAMES = {
    "reason": "case_reason",
    "case_type": "case_reason",
    "items": "case_items",
    "amount": "case_items",
    "resolver_department": "case_department",
    "resolver": "case_resolver",
    "note": "case_note",
}
#: Longest case note kept (as the disputes area keeps them).
MAX_CASE_NOTE = 4_000

CANDIDATE_SCHEMA: dict[str, pl.DataType] = {
    "company_code": pl.String(),
    "fiscal_year": pl.Int32(),
    "doc_no": pl.String(),
    "line_item": pl.Int32(),
    "doc_type": pl.String(),
    "doc_date": pl.Date(),
    "due_date": pl.Date(),
    "days_overdue": pl.Int32(),
    "amount": MONEY,  #: the open amount (local currency)
    "currency": pl.String(),
    "disputed": pl.Boolean(),  #: flagged by the ERP
    "dispute_reason": pl.String(),
    "case_id": pl.Int64(),  #: the case that covers the item already (null: none)
    "case_status": pl.String(),
}


class CallResult(NamedTuple):
    contact_id: int
    promise_id: int | None
    case_id: int | None


def case_candidates(
    engine: sa.Engine, actor: Actor, customer_id: str, snapshot_id: int, as_of: date
) -> pl.DataFrame:
    """The customer's open invoices at the snapshot that a case may cover (:data:`CANDIDATE_SCHEMA`).

    Oldest due date first; each with the case that covers it already (an item is in one case,
    ever: that case is worked or reopened instead), so a form shows it as taken.
    """
    from ar_core.disputes import case_items, list_cases
    from ar_core.ledger import KEY, customer_items, open_items, with_identity

    items = open_items(customer_items(engine, actor, snapshot_id, customer_id), as_of).filter(
        pl.col("amount") > 0
    )
    cases = list_cases(engine, actor, customer_id=customer_id)
    covered = case_items(engine, actor, cases["case_id"].to_list()) if cases.height else None
    days = (pl.lit(as_of) - pl.col("due_date")).dt.total_days().cast(pl.Int32).alias("days_overdue")
    frame = items.with_columns(days)
    if covered is not None and covered.height:
        taken = (
            with_identity(covered.select(*ITEM_IDENTITY, "case_id"))
            .unique(list(KEY), keep="first")
            .join(cases.select("case_id", pl.col("status").alias("case_status")), on="case_id", how="left")
            .drop("doc_no")
        )
        frame = (
            with_identity(frame)
            .join(taken, on=list(KEY), how="left", nulls_equal=True, maintain_order="left")
            .drop("_doc_key")
        )
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.Int64).alias("case_id"), pl.lit(None, pl.String).alias("case_status")
        )
    return frame.sort("due_date", "doc_no").select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in CANDIDATE_SCHEMA.items()
    )


def _named_items(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The form's items as ``disputes.prepare_case`` takes them (it judges them against the ledger)."""
    named = []
    for item in items:
        unknown = set(item) - {*ITEM_IDENTITY, "amount"}
        if unknown:
            raise ArDeskError(f"unknown case item field(s): {', '.join(sorted(unknown))}")
        amount = item.get("amount")
        named.append({**{f: item.get(f) for f in ITEM_IDENTITY},
                      "amount": None if amount is None or str(amount).strip() == "" else amount})  # fmt: skip
    return named


def _case_field(exc: InvalidInput) -> InvalidInput:
    """A refusal of the case service, named after the contact form's field."""
    return InvalidInput(CASE_FIELD_NAMES.get(exc.field, "case_reason"), exc.message)


def planned_case(
    engine: sa.Engine, actor: Actor, customer_id: str, outcome: str, case: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The case a contact with ``outcome`` raises, checked: the keyword arguments of ``open_case``.

    "dispute raised" needs a dispute reason and at least one item; a dispute reason needs that
    outcome. An inquiry reason opens an inquiry (items optional) with any outcome the customer was
    reached with, never with an internal note. ``None`` when the contact raises no case.
    """
    from ar_core.disputes import DEPARTMENTS, reason_taxonomy

    given = {k: v for k, v in (case or {}).items() if v not in (None, "", [], ())}
    unknown = set(given) - set(CASE_FIELDS)
    if unknown:
        raise ArDeskError(f"unknown case field(s): {', '.join(sorted(unknown))}")
    raised = outcome == DISPUTE_RAISED
    if not given.get("reason"):
        if raised:
            raise InvalidInput(
                "case_reason",
                f"a contact with the outcome '{DISPUTE_RAISED}' opens a dispute: choose its reason",
            )
        if given.get("items"):
            raise InvalidInput("case_reason", "choose the reason of the dispute the items are in")
        return None
    code = str(given["reason"]).strip().upper()
    reasons = reason_taxonomy(engine)
    if code not in reasons:
        raise InvalidInput("case_reason", f"choose a reason of the taxonomy, not {given['reason']!r}")
    kind = reasons[code].case_type
    if kind == "dispute" and not raised:
        raise InvalidInput("outcome", f"a dispute is logged with the outcome '{DISPUTE_RAISED}'")
    if kind == "inquiry" and raised:
        raise InvalidInput(
            "case_reason", f"'{reasons[code].label}' is an inquiry: a dispute raised needs a dispute reason"
        )
    if kind == "inquiry" and outcome == INTERNAL_NOTE:
        raise InvalidInput(
            "outcome", "an inquiry comes from the customer: log the contact in which it was made"
        )
    items = list(given.get("items") or ())
    if kind == "dispute" and not items:
        raise InvalidInput("case_items", "a dispute covers at least one open invoice: choose the items")
    department = given.get("resolver_department")
    if department is not None and department not in DEPARTMENTS:
        raise InvalidInput("case_department", f"unknown department {department!r}")
    note = str(given.get("note") or "")
    if len(note) > MAX_CASE_NOTE:
        raise InvalidInput("case_note", f"a case note has at most {MAX_CASE_NOTE:,} characters")
    resolver = given.get("resolver")
    return {
        "reason": code,
        "case_type": kind,
        "items": _named_items(items),
        "resolver_department": department,
        "resolver": None if resolver is None else str(resolver).strip()[:100] or None,
        "note": note,
    }


def record_contact(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    promise: Mapping[str, Any] | None = None,
    case: Mapping[str, Any] | None = None,
    **contact: Any,
) -> CallResult:
    """Log a contact with the promise and the case it brought; returns the ids of all three.

    ``contact`` holds the keyword arguments of :func:`ar_core.collections.contacts.log_contact`,
    ``promise`` those of ``create_promise`` (with the outcome "promise to pay"), ``case`` the
    :data:`CASE_FIELDS` (see :func:`planned_case`). The case's note is the contact's notes unless
    one is given, so its thread starts with what the customer said.
    """
    from ar_core.collections.contacts import insert_contacts, validated_entry
    from ar_core.collections.promises import insert_prepared, prepared_for_call
    from ar_core.disputes import insert_case, prepare_case

    entry = validated_entry({"customer_id": customer_id, **contact})
    check_customer_access(engine, actor, customer_id, write=True)
    prepared = prepared_for_call(engine, actor, customer_id, entry["outcome"], promise)
    planned = planned_case(engine, actor, customer_id, entry["outcome"], case)
    ready = None
    if planned is not None:
        planned["note"] = planned["note"] or entry["notes"]
        opened = entry["contacted_at"].date() if contact.get("contacted_at") is not None else None
        try:
            ready = prepare_case(engine, actor, customer_id, opened=opened, **planned)
        except InvalidInput as exc:
            raise _case_field(exc) from exc
    with write_transaction(engine, actor) as conn:
        contact_id = insert_contacts(conn, actor, [entry])[0]
        promise_id = insert_prepared(conn, actor, prepared) if prepared else None
        try:
            case_id = insert_case(conn, actor, ready, contact_id=contact_id) if ready else None
        except InvalidInput as exc:  # rolls back the entry and the promise with it
            raise _case_field(exc) from exc
    return CallResult(contact_id, promise_id, case_id)
