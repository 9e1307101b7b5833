"""The demo's named stories: a serial promise breaker, an insolvency, a big dispute, a credit balance,
and the disputes stories of a customer group hit by a price-list change and of a logistics hub.

Each writer gives one customer a contact, promise and escalation history that tells its story on
the worklist and the huddle; the routine workflow (:mod:`ar_core.demo.workflow`) leaves these
customers alone so that each tells one story only. The dispute cases of the group and the hub are
worked in :mod:`ar_core.demo.cases`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, get_actor
from ar_core.collections import DELINQUENCY_REASONS, ITEM_FIELDS, create_promise, escalate, log_contacts
from ar_core.demo.customers import DEMO_USERS, GROUP_KEYS, STORIES
from ar_core.demo.workflow import _at, _identity, _overdue
from ar_core.ledger import load_customer_items, open_items
from ar_core.store.models import Customer

if TYPE_CHECKING:
    from collections.abc import Mapping


#: One snapshot for the stories: (snapshot id, as-of date, the story customers' items).
Frame = tuple[int, date, pl.DataFrame]


def story_customers(engine: sa.Engine) -> dict[str, str]:
    """Story key -> customer number, found by the story's name in the customer master."""
    by_name = {s.name: s.key for s in STORIES}
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(Customer.name, Customer.customer_id).where(Customer.name.in_(sorted(by_name)))
        ).all()
    found = {by_name[name]: customer for name, customer in rows}
    return {s.key: found[s.key] for s in STORIES if s.key in found}


def story_frames(
    engine: sa.Engine,
    snaps: pl.DataFrame,
    items_by_date: Mapping[date, pl.DataFrame] | None,
    customers: list[str],
) -> list[Frame]:
    """Every snapshot's items of the story customers (from the caller's frames where it has them)."""
    frames = []
    for sid, d in snaps.select("snapshot_id", "as_of").iter_rows():
        if items_by_date and d in items_by_date:
            items = items_by_date[d].filter(pl.col("customer_id").is_in(customers))
        else:
            items = load_customer_items(engine, sid, customers)
        frames.append((sid, d, items))
    return frames


def _mine(frame: Frame, customer: str) -> pl.DataFrame:
    return open_items(frame[2], frame[1]).filter(pl.col("customer_id") == customer)


def _collector(engine: sa.Engine, customer: str) -> Actor | None:
    with engine.connect() as conn:
        username = conn.execute(
            sa.select(Customer.collector).where(Customer.customer_id == customer)
        ).scalar()
    return get_actor(engine, username) if username else None


def _eur(amount: Decimal) -> str:
    return f"EUR {amount:,.2f}"


def _call(customer: str, day: date, rng: np.random.Generator, outcome: str, notes: str, **extra: Any) -> dict:
    return {
        "customer_id": customer,
        "channel": "phone",
        "outcome": outcome,
        "notes": notes,
        "contacted_at": _at(day, rng),
        **extra,
    }


def _second_voice(engine: sa.Engine, actor: Actor, lead: Actor, customer: str, reason: str) -> int:
    """Escalate to the senior of the collector's company code, else to the lead."""
    codes = next((u["portfolio"]["company_codes"] for u in DEMO_USERS if u["username"] == actor.username), [])
    seniors = [
        u["username"] for u in DEMO_USERS if u["senior"] and set(u["portfolio"]["company_codes"]) & set(codes)
    ]
    to = next((s for s in seniors if s != actor.username), lead.username)
    escalate(engine, actor, customer, to_username=to, reason=reason)
    return 1


#: Weeks back from the last snapshot in which the serial payer promised (each promise is decided
#: by the snapshot two weeks later: promised for the Tuesday, plus three days' grace).
SERIAL_PROMISE_WEEKS = (8, 6, 4, 2)


def _serial_payer(
    engine: sa.Engine, lead: Actor, rng: np.random.Generator, customer: str, frames: list[Frame]
) -> dict[str, int]:
    """Four promises to pay, each broken: the items named are still open two weeks later."""
    actor = _collector(engine, customer)
    if actor is None:
        return {}
    entries, made, last = [], 0, len(frames) - 1
    for n, back in enumerate(SERIAL_PROMISE_WEEKS, start=1):
        k = last - back
        if k < 0:
            continue
        sid, as_of, _ = frames[k]
        still = _mine(frames[k + 2], customer).select(ITEM_FIELDS)
        named = (
            _overdue(_mine(frames[k], customer), as_of)
            .join(still, on=list(ITEM_FIELDS), how="semi")
            .sort("amount", "doc_no", descending=[True, False])
            .head(2)
        )
        if named.is_empty():
            continue
        rows = named.to_dicts()
        amount = sum((r["amount"] for r in rows), Decimal(0))
        promised, when = as_of + timedelta(days=4), _at(as_of, rng)
        create_promise(
            engine,
            actor,
            customer,
            amount=amount,
            currency=rows[0]["currency"],
            promised_date=promised,
            items=[_identity(r) for r in rows],
            snapshot_id=sid,
            created_at=when,
        )
        made += 1
        docs = ", ".join(r["doc_no"] for r in rows)
        reason = ("PAYMENT_RUN", "APPROVAL_PENDING", "LIQUIDITY", "PAYMENT_RUN")[n - 1]
        entries.append(
            _call(
                customer,
                as_of,
                rng,
                "promise to pay",
                f"Promise no. {n}: {_eur(amount)} for {docs} by {promised:%d.%m.}; "
                f"AP gives as the reason: {DELINQUENCY_REASONS[reason].lower()}.",
                reason=reason,
                next_action="promise follow-up",
                next_action_date=promised,
                contacted_at=when,
            )
        )
        entries.append(
            _call(
                customer,
                promised + timedelta(days=2),
                rng,
                "no answer",
                "Promised payment not received; voicemail left with AP.",
                next_action="call",
                next_action_date=promised + timedelta(days=3),
            )
        )
    today, since = frames[last][1], frames[max(last - SERIAL_PROMISE_WEEKS[0], 0)][1]
    entries.append(
        _call(
            customer,
            today - timedelta(days=1),
            rng,
            "reached",
            f"Every promise since {since:%d.%m.} broken; "
            "AP offers yet another date. Asked for a second voice.",
            reason="LIQUIDITY",
            next_action="second-voice escalation",
            next_action_date=today,
        )
    )
    log_contacts(engine, actor, entries)
    escalated = _second_voice(
        engine,
        actor,
        lead,
        customer,
        f"Serial payer: {made} promises broken in {SERIAL_PROMISE_WEEKS[0]} weeks. "
        "Please call their CFO and ask for a payment plan.",
    )
    return {"promises": made, "contacts": len(entries), "escalations": escalated}


def _insolvency(
    engine: sa.Engine, lead: Actor, rng: np.random.Generator, customer: str, frames: list[Frame]
) -> dict[str, int]:
    """Calls that go from "cash-flow problems" to insolvency rumours, then a legal-review case."""
    actor = _collector(engine, customer)
    if actor is None:
        return {}
    last = len(frames) - 1

    def at(back: int) -> tuple[date, Decimal]:
        as_of = frames[max(last - back, 0)][1]
        return as_of, _overdue(_mine(frames[max(last - back, 0)], customer), as_of)["amount"].sum()

    script = (
        (
            10,
            "reached",
            "LIQUIDITY",
            "Cash-flow problems after losing a large customer; asks for patience "
            "until the next payment run. Overdue {amount}.",
            "call",
        ),
        (7, "no answer", None, "Voicemail; the AP number rings out. Overdue {amount}.", "call"),
        (
            5,
            "refused",
            "LIQUIDITY",
            "Managing director cannot give a payment date; overdue {amount}. Deliveries put on hold.",
            "call",
        ),
        (3, "no answer", None, "Final reminder (dunning level 4) unanswered; overdue {amount}.", "call"),
        (
            0,
            "reached",
            "INSOLVENCY",
            "Trade press reports restructuring talks and the credit insurer cut "
            "the limit; overdue {amount}, no payment since the summer. Legal review requested.",
            "legal review",
        ),
    )
    entries = []
    for back, outcome, reason, notes, action in script:
        day, amount = at(back)
        contact_day = day - timedelta(days=1) if back == 0 else day
        entries.append(
            _call(
                customer,
                contact_day,
                rng,
                outcome,
                notes.format(amount=_eur(amount)),
                reason=reason,
                next_action=action,
                next_action_date=day,
            )
        )
    log_contacts(engine, actor, entries)
    day, amount = at(0)
    escalate(
        engine,
        actor,
        customer,
        to_username=lead.username,
        reason=f"Heading for insolvency: {_eur(amount)} overdue, dunning level 4, no payment since the "
        "summer. Legal handover and credit hold?",
    )
    return {"contacts": len(entries), "escalations": 1}


def _big_dispute(
    engine: sa.Engine, lead: Actor, rng: np.random.Generator, customer: str, frames: list[Frame]
) -> dict[str, int]:
    """The dispute calls: what is disputed (count, amount, reason codes) as the dispute grows."""
    actor = _collector(engine, customer)
    if actor is None:
        return {}
    last, entries = len(frames) - 1, []
    for back in (9, 5, 1):
        _, day, _ = frames[max(last - back, 0)]
        disputed = _mine(frames[max(last - back, 0)], customer).filter(pl.col("disputed").fill_null(False))
        if disputed.is_empty():
            continue
        codes = (
            disputed.group_by("dispute_reason").len().sort("len", "dispute_reason", descending=[True, False])
        )
        reasons = ", ".join(f"{code} {count}" for code, count in codes.iter_rows())
        entries.append(
            _call(
                customer,
                day,
                rng,
                "dispute raised",
                f"Customer disputes {disputed.height} invoices, "
                f"{_eur(disputed['amount'].sum())} ({reasons}); sales and logistics asked for the "
                "price agreement and proofs of delivery.",
                reason="DISPUTE",
                next_action="dispute follow-up",
                next_action_date=frames[last][1],
            )
        )
    if entries:
        log_contacts(engine, actor, entries)
    return {"contacts": len(entries)}


def _credit_balance(
    engine: sa.Engine, lead: Actor, rng: np.random.Generator, customer: str, frames: list[Frame]
) -> dict[str, int]:
    """The customer asks for the refund of its double payment."""
    actor = _collector(engine, customer)
    if actor is None:
        return {}
    _, day, _ = frames[-1]
    items = _mine(frames[-1], customer)
    payment = items.filter(pl.col("amount") < 0).sort("amount").head(1)
    if payment.is_empty():
        return {}
    row = payment.row(0, named=True)
    entry = _call(
        customer,
        day - timedelta(days=2),
        rng,
        "reached",
        f"Customer paid the same invoice run twice ({_eur(-row['amount'])}, payment of "
        f"{row['doc_date']:%d.%m.%Y}) and asks for a refund of what is not set off against "
        f"the open invoices; net balance {_eur(items['amount'].sum())}.",
        reason="WRONG_ACCOUNT",
        next_action="call",
        next_action_date=day,
    )
    entry["channel"] = "e-mail"
    log_contacts(engine, actor, [entry])
    return {"contacts": 1}


def _disputed_calls(
    engine: sa.Engine, rng: np.random.Generator, customer: str, frames: list[Frame], notes: str
) -> dict[str, int]:
    """One "dispute raised" call in the first week the customer's story disputes show, one in the last."""
    actor = _collector(engine, customer)
    if actor is None:
        return {}
    weeks = [k for k, frame in enumerate(frames) if _mine(frame, customer)["disputed"].fill_null(False).any()]
    entries = []
    for k in dict.fromkeys(weeks[:1] + weeks[-1:]):
        _, day, _ = frames[k]
        disputed = _mine(frames[k], customer).filter(pl.col("disputed").fill_null(False))
        entries.append(
            _call(
                customer,
                day,
                rng,
                "dispute raised",
                notes.format(count=disputed.height, amount=_eur(disputed["amount"].sum())),
                reason="DISPUTE",
                next_action="dispute follow-up",
                next_action_date=day + timedelta(days=7),
            )
        )
    if entries:
        log_contacts(engine, actor, entries)
    return {"contacts": len(entries)}


def _pricing_group(
    engine: sa.Engine, lead: Actor, rng: np.random.Generator, customer: str, frames: list[Frame]
) -> dict[str, int]:
    """A group member's AP blocks the invoices billed at the new list price instead of the group price."""
    from ar_core.demo.ledger import price_list_change_date

    change = price_list_change_date(frames[-1][1])
    return _disputed_calls(
        engine,
        rng,
        customer,
        frames,
        f"AP blocks {{count}} invoices ({{amount}}) billed since the price list of {change:%d.%m.}: "
        "the group price is missing. Master data is asked to correct the conditions; credit notes "
        "for the difference follow.",
    )


def _logistics_hub(
    engine: sa.Engine, lead: Actor, rng: np.random.Generator, customer: str, frames: list[Frame]
) -> dict[str, int]:
    """The hub's goods receipt counts deliveries short again and again."""
    return _disputed_calls(
        engine,
        rng,
        customer,
        frames,
        "Goods receipt at the hub counts deliveries short: {count} invoices ({amount}) blocked. "
        "Logistics is asked for the carrier's proofs of delivery.",
    )


STORY_WRITERS = {
    "serial payer": _serial_payer,
    "insolvency": _insolvency,
    "big dispute": _big_dispute,
    "credit balance": _credit_balance,
    **dict.fromkeys(GROUP_KEYS, _pricing_group),
    "logistics hub": _logistics_hub,
}
