"""The team's worklist for one snapshot, assembled from the store: what the pages and the CLI share.

The ranking itself is pure (:mod:`ar_core.collections.worklist`); this module only gathers its inputs —
items, customer master, contact summary, promises, escalations, settings, FX rates, and the cases
being worked that the caller read for its user — so that the Worklist page, the Huddle and
``python -m ar_core worklist`` rank exactly alike.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date

import polars as pl
import sqlalchemy as sa

from ar_core import settings
from ar_core.collections import contacts, escalations, promises
from ar_core.collections.priority import PriorityConfig
from ar_core.collections.worklist import customer_base, rerank, with_case_disputes
from ar_core.errors import NotFound
from ar_core.ledger import (
    all_customers,
    ledger_items,
    ledger_key,
    list_snapshots,
    reporting_rates,
    to_reporting,
)
from ar_core.memo import memo
from ar_core.schema import MONEY


def snapshot_for(engine: sa.Engine, as_of: date | None = None) -> tuple[int, date]:
    """The latest snapshot on or before ``as_of`` (the latest of all when ``as_of`` is None)."""
    listing = list_snapshots(engine)
    if as_of is not None:
        listing = listing.filter(pl.col("as_of") <= as_of)
    if listing.is_empty():
        raise NotFound("No snapshot" + (f" on or before {as_of.isoformat()}" if as_of else "") + " yet.")
    row = listing.sort("as_of", "snapshot_id").row(-1, named=True)
    return row["snapshot_id"], row["as_of"]


def team_worklist(
    engine: sa.Engine,
    snapshot_id: int,
    as_of: date,
    items: pl.DataFrame | None = None,
    today: date | None = None,
    *,
    cases: pl.DataFrame | None = None,
    case_items: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """The ranked worklist of every customer, and the currencies that had no FX rate (services only).

    The per-customer base (one pass over the items) is computed once per snapshot, settings and
    rates and shared by every session (``ar_core.memo``); each call overlays the current workflow
    records — customer master, contacts, promises, escalations — which are small, so a call or a
    promise logged by one collector never makes the others' worklists recompute the base.
    People read :func:`ar_core.collections.queries.worklist`, which applies the portfolio rule.

    Args:
        items: the snapshot's items when the caller already holds them.
        today: the day the collection work is judged at (promises, call-backs); default ``as_of``.
        cases: the cases being worked (``disputes.list_cases(status="open")``): their follow-ups.
        case_items: their open items with the case's ``customer_id``: the disputed parts of items
            the ERP does not flag (only those customers' rows are computed again, the shared
            base stays as it is).
    """
    reporting = settings.get_reporting_currency(engine)
    fx = reporting_rates(engine, as_of, reporting)
    config_dict = settings.get_priority_config(engine)
    config = PriorityConfig.from_dict(config_dict)
    edges = tuple(settings.get_aging_edges(engine))
    settings_key = json.dumps(config_dict, sort_keys=True, default=str)
    key = (
        ledger_key(engine, snapshot_id),
        as_of,
        settings_key,
        edges,
        reporting,
        tuple(fx.iter_rows()),
    )

    def base() -> tuple[pl.DataFrame, list[str]]:
        ledger = items if items is not None else ledger_items(engine, snapshot_id)
        _, missing = to_reporting(ledger.select("currency", "amount", "amount_reporting"), fx, reporting)
        return customer_base(ledger, as_of, config, fx, edges, reporting=reporting), missing

    customer_rows, missing = memo(engine, "worklist_base", key, base, keep=4)
    if case_items is not None and not case_items.is_empty():
        base_rows = customer_rows

        def overlaid() -> pl.DataFrame:
            ledger = items if items is not None else ledger_items(engine, snapshot_id)  # shared, not reloaded
            return with_case_disputes(
                base_rows, ledger, case_items, as_of, config, fx, edges, reporting=reporting
            )

        # the case parts change with the cases, not with each call logged: keyed by their content
        parts_key = (case_items.height, int(case_items.hash_rows(seed=7).sum()))
        customer_rows = memo(engine, "worklist_case_base", (key, parts_key), overlaid, keep=4)
    # The last ranking of this base: the next call scores again only the customers whose workflow
    # records changed (one holder per base, shared by every session; the newest ranking wins).
    held = memo(engine, "worklist_ranking", (key, id(customer_rows)), lambda: [None], keep=4)
    frame, held[0] = rerank(
        held[0],
        customer_rows,
        as_of,
        all_customers(engine),
        contacts.contact_summary(engine),
        promises.promise_frame(engine),
        escalations.escalation_frame(engine),
        config,
        fx,
        reporting=reporting,
        today=today,
        cases=cases,
        paid=_paid(engine, snapshot_id, fx, reporting),
        late_payers=late_payers(engine, snapshot_id, as_of),
        broken_plans=broken_plans(engine),
        insolvent=insolvent_customers(engine, as_of),
    )
    return frame, missing


def broken_plans(engine: sa.Engine) -> pl.DataFrame:
    """Customers whose latest payment plan is broken (customer_id; services only).

    Read from the payment-plan table (``recovery.payment_plans`` keeps it; collections may not
    import recovery). A newer plan agreed after the broken one — active, waiting, completed —
    ends the reason; a broken plan is never active, so its dunning block has ended already.
    """
    from ar_core.store.models import PaymentPlan

    latest = (
        sa.select(PaymentPlan.customer_id, sa.func.max(PaymentPlan.id).label("plan_id"))
        .where(PaymentPlan.status.in_(("pending_approval", "active", "completed", "broken")))
        .group_by(PaymentPlan.customer_id)
        .subquery()
    )
    query = sa.select(PaymentPlan.customer_id).join(latest, latest.c.plan_id == PaymentPlan.id)
    with engine.connect() as conn:
        ids = conn.execute(query.where(PaymentPlan.status == "broken")).scalars().all()
    return pl.DataFrame({"customer_id": sorted(ids)}, schema={"customer_id": pl.String()})


def insolvent_customers(engine: sa.Engine, as_of: date) -> pl.DataFrame:
    """Customers in an insolvency proceeding on ``as_of`` (customer_id, status; services only).

    Read from the insolvency table (``recovery.insolvency`` keeps it; collections may not import
    recovery): opened on or before ``as_of`` and not ended before it — the same rule as the dunning
    hold (``recovery.customers_in_insolvency``).
    """
    from ar_core.store.models import InsolvencyCase

    query = (
        sa.select(InsolvencyCase.customer_id, InsolvencyCase.status)
        .where(InsolvencyCase.opened_on <= as_of)
        .where(sa.or_(InsolvencyCase.ended_on.is_(None), InsolvencyCase.ended_on >= as_of))
        .order_by(InsolvencyCase.customer_id, InsolvencyCase.opened_on.desc())
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pl.DataFrame(
        [tuple(r) for r in rows], schema={"customer_id": pl.String(), "status": pl.String()}, orient="row"
    )
    return frame.unique("customer_id", keep="first", maintain_order=True)


def late_payers(engine: sa.Engine, snapshot_id: int, as_of: date) -> pl.DataFrame:
    """The customers paying later than usual at ``snapshot_id`` (customer_id, trend_days; services only).

    From the snapshot's payment history (``payment_history``, shared) with the team's threshold,
    computed once per snapshot chain and threshold.
    """
    from ar_core.collections.behaviour import payment_behaviour
    from ar_core.collections.paid_invoices import payment_history

    threshold = settings.get_later_than_usual_days(engine)

    def compute() -> pl.DataFrame:
        behaviour = payment_behaviour(payment_history(engine, snapshot_id), as_of, threshold_days=threshold)
        return behaviour.filter(pl.col("later_than_usual")).select("customer_id", "trend_days")

    return memo(engine, "late_payers", (ledger_key(engine, snapshot_id), as_of, threshold), compute, keep=4)


def _paid(engine: sa.Engine, snapshot_id: int, fx: pl.DataFrame, reporting: str) -> pl.DataFrame | None:
    """Bank payments matched to a customer and not yet applied in the ERP, in the reporting currency."""
    from ar_core.credit import team_unapplied

    unapplied = team_unapplied(engine, snapshot_id)
    if unapplied.is_empty():
        return None
    frame = unapplied.select(
        "customer_id", "currency", "amount", pl.lit(None, MONEY).alias("amount_reporting")
    )
    converted, _missing = to_reporting(frame, fx, reporting)
    return converted.select("customer_id", pl.col("amount_rep").fill_null(0).alias("paid_unapplied"))


def warm_up(engine: sa.Engine) -> None:
    """Load and rank the latest snapshot once, so the team's first logins find it ready.

    Meant for a background thread at server start: with a million items the first worklist of a
    new server takes seconds, and eight collectors logging in at nine would all wait for it.
    """
    from ar_core.collections.queries import shared_team_worklist
    from ar_core.config import today

    try:
        snapshot_id, as_of = snapshot_for(engine)
    except NotFound:
        return
    # The very list the first page reads: judged today in the team's time zone, with the cases
    # being worked, the late payers and the cash at the bank laid over it (one shared memo key).
    shared_team_worklist(engine, snapshot_id, as_of, today=today(settings.get_time_zone(engine)))


def for_user(frame: pl.DataFrame, visible: Collection[str] | None) -> pl.DataFrame:
    """Restrict the team worklist to what a user may see (``None``: everything)."""
    return frame if visible is None else frame.filter(pl.col("customer_id").is_in(list(visible)))
