"""Reading dunning runs: the runs, their letters and lines as the acting user may read them, and
the released letters as PDF and e-mail draft (rendered from the stored context)."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, in_portfolio, readable_customers
from ar_core.errors import NotFound
from ar_core.money import from_cents
from ar_core.recovery.dunning import RUN_ROLES
from ar_core.recovery.dunning_review import letter_from_context
from ar_core.store.models import (
    DunningLetter,
    DunningLine,
    DunningRun,
)

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
    return letter_eml(
        letters[0], letters_pdf(letters[:1]), _statement(engine, actor, run_id, customer_id), to=to or None
    )


def _statement(
    engine: sa.Engine, actor: Actor, run_id: int, customer_id: str
) -> list[tuple[str, bytes, str]]:
    """The statement of account of the run's snapshot (XLSX) that rides along with the letter's e-mail."""
    from ar_core.ledger import customer_items
    from ar_core.recovery.dunning import _customers
    from ar_core.recovery.letter_files import statement_attachment

    with engine.connect() as conn:
        run = conn.execute(
            sa.select(DunningRun.as_of, DunningRun.snapshot_id).where(DunningRun.id == run_id)
        ).one()
    if run.snapshot_id is None:
        return []
    customer = _customers(engine, [customer_id]).get(customer_id, {"customer_id": customer_id})
    items = customer_items(engine, actor, int(run.snapshot_id), customer_id)
    return [statement_attachment(engine, actor, customer, items, run.as_of)]
