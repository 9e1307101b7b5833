"""The dunning procedure of a company code: its levels, when each is reached, and what holds a letter back.

A procedure has up to four levels (reminder, second and third dunning letter, final notice before
legal action). Level *n* is reached once an item is ``level_days[n-1]`` days overdue or more, and
an item climbs one level per letter: an invoice never dunned before gets a reminder however late
it is, so a final notice always follows the letters before it (the customer was warned). A letter
goes out only when the customer's overdue total net of its credits is at least ``min_amount`` and
the customer's last letter lies ``min_days_between`` days or more back. ``blocks`` names which
items are held back: disputed, promised, in a payment plan, handed over to legal, and every item
of a customer in insolvency. Pure: values in, values out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from ar_core.errors import InvalidInput

#: The letter kind of each level (1-based): the template the letter is written with.
LEVEL_KINDS: tuple[str, ...] = ("reminder", "dunning_2", "dunning_3", "final_notice")
#: Readable names of the levels, for pages.
LEVEL_LABELS: dict[int, str] = {
    1: "Reminder",
    2: "Dunning letter 2",
    3: "Dunning letter 3",
    4: "Final notice",
}
#: The automatic block reasons a procedure may switch on or off, with their labels.
BLOCK_REASONS: dict[str, str] = {
    "disputed": "Disputed",
    "promised": "Promised to pay",
    "payment_plan": "In a payment plan",
    "legal": "Handed over to legal",
    "insolvency": "Customer in insolvency",
}
#: The procedure used where a company code has none of its own.
DEFAULT_COMPANY_CODE = "*"
MAX_DAYS = 3_650
MAX_DAYS_BETWEEN = 365
MAX_MIN_AMOUNT = Decimal("1000000")


@dataclass(frozen=True)
class Procedure:
    """One company code's dunning procedure (see the module docstring)."""

    company_code: str = DEFAULT_COMPANY_CODE
    #: Days overdue at which level 1, 2, ... is reached (strictly increasing, 1 to 4 levels).
    level_days: tuple[int, ...] = (7, 21, 35, 49)
    #: The least overdue total, net of credits, a letter is sent for (the letter's currency).
    min_amount: Decimal = Decimal("25.00")
    #: The least number of days between two letters to the same customer.
    min_days_between: int = 14
    #: The automatic block reasons in force (keys of :data:`BLOCK_REASONS`).
    blocks: frozenset[str] = field(default_factory=lambda: frozenset(BLOCK_REASONS))

    @property
    def levels(self) -> int:
        """How many levels the procedure has."""
        return len(self.level_days)

    def as_dict(self) -> dict[str, Any]:
        """The procedure as plain values (audit records, the page's editor)."""
        return {
            "company_code": self.company_code,
            "level_days": list(self.level_days),
            "min_amount": str(self.min_amount),
            "min_days_between": self.min_days_between,
            "blocks": sorted(self.blocks),
        }


def default_procedure(company_code: str = DEFAULT_COMPANY_CODE) -> Procedure:
    """The default: levels at 7, 21, 35 and 49 days, EUR 25 minimum, 14 days between letters, every block."""
    return Procedure(company_code=company_code)


def _whole(value: Any, field_name: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(field_name, f"a whole number of days, not {value!r}") from None
    if not low <= number <= high:
        raise InvalidInput(field_name, f"between {low} and {high} days, not {number}")
    return number


def validate_procedure(values: Mapping[str, Any]) -> Procedure:
    """A :class:`Procedure` from plain values (an editor's input), or ``InvalidInput`` naming the field.

    ``level_days``: 1 to 4 whole numbers, strictly increasing, the first at least 1 day; ``min_amount``
    at least 0 with at most two decimals; ``min_days_between`` 0 to 365; ``blocks`` among
    :data:`BLOCK_REASONS`.
    """
    code = str(values.get("company_code") or DEFAULT_COMPANY_CODE).strip()
    if len(code) > 10:
        raise InvalidInput("company_code", "a company code has at most 10 characters")
    raw_days = values.get("level_days")
    if isinstance(raw_days, str):
        raw_days = [p for p in raw_days.replace(";", ",").split(",") if p.strip()]
    if not isinstance(raw_days, Sequence) or not 1 <= len(raw_days) <= len(LEVEL_KINDS):
        raise InvalidInput("level_days", f"a procedure has 1 to {len(LEVEL_KINDS)} levels")
    days = tuple(_whole(d, "level_days", 1, MAX_DAYS) for d in raw_days)
    if any(b <= a for a, b in pairwise(days)):
        raise InvalidInput("level_days", "each level starts more days overdue than the level before")
    try:
        amount = Decimal(str(values.get("min_amount", "25.00")).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput("min_amount", f"an amount, not {values.get('min_amount')!r}") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_MIN_AMOUNT:
        raise InvalidInput("min_amount", f"an amount from 0 to {MAX_MIN_AMOUNT}")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput("min_amount", "an amount has at most two decimals")
    between = _whole(values.get("min_days_between", 14), "min_days_between", 0, MAX_DAYS_BETWEEN)
    blocks = frozenset(values.get("blocks", BLOCK_REASONS))
    unknown = blocks - set(BLOCK_REASONS)
    if unknown:
        raise InvalidInput(
            "blocks", f"unknown block reason(s) {sorted(unknown)}: choose from {list(BLOCK_REASONS)}"
        )
    return Procedure(code, days, amount.quantize(Decimal("0.01")), between, blocks)


def level_by_days(days_overdue: int, procedure: Procedure) -> int:
    """The highest level whose threshold ``days_overdue`` has reached (0: not yet level 1)."""
    return sum(1 for threshold in procedure.level_days if days_overdue >= threshold)


def due_level(days_overdue: int, current_level: int, procedure: Procedure) -> int:
    """The level an item is dunned at now: by its days overdue, but at most one above its last letter.

    Never below the level it already has (a letter is not taken back), never above the procedure's last.
    """
    reached = level_by_days(days_overdue, procedure)
    return max(min(reached, current_level + 1, procedure.levels), min(current_level, procedure.levels))


def letter_kind(level: int) -> str:
    """The letter kind of a level: 1 reminder, 2 dunning_2, 3 dunning_3, 4 final_notice."""
    if not 1 <= level <= len(LEVEL_KINDS):
        raise InvalidInput("level", f"a dunning level is 1 to {len(LEVEL_KINDS)}, not {level}")
    return LEVEL_KINDS[level - 1]


def procedure_for(procedures: Mapping[str, Procedure], company_code: str | None) -> Procedure:
    """The company code's procedure, else the default one (``*``), else :func:`default_procedure`."""
    if company_code is not None and company_code in procedures:
        return procedures[company_code]
    return procedures.get(DEFAULT_COMPANY_CODE) or default_procedure()
