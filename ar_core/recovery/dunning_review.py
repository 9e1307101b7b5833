"""A dunning run's review: proposed as of a date and stored, customers or lines taken out with a
reason (the letter recomputed), discarded, or released into the contact log.

Releasing writes each letter into its customer's contact log (a letter, with a call planned the
day after the pay-by date) and keeps its rendering context as JSON, so its PDF and e-mail are
rendered again, identical, whenever they are downloaded; the items' dunning levels rise with it
(``dunning.dunning_levels`` reads them from the released letters). One run is under review at a
time: two open proposals would send two letters for the same invoices.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, record
from ar_core.errors import ArDeskError, InvalidInput, NotFound
from ar_core.money import from_cents, to_cents
from ar_core.recovery.dunning import LEAD_ROLES, RUN_ROLES, _customers, _rules, preview_run
from ar_core.recovery.dunning_run import (
    PAY_WITHIN_DAYS,
    LetterLine,
    ProposedLetter,
    RunProposal,
    rebuild,
)
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    DunningLetter,
    DunningLine,
    DunningRun,
    utcnow,
)

# --- runs ----------------------------------------------------------------------------------------


def propose_dunning_run(engine: sa.Engine, actor: Actor, as_of: date) -> int:
    """Store the proposal of a run as of ``as_of`` for review; returns the run's id.

    Refused while another run is under review. Audited as ``propose_dunning_run``.
    """
    actor.require(*RUN_ROLES, doing="propose a dunning run")
    proposal = preview_run(engine, actor, as_of)
    from ar_core.collections import snapshot_for

    snapshot_id, _snapshot_as_of = snapshot_for(engine, as_of)
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


def _run_contexts(
    engine: sa.Engine, run_id: int, letter_date: date, customer_id: str | None = None
) -> list[tuple[int, str, ProposedLetter, dict[str, Any]]]:
    """``(letter_id, customer_id, letter, rendering context)`` of a run's letters not removed."""
    from ar_core.settings import get_letterhead

    query = sa.select(DunningLetter).where(
        DunningLetter.run_id == run_id, DunningLetter.removed_reason.is_(None)
    )
    if customer_id is not None:
        query = query.where(DunningLetter.customer_id == customer_id)
    with engine.connect() as conn:
        run = _run_row(conn, run_id)
        letters = conn.execute(query.order_by(DunningLetter.customer_id)).all()
        lines = conn.execute(
            sa.select(DunningLine)
            .join(DunningLetter, DunningLetter.id == DunningLine.letter_id)
            .where(DunningLetter.run_id == run_id)
        ).all()
    if letter_date < run.as_of:
        raise InvalidInput("letter_date", "a letter is dated on or after the run's as-of date")
    customers = _customers(engine, [x.customer_id for x in letters])
    letterhead = get_letterhead(engine)
    pay_by = letter_date + timedelta(days=PAY_WITHIN_DAYS)
    out = []
    for letter in letters:
        proposed, _kept = _stored_letter(letter, [x for x in lines if x.letter_id == letter.id])
        customer = customers.get(letter.customer_id, {"customer_id": letter.customer_id})
        context = _context(
            proposed, customer, letterhead, letter_date, run.as_of, f"D{run_id}-{letter.customer_id}", pay_by
        )
        out.append((letter.id, letter.customer_id, proposed, context))
    return out


def preview_letter(engine: sa.Engine, actor: Actor, run_id: int, customer_id: str, letter_date: date) -> Any:
    """The ``Letter`` a customer would get if the run under review were released on ``letter_date``."""
    check_customer_access(engine, actor, customer_id, write=False)
    found = _run_contexts(engine, run_id, letter_date, customer_id)
    if not found:
        raise NotFound(f"no letter to {customer_id} in run {run_id}")
    return letter_from_context(found[0][3])


def release_run(engine: sa.Engine, actor: Actor, run_id: int, *, letter_date: date) -> int:
    """Release a reviewed run (leads and admins): each remaining letter is logged in its customer's
    contact log (a letter, with a call planned after the pay-by date) and keeps its rendering
    context; the items' levels rise with it. Returns the number of letters released."""
    from ar_core.collections import insert_contacts, validated_entry

    actor.require(*LEAD_ROLES, doing="release a dunning run")
    pay_by = letter_date + timedelta(days=PAY_WITHIN_DAYS)
    prepared = []
    for letter_id, customer_id, proposed, context in _run_contexts(engine, run_id, letter_date):
        notes = (
            f"Dunning run {run_id}: {proposed.kind.replace('_', ' ')} (level {proposed.level}) sent, "
            f"{len(proposed.invoices)} invoice(s), total {proposed.total} {proposed.currency}, "
            f"pay by {pay_by:%d.%m.%Y}"
        )
        entry = validated_entry(
            {
                "customer_id": customer_id,
                "channel": "letter",
                "outcome": "reached",
                "notes": notes,
                "next_action": "call",
                "next_action_date": pay_by + timedelta(days=1),
                # the letter's date, unless it lies ahead (a contact is never logged in the future)
                "contacted_at": letter_date if letter_date < utcnow().date() else None,
            }
        )
        prepared.append((letter_id, context, entry))
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
