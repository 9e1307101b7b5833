"""Payment plans for customers who cannot pay at once: propose, approve (four eyes), track, cancel.

A proposal covers chosen open items of one customer (one currency) at the latest snapshot, a down
payment, the number and frequency of instalments, the first date and the fee and interest
configured (:func:`plan_settings`); the schedule is :func:`ar_core.recovery.schedule.build_schedule`
with the customer's country. At or below the approval threshold (the reporting-currency amount of
the debt; default EUR 5,000) the plan is ``active`` at once; above it (or without an FX rate to
tell) a four-eyes request of kind ``payment_plan`` is made and the plan waits
(``pending_approval``) for a lead or controller who is not the proposer and whose approval limit
covers it (:func:`approve_plan`; who approved is recorded). An item is in one open plan at most.

The tracking (:mod:`ar_core.recovery.plan_tracking`) runs over the snapshots since the plan was
made (:func:`refresh_plan_statuses`, after each import): instalments become kept, late, overdue
or broken, the plan ``broken`` or ``completed``. Only ``active`` plans block dunning
(:func:`items_in_active_plans`), so a broken plan ends the block by itself; the worklist gives a
broken plan's customer a reason and points (read from the table in ``collections``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customers_access, readable_customers, record
from ar_core.errors import ApprovalRefused, ArDeskError, InvalidInput, NotFound, PermissionDenied
from ar_core.money import from_cents, to_cents
from ar_core.recovery.plan_tracking import (
    DEFAULT_BROKEN_AFTER_DAYS,
    DEFAULT_GRACE_DAYS,
    Instalment,
    paid_towards,
    track_instalments,
    tracked_plan_status,
)
from ar_core.recovery.schedule import Schedule, build_schedule
from ar_core.schema import MONEY, item_key_expr
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    ApprovalRequest,
    PaymentPlan,
    PaymentPlanInstalment,
    PaymentPlanItem,
    utcnow,
)

PLAN_STATUSES: tuple[str, ...] = (
    "proposed", "pending_approval", "active", "completed", "broken", "rejected", "cancelled",
)  # fmt: skip
#: Plans that hold their items (no second plan over them).
OPEN_PLAN_STATUSES: tuple[str, ...] = ("pending_approval", "active")
#: Who decides a plan above the threshold (and within their approval limit).
APPROVER_ROLES: tuple[str, ...] = ("lead", "controller")
#: Who may cancel somebody else's active plan.
CANCEL_ROLES: tuple[str, ...] = ("lead", "admin")
APPROVAL_KIND = "payment_plan"
SETTINGS_KEY = "payment_plans"
#: Defaults of :func:`plan_settings` (money as text, exact).
DEFAULT_SETTINGS: dict[str, Any] = {
    "approval_threshold": "5000.00",
    "fee": "0.00",
    "interest_pct": "0.00",
    "grace_days": DEFAULT_GRACE_DAYS,
    "broken_after_days": DEFAULT_BROKEN_AFTER_DAYS,
}
MAX_NOTE = 2_000
#: The request's status decides a plan waiting for it (also when decided on another page).
_BY_REQUEST = {"pending": "pending_approval", "approved": "active", "rejected": "rejected",
               "withdrawn": "cancelled"}  # fmt: skip

PLAN_SCHEMA: dict[str, pl.DataType] = {
    "plan_id": pl.Int64(),
    "customer_id": pl.String(),
    "status": pl.String(),
    "currency": pl.String(),
    "debt": MONEY,
    "down_payment": MONEY,
    "fee": MONEY,
    "interest": MONEY,
    "total": MONEY,
    "frequency": pl.String(),
    "instalments": pl.Int64(),
    "first_due": pl.Date(),
    "next_due": pl.Date(),
    "kept": pl.Int64(),
    "late": pl.Int64(),
    "broken": pl.Int64(),
    "country": pl.String(),
    "note": pl.String(),
    "approval_request_id": pl.Int64(),
    "proposed_by": pl.String(),
    "proposed_at": pl.Datetime("us", "UTC"),
    "approved_by": pl.String(),
    "approved_at": pl.Datetime("us", "UTC"),
    "status_decided_on": pl.Date(),
}
INSTALMENT_SCHEMA: dict[str, pl.DataType] = {
    "plan_id": pl.Int64(),
    "seq": pl.Int64(),
    "kind": pl.String(),
    "due_on": pl.Date(),
    "amount": MONEY,
    "status": pl.String(),
    "covered_on": pl.Date(),
}
ITEM_SCHEMA: dict[str, pl.DataType] = {
    "plan_id": pl.Int64(),
    "item_key": pl.String(),
    "doc_no": pl.String(),
    "due_date": pl.Date(),
    "amount": MONEY,
}


# --- settings ------------------------------------------------------------------------------------


def plan_settings(engine: sa.Engine) -> dict[str, Any]:
    """Threshold, fee, interest (Decimal), grace and broken-after days (int): defaults overlaid."""
    from ar_core.settings import get_setting

    stored = get_setting(engine, SETTINGS_KEY, {}) or {}
    merged = {**DEFAULT_SETTINGS, **{k: v for k, v in stored.items() if k in DEFAULT_SETTINGS}}
    return {
        "approval_threshold": Decimal(str(merged["approval_threshold"])),
        "fee": Decimal(str(merged["fee"])),
        "interest_pct": Decimal(str(merged["interest_pct"])),
        "grace_days": int(merged["grace_days"]),
        "broken_after_days": int(merged["broken_after_days"]),
    }


def set_plan_settings(engine: sa.Engine, actor: Actor, **values: Any) -> None:
    """Change some of :data:`DEFAULT_SETTINGS` (leads and admins; audited as a setting)."""
    from ar_core.settings import set_setting

    unknown = set(values) - set(DEFAULT_SETTINGS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], f"unknown payment-plan setting {sorted(unknown)[0]!r}")
    current = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in plan_settings(engine).items()}
    for key, value in values.items():
        if key in ("grace_days", "broken_after_days"):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
                raise InvalidInput(
                    key, f"{key.replace('_', ' ')}: a whole number of days 0..365, got {value!r}"
                )
            current[key] = value
        else:
            try:
                amount = Decimal(str(value).strip())
            except ArithmeticError:
                raise InvalidInput(key, f"{value!r} is not an amount") from None
            if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
                raise InvalidInput(key, f"a non-negative amount with at most two decimals, got {value!r}")
            current[key] = str(amount.quantize(Decimal("0.01")))
    if current["grace_days"] > current["broken_after_days"]:
        raise InvalidInput("broken_after_days", "a plan cannot break within its grace days")
    set_setting(engine, actor, SETTINGS_KEY, current, DEFAULT_SETTINGS)


# --- proposing -----------------------------------------------------------------------------------


def _latest_snapshot(engine: sa.Engine, snapshot_id: int | None) -> tuple[int, date]:
    from ar_core.collections import snapshot_for
    from ar_core.ledger import list_snapshots

    if snapshot_id is None:
        return snapshot_for(engine)
    found = list_snapshots(engine).filter(pl.col("snapshot_id") == snapshot_id)
    if found.is_empty():
        raise NotFound(f"no snapshot {snapshot_id}")
    return snapshot_id, found["as_of"][0]


def _open_items(engine: sa.Engine, snapshot_id: int, as_of: date, customers: list[str]) -> pl.DataFrame:
    from ar_core.ledger import load_customer_items, open_items

    items = load_customer_items(engine, snapshot_id, customers)
    return open_items(items, as_of).with_columns(item_key_expr())


def _reporting_amount(engine: sa.Engine, amount: Decimal, currency: str, as_of: date) -> Decimal | None:
    """``amount`` in the reporting currency; ``None`` without a rate (then four eyes decide)."""
    from ar_core.ledger import reporting_rates
    from ar_core.settings import get_reporting_currency

    reporting = get_reporting_currency(engine)
    if currency == reporting:
        return amount
    rates = reporting_rates(engine, as_of, reporting).filter(pl.col("currency") == currency)
    if rates.is_empty() or rates["rate"][0] is None:
        return None
    return (amount * Decimal(str(rates["rate"][0]))).quantize(Decimal("0.01"))


def _held_items(conn: sa.Connection, keys: Sequence[str]) -> dict[str, int]:
    """Item key -> the open plan (pending or active) that already covers it."""
    rows = conn.execute(
        sa.select(PaymentPlanItem.item_key, PaymentPlan.id, PaymentPlan.status,
                  ApprovalRequest.status.label("approval"))
        .join(PaymentPlan, PaymentPlan.id == PaymentPlanItem.plan_id)
        .outerjoin(ApprovalRequest, ApprovalRequest.id == PaymentPlan.approval_request_id)
        .where(PaymentPlanItem.item_key.in_(list(keys)), PaymentPlan.status.in_(OPEN_PLAN_STATUSES))
    ).all()  # fmt: skip
    return {r.item_key: r.id for r in rows if _effective(r.status, r.approval) in OPEN_PLAN_STATUSES}


def _effective(status: str, approval: str | None) -> str:
    """A plan waiting for approval follows its request (decided on the approvals page too)."""
    if status == "pending_approval" and approval is not None:
        return _BY_REQUEST.get(approval, status)
    return status


def propose_plan(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    item_keys: Sequence[str],
    *,
    instalments: int,
    first: date,
    every: str,
    down: Decimal | None = None,
    down_on: date | None = None,
    note: str | None = None,
    today: date | None = None,
    snapshot_id: int | None = None,
) -> int:
    """Propose a plan over ``item_keys`` (open items of ``customer_id``); returns the plan id.

    Active at once at or below the threshold, else waiting for approval (module docstring).
    ``today`` (default: the app's today) is the day agreed: the first instalment may not lie
    before it and the down payment falls due on it (default). ``snapshot_id`` (default the
    latest) is the snapshot the items are read from and tracked from.
    """
    from ar_core.access import request_approval, withdraw
    from ar_core.config import today as app_today

    check_customers_access(engine, actor, [customer_id], write=True)
    day = today or app_today()
    if not isinstance(first, date) or first < day:
        raise InvalidInput("first", f"the first instalment falls due on {day:%d.%m.%Y} or later")
    text = (note or "").strip() or None
    if text and len(text) > MAX_NOTE:
        raise InvalidInput("note", f"a note has at most {MAX_NOTE:,} characters")
    keys = list(dict.fromkeys(item_keys))
    if not keys:
        raise InvalidInput("items", "choose the open items the plan covers")
    sid, as_of = _latest_snapshot(engine, snapshot_id)
    items = _open_items(engine, sid, as_of, [customer_id]).filter(pl.col("_item_key").is_in(keys))
    missing = sorted(set(keys) - set(items["_item_key"].to_list()))
    if missing:
        raise InvalidInput("items", f"not open items of customer {customer_id}: {', '.join(missing)}")
    currencies = sorted(set(items["currency"].to_list()))
    if len(currencies) != 1:
        raise InvalidInput("items", f"one plan per currency: the items are in {', '.join(currencies)}")
    currency = currencies[0]
    debt = sum(items["amount"].to_list(), Decimal("0.00"))
    if debt <= 0:
        raise InvalidInput("items", "the chosen items owe nothing: choose invoices, not only credits")
    countries = [c for c in items["country"].to_list() if c] if "country" in items.columns else []
    country = countries[0] if countries else None
    config = plan_settings(engine)
    schedule = build_schedule(
        debt, instalments, first, every, down=down, down_on=down_on or day, country=country,
        fee=config["fee"], interest_pct=config["interest_pct"],
    )  # fmt: skip
    reporting = _reporting_amount(engine, debt, currency, as_of)
    needs_approval = reporting is None or reporting > config["approval_threshold"]
    with engine.connect() as conn:
        held = _held_items(conn, keys)
    if held:
        raise InvalidInput(
            "items", f"already in plan {sorted(set(held.values()))[0]}: {', '.join(sorted(held))}"
        )
    approval_id = None
    if needs_approval:
        approval_id = request_approval(
            engine, actor, kind=APPROVAL_KIND, amount=debt, currency=currency,
            subject=f"payment plan for customer {customer_id}: {schedule_text(schedule, every)}",
            reason=text or f"payment plan above the threshold of {config['approval_threshold']}",
        )  # fmt: skip
    try:
        plan_id = _insert(engine, actor, customer_id, items, schedule, currency, country, every,
                          config, text, sid, as_of, approval_id)  # fmt: skip
    except BaseException:
        if approval_id is not None:  # the request must not stay without its plan
            withdraw(engine, actor, approval_id, "payment plan not recorded")
        raise
    return plan_id


def schedule_text(schedule: Schedule, every: str) -> str:
    """ "1,000.00 EUR debt: 100.00 down, 3 monthly instalments from 01.02.2027" (approval subjects)."""
    parts = schedule.instalments
    adverb = {"week": "weekly", "month": "monthly", "quarter": "quarterly"}[every]
    down = f"{schedule.down_payment:,.2f} down, " if schedule.down_payment else ""
    return f"{schedule.total:,.2f}: {down}{len(parts)} {adverb} instalments from {parts[0].due:%d.%m.%Y}"


def _insert(  # noqa: PLR0917 - one proposal's parts
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    items: pl.DataFrame,
    schedule: Schedule,
    currency: str,
    country: str | None,
    every: str,
    config: dict[str, Any],
    note: str | None,
    snapshot_id: int,
    as_of: date,
    approval_id: int | None,
) -> int:
    rate_bp = int(config["interest_pct"] * 100)
    values = {
        "customer_id": customer_id, "status": "pending_approval" if approval_id else "active",
        "currency": currency, "debt_cents": to_cents(schedule.debt),
        "down_payment_cents": to_cents(schedule.down_payment), "fee_cents": to_cents(schedule.fee),
        "interest_cents": to_cents(schedule.interest), "interest_bp": rate_bp, "frequency": every,
        "instalment_count": len(schedule.instalments), "first_due": schedule.instalments[0].due,
        "country": country, "note": note, "snapshot_id": snapshot_id, "snapshot_as_of": as_of,
        "approval_request_id": approval_id, "proposed_by": actor.username, "proposed_at": utcnow(),
    }  # fmt: skip
    with write_transaction(engine, actor) as conn:
        held = _held_items(conn, items["_item_key"].to_list())
        if held:
            raise InvalidInput("items", f"already in plan {sorted(set(held.values()))[0]} (meanwhile)")
        plan_id = conn.execute(sa.insert(PaymentPlan).values(**values).returning(PaymentPlan.id)).scalar_one()
        rows = items.select("_item_key", "doc_no", "due_date", "amount").rows()
        conn.execute(
            sa.insert(PaymentPlanItem),
            [{"plan_id": plan_id, "item_key": k, "doc_no": str(doc), "due_date": due,
              "amount_cents": to_cents(amount)} for k, doc, due, amount in rows],
        )  # fmt: skip
        conn.execute(
            sa.insert(PaymentPlanInstalment),
            [{"plan_id": plan_id, "seq": r.seq, "due_on": r.due, "amount_cents": to_cents(r.amount),
              "status": "open"} for r in schedule.rows],
        )  # fmt: skip
        after = {**values, "debt": schedule.debt, "items": [k for k, *_ in rows],
                 "schedule": [{"seq": r.seq, "due": r.due, "amount": r.amount} for r in schedule.rows],
                 "threshold": config["approval_threshold"]}  # fmt: skip
        record(conn, actor, "propose_payment_plan", "payment_plan", plan_id, after=after)
    return int(plan_id)


# --- deciding ------------------------------------------------------------------------------------


def _plan(conn: sa.Connection, plan_id: int) -> Any:
    row = conn.execute(
        sa.select(PaymentPlan.__table__, ApprovalRequest.status.label("approval"))
        .outerjoin(ApprovalRequest, ApprovalRequest.id == PaymentPlan.approval_request_id)
        .where(PaymentPlan.id == plan_id)
    ).first()
    if row is None:
        raise NotFound(f"no payment plan {plan_id}")
    return row


def _set_status(conn: sa.Connection, actor: Actor, plan: Any, action: str, **values: Any) -> None:
    conn.execute(sa.update(PaymentPlan).where(PaymentPlan.id == plan.id).values(**values))
    before = {k: getattr(plan, k) for k in values}
    record(conn, actor, action, "payment_plan", plan.id, before=before, after=values)


def _decide(engine: sa.Engine, actor: Actor, plan_id: int, approved: bool, note: str | None) -> None:
    from ar_core.access import approve, reject

    actor.require(*APPROVER_ROLES, doing="decide payment plans")
    with engine.connect() as conn:
        plan = _plan(conn, plan_id)
    check_customers_access(engine, actor, [plan.customer_id], write=False)
    if plan.approval_request_id is None:
        raise InvalidInput("plan_id", f"payment plan {plan_id} is within the threshold: it needs no approval")
    if plan.status != "pending_approval":
        raise ApprovalRefused(f"payment plan {plan_id} is {plan.status}, not waiting for approval")
    # the primitive's rules: not the proposer, within the approver's limit for payment plans
    if approved:
        approve(engine, actor, plan.approval_request_id, note)
    else:
        reject(engine, actor, plan.approval_request_id, note or "")
    with write_transaction(engine, actor) as conn:
        plan = _plan(conn, plan_id)
        if approved:
            _set_status(conn, actor, plan, "approve_payment_plan", status="active",
                        approved_by=actor.username, approved_at=utcnow())  # fmt: skip
        else:
            _set_status(conn, actor, plan, "reject_payment_plan", status="rejected", closed_by=actor.username,
                        closed_at=utcnow(), close_note=note)  # fmt: skip


def approve_plan(engine: sa.Engine, actor: Actor, plan_id: int, note: str | None = None) -> None:
    """Approve a plan waiting for four eyes: a lead or controller other than the proposer, within
    their approval limit for payment plans; the plan becomes active and records who approved."""
    _decide(engine, actor, plan_id, True, (note or "").strip() or None)


def reject_plan(engine: sa.Engine, actor: Actor, plan_id: int, note: str) -> None:
    """Reject a plan waiting for four eyes, saying why (same rules as :func:`approve_plan`)."""
    if not (note or "").strip():
        raise InvalidInput("note", "say why the payment plan is rejected")
    _decide(engine, actor, plan_id, False, note.strip())


def cancel_plan(engine: sa.Engine, actor: Actor, plan_id: int, reason: str) -> None:
    """End an open plan, saying why: the proposer (a waiting plan withdraws its request), or a lead."""
    from ar_core.access import withdraw

    text = (reason or "").strip()
    if not text:
        raise InvalidInput("reason", "say why the payment plan is cancelled")
    with engine.connect() as conn:
        plan = _plan(conn, plan_id)
    check_customers_access(engine, actor, [plan.customer_id], write=True)
    status = _effective(plan.status, plan.approval)
    if status not in OPEN_PLAN_STATUSES:
        raise InvalidInput("plan_id", f"payment plan {plan_id} is {status}: only open plans are cancelled")
    if plan.proposed_by != actor.username and not actor.has(*CANCEL_ROLES):
        raise PermissionDenied(f"only {plan.proposed_by} or a lead may cancel payment plan {plan_id}")
    if status == "pending_approval":
        if plan.proposed_by != actor.username:
            raise PermissionDenied("a plan waiting for approval is rejected by its approver, not cancelled")
        withdraw(engine, actor, plan.approval_request_id, text)
    with write_transaction(engine, actor) as conn:
        plan = _plan(conn, plan_id)
        _set_status(conn, actor, plan, "cancel_payment_plan", status="cancelled", closed_by=actor.username,
                    closed_at=utcnow(), close_note=text)  # fmt: skip


# --- reading -------------------------------------------------------------------------------------


def list_plans(
    engine: sa.Engine, actor: Actor, *, customer_id: str | None = None, status: str | None = None
) -> pl.DataFrame:
    """Plans of the customers ``actor`` may read (:data:`PLAN_SCHEMA`), newest first."""
    if status is not None and status not in PLAN_STATUSES:
        raise InvalidInput("status", f"unknown plan status {status!r}: one of {', '.join(PLAN_STATUSES)}")
    readable = readable_customers(engine, actor)
    query = (
        sa.select(
            PaymentPlan.__table__,
            ApprovalRequest.status.label("approval"),
            ApprovalRequest.decided_by.label("decider"),
            ApprovalRequest.decided_at.label("decided_at"),
        )
        .outerjoin(ApprovalRequest, ApprovalRequest.id == PaymentPlan.approval_request_id)
        .order_by(PaymentPlan.id.desc())
    )
    if readable is not None:
        query = query.where(PaymentPlan.customer_id.in_(sorted(readable)))
    if customer_id is not None:
        query = query.where(PaymentPlan.customer_id == customer_id)
    with engine.connect() as conn:
        plans = conn.execute(query).all()
        ids = [p.id for p in plans]
        parts = conn.execute(
            sa.select(PaymentPlanInstalment).where(PaymentPlanInstalment.plan_id.in_(ids))
        ).all() if ids else []  # fmt: skip
    by_plan: dict[int, list[Any]] = {}
    for part in parts:
        by_plan.setdefault(part.plan_id, []).append(part)
    records = []
    for p in plans:
        rows = by_plan.get(p.id, [])
        unpaid = sorted(r.due_on for r in rows if r.status in ("open", "overdue", "broken"))
        count = {s: sum(1 for r in rows if r.status == s) for s in ("kept", "late", "broken")}
        total = p.debt_cents + p.fee_cents + p.interest_cents
        records.append(
            (p.id, p.customer_id, _effective(p.status, p.approval), p.currency, from_cents(p.debt_cents),
             from_cents(p.down_payment_cents), from_cents(p.fee_cents), from_cents(p.interest_cents),
             from_cents(total), p.frequency, p.instalment_count, p.first_due, unpaid[0] if unpaid else None,
             count["kept"], count["late"], count["broken"], p.country, p.note, p.approval_request_id,
             p.proposed_by, p.proposed_at, *_approver(p), p.status_decided_on)
        )  # fmt: skip
    frame = pl.DataFrame(records, schema=PLAN_SCHEMA, orient="row")
    return frame if status is None else frame.filter(pl.col("status") == status)


def _approver(plan: Any) -> tuple[str | None, Any]:
    """Who approved and when: as stored, or the request's decision (approved on the approvals page)."""
    if plan.approved_by is None and plan.approval == "approved":
        return plan.decider, plan.decided_at
    return plan.approved_by, plan.approved_at


def _readable_plan(engine: sa.Engine, actor: Actor, plan_id: int) -> Any:
    with engine.connect() as conn:
        plan = _plan(conn, plan_id)
    check_customers_access(engine, actor, [plan.customer_id], write=False)
    return plan


def plan_instalments(engine: sa.Engine, actor: Actor, plan_id: int) -> pl.DataFrame:
    """The schedule of one plan with each instalment's tracked status (:data:`INSTALMENT_SCHEMA`)."""
    _readable_plan(engine, actor, plan_id)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(PaymentPlanInstalment)
            .where(PaymentPlanInstalment.plan_id == plan_id)
            .order_by(PaymentPlanInstalment.seq)
        ).all()
    records = [(r.plan_id, r.seq, "down payment" if r.seq == 0 else "instalment", r.due_on,
                from_cents(r.amount_cents), r.status, r.covered_on) for r in rows]  # fmt: skip
    return pl.DataFrame(records, schema=INSTALMENT_SCHEMA, orient="row")


def plan_items(engine: sa.Engine, actor: Actor, plan_id: int) -> pl.DataFrame:
    """The items a plan covers with their open amount when it was made (:data:`ITEM_SCHEMA`)."""
    _readable_plan(engine, actor, plan_id)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(PaymentPlanItem).where(PaymentPlanItem.plan_id == plan_id).order_by(PaymentPlanItem.id)
        ).all()
    records = [(r.plan_id, r.item_key, r.doc_no, r.due_date, from_cents(r.amount_cents)) for r in rows]
    return pl.DataFrame(records, schema=ITEM_SCHEMA, orient="row")


def plans_waiting_for(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Plans waiting for approval that ``actor`` may approve (not their own, within their limit)."""
    from ar_core.access import waiting_for

    requests = waiting_for(engine, actor).filter(pl.col("kind") == APPROVAL_KIND)["request_id"].to_list()
    plans = list_plans(engine, actor, status="pending_approval")
    return plans.filter(pl.col("approval_request_id").is_in(requests))


def items_in_active_plans(engine: sa.Engine) -> frozenset[str]:
    """Item keys of the active plans (services only: the dunning block "in a payment plan").

    A broken, completed or cancelled plan holds nothing, so its block ends by itself.
    """
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(PaymentPlanItem.item_key, PaymentPlan.status, ApprovalRequest.status.label("approval"))
            .join(PaymentPlan, PaymentPlan.id == PaymentPlanItem.plan_id)
            .outerjoin(ApprovalRequest, ApprovalRequest.id == PaymentPlan.approval_request_id)
            .where(PaymentPlan.status.in_(OPEN_PLAN_STATUSES))
        ).all()
    return frozenset(r.item_key for r in rows if _effective(r.status, r.approval) == "active")


# --- tracking ------------------------------------------------------------------------------------


def refresh_plan_statuses(engine: sa.Engine, actor: Actor | None = None) -> int:
    """Track the active plans against the snapshots since each was made; store what changed.

    Returns the number of plans whose instalments or status changed. Runs after an import (the
    demo and the page's "check now" too); audited as ``actor`` (default the system).
    """
    from ar_core.access import SYSTEM_ACTOR
    from ar_core.ledger import list_snapshots

    who = actor or SYSTEM_ACTOR
    with engine.connect() as conn:
        plans = [
            p for p in conn.execute(
                sa.select(PaymentPlan.__table__, ApprovalRequest.status.label("approval"))
                .outerjoin(ApprovalRequest, ApprovalRequest.id == PaymentPlan.approval_request_id)
                .where(PaymentPlan.status.in_(OPEN_PLAN_STATUSES))
            ).all()
            if _effective(p.status, p.approval) == "active"
        ]  # fmt: skip
        ids = [p.id for p in plans]
        items = conn.execute(sa.select(PaymentPlanItem).where(PaymentPlanItem.plan_id.in_(ids))).all()
        parts = conn.execute(
            sa.select(PaymentPlanInstalment).where(PaymentPlanInstalment.plan_id.in_(ids))
        ).all()
    snaps = list_snapshots(engine).sort("as_of", "snapshot_id")
    if not plans or snaps.is_empty():
        return 0
    config = plan_settings(engine)
    start = min(p.snapshot_as_of for p in plans)
    window = snaps.filter(pl.col("as_of") >= start).unique("as_of", keep="last").sort("as_of")
    customers = sorted({p.customer_id for p in plans})
    open_at: list[tuple[date, dict[str, Decimal]]] = []
    for sid, as_of in window.select("snapshot_id", "as_of").rows():
        frame = _open_items(engine, sid, as_of, customers)
        amounts = frame.group_by("_item_key").agg(pl.col("amount").sum())
        open_at.append((as_of, dict(amounts.rows())))
    latest = snaps["as_of"][-1]
    changed = 0
    for plan in plans:
        original = {i.item_key: from_cents(i.amount_cents) for i in items if i.plan_id == plan.id}
        seen = [(d, paid_towards(original, amounts)) for d, amounts in open_at if d >= plan.snapshot_as_of]
        rows = {r.seq: r for r in parts if r.plan_id == plan.id}
        schedule = [Instalment(r.seq, r.due_on, from_cents(r.amount_cents)) for r in rows.values()]
        tracked = track_instalments(schedule, from_cents(plan.debt_cents), seen, latest,
                                    grace_days=config["grace_days"],
                                    broken_after_days=config["broken_after_days"])  # fmt: skip
        new_status = tracked_plan_status(tracked)
        moved = [
            t for t in tracked if (rows[t.seq].status, rows[t.seq].covered_on) != (t.status, t.covered_on)
        ]
        if not moved and new_status == plan.status:
            continue
        changed += 1
        with write_transaction(engine, who) as conn:
            for t in moved:
                conn.execute(
                    sa.update(PaymentPlanInstalment)
                    .where(PaymentPlanInstalment.plan_id == plan.id, PaymentPlanInstalment.seq == t.seq)
                    .values(status=t.status, covered_on=t.covered_on)
                )
            values: dict[str, Any] = {"status": new_status}
            if new_status != plan.status:
                values["status_decided_on"] = latest
            conn.execute(sa.update(PaymentPlan).where(PaymentPlan.id == plan.id).values(**values))
            record(conn, who, "track_payment_plan", "payment_plan", plan.id,
                   before={"status": plan.status, "instalments": {t.seq: rows[t.seq].status for t in moved}},
                   after={**values, "instalments": {t.seq: t.status for t in moved}})  # fmt: skip
    return changed


# --- the confirmation letter ---------------------------------------------------------------------


def plan_letter(engine: sa.Engine, actor: Actor, plan_id: int, letter_date: date | None = None) -> Any:
    """The payment-plan confirmation (a ``Letter`` of kind ``payment_plan``) in the customer's language."""
    from ar_core.config import today
    from ar_core.ledger import all_customers
    from ar_core.recovery.addresses import with_address
    from ar_core.recovery.letters import make_letter
    from ar_core.settings import get_letterhead

    plan = _readable_plan(engine, actor, plan_id)
    if _effective(plan.status, plan.approval) in ("rejected", "cancelled", "pending_approval"):
        raise ArDeskError(f"payment plan {plan_id} is not agreed: no confirmation letter")
    day = letter_date or today()
    found = all_customers(engine).filter(pl.col("customer_id") == plan.customer_id)
    customer = found.row(0, named=True) if not found.is_empty() else {"customer_id": plan.customer_id}
    customer = with_address(engine, actor, {**customer, "customer_id": plan.customer_id})
    parts = plan_instalments(engine, actor, plan_id)
    items = [
        {"doc_no": r["doc_no"], "due_date": r["due_date"], "amount": r["amount"], "currency": plan.currency,
         "days_overdue": max((day - r["due_date"]).days, 0) if r["due_date"] else 0}
        for r in plan_items(engine, actor, plan_id).iter_rows(named=True)
    ]  # fmt: skip
    schedule = {
        "down_payment": from_cents(plan.down_payment_cents),
        "instalments": [{"due": r["due_on"], "amount": r["amount"]}
                        for r in parts.iter_rows(named=True) if r["seq"] > 0],
        "fee": from_cents(plan.fee_cents + plan.interest_cents),
    }  # fmt: skip
    return make_letter(
        "payment_plan", customer=customer, letterhead=get_letterhead(engine), letter_date=day,
        items=items, as_of=plan.snapshot_as_of, reference=f"PP-{plan_id}", currency=plan.currency,
        pay_by=parts["due_on"][0] if not parts.is_empty() else None, plan=schedule,
    )  # fmt: skip


def plan_letter_pdf(engine: sa.Engine, actor: Actor, plan_id: int, letter_date: date | None = None) -> bytes:
    """:func:`plan_letter` as a PDF."""
    from ar_core.recovery import letters_pdf

    return letters_pdf([plan_letter(engine, actor, plan_id, letter_date)])
