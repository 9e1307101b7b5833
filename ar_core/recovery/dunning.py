"""Dunning: the procedures per company code, AR Desk's own dunning level of each item, what a run
reads (the open items of the actor's portfolio, the customers, what holds items back) and the
overview of the Dunning page.

- A lead (or an admin) edits a company code's procedure; audited with before and after.
- An item's level is the highest level a released letter dunned it at (:func:`dunning_levels`):
  nothing else records it, so it cannot drift from the letters sent.
- Items are held back by manual blocks (``dunning_blocks``) and by the automatic reasons the item's
  procedure switches on: a dispute case being worked or the extract's disputed flag, an open
  promise to pay (of the items it names, or the whole account), an active payment plan, a legal
  handover, the customer's insolvency.

Blocks are in ``dunning_blocks``, the review of a run in ``dunning_review``, reading runs and
their letters in ``dunning_letters``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, in_portfolio, readable_customers, record
from ar_core.money import from_cents, to_cents
from ar_core.recovery.dunning_blocks import MANUAL, REASON_LABELS, list_blocks
from ar_core.recovery.dunning_run import (
    BLOCKED_SCHEMA,
    LEVEL_SCHEMA,
    RunProposal,
    propose_run,
)
from ar_core.recovery.procedure import (
    DEFAULT_COMPANY_CODE,
    Procedure,
    procedure_for,
    validate_procedure,
)
from ar_core.schema import item_key_expr
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    Customer,
    DunningLetter,
    DunningLine,
    DunningProcedure,
    DunningRun,
    utcnow,
)

#: Who edits procedures, reviews and releases runs.
LEAD_ROLES = ("lead", "admin")
#: Who proposes a run (over their own portfolio).
RUN_ROLES = ("collector", "lead", "admin")
#: Why a customer or an item is blocked by hand: code -> label.
# --- procedures ----------------------------------------------------------------------------------


def _procedure(row: Any) -> Procedure:
    return Procedure(
        row.company_code,
        tuple(int(d) for d in row.level_days.split(",") if d),
        from_cents(row.min_amount_cents),
        int(row.min_days_between),
        frozenset(b for b in row.blocks.split(",") if b),
    )


def dunning_procedures(engine: sa.Engine, actor: Actor) -> dict[str, Procedure]:
    """Every stored procedure by company code, the default (``*``) always among them."""
    del actor  # configuration, no customer data: anyone signed in reads it
    with engine.connect() as conn:
        rows = conn.execute(sa.select(DunningProcedure)).all()
    stored = {r.company_code: _procedure(r) for r in rows}
    stored.setdefault(DEFAULT_COMPANY_CODE, Procedure())
    return stored


def set_procedure(engine: sa.Engine, actor: Actor, values: Mapping[str, Any]) -> Procedure:
    """Store a company code's procedure (``values`` as :func:`validate_procedure` reads them); leads
    and admins; audited as ``set_dunning_procedure`` with the one in force before."""
    actor.require(*LEAD_ROLES, doing="edit the dunning procedure")
    proc = validate_procedure(values)
    fields = {
        "level_days": ",".join(str(d) for d in proc.level_days),
        "min_amount_cents": to_cents(proc.min_amount),
        "min_days_between": proc.min_days_between,
        "blocks": ",".join(sorted(proc.blocks)),
        "updated_by": actor.username,
        "updated_at": utcnow(),
    }
    with write_transaction(engine, actor) as conn:
        old = conn.execute(
            sa.select(DunningProcedure).where(DunningProcedure.company_code == proc.company_code)
        ).first()
        if old is None:
            conn.execute(sa.insert(DunningProcedure).values(company_code=proc.company_code, **fields))
            before = (
                Procedure(proc.company_code).as_dict() if proc.company_code == DEFAULT_COMPANY_CODE else None
            )
        else:
            conn.execute(
                sa.update(DunningProcedure)
                .where(DunningProcedure.company_code == proc.company_code)
                .values(**fields)
            )
            before = _procedure(old).as_dict()
        record(
            conn,
            actor,
            "set_dunning_procedure",
            "dunning_procedure",
            proc.company_code,
            before=before,
            after=proc.as_dict(),
        )
    return proc


# --- levels --------------------------------------------------------------------------------------


def _levels(engine: sa.Engine) -> pl.DataFrame:
    """Per item the highest level a released letter dunned it at and that letter's date (unscoped)."""
    query = (
        sa.select(
            DunningLetter.customer_id,
            DunningLine.item_key,
            sa.func.max(DunningLine.level).label("level"),
            sa.func.max(DunningRun.letter_date).label("last_letter_on"),
        )
        .join(DunningLetter, DunningLetter.id == DunningLine.letter_id)
        .join(DunningRun, DunningRun.id == DunningLetter.run_id)
        .where(
            DunningRun.status == "released",
            DunningLetter.removed_reason.is_(None),
            DunningLine.removed_reason.is_(None),
            DunningLine.is_credit.is_(False),
        )
        .group_by(DunningLetter.customer_id, DunningLine.item_key)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=LEVEL_SCHEMA, orient="row")


def dunning_levels(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """AR Desk's own dunning record of the items ``actor`` may read (customer_id, ``_item_key``,
    level, last_letter_on): the highest level a released letter dunned each item at."""
    return in_portfolio(_levels(engine), readable_customers(engine, actor))


# --- what a run reads ----------------------------------------------------------------------------


def _ledger(engine: sa.Engine, actor: Actor, as_of: date) -> tuple[pl.DataFrame, int]:
    """The open items at ``as_of`` of the latest snapshot on or before it, in ``actor``'s portfolio."""
    from ar_core.collections import snapshot_for
    from ar_core.ledger import ledger_items, open_items

    snapshot_id, _snap_as_of = snapshot_for(engine, as_of)
    items = in_portfolio(
        open_items(ledger_items(engine, snapshot_id), as_of), readable_customers(engine, actor)
    )
    if "_item_key" not in items.columns:
        items = items.with_columns(item_key_expr())
    return items, snapshot_id


def blockable_items(engine: sa.Engine, actor: Actor, customer_id: str, as_of: date) -> pl.DataFrame:
    """The open invoices of one customer at ``as_of`` (``_item_key``, doc_no, due_date, amount,
    currency), oldest due first: what an item block can name."""
    check_customer_access(engine, actor, customer_id, write=False)
    items, _sid = _ledger(engine, actor, as_of)
    return (
        items.filter((pl.col("customer_id") == customer_id) & (pl.col("amount") > 0))
        .select("_item_key", "doc_no", "due_date", "amount", "currency")
        .sort("due_date", "doc_no")
    )


def _customers(engine: sa.Engine, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    from ar_core.ledger import all_customers
    from ar_core.recovery import letter_language

    wanted = set(ids)
    frame = all_customers(engine).filter(pl.col("customer_id").is_in(list(wanted)))
    with engine.connect() as conn:  # the postal address (kept out of the customer frames) for the letter
        address = {
            r.customer_id: {"street": r.street, "postcode": r.postcode, "city": r.city}
            for r in conn.execute(
                sa.select(Customer.customer_id, Customer.street, Customer.postcode, Customer.city).where(
                    Customer.customer_id.in_(sorted(wanted))
                )
            )
        }
    out = {}
    for row in frame.iter_rows(named=True):
        row["language"] = letter_language(row)
        out[row["customer_id"]] = {**row, **address.get(row["customer_id"], {})}
    return out


def _automatic_blocks(engine: sa.Engine, items: pl.DataFrame, as_of: date) -> list[tuple[str, str, str]]:
    """``(item_key, reason, detail)`` of every automatic hold on ``items`` (before the procedures decide)."""
    from ar_core.collections import OPEN, promise_frame
    from ar_core.disputes import working_cases

    keyed = items.select("customer_id", "_item_key")
    out: list[tuple[str, str, str]] = []
    # disputed: a dispute case being worked, or the extract's flag
    cases, parts = working_cases(engine)
    disputes = cases.filter(pl.col("type") == "dispute")["case_id"].to_list()
    disputed = parts.filter(pl.col("case_id").is_in(disputes)).with_columns(item_key_expr())
    out += [
        (k, "disputed", f"case {c}") for k, c in zip(disputed["_item_key"], disputed["case_id"], strict=True)
    ]
    if "disputed" in items.columns:
        flagged = items.filter(pl.col("disputed").fill_null(False))["_item_key"].to_list()
        out += [(k, "disputed", "disputed in the ERP") for k in flagged]
    # promised: an open promise names its items, or the whole account when it names none
    promises = promise_frame(engine).filter(pl.col("status") == OPEN)
    for row in promises.iter_rows(named=True):
        detail = f"promise to pay by {row['promised_date']:%d.%m.%Y}"
        if row["items"]:
            from ar_core.schema import item_key

            out += [
                (
                    item_key(i["company_code"], i["fiscal_year"], i["doc_no"], i["line_item"]),
                    "promised",
                    detail,
                )
                for i in row["items"]
            ]
        else:
            out += [
                (k, "promised", detail)
                for k in keyed.filter(pl.col("customer_id") == row["customer_id"])["_item_key"]
            ]
    # payment plans, legal handover, insolvency: the other recovery capabilities' services
    from ar_core.recovery import customers_in_insolvency, items_in_active_plans, items_in_legal

    out += [(k, "payment_plan", "in an active payment plan") for k in items_in_active_plans(engine)]
    out += [(k, "legal", "handed over to legal") for k in items_in_legal(engine)]
    insolvent = list(customers_in_insolvency(engine, as_of))
    out += [
        (k, "insolvency", "customer in insolvency")
        for k in keyed.filter(pl.col("customer_id").is_in(insolvent))["_item_key"]
    ]
    return out


def blocked_items(
    engine: sa.Engine, actor: Actor, items: pl.DataFrame, procedures: Mapping[str, Procedure], as_of: date
) -> pl.DataFrame:
    """What holds ``items`` back at ``as_of`` (``BLOCKED_SCHEMA``): active manual blocks (of a
    customer: null item key) and the automatic reasons each item's procedure switches on."""
    codes = dict(zip(items["_item_key"], items["company_code"], strict=True))
    owners = dict(zip(items["_item_key"], items["customer_id"], strict=True))
    rows: list[tuple[str, str | None, str, str | None]] = []
    for key, reason, detail in _automatic_blocks(engine, items, as_of):
        if key in owners and reason in procedure_for(procedures, codes[key]).blocks:
            rows.append((owners[key], key, reason, detail))
    manual = list_blocks(engine, actor, as_of=as_of, active_only=True)
    rows += [
        (r["customer_id"], r["_item_key"], MANUAL, r["note"] or r["reason_label"])
        for r in manual.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=BLOCKED_SCHEMA, orient="row").unique(maintain_order=True)


def _rules(engine: sa.Engine) -> tuple[Any, Any]:
    from ar_core.recovery import compensation, load_rate_table, statutory_interest

    rates = load_rate_table(engine)

    def interest(principal: Decimal, due: date, as_of: date, country: str | None) -> Decimal:
        return statutory_interest(principal, due, as_of, country, rates)

    return interest, compensation


def preview_run(engine: sa.Engine, actor: Actor, as_of: date) -> RunProposal:
    """The letters a run as of ``as_of`` would propose for ``actor``'s portfolio (nothing stored)."""
    actor.require(*RUN_ROLES, "controller", doing="see a dunning run")
    items, _sid = _ledger(engine, actor, as_of)
    procedures = dunning_procedures(engine, actor)
    customers = _customers(engine, items["customer_id"].unique().to_list())
    interest, compensation = _rules(engine)
    return propose_run(
        items,
        customers,
        procedures,
        _levels(engine),
        blocked_items(engine, actor, items, procedures, as_of),
        as_of,
        interest,
        compensation,
    )


# --- the overview --------------------------------------------------------------------------------

#: Snapshots the trend looks back over.
TREND_SNAPSHOTS = 12


def _trend_base(engine: sa.Engine, procedures: Mapping[str, Procedure], as_of: date) -> pl.DataFrame:
    """The levels of the last :data:`TREND_SNAPSHOTS` snapshots per customer, team-wide (never mutate).

    Computed once per snapshot chain and procedures and shared by every session; the snapshots are
    read past the ledger's own cache (which keeps the latest few) so the trend never evicts them.
    """
    from ar_core.ledger import ledger_key, list_snapshots, load_items, open_items
    from ar_core.memo import memo
    from ar_core.recovery.dunning_overview import level_trend

    listing = list_snapshots(engine).filter(pl.col("as_of") <= as_of).sort("as_of").tail(TREND_SNAPSHOTS)
    rows = list(listing.select("snapshot_id", "as_of").iter_rows())
    key = (tuple(ledger_key(engine, sid) for sid, _day in rows),
           tuple(sorted((c, p.level_days) for c, p in procedures.items())))  # fmt: skip

    def compute() -> pl.DataFrame:
        history = [(day, open_items(load_items(engine, sid), day)) for sid, day in rows]
        return level_trend(history, procedures, by_customer=True)

    return memo(engine, "dunning_trend", key, compute, keep=2)


def dunning_summary(
    engine: sa.Engine, actor: Actor, as_of: date, next_run: date | None = None
) -> dict[str, Any]:
    """The Dunning page's overview of ``actor``'s portfolio at ``as_of`` (frames of ``dunning_overview``):
    ``recorded`` and ``by_days`` (items and customers per level: AR Desk's letters and the procedure's
    days overdue), ``due`` (the letters a run on ``next_run`` would propose) and ``held`` (customers
    it would hold back, and why), ``blocked`` (items per block reason), ``mismatches`` (ERP level
    against the procedure) and ``trend`` (levels per snapshot)."""
    from ar_core.recovery.dunning_overview import (
        blocked_summary,
        erp_mismatches,
        letters_due,
        level_summary,
        trend_total,
        with_levels,
    )

    actor.require(*RUN_ROLES, "controller", doing="see the dunning overview")
    items, _sid = _ledger(engine, actor, as_of)
    procedures = dunning_procedures(engine, actor)
    leveled = with_levels(items, _levels(engine), procedures, as_of)
    blocked = blocked_items(engine, actor, items, procedures, as_of)
    proposal = preview_run(engine, actor, next_run or as_of)
    scope = readable_customers(engine, actor)
    trend = trend_total(in_portfolio(_trend_base(engine, procedures, as_of), scope))
    labels = pl.Series("reason_label", [REASON_LABELS.get(r, r) for r in blocked["reason"]], dtype=pl.String)
    return {
        "recorded": level_summary(leveled),
        "by_days": level_summary(leveled, "procedure_level"),
        "due": letters_due(proposal),
        "proposal": proposal,
        "held": proposal.held,
        "blocked": blocked_summary(leveled, blocked).with_columns(
            pl.col("reason").replace_strict(REASON_LABELS, default=pl.col("reason")).alias("reason_label")
        ),
        "blocked_items": blocked.with_columns(labels),
        "mismatches": erp_mismatches(leveled),
        "trend": trend,
    }
