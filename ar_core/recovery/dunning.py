"""The dunning service: procedures per company code, dunning blocks, runs (propose, review, release)
and AR Desk's own dunning level of each item.

- A lead (or an admin) edits a company code's procedure; audited with before and after.
- A block holds a customer or one item back, with a reason, an end date and a note; it is active
  while its end date is on or after the run's as-of date (a read-time rule: nothing has to run at
  midnight) and it is not lifted early; ended and lifted blocks stay as the history.
- A run as of a date proposes one letter per customer (``dunning_run``) over the actor's
  portfolio; the lead removes customers or items with a reason and releases it. Releasing writes
  each letter into the customer's contact log and so raises each item's level: the level of an
  item is the highest level a released letter dunned it at (:func:`dunning_levels`). A released
  letter keeps its rendering context (JSON), so its PDF and e-mail are rendered again, identical,
  whenever they are downloaded. One run is under review at a time (two open proposals would send
  two letters for the same invoices).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, in_portfolio, readable_customers, record
from ar_core.errors import ArDeskError, InvalidInput, NotFound
from ar_core.money import from_cents, to_cents
from ar_core.recovery.dunning_run import (
    BLOCKED_SCHEMA,
    LEVEL_SCHEMA,
    PAY_WITHIN_DAYS,
    LetterLine,
    ProposedLetter,
    RunProposal,
    propose_run,
    rebuild,
)
from ar_core.recovery.procedure import (
    BLOCK_REASONS,
    DEFAULT_COMPANY_CODE,
    Procedure,
    procedure_for,
    validate_procedure,
)
from ar_core.schema import item_key_expr
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    DunningBlock,
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
MANUAL_REASONS: dict[str, str] = {
    "agreement": "Agreement with the customer",
    "clarification": "Being clarified",
    "sales_request": "Sales asked to hold",
    "customer_care": "Key account / customer care",
    "other": "Other",
}
#: The reason under which manual blocks show in the overview.
MANUAL = "dunning_block"
REASON_LABELS: dict[str, str] = {**BLOCK_REASONS, MANUAL: "Dunning block"}
MAX_BLOCK_DAYS = 366
MAX_TEXT = 1_000
RUN_STATUSES = ("proposed", "released", "discarded")

BLOCK_SCHEMA: dict[str, pl.DataType] = {
    "block_id": pl.Int64(),
    "customer_id": pl.String(),
    "_item_key": pl.String(),
    "doc_no": pl.String(),
    "reason": pl.String(),
    "reason_label": pl.String(),
    "note": pl.String(),
    "starts_on": pl.Date(),
    "ends_on": pl.Date(),
    "status": pl.String(),
    "created_by": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
    "lifted_by": pl.String(),
    "lifted_at": pl.Datetime("us", "UTC"),
    "lift_note": pl.String(),
}
RUN_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.Int64(),
    "as_of": pl.Date(),
    "status": pl.String(),
    "letters": pl.Int64(),
    "created_by": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
    "released_by": pl.String(),
    "released_at": pl.Datetime("us", "UTC"),
    "letter_date": pl.Date(),
}
LETTER_SCHEMA: dict[str, pl.DataType] = {
    "letter_id": pl.Int64(),
    "run_id": pl.Int64(),
    "customer_id": pl.String(),
    "customer_name": pl.String(),
    "language": pl.String(),
    "level": pl.Int64(),
    "kind": pl.String(),
    "currency": pl.String(),
    "open": pl.Decimal(18, 2),
    "credits": pl.Decimal(18, 2),
    "interest": pl.Decimal(18, 2),
    "compensation": pl.Decimal(18, 2),
    "total": pl.Decimal(18, 2),
    "removed_reason": pl.String(),
    "contact_id": pl.Int64(),
}
LINE_SCHEMA: dict[str, pl.DataType] = {
    "line_id": pl.Int64(),
    "letter_id": pl.Int64(),
    "customer_id": pl.String(),
    "_item_key": pl.String(),
    "doc_no": pl.String(),
    "due_date": pl.Date(),
    "amount": pl.Decimal(18, 2),
    "days_overdue": pl.Int64(),
    "interest": pl.Decimal(18, 2),
    "is_credit": pl.Boolean(),
    "level": pl.Int64(),
    "previous_level": pl.Int64(),
    "removed_reason": pl.String(),
}


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


# --- blocks --------------------------------------------------------------------------------------


def add_block(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    reason: str,
    ends_on: date,
    today: date,
    note: str = "",
    item_key: str | None = None,
    doc_no: str | None = None,
) -> int:
    """Block a customer (or one of its items, ``item_key``) from dunning until ``ends_on`` (included).

    The customer's collector, a lead or an admin; ``reason`` from :data:`MANUAL_REASONS`; the end
    date from today to a year ahead. Audited as ``add_dunning_block``; returns the block's id.
    """
    if reason not in MANUAL_REASONS:
        raise InvalidInput("reason", f"choose one of {', '.join(MANUAL_REASONS)}, not {reason!r}")
    if not isinstance(ends_on, date) or ends_on < today:
        raise InvalidInput("ends_on", "a block ends today or later")
    if ends_on > today + timedelta(days=MAX_BLOCK_DAYS):
        raise InvalidInput("ends_on", "a block lasts at most a year; set a new one when it ends")
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput("note", f"a note has at most {MAX_TEXT} characters")
    check_customer_access(engine, actor, customer_id, write=True)
    values = {
        "customer_id": customer_id,
        "item_key": item_key,
        "doc_no": doc_no,
        "reason": reason,
        "note": note or None,
        "starts_on": today,
        "ends_on": ends_on,
        "created_by": actor.username,
        "created_at": utcnow(),
    }
    with write_transaction(engine, actor) as conn:
        block_id = conn.execute(
            sa.insert(DunningBlock).values(**values).returning(DunningBlock.id)
        ).scalar_one()
        record(conn, actor, "add_dunning_block", "dunning_block", block_id, after=values)
    return int(block_id)


def lift_block(engine: sa.Engine, actor: Actor, block_id: int, *, note: str) -> None:
    """End a block before its end date (the customer's collector, a lead or an admin), with a note."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput("note", "say why the block ends early")
    with engine.connect() as conn:
        row = conn.execute(sa.select(DunningBlock).where(DunningBlock.id == block_id)).first()
    if row is None:
        raise NotFound(f"no dunning block {block_id}")
    check_customer_access(engine, actor, row.customer_id, write=True)
    with write_transaction(engine, actor) as conn:
        if conn.execute(sa.select(DunningBlock.lifted_at).where(DunningBlock.id == block_id)).scalar():
            raise ArDeskError(f"dunning block {block_id} was already lifted")
        values = {"lifted_by": actor.username, "lifted_at": utcnow(), "lift_note": note[:MAX_TEXT]}
        conn.execute(sa.update(DunningBlock).where(DunningBlock.id == block_id).values(**values))
        record(
            conn,
            actor,
            "lift_dunning_block",
            "dunning_block",
            block_id,
            before={"ends_on": row.ends_on.isoformat()},
            after=values,
        )


def _status(row: Any, as_of: date) -> str:
    if row.lifted_at is not None:
        return "lifted"
    if row.starts_on > as_of:
        return "scheduled"
    return "active" if row.ends_on is None or row.ends_on >= as_of else "ended"


def list_blocks(
    engine: sa.Engine, actor: Actor, *, as_of: date, customer_id: str | None = None, active_only: bool = False
) -> pl.DataFrame:
    """The dunning blocks ``actor`` may read (:data:`BLOCK_SCHEMA`) with their status at ``as_of``
    (active, ended, lifted, scheduled), newest first: the history of every block."""
    query = sa.select(DunningBlock).order_by(DunningBlock.id.desc())
    if customer_id is not None:
        check_customer_access(engine, actor, customer_id, write=False)
        query = query.where(DunningBlock.customer_id == customer_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [
        (
            r.id,
            r.customer_id,
            r.item_key,
            r.doc_no,
            r.reason,
            MANUAL_REASONS.get(r.reason, r.reason),
            r.note,
            r.starts_on,
            r.ends_on,
            _status(r, as_of),
            r.created_by,
            r.created_at,
            r.lifted_by,
            r.lifted_at,
            r.lift_note,
        )
        for r in rows
    ]
    frame = in_portfolio(
        pl.DataFrame(records, schema=BLOCK_SCHEMA, orient="row"), readable_customers(engine, actor)
    )
    return frame.filter(pl.col("status") == "active") if active_only else frame


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


def _optional(name: str) -> Any:
    """A service of another recovery capability, or ``None`` while it has not landed."""
    import ar_core.recovery as facade

    try:
        return getattr(facade, name)
    except (AttributeError, ImportError):
        return None


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
    out = {}
    for row in frame.iter_rows(named=True):
        row["language"] = letter_language(row)
        out[row["customer_id"]] = row
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
    # payment plans, legal handover: the other capabilities' services
    in_plans = _optional("items_in_active_plans")  # TODO(plans): skipped until items_in_active_plans lands
    if in_plans is not None:
        out += [(k, "payment_plan", "in an active payment plan") for k in in_plans(engine)]
    in_legal = _optional("items_in_legal")  # TODO(legal): skipped until items_in_legal lands
    if in_legal is not None:
        out += [(k, "legal", "handed over to legal") for k in in_legal(engine)]
    insolvent = _optional("customers_in_insolvency")  # TODO(law): skipped until customers_in_insolvency lands
    if insolvent is not None:
        ids = insolvent(engine, as_of)
        out += [
            (k, "insolvency", "customer in insolvency")
            for k in keyed.filter(pl.col("customer_id").is_in(list(ids)))["_item_key"]
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


# --- runs ----------------------------------------------------------------------------------------


def propose_dunning_run(engine: sa.Engine, actor: Actor, as_of: date) -> int:
    """Store the proposal of a run as of ``as_of`` for review; returns the run's id.

    Refused while another run is under review. Audited as ``propose_dunning_run``.
    """
    actor.require(*RUN_ROLES, doing="propose a dunning run")
    proposal = preview_run(engine, actor, as_of)
    _items, snapshot_id = _ledger(engine, actor, as_of)
    with write_transaction(engine, actor) as conn:
        waiting = conn.execute(sa.select(DunningRun.id).where(DunningRun.status == "proposed")).scalar()
        if waiting is not None:
            raise ArDeskError(f"dunning run {waiting} is still under review: release or discard it first")
        run_id = conn.execute(
            sa.insert(DunningRun)
            .values(
                as_of=as_of,
                snapshot_id=snapshot_id,
                status="proposed",
                created_by=actor.username,
                created_at=utcnow(),
            )
            .returning(DunningRun.id)
        ).scalar_one()
        for letter in proposal.letters:
            _insert_letter(conn, run_id, letter)
        record(
            conn,
            actor,
            "propose_dunning_run",
            "dunning_run",
            run_id,
            after={"as_of": as_of.isoformat(), "letters": len(proposal.letters)},
        )
    return int(run_id)


def _letter_values(letter: ProposedLetter) -> dict[str, Any]:
    return {
        "level": letter.level,
        "kind": letter.kind,
        "open_cents": to_cents(letter.open),
        "credits_cents": to_cents(letter.credits),
        "interest_cents": to_cents(letter.interest_total),
        "compensation_cents": to_cents(letter.compensation),
        "total_cents": to_cents(letter.total),
    }


def _insert_letter(conn: sa.Connection, run_id: int, letter: ProposedLetter) -> None:
    letter_id = conn.execute(
        sa.insert(DunningLetter)
        .values(
            run_id=run_id,
            customer_id=letter.customer_id,
            company_code=letter.company_code,
            currency=letter.currency,
            language=letter.language,
            **_letter_values(letter),
        )
        .returning(DunningLetter.id)
    ).scalar_one()
    conn.execute(
        sa.insert(DunningLine),
        [
            {
                "letter_id": letter_id,
                "item_key": x.item_key,
                "doc_no": x.doc_no,
                "doc_date": x.doc_date,
                "due_date": x.due_date,
                "amount_cents": to_cents(x.amount),
                "days_overdue": x.days_overdue,
                "interest_cents": to_cents(x.interest),
                "is_credit": x.is_credit,
                "level": x.level,
                "previous_level": x.previous_level,
            }
            for x in letter.lines
        ],
    )


def _run_row(conn: sa.Connection, run_id: int) -> Any:
    row = conn.execute(sa.select(DunningRun).where(DunningRun.id == run_id)).first()
    if row is None:
        raise NotFound(f"no dunning run {run_id}")
    return row


def _stored_letter(letter: Any, lines: Sequence[Any]) -> tuple[ProposedLetter, list[LetterLine]]:
    kept = [
        LetterLine(
            x.item_key,
            x.doc_no,
            x.doc_date,
            x.due_date,
            from_cents(x.amount_cents),
            x.days_overdue,
            from_cents(x.interest_cents),
            x.is_credit,
            x.level,
            x.previous_level,
        )
        for x in lines
        if x.removed_reason is None
    ]
    proposed = ProposedLetter(
        letter.customer_id,
        letter.currency,
        letter.language,
        letter.level,
        letter.company_code,
        tuple(kept),
        from_cents(letter.open_cents),
        from_cents(letter.credits_cents),
        from_cents(letter.interest_cents),
        from_cents(letter.compensation_cents),
        from_cents(letter.total_cents),
    )
    return proposed, kept


def remove_from_run(
    engine: sa.Engine,
    actor: Actor,
    run_id: int,
    *,
    reason: str,
    customer_id: str | None = None,
    line_id: int | None = None,
) -> None:
    """Take a customer's letter (``customer_id``) or one line (``line_id``) out of a proposed run,
    with a reason (leads and admins; audited). A letter left without invoices is removed with it;
    the rest of the letter is recomputed (level, interest, compensation, total)."""
    actor.require(*LEAD_ROLES, doing="review a dunning run")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason", "say why it is taken out of the run")
    if (customer_id is None) == (line_id is None):
        raise InvalidInput("customer_id", "remove either a customer's letter or one line")
    _interest, compensation = _rules(engine)
    with write_transaction(engine, actor) as conn:
        if _run_row(conn, run_id).status != "proposed":
            raise ArDeskError(f"dunning run {run_id} is no longer under review")
        letters = sa.select(DunningLetter).where(
            DunningLetter.run_id == run_id, DunningLetter.removed_reason.is_(None)
        )
        if customer_id is not None:
            targets = conn.execute(letters.where(DunningLetter.customer_id == customer_id)).all()
            if not targets:
                raise NotFound(f"no letter to {customer_id} in run {run_id}")
            for letter in targets:
                _remove_letter(conn, actor, letter.id, reason)
            record(
                conn,
                actor,
                "remove_from_dunning_run",
                "dunning_run",
                run_id,
                after={"customer_id": customer_id, "reason": reason},
            )
            return
        line = conn.execute(sa.select(DunningLine).where(DunningLine.id == line_id)).first()
        letter = (
            None if line is None else conn.execute(letters.where(DunningLetter.id == line.letter_id)).first()
        )
        if line is None or letter is None or line.removed_reason is not None:
            raise NotFound(f"no line {line_id} in run {run_id}")
        conn.execute(
            sa.update(DunningLine)
            .where(DunningLine.id == line_id)
            .values(removed_reason=reason, removed_by=actor.username)
        )
        lines = conn.execute(sa.select(DunningLine).where(DunningLine.letter_id == letter.id)).all()
        proposed, kept = _stored_letter(letter, lines)
        country = _customers(engine, [letter.customer_id]).get(letter.customer_id, {}).get("country")
        smaller = rebuild(proposed, kept, country, compensation)
        if smaller is None:
            _remove_letter(conn, actor, letter.id, f"no invoice left ({reason})")
        else:
            conn.execute(
                sa.update(DunningLetter)
                .where(DunningLetter.id == letter.id)
                .values(**_letter_values(smaller))
            )
        record(
            conn,
            actor,
            "remove_from_dunning_run",
            "dunning_run",
            run_id,
            after={"customer_id": letter.customer_id, "doc_no": line.doc_no, "reason": reason},
        )


def _remove_letter(conn: sa.Connection, actor: Actor, letter_id: int, reason: str) -> None:
    conn.execute(
        sa.update(DunningLetter)
        .where(DunningLetter.id == letter_id)
        .values(removed_reason=reason, removed_by=actor.username)
    )


def discard_run(engine: sa.Engine, actor: Actor, run_id: int, *, reason: str) -> None:
    """Drop a run under review (leads and admins; audited with the reason): nothing is sent."""
    actor.require(*LEAD_ROLES, doing="discard a dunning run")
    if not (reason or "").strip():
        raise InvalidInput("reason", "say why the run is discarded")
    with write_transaction(engine, actor) as conn:
        if _run_row(conn, run_id).status != "proposed":
            raise ArDeskError(f"dunning run {run_id} is no longer under review")
        conn.execute(sa.update(DunningRun).where(DunningRun.id == run_id).values(status="discarded"))
        record(conn, actor, "discard_dunning_run", "dunning_run", run_id, after={"reason": reason.strip()})


def release_run(engine: sa.Engine, actor: Actor, run_id: int, *, letter_date: date) -> int:
    """Release a reviewed run (leads and admins): each remaining letter is logged in its customer's
    contact log (a letter, with a call planned after the pay-by date) and keeps its rendering
    context; the items' levels rise with it. Returns the number of letters released."""
    from ar_core.collections import insert_contacts, validated_entry
    from ar_core.settings import get_letterhead

    actor.require(*LEAD_ROLES, doing="release a dunning run")
    letterhead = get_letterhead(engine)
    with engine.connect() as conn:
        run = _run_row(conn, run_id)
        letters = conn.execute(
            sa.select(DunningLetter).where(
                DunningLetter.run_id == run_id, DunningLetter.removed_reason.is_(None)
            )
        ).all()
        lines = conn.execute(
            sa.select(DunningLine)
            .join(DunningLetter, DunningLetter.id == DunningLine.letter_id)
            .where(DunningLetter.run_id == run_id)
        ).all()
    if letter_date < run.as_of:
        raise InvalidInput("letter_date", "a letter is dated on or after the run's as-of date")
    customers = _customers(engine, [x.customer_id for x in letters])
    pay_by = letter_date + timedelta(days=PAY_WITHIN_DAYS)
    prepared = []
    for letter in letters:
        proposed, _kept = _stored_letter(letter, [x for x in lines if x.letter_id == letter.id])
        context = _context(
            proposed,
            customers.get(letter.customer_id, {"customer_id": letter.customer_id}),
            letterhead,
            letter_date,
            run.as_of,
            f"D{run_id}-{letter.customer_id}",
            pay_by,
        )
        notes = (
            f"Dunning run {run_id}: {proposed.kind.replace('_', ' ')} (level {proposed.level}) sent, "
            f"{len(proposed.invoices)} invoice(s), total {proposed.total} {proposed.currency}, "
            f"pay by {pay_by:%d.%m.%Y}"
        )
        entry = validated_entry(
            {
                "customer_id": letter.customer_id,
                "channel": "letter",
                "outcome": "reached",
                "notes": notes,
                "next_action": "call",
                "next_action_date": pay_by + timedelta(days=1),
                # the letter's date, unless it lies ahead (a contact is never logged in the future)
                "contacted_at": letter_date if letter_date < utcnow().date() else None,
            }
        )
        prepared.append((letter.id, context, entry))
    with write_transaction(engine, actor) as conn:
        if _run_row(conn, run_id).status != "proposed":
            raise ArDeskError(f"dunning run {run_id} is no longer under review")
        for letter_id, context, entry in prepared:
            (contact_id,) = insert_contacts(conn, actor, [entry])
            conn.execute(
                sa.update(DunningLetter)
                .where(DunningLetter.id == letter_id)
                .values(context_json=json.dumps(context, default=str), contact_id=contact_id)
            )
        conn.execute(
            sa.update(DunningRun)
            .where(DunningRun.id == run_id)
            .values(
                status="released", released_by=actor.username, released_at=utcnow(), letter_date=letter_date
            )
        )
        record(
            conn,
            actor,
            "release_dunning_run",
            "dunning_run",
            run_id,
            after={"letters": len(prepared), "letter_date": letter_date.isoformat()},
        )
    return len(prepared)


def _context(  # noqa: PLR0917 - a letter's facts
    letter: ProposedLetter,
    customer: Mapping[str, Any],
    letterhead: Mapping[str, Any],
    letter_date: date,
    as_of: date,
    reference: str,
    pay_by: date,
) -> dict[str, Any]:
    """What a letter is rendered from (JSON-able): the arguments of ``letters.make_letter``."""
    return {
        "kind": letter.kind,
        "language": letter.language,
        "currency": letter.currency,
        "customer": {
            k: customer.get(k)
            for k in (
                "customer_id",
                "name",
                "street",
                "postcode",
                "city",
                "country",
                "contact_name",
                "language",
            )
        },
        "contact_email": customer.get("contact_email"),
        "letterhead": dict(letterhead),
        "letter_date": letter_date.isoformat(),
        "as_of": as_of.isoformat(),
        "reference": reference,
        "pay_by": pay_by.isoformat(),
        "compensation": str(letter.compensation),
        "level": letter.level,
        "items": [
            {
                "doc_no": x.doc_no,
                "doc_date": x.doc_date and x.doc_date.isoformat(),
                "due_date": x.due_date and x.due_date.isoformat(),
                "amount": str(x.amount),
                "currency": letter.currency,
                "days_overdue": x.days_overdue,
                "interest": str(x.interest),
                "is_credit": x.is_credit,
            }
            for x in letter.lines
        ],
    }


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def letter_from_context(context: Mapping[str, Any]) -> Any:
    """The ``letters.Letter`` of a stored (or preview) context."""
    from ar_core.recovery import make_letter

    items = [
        {
            **i,
            "doc_date": _day(i["doc_date"]),
            "due_date": _day(i["due_date"]),
            "amount": Decimal(i["amount"]),
            "interest": Decimal(i["interest"]),
        }
        for i in context["items"]
    ]
    return make_letter(
        context["kind"],
        customer=context["customer"],
        letterhead=context["letterhead"],
        letter_date=_day(context["letter_date"]),
        items=items,
        as_of=_day(context["as_of"]),
        reference=context["reference"],
        pay_by=_day(context["pay_by"]),
        compensation=Decimal(context["compensation"]),
        currency=context["currency"],
        language=context["language"],
    )


def preview_contexts(engine: sa.Engine, actor: Actor, proposal: RunProposal, letter_date: date) -> list[dict]:
    """The rendering contexts of a proposal's letters (for the CLI and a look before release)."""
    from ar_core.settings import get_letterhead

    customers = _customers(engine, [x.customer_id for x in proposal.letters])
    for cid in customers:
        check_customer_access(engine, actor, cid, write=False)
    head = get_letterhead(engine)
    pay_by = letter_date + timedelta(days=PAY_WITHIN_DAYS)
    return [
        _context(
            x,
            customers.get(x.customer_id, {"customer_id": x.customer_id}),
            head,
            letter_date,
            proposal.as_of,
            f"P{proposal.as_of:%Y%m%d}-{x.customer_id}",
            pay_by,
        )
        for x in proposal.letters
    ]


# --- reading runs --------------------------------------------------------------------------------


def list_runs(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Every run, newest first (:data:`RUN_SCHEMA`), with its letters in ``actor``'s portfolio."""
    actor.require(*RUN_ROLES, "controller", doing="see dunning runs")
    letters = run_letters(engine, actor, None)
    counts = dict(letters.filter(pl.col("removed_reason").is_null()).group_by("run_id").len().iter_rows())
    with engine.connect() as conn:
        rows = conn.execute(sa.select(DunningRun).order_by(DunningRun.id.desc())).all()
    records = [
        (
            r.id,
            r.as_of,
            r.status,
            counts.get(r.id, 0),
            r.created_by,
            r.created_at,
            r.released_by,
            r.released_at,
            r.letter_date,
        )
        for r in rows
    ]
    return pl.DataFrame(records, schema=RUN_SCHEMA, orient="row")


def run_letters(engine: sa.Engine, actor: Actor, run_id: int | None) -> pl.DataFrame:
    """The letters of a run (every run: ``None``) ``actor`` may read (:data:`LETTER_SCHEMA`), removed too."""
    from ar_core.ledger import all_customers

    query = sa.select(DunningLetter).order_by(DunningLetter.run_id.desc(), DunningLetter.customer_id)
    if run_id is not None:
        query = query.where(DunningLetter.run_id == run_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    names = dict(all_customers(engine).select("customer_id", "name").iter_rows())
    records = [
        (
            r.id,
            r.run_id,
            r.customer_id,
            names.get(r.customer_id),
            r.language,
            r.level,
            r.kind,
            r.currency,
            from_cents(r.open_cents),
            from_cents(r.credits_cents),
            from_cents(r.interest_cents),
            from_cents(r.compensation_cents),
            from_cents(r.total_cents),
            r.removed_reason,
            r.contact_id,
        )
        for r in rows
    ]
    return in_portfolio(
        pl.DataFrame(records, schema=LETTER_SCHEMA, orient="row"), readable_customers(engine, actor)
    )


def run_lines(engine: sa.Engine, actor: Actor, run_id: int) -> pl.DataFrame:
    """The lines of a run's letters ``actor`` may read (:data:`LINE_SCHEMA`), removed ones too."""
    query = (
        sa.select(DunningLine.__table__, DunningLetter.customer_id.label("owner"))
        .join(DunningLetter, DunningLetter.id == DunningLine.letter_id)
        .where(DunningLetter.run_id == run_id)
        .order_by(DunningLetter.customer_id, DunningLine.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [
        (
            x.id,
            x.letter_id,
            cid,
            x.item_key,
            x.doc_no,
            x.due_date,
            from_cents(x.amount_cents),
            x.days_overdue,
            from_cents(x.interest_cents),
            x.is_credit,
            x.level,
            x.previous_level,
            x.removed_reason,
        )
        for x in rows
        for cid in [x.owner]
    ]
    return in_portfolio(
        pl.DataFrame(records, schema=LINE_SCHEMA, orient="row"), readable_customers(engine, actor)
    )


def released_letters(
    engine: sa.Engine, actor: Actor, run_id: int, customer_id: str | None = None
) -> list[Any]:
    """The ``Letter`` objects of a released run (one customer's, or all ``actor`` may read)."""
    scope = readable_customers(engine, actor)
    query = (
        sa.select(DunningLetter)
        .where(
            DunningLetter.run_id == run_id,
            DunningLetter.removed_reason.is_(None),
            DunningLetter.context_json.is_not(None),
        )
        .order_by(DunningLetter.customer_id)
    )
    if customer_id is not None:
        check_customer_access(engine, actor, customer_id, write=False)
        query = query.where(DunningLetter.customer_id == customer_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        letter_from_context(json.loads(r.context_json))
        for r in rows
        if scope is None or r.customer_id in scope
    ]


def run_pdf(engine: sa.Engine, actor: Actor, run_id: int, customer_id: str | None = None) -> bytes:
    """One PDF of a released run's letters (or one customer's letter)."""
    from ar_core.recovery import letters_pdf

    letters = released_letters(engine, actor, run_id, customer_id)
    if not letters:
        raise NotFound(f"run {run_id} has no released letter" + (f" to {customer_id}" if customer_id else ""))
    return letters_pdf(letters)


def letter_eml_draft(engine: sa.Engine, actor: Actor, run_id: int, customer_id: str) -> bytes:
    """The e-mail draft (.eml) of a customer's released letter, the PDF attached."""
    from ar_core.recovery import letter_eml, letters_pdf

    letters = released_letters(engine, actor, run_id, customer_id)
    if not letters:
        raise NotFound(f"run {run_id} has no released letter to {customer_id}")
    with engine.connect() as conn:
        raw = conn.execute(
            sa.select(DunningLetter.context_json).where(
                DunningLetter.run_id == run_id,
                DunningLetter.customer_id == customer_id,
                DunningLetter.removed_reason.is_(None),
            )
        ).scalar()
    to = json.loads(raw).get("contact_email") if raw else None
    return letter_eml(letters[0], letters_pdf(letters[:1]), to=to or None)


# --- the overview --------------------------------------------------------------------------------

#: Snapshots the trend looks back over.
TREND_SNAPSHOTS = 12


def dunning_summary(
    engine: sa.Engine, actor: Actor, as_of: date, next_run: date | None = None
) -> dict[str, Any]:
    """The Dunning page's overview of ``actor``'s portfolio at ``as_of`` (frames of ``dunning_overview``):
    ``recorded`` and ``by_days`` (items and customers per level: AR Desk's letters and the procedure's
    days overdue), ``due`` (the letters a run on ``next_run`` would propose) and ``held`` (customers
    it would hold back, and why), ``blocked`` (items per block reason), ``mismatches`` (ERP level
    against the procedure) and ``trend`` (levels per snapshot)."""
    from ar_core.ledger import ledger_items, list_snapshots, open_items
    from ar_core.recovery.dunning_overview import (
        blocked_summary,
        erp_mismatches,
        letters_due,
        level_summary,
        level_trend,
        with_levels,
    )

    actor.require(*RUN_ROLES, "controller", doing="see the dunning overview")
    items, _sid = _ledger(engine, actor, as_of)
    procedures = dunning_procedures(engine, actor)
    leveled = with_levels(items, _levels(engine), procedures, as_of)
    blocked = blocked_items(engine, actor, items, procedures, as_of)
    proposal = preview_run(engine, actor, next_run or as_of)
    scope = readable_customers(engine, actor)
    listing = list_snapshots(engine).filter(pl.col("as_of") <= as_of).sort("as_of").tail(TREND_SNAPSHOTS)
    history = [
        (
            row["as_of"],
            in_portfolio(open_items(ledger_items(engine, row["snapshot_id"]), row["as_of"]), scope),
        )
        for row in listing.iter_rows(named=True)
    ]
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
        "trend": level_trend(history, procedures),
    }
