"""Demo payment plans, made through the real services by the customers' collectors.

Three plans a collector would recognise:

- an **active** plan agreed a few weeks back whose instalments the later snapshots show kept;
- a **broken** plan: agreed then, an instalment unpaid more than the broken-after days — the
  worklist ranks its customer up ("payment plan broken") and the huddle lists it;
- a plan **waiting for approval** on the latest snapshot (above the EUR 5,000 threshold).

The demo ledger is generated, so the first two are found, not forced: for customers with open EUR
invoices in an early snapshot, the schedule rule and the tracking rule are tried on what the later
snapshots show cleared (a few instalment counts, weekly or monthly), and the first customer whose
plan tracks out as wanted gets it. The administrator gives the lead (EUR 25,000) and the
controller (unlimited) an approval limit for payment plans unless they have one.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, get_actor, list_limits, set_approval_limit
from ar_core.ledger import all_customers, ledger_items, list_snapshots, open_items
from ar_core.recovery import (
    Instalment,
    build_schedule,
    paid_towards,
    plan_settings,
    propose_plan,
    refresh_plan_statuses,
    track_instalments,
    tracked_plan_status,
)
from ar_core.schema import item_key_expr

LEAD_LIMIT = Decimal("25000.00")
#: How many customers are tried per wanted plan (the search is cheap: pure rules on small dicts).
TRIES = 400


def _limits(engine: sa.Engine) -> None:
    admin = get_actor(engine, "ada.admin")
    if admin is None:
        return
    have = {(u, k) for u, k in list_limits(engine, admin).select("username", "kind").iter_rows()}
    if ("lena.lead", "payment_plan") not in have:
        set_approval_limit(engine, admin, "lena.lead", "payment_plan", max_amount=LEAD_LIMIT, currency="EUR")
    if ("carl.controller", "payment_plan") not in have:
        set_approval_limit(engine, admin, "carl.controller", "payment_plan", max_amount=None, currency=None)


def _open(engine: sa.Engine, snapshot_id: int, as_of: date) -> pl.DataFrame:
    return open_items(ledger_items(engine, snapshot_id), as_of).with_columns(item_key_expr())


def _candidates(
    items: pl.DataFrame, customers: pl.DataFrame, low: Decimal, high: Decimal
) -> list[tuple[str, list[str], list[Decimal], str | None]]:
    """Per customer with a collector: (customer_id, item keys, amounts, country) of its oldest open
    undisputed EUR invoices (2 to 6 of them, as many as fit) summing to between ``low`` and ``high``."""
    master = {
        c: (u, k) for c, u, k in customers.select("customer_id", "collector", "country").iter_rows() if u
    }
    eur = items.filter(
        (pl.col("amount") > 0) & (pl.col("currency") == "EUR") & ~pl.col("disputed").fill_null(False)
        & pl.col("customer_id").is_in(list(master))
    ).sort("customer_id", "due_date", "_item_key")  # fmt: skip
    found = []
    for (customer_id,), group in eur.group_by("customer_id", maintain_order=True):
        keys, amounts = group["_item_key"].to_list()[:6], group["amount"].to_list()[:6]
        while len(keys) > 2 and sum(amounts) > high:
            keys, amounts = keys[:-1], amounts[:-1]
        if len(keys) >= 2 and low <= sum(amounts) <= high:
            found.append((customer_id, keys, amounts, master[customer_id][1]))
    return found


def _find(candidates, later, start: date, latest: date, config, *, wanted: str, taken: set[str]):
    """The first (customer, keys, instalments, first, every) whose plan tracks out as ``wanted``."""
    for customer_id, keys, amounts, country in candidates[:TRIES]:
        if customer_id in taken:
            continue
        original = dict(zip(keys, amounts, strict=True))
        seen = [(d, paid_towards(original, open_now.get(customer_id, {}))) for d, open_now in later]
        debt = sum(amounts, Decimal("0.00"))
        for every, counts in (("month", (2, 3, 4)), ("week", (3, 4, 6))):
            for n in counts:
                for lag in (7, 10, 14):
                    first = start + timedelta(days=lag)
                    schedule = build_schedule(debt, n, first, every, country=country)
                    rows = [Instalment(r.seq, r.due, r.amount) for r in schedule.rows]
                    tracked = track_instalments(rows, debt, seen, latest, grace_days=config["grace_days"],
                                                broken_after_days=config["broken_after_days"])  # fmt: skip
                    status = tracked_plan_status(tracked)
                    kept = sum(1 for t in tracked if t.status == "kept")
                    if status == wanted and (wanted == "broken" or kept >= 2):
                        return customer_id, keys, n, first, every
    return None


def _held_back(engine: sa.Engine, snapshot_id: int, as_of: date) -> set[str]:
    """Customers in an insolvency proceeding or with invoices handed over to legal at ``as_of``."""
    from ar_core.recovery import customers_in_insolvency, items_in_legal

    legal = list(items_in_legal(engine))
    handed = _open(engine, snapshot_id, as_of).filter(pl.col("_item_key").is_in(legal))["customer_id"]
    return set(customers_in_insolvency(engine, as_of)) | set(handed.to_list())


def load_demo_payment_plans(engine: sa.Engine) -> list[int]:
    """Make the demo's plans (module docstring); returns their ids (fewer when none fits)."""
    snaps = list_snapshots(engine).sort("as_of", "snapshot_id")
    if snaps.height < 4:
        return []
    _limits(engine)
    customers = all_customers(engine)
    collectors = {c: u for c, u in customers.select("customer_id", "collector").iter_rows() if u}
    actors: dict[str, Actor | None] = {}

    def actor_of(customer_id: str) -> Actor | None:
        user = collectors[customer_id]
        if user not in actors:
            actors[user] = get_actor(engine, user)
        return actors[user]

    config = plan_settings(engine)
    rows = snaps.select("snapshot_id", "as_of").rows()
    latest_id, latest = rows[-1]
    start_id, start = rows[max(0, len(rows) - 9)]  # about two months back
    early = _open(engine, start_id, start)
    later = []
    for sid, as_of in rows[rows.index((start_id, start)) :]:
        frame = _open(engine, sid, as_of).group_by("customer_id", "_item_key").agg(pl.col("amount").sum())
        per: dict[str, dict[str, Decimal]] = {}
        for customer_id, key, amount in frame.iter_rows():
            per.setdefault(customer_id, {})[key] = amount
        later.append((as_of, per))
    small = _candidates(early, customers, Decimal("500.00"), config["approval_threshold"])
    made: list[int] = []
    taken = _held_back(engine, latest_id, latest)  # no plan for a customer in insolvency or legal
    for wanted, note in (("active", "pays the rest of the quarter in instalments, agreed on the phone"),
                         ("broken", "agreed after the second reminder; cash flow issue")):  # fmt: skip
        found = _find(small, later, start, latest, config, wanted=wanted, taken=taken)
        if found is None:
            continue
        customer_id, keys, n, first, every = found
        actor = actor_of(customer_id)
        if actor is None:
            continue
        made.append(propose_plan(engine, actor, customer_id, keys, instalments=n, first=first, every=every,
                                 note=note, today=start, snapshot_id=start_id))  # fmt: skip
        taken.add(customer_id)
    threshold = config["approval_threshold"]
    big = _candidates(_open(engine, latest_id, latest), customers, threshold + 1, LEAD_LIMIT)
    waiting = next((c for c in big if c[0] not in taken and actor_of(c[0]) is not None), None)
    if waiting is not None:
        customer_id, keys, _amounts, _country = waiting
        made.append(propose_plan(
            engine, actor_of(customer_id), customer_id, keys, instalments=6,
            first=latest + timedelta(days=14), every="month",
            note="six monthly instalments after a large order was cancelled",
            today=latest, snapshot_id=latest_id,
        ))  # fmt: skip
    refresh_plan_statuses(engine)
    return made
