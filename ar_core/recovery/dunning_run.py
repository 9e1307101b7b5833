"""A dunning run as of a date: ONE proposed letter per customer, never one per item or per level.

The letter covers every overdue, unblocked invoice of the customer that has reached a level (see
:mod:`ar_core.recovery.procedure`: by days overdue, one level per letter), at the highest level any
of them reached, and lists the customer's credit notes and payments on account as negative lines
netted against them. Each invoice shows its statutory interest and the letter its compensation
(EUR 40 per invoice, or the Dutch collection-cost scale) — computed here and shown on the
proposal, never added silently. A letter is proposed only when something changed (an invoice
reaches a level it has not had a letter for), the net of invoices and credits is at least the
procedure's minimum, and the customer's last letter is at least the minimum days back; otherwise
the customer is *held* with the reason. Items in another currency get a letter of their own (a
letter's totals are in one currency). Pure: the interest and compensation rules are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from ar_core.recovery.procedure import Procedure, due_level, letter_kind, procedure_for

#: ``interest(principal, due_date, as_of, country) -> Decimal`` (cents).
InterestRule = Callable[[Decimal, date, date, "str | None"], Decimal]
#: ``compensation(country, overdue_principals) -> Decimal``.
CompensationRule = Callable[["str | None", Sequence[Decimal]], Decimal]
#: Days the customer is given to pay after the letter date.
PAY_WITHIN_DAYS = 10
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: Items a run reads (open at the as-of date, with ``_item_key``).
ITEM_COLUMNS = (
    "customer_id",
    "company_code",
    "_item_key",
    "doc_no",
    "doc_date",
    "due_date",
    "amount",
    "currency",
)
#: AR Desk's dunning record per item (``dunning_levels``).
LEVEL_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "_item_key": pl.String(),
    "level": pl.Int64(),
    "last_letter_on": pl.Date(),
}
#: What holds items back: one row per reason; a null ``_item_key`` holds the whole customer.
BLOCKED_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "_item_key": pl.String(),
    "reason": pl.String(),
    "detail": pl.String(),
}
#: Customers with overdue items and no letter in this run, and why.
HELD_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "currency": pl.String(),
    "reason": pl.String(),
    "detail": pl.String(),
}


@dataclass(frozen=True)
class LetterLine:
    """One line of a letter: an overdue invoice (with interest) or a credit (negative, no interest)."""

    item_key: str
    doc_no: str
    doc_date: date | None
    due_date: date | None
    amount: Decimal
    days_overdue: int
    interest: Decimal
    is_credit: bool
    #: The level the invoice is dunned at with this letter (0 for a credit) and the one it had.
    level: int
    previous_level: int


@dataclass(frozen=True)
class ProposedLetter:
    """The letter one customer gets in a run (per currency), with its totals."""

    customer_id: str
    currency: str
    language: str
    level: int
    company_code: str | None
    lines: tuple[LetterLine, ...]
    open: Decimal
    credits: Decimal
    interest_total: Decimal
    compensation: Decimal
    total: Decimal

    @property
    def kind(self) -> str:
        """The letter kind of its level (reminder, dunning_2, dunning_3, final_notice)."""
        return letter_kind(self.level)

    @property
    def invoices(self) -> tuple[LetterLine, ...]:
        """The overdue invoices of the letter."""
        return tuple(line for line in self.lines if not line.is_credit)


@dataclass(frozen=True)
class RunProposal:
    """The letters a run proposes and the customers it holds back."""

    as_of: date
    letters: tuple[ProposedLetter, ...]
    held: pl.DataFrame


def _levels_map(levels: pl.DataFrame) -> tuple[dict[str, int], dict[str, date]]:
    by_item = {k: int(v) for k, v in zip(levels["_item_key"], levels["level"], strict=True) if k is not None}
    last: dict[str, date] = {}
    for customer, day in zip(levels["customer_id"], levels["last_letter_on"], strict=True):
        if day is not None and (customer not in last or day > last[customer]):
            last[customer] = day
    return by_item, last


def _blocks_map(blocked: pl.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Reason per blocked item and per blocked customer (the first reason each)."""
    items: dict[str, str] = {}
    customers: dict[str, str] = {}
    for row in blocked.iter_rows(named=True):
        target = customers if row["_item_key"] is None else items
        target.setdefault(row["_item_key"] or row["customer_id"], row["reason"])
    return items, customers


def totals(
    lines: Sequence[LetterLine], country: str | None, compensation: CompensationRule
) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """``(open, credits, interest, compensation, total)`` of a letter's lines, to the cent."""
    debits = [line.amount for line in lines if not line.is_credit]
    open_ = sum(debits, ZERO)
    credits = sum((line.amount for line in lines if line.is_credit), ZERO)
    interest = sum((line.interest for line in lines), ZERO)
    comp = compensation(country, debits).quantize(CENT) if debits else ZERO
    return open_, credits, interest, comp, (open_ + credits + interest + comp).quantize(CENT)


def rebuild(
    letter: ProposedLetter, lines: Sequence[LetterLine], country: str | None, compensation: CompensationRule
) -> ProposedLetter | None:
    """The letter with only ``lines`` (a reviewer removed some), totals and level recomputed.

    ``None`` when no invoice is left: a letter of credits only is no dunning letter.
    """
    invoices = [line for line in lines if not line.is_credit]
    if not invoices:
        return None
    open_, credits, interest, comp, total = totals(lines, country, compensation)
    return replace(
        letter,
        lines=tuple(lines),
        level=max(line.level for line in invoices),
        open=open_,
        credits=credits,
        interest_total=interest,
        compensation=comp,
        total=total,
    )


def propose_run(  # noqa: PLR0917 - the run's inputs
    items: pl.DataFrame,
    customers: Mapping[str, Mapping[str, Any]],
    procedures: Mapping[str, Procedure],
    levels: pl.DataFrame,
    blocked: pl.DataFrame,
    as_of: date,
    interest: InterestRule,
    compensation: CompensationRule,
) -> RunProposal:
    """Propose the run's letters (see the module docstring).

    Args:
        items: the open items at ``as_of`` (:data:`ITEM_COLUMNS`).
        customers: customer id -> ``{"country", "language"}`` (the letter language already chosen).
        procedures: company code -> procedure (``*`` the default).
        levels: AR Desk's record of the letters sent (:data:`LEVEL_SCHEMA`).
        blocked: what holds items or whole customers back (:data:`BLOCKED_SCHEMA`).
    """
    by_item, last_letter = _levels_map(levels)
    item_blocks, customer_blocks = _blocks_map(blocked)
    letters: list[ProposedLetter] = []
    held: list[tuple[str, str, str, str]] = []
    frame = items.filter(pl.col("amount") != 0).sort("customer_id", "currency", "due_date", "doc_no")
    for (customer_id, currency), group in frame.group_by(["customer_id", "currency"], maintain_order=True):
        rows = list(group.iter_rows(named=True))
        overdue = [r for r in rows if r["amount"] > 0 and r["due_date"] is not None and r["due_date"] < as_of]
        if not overdue:
            continue
        outcome = _letter(
            customer_id,
            currency,
            rows,
            overdue,
            customers.get(customer_id, {}),
            procedures,
            (by_item, last_letter, item_blocks, customer_blocks),
            as_of,
            interest,
            compensation,
        )
        if isinstance(outcome, ProposedLetter):
            letters.append(outcome)
        elif outcome is not None:
            held.append((customer_id, currency, *outcome))
    return RunProposal(as_of, tuple(letters), pl.DataFrame(held, schema=HELD_SCHEMA, orient="row"))


def _letter(  # noqa: PLR0911, PLR0917 - each hold reason returns
    customer_id: str,
    currency: str,
    rows: list[dict],
    overdue: list[dict],
    customer: Mapping[str, Any],
    procedures: Mapping[str, Procedure],
    facts: tuple[dict, dict, dict, dict],
    as_of: date,
    interest: InterestRule,
    compensation: CompensationRule,
) -> ProposedLetter | tuple[str, str] | None:
    by_item, last_letter, item_blocks, customer_blocks = facts
    if customer_id in customer_blocks:
        return "blocked", customer_blocks[customer_id]
    free = [r for r in overdue if r["_item_key"] not in item_blocks]
    if not free:
        return "blocked", "every overdue item is blocked"
    country = customer.get("country")
    invoices: list[LetterLine] = []
    largest: dict[str | None, Decimal] = {}
    for r in free:
        procedure = procedure_for(procedures, r["company_code"])
        days = (as_of - r["due_date"]).days
        before = by_item.get(r["_item_key"], 0)
        level = due_level(days, before, procedure)
        if level < 1:
            continue
        largest[r["company_code"]] = largest.get(r["company_code"], ZERO) + r["amount"]
        amount = Decimal(r["amount"]).quantize(CENT)
        charge = Decimal(interest(amount, r["due_date"], as_of, country)).quantize(CENT)
        invoices.append(
            LetterLine(
                r["_item_key"],
                r["doc_no"],
                r["doc_date"],
                r["due_date"],
                amount,
                days,
                charge,
                False,
                level,
                before,
            )
        )
    if not invoices:
        return "not yet due", "no overdue item has reached level 1"
    if all(line.level <= line.previous_level for line in invoices):
        return "nothing new", "every item already had a letter at its level"
    company_code = max(largest, key=lambda c: largest[c])
    procedure = procedure_for(procedures, company_code)
    last = last_letter.get(customer_id)
    if last is not None and (as_of - last).days < procedure.min_days_between:
        return "too soon", f"last letter on {last:%d.%m.%Y}, {(as_of - last).days} days ago"
    credits = [
        LetterLine(
            r["_item_key"],
            r["doc_no"],
            r["doc_date"],
            r["due_date"],
            Decimal(r["amount"]).quantize(CENT),
            0,
            ZERO,
            True,
            0,
            0,
        )
        for r in rows
        if r["amount"] < 0 and r["_item_key"] not in item_blocks
    ]
    lines = (*invoices, *credits)
    open_, credit_sum, interest_total, comp, total = totals(lines, country, compensation)
    if open_ + credit_sum < procedure.min_amount or open_ + credit_sum <= 0:
        return "below minimum", f"net {open_ + credit_sum} {currency} below {procedure.min_amount}"
    level = max(line.level for line in invoices)
    return ProposedLetter(
        customer_id,
        currency,
        str(customer.get("language") or "en"),
        level,
        company_code,
        lines,
        open_,
        credit_sum,
        interest_total,
        comp,
        total,
    )


def letter_context(
    letter: ProposedLetter,
    customer: Mapping[str, Any],
    letterhead: Mapping[str, Any],
    *,
    letter_date: date,
    as_of: date,
    reference: str,
) -> dict[str, Any]:
    """The rendering context of a letter (the letters interface: letterhead, customer, items, totals)."""
    return {
        "letterhead": dict(letterhead),
        "customer": {
            k: customer.get(k)
            for k in ("customer_id", "name", "street", "postcode", "city", "country", "contact_name")
        },
        "letter_date": letter_date,
        "as_of": as_of,
        "reference": reference,
        "level": letter.level,
        "items": [
            {
                "doc_no": line.doc_no,
                "doc_date": line.doc_date,
                "due_date": line.due_date,
                "amount": line.amount,
                "currency": letter.currency,
                "days_overdue": line.days_overdue,
                "interest": line.interest,
                "is_credit": line.is_credit,
            }
            for line in letter.lines
        ],
        "totals": {
            "currency": letter.currency,
            "open": letter.open,
            "credits": letter.credits,
            "interest": letter.interest_total,
            "compensation": letter.compensation,
            "total": letter.total,
        },
        "pay_by": letter_date + timedelta(days=PAY_WITHIN_DAYS),
    }


def letter_json(letter: ProposedLetter) -> dict[str, Any]:
    """The ``dunning run --json`` object of a letter, exactly the issue's keys: amounts as decimal strings
    with two places, a credit a line with a negative amount and no interest (``0.00``)."""

    def money(value: Decimal) -> str:
        return f"{Decimal(value).quantize(CENT):.2f}"

    return {
        "customer_id": letter.customer_id,
        "language": letter.language,
        "level": letter.level,
        "items": [
            {
                "doc_no": line.doc_no,
                "amount": money(line.amount),
                "due_date": None if line.due_date is None else line.due_date.isoformat(),
                "days_overdue": line.days_overdue,
                "interest": money(line.interest),
            }
            for line in letter.lines
        ],
        "interest_total": money(letter.interest_total),
        "compensation": money(letter.compensation),
        "total": money(letter.total),
    }
