"""Demo write-offs and a legal handover, made and decided through the real four-eyes services.

On the latest demo snapshot: the administrator gives the lead an approval limit of EUR 5,000.00
and the controller an unlimited one (for write-offs and legal handovers) unless limits exist; the
collectors ask to write off small balances (open invoices of at most EUR 300.00, overdue more
than 60 days), the lead approves most of them, rejects one ("call once more") and leaves one pending;
the insolvency story customer's overdue invoices are handed over to the legal partner, approved
by the controller (above the lead's limit). Every step is a person of the demo team acting
through ``ar_core.recovery``: four eyes need two people, which the ``system`` actor is not.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, get_actor, list_limits, set_approval_limit
from ar_core.errors import ArDeskError
from ar_core.ledger import ledger_items, list_snapshots, open_items
from ar_core.recovery import approve_write_off, reject_write_off, request_write_off
from ar_core.schema import item_key_expr
from ar_core.store.models import WriteOffRequest

#: Small balances: open invoices up to this amount (the demo ledger's smallest overdue invoices are
#: some EUR 90-300), overdue longer than this many days.
SMALL = Decimal("300.00")
SMALL_DAYS = 60
#: How many small-balance requests the demo makes (one is rejected, one stays pending).
SMALL_REQUESTS = 6
LEAD_LIMIT = Decimal("5000.00")
KINDS = ("write_off", "legal_handover")


def _limits(engine: sa.Engine, admin: Actor) -> None:
    have = {(u, k) for u, k in list_limits(engine, admin).select("username", "kind").iter_rows()}
    for kind in KINDS:
        if ("lena.lead", kind) not in have:
            set_approval_limit(engine, admin, "lena.lead", kind, max_amount=LEAD_LIMIT, currency="EUR")
        if ("carl.controller", kind) not in have:
            set_approval_limit(engine, admin, "carl.controller", kind, max_amount=None, currency=None)


def _small_rests(items: pl.DataFrame, as_of) -> pl.DataFrame:
    """Per customer (with a collector) its small overdue rests in EUR, the customers with most first."""
    rests = items.filter(
        (pl.col("amount") > 0)
        & (pl.col("amount") <= SMALL)
        & (pl.col("currency") == "EUR")
        & (pl.col("due_date") < as_of - pl.duration(days=SMALL_DAYS))
        & pl.col("collector").is_not_null()
    )
    return (
        rests.group_by("customer_id", "collector")
        .agg(pl.col("_item_key").sort(), pl.len().alias("n"))
        .sort(["n", "customer_id"], descending=[True, False])
    )


def load_demo_write_offs(engine: sa.Engine) -> dict[str, int]:
    """Make the demo's requests; returns how many per outcome (nothing when there are requests already)."""
    counts = {"approved": 0, "rejected": 0, "pending": 0, "legal_handover": 0}
    with engine.connect() as conn:
        if conn.execute(sa.select(WriteOffRequest.id).limit(1)).first() is not None:
            return counts
    snaps = list_snapshots(engine).sort("as_of", "snapshot_id")
    lead, controller, admin = (get_actor(engine, u) for u in ("lena.lead", "carl.controller", "ada.admin"))
    if snaps.is_empty() or lead is None or controller is None or admin is None:
        return counts
    _limits(engine, admin)
    sid, as_of = snaps.row(-1)[0], snaps.row(-1, named=True)["as_of"]
    items = open_items(ledger_items(engine, sid), as_of).with_columns(item_key_expr())
    from ar_core.demo.stories import story_customers

    stories = set(story_customers(engine).values())  # their own stories (the insolvency: handed over)
    small = _small_rests(items.filter(~pl.col("customer_id").is_in(sorted(stories))), as_of).head(
        SMALL_REQUESTS
    )
    for k, row in enumerate(small.iter_rows(named=True)):
        requester = get_actor(engine, row["collector"]) or lead
        try:
            rid = request_write_off(
                engine,
                requester,
                kind="write_off",
                customer_id=row["customer_id"],
                item_keys=row["_item_key"],
                reason="small_balance",
                evidence=f"{row['n']} small invoice(s) of at most EUR {SMALL}, three reminders unanswered: "
                "collecting costs more than it brings in.",
            )
        except ArDeskError:  # e.g. a collector's customer reassigned meanwhile: the next one
            continue
        approver = controller if requester.username == lead.username else lead
        if k == 1:
            reject_write_off(
                engine, approver, rid, "Call the customer once more: they paid the rest last year."
            )
            counts["rejected"] += 1
        elif k == len(small) - 1:
            counts["pending"] += 1
        else:
            approve_write_off(engine, approver, rid, "Small balance within policy.")
            counts["approved"] += 1
    counts["legal_handover"] = _handover(engine, items, as_of, lead, controller)
    return counts


def _handover(engine: sa.Engine, items: pl.DataFrame, as_of, lead: Actor, controller: Actor) -> int:
    """The insolvency story customer's overdue EUR invoices go to the legal partner (controller approves)."""
    from ar_core.demo.stories import story_customers

    customer = story_customers(engine).get("insolvency")
    if customer is None:
        return 0
    overdue = items.filter(
        (pl.col("customer_id") == customer)
        & (pl.col("amount") > 0)
        & (pl.col("currency") == "EUR")
        & (pl.col("due_date") < as_of)
    )
    if overdue.is_empty():
        return 0
    collector = overdue["collector"].drop_nulls().first() if overdue["collector"].drop_nulls().len() else None
    requester = (get_actor(engine, collector) if collector else None) or lead
    try:
        rid = request_write_off(
            engine,
            requester,
            kind="legal_handover",
            customer_id=customer,
            item_keys=overdue["_item_key"].to_list(),
            reason="insolvency",
            evidence="Dunning level 4 without reply, insolvency rumours confirmed by the sales rep; no "
            "payment since the summer. Hand over to the legal partner to file the claim.",
        )
        approve_write_off(engine, controller, rid, "Hand over: file the claim before the court's deadline.")
    except ArDeskError:
        return 0
    return 1
