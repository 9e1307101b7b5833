"""Insolvency cases per customer: status, court and case number, administrator, the claim filed
and the quota received, tracked until the proceeding ends.

While a case is ongoing (opened, not ended) the customer is *in insolvency*: the dunning procedure
and the worklist hold it (:func:`customers_in_insolvency`, read by their services). A customer has
at most one ongoing case; a restructuring that turns into a bankruptcy changes the case's status.
Leads record and change cases (audited); everyone reads the cases of the customers they may read.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, readable_customers, record
from ar_core.errors import InvalidInput, NotFound
from ar_core.money import from_cents, parse_amount, to_cents
from ar_core.store.db import write_transaction
from ar_core.store.models import Customer, InsolvencyCase

#: status -> label. Pre-bankruptcy covers the out-of-court restructuring schemes (WHOA, StaRUG).
INSOLVENCY_STATUSES: dict[str, str] = {
    "pre_bankruptcy": "Pre-bankruptcy",
    "restructuring": "Restructuring",
    "receivership": "Receivership",
    "bankruptcy": "Bankruptcy",
}
#: Who records and changes insolvency cases.
INSOLVENCY_ROLES = ("lead",)
MAX_TEXT = {"court": 200, "case_number": 80, "administrator": 200, "note": 2_000}
CASE_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.Int64(),
    "customer_id": pl.String(),
    "customer_name": pl.String(),
    "status": pl.String(),
    "status_label": pl.String(),
    "opened_on": pl.Date(),
    "ended_on": pl.Date(),
    "ongoing": pl.Boolean(),
    "court": pl.String(),
    "case_number": pl.String(),
    "administrator": pl.String(),
    "claim_filed_on": pl.Date(),
    "claim": pl.Decimal(18, 2),
    "currency": pl.String(),
    "quota_received": pl.Decimal(18, 2),
    "quota_pct": pl.Float64(),
    "note": pl.String(),
    "created_by": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
}
_EDITABLE = ("status", "court", "case_number", "administrator", "claim_filed_on", "claim", "currency", "note")


def customers_in_insolvency(engine: sa.Engine, as_of: date) -> frozenset[str]:
    """Customers with a case opened on or before ``as_of`` and ended, if at all, on or after it (unscoped)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(InsolvencyCase.customer_id).where(
                InsolvencyCase.opened_on <= as_of,
                sa.or_(InsolvencyCase.ended_on.is_(None), InsolvencyCase.ended_on >= as_of),
            )
        ).scalars()
        return frozenset(rows)


def open_insolvency_case(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    status: str,
    opened_on: date,
    *,
    court: str = "",
    case_number: str = "",
    administrator: str = "",
    claim_filed_on: date | None = None,
    claim: Decimal | str | None = None,
    currency: str = "EUR",
    note: str = "",
) -> int:
    """Record an insolvency proceeding of ``customer_id``; returns the case id (leads; audited).

    Refused while the customer has an ongoing case (change that case's status instead).
    """
    actor.require(*INSOLVENCY_ROLES, doing="record insolvency cases")
    check_customer_access(engine, actor, customer_id, write=True)
    values = _clean({"status": status, "court": court, "case_number": case_number,
                     "administrator": administrator, "claim_filed_on": claim_filed_on, "claim": claim,
                     "currency": currency, "note": note})  # fmt: skip
    if not isinstance(opened_on, date):
        raise InvalidInput("opened_on", "give the day the proceeding was opened")
    if values.get("claim_filed_on") and values["claim_filed_on"] < opened_on:
        raise InvalidInput("claim_filed_on", "the claim is filed after the proceeding opened")
    with write_transaction(engine, actor) as conn:
        ongoing = conn.execute(
            sa.select(InsolvencyCase.id).where(InsolvencyCase.customer_id == customer_id,
                                               InsolvencyCase.ended_on.is_(None))
        ).first()  # fmt: skip
        if ongoing is not None:
            raise InvalidInput("customer_id", f"{customer_id} already has an ongoing insolvency case "
                               f"(#{ongoing.id}): change its status instead")  # fmt: skip
        case_id = conn.execute(
            sa.insert(InsolvencyCase)
            .values(customer_id=customer_id, opened_on=opened_on, quota_received_cents=0,
                    created_by=actor.username, **values)
            .returning(InsolvencyCase.id)
        ).scalar_one()  # fmt: skip
        record(conn, actor, "open_insolvency_case", "insolvency_case", case_id,
               after=_audit({"customer_id": customer_id, "opened_on": opened_on, **values}))  # fmt: skip
    return int(case_id)


def update_insolvency_case(engine: sa.Engine, actor: Actor, case_id: int, **changes: Any) -> None:
    """Change an ongoing case's status, court, case number, administrator, claim or note (audited)."""
    actor.require(*INSOLVENCY_ROLES, doing="change insolvency cases")
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise InvalidInput(unknown[0], f"{unknown[0]} is not a field of an insolvency case")
    values = _clean(changes)
    _check_case_access(engine, actor, case_id)
    with write_transaction(engine, actor) as conn:
        case = _case(conn, case_id)
        if case.ended_on is not None:
            raise InvalidInput("case_id", f"case #{case_id} ended on {case.ended_on:%d.%m.%Y}")
        filed = values.get("claim_filed_on", case.claim_filed_on)
        if filed is not None and filed < case.opened_on:
            raise InvalidInput("claim_filed_on", "the claim is filed after the proceeding opened")
        before = {k: getattr(case, k) for k in values}
        conn.execute(sa.update(InsolvencyCase).where(InsolvencyCase.id == case_id).values(**values))
        record(conn, actor, "update_insolvency_case", "insolvency_case", case_id,
               before=_audit(before), after=_audit(values))  # fmt: skip


def record_insolvency_quota(
    engine: sa.Engine, actor: Actor, case_id: int, amount: Decimal | str, *, note: str = ""
) -> None:
    """Add a quota payment received from the administrator to the case (audited; ended cases too)."""
    actor.require(*INSOLVENCY_ROLES, doing="record insolvency quota")
    value = _money(amount, "amount")
    if value is None or value <= 0:
        raise InvalidInput("amount", "a quota received is more than zero")
    _check_case_access(engine, actor, case_id)
    with write_transaction(engine, actor) as conn:
        case = _case(conn, case_id)
        total = case.quota_received_cents + to_cents(value)
        conn.execute(sa.update(InsolvencyCase).where(InsolvencyCase.id == case_id)
                     .values(quota_received_cents=total))  # fmt: skip
        record(conn, actor, "record_insolvency_quota", "insolvency_case", case_id,
               before={"quota_received": str(from_cents(case.quota_received_cents))},
               after={"quota_received": str(from_cents(total)), "amount": str(value),
                      "note": note.strip() or None})  # fmt: skip


def end_insolvency_case(
    engine: sa.Engine, actor: Actor, case_id: int, ended_on: date, *, note: str = ""
) -> None:
    """End the proceeding on ``ended_on`` (the hold is lifted from the next day; audited)."""
    actor.require(*INSOLVENCY_ROLES, doing="end insolvency cases")
    _check_case_access(engine, actor, case_id)
    with write_transaction(engine, actor) as conn:
        case = _case(conn, case_id)
        if case.ended_on is not None:
            raise InvalidInput("case_id", f"case #{case_id} already ended on {case.ended_on:%d.%m.%Y}")
        if not isinstance(ended_on, date) or ended_on < case.opened_on:
            raise InvalidInput("ended_on", "a proceeding ends on or after the day it opened")
        text = _text(note, "note")
        values = {"ended_on": ended_on}
        if text:
            values["note"] = f"{case.note}\n{text}" if case.note else text
        conn.execute(sa.update(InsolvencyCase).where(InsolvencyCase.id == case_id).values(**values))
        record(
            conn,
            actor,
            "end_insolvency_case",
            "insolvency_case",
            case_id,
            before={"ended_on": None},
            after={"ended_on": ended_on.isoformat(), "note": text or None},
        )


def list_insolvency_cases(
    engine: sa.Engine, actor: Actor, *, customer_id: str | None = None, ongoing_only: bool = False
) -> pl.DataFrame:
    """The insolvency cases of the customers ``actor`` may read (:data:`CASE_SCHEMA`), newest first."""
    if customer_id is not None:
        check_customer_access(engine, actor, customer_id, write=False)
    scope = readable_customers(engine, actor)
    query = (
        sa.select(InsolvencyCase, Customer.name.label("customer_name"))
        .outerjoin(Customer, Customer.customer_id == InsolvencyCase.customer_id)
        .order_by(InsolvencyCase.opened_on.desc(), InsolvencyCase.id.desc())
    )
    if customer_id is not None:
        query = query.where(InsolvencyCase.customer_id == customer_id)
    elif scope is not None:
        query = query.where(InsolvencyCase.customer_id.in_(sorted(scope)))
    if ongoing_only:
        query = query.where(InsolvencyCase.ended_on.is_(None))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = []
    for r in rows:
        claim = None if r.claim_cents is None else from_cents(r.claim_cents)
        quota = from_cents(r.quota_received_cents)
        pct = round(r.quota_received_cents * 100 / r.claim_cents, 1) if r.claim_cents else None
        label = INSOLVENCY_STATUSES.get(r.status, r.status)
        records.append((r.id, r.customer_id, r.customer_name, r.status, label, r.opened_on, r.ended_on,
                        r.ended_on is None, r.court, r.case_number, r.administrator, r.claim_filed_on, claim,
                        r.currency, quota, pct, r.note, r.created_by, r.created_at))  # fmt: skip
    return pl.DataFrame(records, schema=CASE_SCHEMA, orient="row")


def _check_case_access(engine: sa.Engine, actor: Actor, case_id: int) -> None:
    with engine.connect() as conn:
        customer_id = _case(conn, case_id).customer_id
    check_customer_access(engine, actor, customer_id, write=True)


def _case(conn: sa.Connection, case_id: int) -> Any:
    case = conn.execute(sa.select(InsolvencyCase).where(InsolvencyCase.id == case_id)).first()
    if case is None:
        raise NotFound(f"no insolvency case #{case_id}")
    return case


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Validated column values of the given case fields."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "status":
            if value not in INSOLVENCY_STATUSES:
                raise InvalidInput("status", f"choose one of {', '.join(INSOLVENCY_STATUSES)}, not {value!r}")
            out["status"] = value
        elif key == "claim":
            amount = _money(value, "claim")
            if amount is not None and amount <= 0:
                raise InvalidInput("claim", "a claim filed is more than zero")
            out["claim_cents"] = None if amount is None else to_cents(amount)
        elif key == "currency":
            code = str(value or "").strip().upper()
            if len(code) != 3 or not code.isalpha():
                raise InvalidInput("currency", f"a currency is a three-letter code, not {value!r}")
            out["currency"] = code
        elif key == "claim_filed_on":
            if value is not None and not isinstance(value, date):
                raise InvalidInput("claim_filed_on", "give the day the claim was filed")
            out[key] = value
        else:
            out[key] = _text(value, key) or None
    return out


def _text(value: Any, field: str) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT[field]:
        raise InvalidInput(field, f"at most {MAX_TEXT[field]} characters")
    return text


def _money(value: Any, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    amount = value if isinstance(value, Decimal) else parse_amount(str(value))
    if amount is None or not amount.is_finite():
        raise InvalidInput(field, f"an amount, not {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(field, "an amount has at most two decimals")
    if abs(amount) >= Decimal(10) ** 14:
        raise InvalidInput(field, "that amount is too large")
    return amount


def _audit(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if key == "claim_cents":
            out["claim"] = None if value is None else str(from_cents(value))
        elif isinstance(value, date | datetime):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out
