"""Demo workflow records: contact history, promises, escalations and FX rates for the demo ledger.

Written after the demo snapshots are imported, through the same services a collector or lead
uses (permission checks and audit included), so the worklist, account view and huddle have
something true to show: promises are chosen from what the ledger really did afterwards (an item
that cleared the next week makes a kept promise, one still open a broken promise), then
:func:`ar_core.collections.promises.refresh_promise_statuses` decides them like in production.
The story customers (:data:`ar_core.demo.customers.STORIES`) get their own history instead of the
routine one: the serial payer's four broken promises and a second voice, the insolvency case's
calls from "cash-flow problems" to "restructuring talks" and its escalation to the lead, the big
dispute's calls with its reason codes, the credit-balance customer's refund request, the pricing
group's and the logistics hub's dispute calls. The dispute and inquiry cases themselves are worked
week by week between the imports (:mod:`ar_core.demo.cases`).
Seeded: the same demo gives the same records. Small on purpose: it runs on the first start.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, get_actor
from ar_core.collections import (
    DELINQUENCY_REASONS,
    ITEM_FIELDS,
    correct_contact,
    create_promise,
    escalate,
    log_contacts,
    refresh_promise_statuses,
)
from ar_core.demo.customers import DEMO_USERS
from ar_core.ledger import cleared_between, import_rates, list_snapshots, load_items, open_items
from ar_core.store.models import Customer, utcnow

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

#: Demo FX rates (EUR per unit) around which the weekly rates drift.
BASE_RATES = {"CHF": Decimal("1.0650"), "GBP": Decimal("1.1720"), "USD": Decimal("0.9210")}
#: Customers per collector that get a contact history (the largest overdue first).
CONTACTED_PER_COLLECTOR = 14
#: Outcomes of routine calls and their weights.
#: (Promises come with their own "promise to pay" call, see ``_promises``.)
_ROUTINE = (
    ("reached", 0.45),
    ("no answer", 0.35),
    ("refused", 0.07),
    ("wrong contact", 0.06),
    ("paid already", 0.07),
)
_REASONS = [r for r in DELINQUENCY_REASONS if r not in ("DISPUTE", "INSOLVENCY", "OTHER")]


def _at(day: date, rng: np.random.Generator) -> datetime:
    """A working-hours time on ``day`` (UTC), never in the future."""
    moment = datetime.combine(day, time(int(rng.integers(7, 16)), int(rng.integers(0, 60))), tzinfo=UTC)
    return min(moment, utcnow() - timedelta(minutes=1))


def _workday_before(day: date, rng: np.random.Generator) -> date:
    return day - timedelta(days=int(rng.integers(0, 5)))


def _rates_csv(dates: list[date], rng: np.random.Generator) -> bytes:
    """A German-style rates file (``;``, decimal comma), one rate per currency and snapshot date."""
    lines = ["Datum;Währung;Kurs"]
    for d in dates:
        for cur, base in BASE_RATES.items():
            drift = Decimal(str(round(float(rng.normal(0, 0.006)), 4)))
            rate = (base * (1 + drift)).quantize(Decimal("0.0001"))
            lines.append(f"{d:%d.%m.%Y};{cur};{str(rate).replace('.', ',')}")
    return "\n".join(lines).encode("utf-8")


def _identity(row: dict[str, Any]) -> dict[str, Any]:
    return {f: row[f] for f in ITEM_FIELDS}


def _overdue(items: pl.DataFrame, as_of: date) -> pl.DataFrame:
    return open_items(items, as_of).filter(
        (pl.col("amount") > 0) & (pl.col("due_date") < as_of) & ~pl.col("disputed").fill_null(False)
    )


class _Week:
    """One snapshot's open items plus what cleared by the next one and what is still open at the end."""

    def __init__(self, snapshot_id: int, as_of: date, items: pl.DataFrame) -> None:
        self.snapshot_id, self.as_of, self.items = snapshot_id, as_of, items
        self.overdue = _overdue(items, as_of)


def _mark(week: _Week, nxt: _Week, last: _Week) -> pl.DataFrame:
    """The week's overdue items with ``cleared_next`` and ``open_at_end`` flags."""
    key = ["company_code", "fiscal_year", "doc_no", "line_item"]
    cleared = cleared_between(week.overdue, nxt.items, nxt.as_of, prev_as_of=week.as_of).select(key)
    still = open_items(last.items, last.as_of).select(key)
    return week.overdue.with_columns(
        pl.struct(key).is_in(cleared.select(pl.struct(key)).to_series().implode()).alias("cleared_next"),
        pl.struct(key).is_in(still.select(pl.struct(key)).to_series().implode()).alias("open_at_end"),
    )


def load_demo_workflow(
    engine: sa.Engine, *, seed: int = 7, items_by_date: Mapping[date, pl.DataFrame] | None = None
) -> dict[str, int]:
    """Create the demo's workflow records; returns counts per kind (all zero without snapshots).

    ``items_by_date`` are the imported extracts' items by as-of date, when the caller still holds
    them (the demo load does): it saves reading the last four snapshots back from the store.
    """
    counts = {"rates": 0, "contacts": 0, "promises": 0, "escalations": 0, "decided": 0}
    snaps = list_snapshots(engine).sort("as_of")
    lead = get_actor(engine, "lena.lead")
    if snaps.height < 4 or lead is None:
        return counts
    rng = np.random.default_rng([seed, 9])
    counts["rates"], _ = import_rates(
        engine, lead, _rates_csv(snaps["as_of"].to_list(), rng), "demo-rates.csv"
    )

    weeks = [
        _Week(sid, d, items_by_date[d] if items_by_date and d in items_by_date else load_items(engine, sid))
        for sid, d in snaps.select("snapshot_id", "as_of").tail(4).iter_rows()
    ]
    w1, w2, w3, last = weeks
    early, mid = _mark(w1, w2, last), _mark(w2, w3, last)
    with engine.connect() as conn:
        owners = dict(
            conn.execute(
                sa.select(Customer.customer_id, Customer.collector).where(Customer.collector.is_not(None))
            ).all()
        )
    collectors = sorted(set(owners.values()))
    from ar_core.demo.stories import STORY_WRITERS, story_customers, story_frames

    stories = story_customers(engine)
    used: set[str] = set(stories.values())  # routine records never touch a story customer
    frames = story_frames(engine, snaps, items_by_date, sorted(used))
    for key, customer in stories.items():
        made = STORY_WRITERS[key](engine, lead, rng, customer, frames)
        for kind, count in made.items():
            counts[kind] += count
    for n, username in enumerate(collectors):
        actor = get_actor(engine, username)
        if actor is None or "collector" not in actor.roles:
            continue
        mine = pl.col("customer_id").is_in(sorted(c for c, o in owners.items() if o == username))
        made, logged = _promises(
            engine,
            actor,
            rng,
            used,
            early=early.filter(mine),
            mid=mid.filter(mine),
            last_overdue=last.overdue.filter(mine),
            weeks=weeks,
        )
        counts["promises"] += made
        counts["contacts"] += logged + _contacts(
            engine, actor, rng, used, mine=last.items.filter(mine), last=last, correct_one=n == 0
        )
    counts["escalations"] += _escalations(engine, lead, last, owners, skip=used)
    counts["decided"] = refresh_promise_statuses(engine, loaded={w.snapshot_id: w.items for w in weeks})
    return counts


def _pick(frame: pl.DataFrame, used: set[str], n: int = 1) -> list[dict[str, Any]]:
    """The ``n`` largest rows of customers not used yet, one per customer."""
    rows = []
    for row in (
        frame.filter(~pl.col("customer_id").is_in(sorted(used)))
        .sort("amount", descending=True)
        .iter_rows(named=True)
    ):
        if row["customer_id"] not in {r["customer_id"] for r in rows}:
            rows.append(row)
        if len(rows) == n:
            break
    return rows


def _partly(early: pl.DataFrame, used: set[str]) -> list[dict[str, Any]]:
    """Two items of one customer: one cleared the next week, one still open at the end."""
    both = (
        early.filter(~pl.col("customer_id").is_in(sorted(used)))
        .group_by("customer_id")
        .agg(pl.col("cleared_next").any().alias("c"), pl.col("open_at_end").any().alias("o"))
        .filter("c", "o")
        .sort("customer_id")
    )
    if both.is_empty():
        return []
    mine = early.filter(pl.col("customer_id") == both["customer_id"][0]).sort("amount", descending=True)
    return [mine.filter("cleared_next").row(0, named=True), mine.filter("open_at_end").row(0, named=True)]


def _promise_plans(
    early: pl.DataFrame, mid: pl.DataFrame, last_overdue: pl.DataFrame, weeks: list[_Week], used: set[str]
) -> Iterator[tuple[str, _Week, date, list[dict[str, Any]]]]:
    """(kind, week made, promised date, items) per demo promise of one collector."""
    w1, w2, _, last = weeks
    plans = [
        ("kept", w1, w1.as_of + timedelta(days=5), lambda: _pick(early.filter("cleared_next"), used)),
        ("partly kept", w1, w1.as_of + timedelta(days=5), lambda: _partly(early, used)),
        ("broken", w2, w2.as_of + timedelta(days=5), lambda: _pick(mid.filter("open_at_end"), used)),
        ("due today", last, last.as_of, lambda: _pick(last_overdue, used)),
        ("open", last, last.as_of + timedelta(days=7), lambda: _pick(last_overdue, used)),
    ]
    for kind, week, promised, choose in plans:
        items = choose()
        if items:
            used.add(items[0]["customer_id"])
            yield kind, week, promised, items


def _promises(
    engine: sa.Engine,
    actor: Actor,
    rng: np.random.Generator,
    used: set[str],
    *,
    early: pl.DataFrame,
    mid: pl.DataFrame,
    last_overdue: pl.DataFrame,
    weeks: list[_Week],
) -> tuple[int, int]:
    """A kept, partly kept, broken, due-today and open promise (each with its call); returns counts."""
    contacts, made = [], 0
    for kind, week, promised, items in _promise_plans(early, mid, last_overdue, weeks, used):
        customer, when = items[0]["customer_id"], _at(week.as_of, rng)
        amount = sum((r["amount"] for r in items), Decimal(0))
        create_promise(
            engine,
            actor,
            customer,
            amount=amount,
            currency=items[0]["currency"],
            promised_date=promised,
            items=[_identity(r) for r in items],
            snapshot_id=week.snapshot_id,
            created_at=when,
        )
        made += 1
        docs = ", ".join(r["doc_no"] for r in items)
        contacts.append(
            {
                "customer_id": customer,
                "channel": "phone",
                "outcome": "promise to pay",
                "reason": str(rng.choice(["LIQUIDITY", "PAYMENT_RUN", "APPROVAL_PENDING"])),
                "notes": f"Promised {amount:,.2f} {items[0]['currency']} for {docs} by {promised:%d.%m.}"
                f" ({kind} in the demo).",
                "next_action": "promise follow-up",
                "next_action_date": promised,
                "contacted_at": when,
            }
        )
    if contacts:
        log_contacts(engine, actor, contacts)
    return made, len(contacts)


_NOTES = {
    "reached": "Spoke to accounts payable; {reason}.",
    "no answer": "Voicemail, no call back yet.",
    "refused": "Customer refuses to pay before the issue is solved; {reason}.",
    "wrong contact": "Number belongs to purchasing; asked for the AP contact.",
    "paid already": "Customer says it was paid; asked for the remittance advice.",
}


def _contacts(
    engine: sa.Engine,
    actor: Actor,
    rng: np.random.Generator,
    used: set[str],
    *,
    mine: pl.DataFrame,
    last: _Week,
    correct_one: bool,
) -> int:
    """A short call history for the collector's largest overdue customers; returns the count."""
    overdue = (
        open_items(mine, last.as_of)
        .filter((pl.col("amount") > 0) & (pl.col("due_date") < last.as_of))
        .group_by("customer_id")
        .agg(pl.col("amount").sum(), pl.col("disputed").fill_null(False).any().alias("disputed"))
        .filter(~pl.col("customer_id").is_in(sorted(used)))
        .sort("amount", "customer_id", descending=[True, False])
        .head(CONTACTED_PER_COLLECTOR)
    )
    outcomes, weights = zip(*_ROUTINE, strict=True)
    entries = []
    for n, (customer, _, disputed) in enumerate(overdue.iter_rows()):
        calls = int(rng.integers(1, 4))
        for back in range(calls - 1, -1, -1):
            day = _workday_before(last.as_of - timedelta(weeks=back), rng)
            latest = back == 0
            if latest and disputed:
                outcome, reason, action, due = (
                    "dispute raised",
                    "DISPUTE",
                    "dispute follow-up",
                    last.as_of + timedelta(days=5),
                )
                notes = (
                    "Customer disputes price and quantity on the open invoice; asked sales for a credit note."
                )
            else:
                outcome = str(rng.choice(outcomes, p=np.array(weights) / sum(weights)))
                reason = str(rng.choice(_REASONS)) if outcome in ("reached", "refused") else None
                notes = _NOTES[outcome].format(reason=DELINQUENCY_REASONS.get(reason or "", "").lower())
                action = "call" if outcome in ("no answer", "wrong contact", "reached") else "dunning letter"
                # a quarter of the customers agreed a call-back next week: off today's list until then
                due = last.as_of + timedelta(days=4) if latest and n % 4 == 1 else day + timedelta(days=3)
            entries.append(
                {
                    "customer_id": customer,
                    "channel": "phone" if outcome != "paid already" else "e-mail",
                    "outcome": outcome,
                    "reason": reason,
                    "notes": notes,
                    "next_action": action,
                    "next_action_date": due,
                    "contacted_at": _at(day, rng),
                }
            )
    if not entries:
        return 0
    ids = log_contacts(engine, actor, entries)
    if correct_one:
        correct_contact(
            engine,
            actor,
            ids[0],
            note="Logged as reached by mistake: it was a voicemail.",
            outcome="no answer",
            reason=None,
            notes=_NOTES["no answer"],
        )
    return len(ids) + int(correct_one)


def _escalations(
    engine: sa.Engine, lead: Actor, last: _Week, owners: dict[str, str], *, skip: set[str]
) -> int:
    """Second-voice cases: three juniors hand their largest overdue customer to a senior, one to the lead."""
    collectors = [u for u in DEMO_USERS if "collector" in u["roles"]]
    seniors = {
        code: u["username"] for u in collectors if u["senior"] for code in u["portfolio"]["company_codes"]
    }
    overdue = (
        last.overdue.filter(~pl.col("customer_id").is_in(sorted(skip)))
        .group_by("customer_id")
        .agg(pl.col("amount").sum())
        .sort("amount", "customer_id", descending=[True, False])
    )
    made = 0
    for user in [u for u in collectors if not u["senior"]][:4]:
        actor = get_actor(engine, user["username"])
        codes = user["portfolio"]["company_codes"]
        to = lead.username if made == 3 or not codes or codes[0] not in seniors else seniors[codes[0]]
        theirs = overdue.filter(
            pl.col("customer_id").is_in(sorted(c for c, o in owners.items() if o == user["username"]))
        )
        if actor is None or theirs.is_empty():
            continue
        reason = (
            "Large balance overdue, customer ignores my calls: please call the CFO as second voice."
            if to != lead.username
            else "Over 90 days and no reaction to dunning level 3: legal review?"
        )
        escalate(engine, actor, theirs["customer_id"][0], to_username=to, reason=reason)
        made += 1
    return made


# --- the demo's stories (see ar_core.demo.customers.STORIES) -------------------------------------
