"""Letters to customers in their own language: reminders, dunning letters, statements, confirmations.

A :class:`Letter` is what to say (its kind), in which language, and the facts (its ``context``);
the wording is only in the templates ``ar_core/templates/letters/<kind>.<language>.j2`` so that a
native speaker reviews and changes it without touching code. Templates are rendered in Jinja2's
sandbox with strict undefined names: a customer name such as ``{{ 7*7 }}`` is printed as written,
never run, and a template asking for a fact the letter lacks fails loudly instead of printing a
blank. Amounts and dates reach the text through the locale formatting of
:mod:`ar_core.recovery.locale_format`.

The templates lay out tables through four helpers, so that the same template gives both the
plain text (e-mail body, golden files) and the PDF (:mod:`ar_core.recovery.pdf`):
``subject(text)``, ``meta(date=…, reference=…, customer_no=…, page=…)`` (labels of the reference
block), ``items_table(doc_no=…, doc_date=…, due_date=…, days_overdue=…, amount=…, interest=…)``,
``totals_table(open=…, credits=…, interest=…, compensation=…, total=…)`` and
``table(rows, key=label, …)``; the keyword order is the column order. Filters: ``money``
(``{{ totals.total|money }}``, another currency ``|money("USD")``), ``day`` (``|day``,
``|day("short")``), ``number`` and ``add_days`` (``{{ letter_date|add_days(14) }}``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, pass_context
from jinja2.sandbox import SandboxedEnvironment

from ar_core.errors import ArDeskError, InvalidInput
from ar_core.recovery.locale_format import LOCALES, format_date, format_money, format_number

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "letters"
#: Every kind of letter, in the order a customer would meet them.
LETTER_KINDS: tuple[str, ...] = (
    "reminder",
    "dunning_2",
    "dunning_3",
    "final_notice",
    "statement",
    "payment_plan",
    "refund",
    "reconciliation",
)
#: The letters of the dunning procedure, by level (1 = the friendly payment reminder).
DUNNING_KINDS: dict[int, str] = {1: "reminder", 2: "dunning_2", 3: "dunning_3", 4: "final_notice"}
LETTER_LANGUAGES: tuple[str, ...] = tuple(LOCALES)
#: Correspondence language by country when the customer record names none we write in.
COUNTRY_LANGUAGES: dict[str, str] = {
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "NL": "nl",
    "BE": "nl",
    "FR": "fr",
    "LU": "fr",
}
#: The language when neither the record's language nor its country gives one.
FALLBACK_LANGUAGE = "en"
#: Context keys every letter has, and those a kind adds.
BASE_KEYS = ("letterhead", "customer", "letter_date", "as_of", "reference", "items", "totals", "pay_by")
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "payment_plan": ("plan",),
    "refund": ("refund",),
    "reconciliation": ("reconciliation",),
}
ITEM_COLUMNS = ("doc_no", "doc_date", "due_date", "days_overdue", "amount", "interest")
TOTAL_ROWS = ("open", "credits", "interest", "compensation", "total")
#: Where the PDF puts a table or the subject: a line holding only this marker and its number.
MARK = "\x00"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Letter:
    """One letter: ``kind`` (:data:`LETTER_KINDS`), ``language`` (de, nl, en, fr) and its facts.

    ``context`` keys (:data:`BASE_KEYS`): ``letterhead`` (``settings.get_letterhead``),
    ``customer`` ({customer_id, name, street, postcode, city, country, contact_name}),
    ``letter_date``, ``as_of``, ``reference``, ``items`` ([{doc_no, doc_date, due_date, amount,
    currency, days_overdue, interest, is_credit}]), ``totals`` ({currency, open, credits,
    interest, compensation, total}) and ``pay_by`` (a date, or None where nothing is to be paid);
    ``plan`` for a payment plan, ``refund`` for a refund, ``reconciliation`` for a reconciliation.
    """

    kind: str
    language: str
    context: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in LETTER_KINDS:
            raise InvalidInput("kind", f"unknown letter {self.kind!r}: use one of {', '.join(LETTER_KINDS)}")
        if self.language not in LETTER_LANGUAGES:
            raise InvalidInput(
                "language", f"no letters in {self.language!r}: use one of {', '.join(LETTER_LANGUAGES)}"
            )
        missing = [k for k in (*BASE_KEYS, *KIND_KEYS.get(self.kind, ())) if k not in self.context]
        if missing:
            raise InvalidInput("context", f"the {self.kind} letter lacks {', '.join(missing)}")
        if not (self.context["customer"] or {}).get("customer_id"):
            raise InvalidInput("context", "the letter has no customer number")


def letter_language(customer: Mapping) -> str:
    """The customer's correspondence language: the record's own when we write in it (de, nl, en,
    fr; ``de-AT`` counts as German), else by country (DE/AT/CH German, NL/BE Dutch, FR/LU French),
    else English."""
    language = str(customer.get("language") or "").strip().lower()[:2]
    if language in LETTER_LANGUAGES:
        return language
    country = str(customer.get("country") or "").strip().upper()
    return COUNTRY_LANGUAGES.get(country, FALLBACK_LANGUAGE)


def letter_totals(
    items: Sequence[Mapping], compensation: Decimal = ZERO, currency: str | None = None
) -> dict[str, Any]:
    """The totals block of a letter: open invoices, credits (negative), interest, compensation, total.

    Credits (``is_credit``) carry their own negative amount and never interest. All items share
    one currency (a letter is written per currency); ``currency`` names it when there are none.
    """
    currencies = {str(i["currency"]) for i in items if i.get("currency")}
    if len(currencies) > 1:
        raise InvalidInput(
            "items", f"one letter per currency: the items are in {', '.join(sorted(currencies))}"
        )
    cur = currencies.pop() if currencies else (currency or "EUR")
    open_ = sum((Decimal(i["amount"]) for i in items if not i.get("is_credit")), ZERO)
    credits = sum((Decimal(i["amount"]) for i in items if i.get("is_credit")), ZERO)
    interest = sum((Decimal(i.get("interest") or 0) for i in items if not i.get("is_credit")), ZERO)
    compensation = Decimal(compensation)
    return {
        "currency": cur,
        "open": open_,
        "credits": credits,
        "interest": interest,
        "compensation": compensation,
        "total": open_ + credits + interest + compensation,
    }


def make_letter(
    kind: str,
    *,
    customer: Mapping,
    letterhead: Mapping,
    letter_date: date,
    items: Sequence[Mapping] = (),
    as_of: date | None = None,
    reference: str | None = None,
    pay_by: date | None = None,
    compensation: Decimal = ZERO,
    currency: str | None = None,
    language: str | None = None,
    **extra: Any,
) -> Letter:
    """A :class:`Letter` with its totals computed and the customer's language (unless given).

    ``extra`` holds the kind's own block (``plan``, ``refund``, ``reconciliation``). The reference
    defaults to ``<customer_id>-<letter date>``.
    """
    customer = {
        k: customer.get(k)
        for k in ("customer_id", "name", "street", "postcode", "city", "country", "contact_name")
    } | {"language": customer.get("language")}
    rows = [_item(i) for i in items]
    context = {
        "letterhead": dict(letterhead),
        "customer": customer,
        "letter_date": letter_date,
        "as_of": as_of or letter_date,
        "reference": reference or f"{customer['customer_id']}-{letter_date:%Y%m%d}",
        "items": rows,
        "totals": letter_totals(rows, compensation, currency),
        "pay_by": pay_by,
        **extra,
    }
    return Letter(kind, language or letter_language(customer), context)


def _item(item: Mapping) -> dict[str, Any]:
    credit = bool(item.get("is_credit")) or Decimal(item["amount"]) < 0
    return {
        "doc_no": str(item.get("doc_no") or ""),
        "doc_date": item.get("doc_date"),
        "due_date": item.get("due_date"),
        "amount": Decimal(item["amount"]),
        "currency": item.get("currency") or "EUR",
        "days_overdue": None if credit else int(item.get("days_overdue") or 0),
        "interest": None if credit else Decimal(item.get("interest") or 0),
        "is_credit": credit,
    }


# --- rendering -----------------------------------------------------------------------------------


@dataclass
class Table:
    """A table a template laid out: headings, rows of cell texts, which columns are numbers."""

    kind: str  #: ``items``, ``totals`` or ``table``
    headings: list[str]
    rows: list[list[str]]
    numeric: list[bool]


@dataclass
class Rendered:
    """A letter rendered for the PDF: the text with markers, and what the markers stand for."""

    text: str
    subject: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)


def render_text(letter: Letter) -> str:
    """The letter's wording as plain text (e-mail body, golden files): tables aligned in columns."""
    return _render(letter, marks=False).text


def letter_subject(letter: Letter) -> str:
    """The subject line the template gives (the e-mail's subject, the PDF's bold line)."""
    return _render(letter, marks=False).subject


def render_parts(letter: Letter) -> Rendered:
    """The letter as :class:`Rendered`: the text with a marker line for the subject and each table."""
    return _render(letter, marks=True)


def _render(letter: Letter, *, marks: bool) -> Rendered:
    out = Rendered(text="")
    helpers = _Helpers(letter, out, marks)
    try:
        template = _environment().get_template(f"{letter.kind}.{letter.language}.j2")
        text = template.render(
            **letter.context,
            language=letter.language,
            subject=helpers.subject,
            meta=helpers.meta,
            items_table=helpers.items_table,
            totals_table=helpers.totals_table,
            table=helpers.table,
        )
    except TemplateError as exc:
        raise ArDeskError(
            f"the {letter.kind} letter in {letter.language!r} cannot be written: {exc}"
        ) from exc
    out.text = _tidy(text)
    return out


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip("\n") + "\n"


@cache
def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["money"] = _money_filter
    env.filters["day"] = _day_filter
    env.filters["number"] = _number_filter
    env.filters["add_days"] = _add_days_filter
    return env


@pass_context
def _money_filter(ctx, amount, currency: str | None = None) -> str:
    cur = currency or ctx["totals"]["currency"]
    return format_money(Decimal(amount), cur, ctx["language"])


@pass_context
def _day_filter(ctx, day, style: str = "long") -> str:
    return format_date(day, ctx["language"], style) if day else ""


def _add_days_filter(day: date, days: int) -> date:
    """``{{ letter_date|add_days(14) }}``: a term counted from a date (the Dutch 14 days)."""
    return day + timedelta(days=int(days))


@pass_context
def _number_filter(ctx, value, decimals: int = 2) -> str:
    return format_number(Decimal(value), ctx["language"], decimals)


class _Helpers:
    """The table and heading helpers a template calls; text or PDF markers."""

    def __init__(self, letter: Letter, out: Rendered, marks: bool) -> None:
        self.letter, self.out, self.marks = letter, out, marks
        self.language = letter.language
        self.currency = letter.context["totals"]["currency"]

    def _cell(self, value: Any, currency: str | None = None) -> str:
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return format_money(value, currency or self.currency, self.language)
        if isinstance(value, date):
            return format_date(value, self.language, "short")
        return str(value)

    def _emit(self, table: Table) -> str:
        self.out.tables.append(table)
        if self.marks:
            return f"{MARK}T{len(self.out.tables) - 1}{MARK}"
        return _text_table(table)

    def subject(self, text: str) -> str:
        self.out.subject = str(text)
        return f"{MARK}S{MARK}" if self.marks else str(text)

    def meta(self, **labels: str) -> str:
        self.out.meta = {k: str(v) for k, v in labels.items()}
        if self.marks:
            return ""
        ctx = self.letter.context
        values = {
            "date": format_date(ctx["letter_date"], self.language),
            "reference": ctx["reference"],
            "customer_no": ctx["customer"]["customer_id"],
        }
        return "\n".join(_labelled(label, values[k]) for k, label in labels.items() if k in values)

    def items_table(self, **columns: str) -> str:
        unknown = set(columns) - set(ITEM_COLUMNS)
        if unknown:
            raise ArDeskError(f"items_table has no column {', '.join(sorted(unknown))}")
        rows = []
        for item in self.letter.context["items"]:
            rows.append([self._cell(item.get(c), item.get("currency")) for c in columns])
        numeric = [c in ("days_overdue", "amount", "interest") for c in columns]
        return self._emit(Table("items", list(columns.values()), rows, numeric))

    def totals_table(self, **labels: str) -> str:
        unknown = set(labels) - set(TOTAL_ROWS)
        if unknown:
            raise ArDeskError(f"totals_table has no row {', '.join(sorted(unknown))}")
        totals = self.letter.context["totals"]
        rows = [
            [label, self._cell(Decimal(totals[k]))]
            for k, label in labels.items()
            if not (k == "credits" and Decimal(totals[k]) == 0)
        ]
        return self._emit(Table("totals", [], rows, [False, True]))

    def table(self, rows: Sequence[Mapping], **columns: str) -> str:
        cells = [[self._cell(row.get(c), row.get("currency")) for c in columns] for row in rows]
        numeric = [
            any(isinstance(row.get(c), (Decimal, int)) and not isinstance(row.get(c), bool) for row in rows)
            for c in columns
        ]
        return self._emit(Table("table", list(columns.values()), cells, numeric))


def _labelled(label: str, value: str) -> str:
    """``Datum: …``; a label ending in its own colon keeps its spacing (French ``Date : …``)."""
    return f"{label} {value}" if label.endswith(":") else f"{label}: {value}"


def _text_table(table: Table) -> str:
    """Columns two spaces apart, numbers right-aligned; headings underlined with dashes."""
    grid = ([table.headings] if table.headings else []) + table.rows
    if not grid:
        return ""
    widths = [max(len(row[i]) for row in grid) for i in range(len(grid[0]))]

    def line(row: list[str]) -> str:
        cells = [
            cell.rjust(w) if num else cell.ljust(w)
            for cell, w, num in zip(row, widths, table.numeric, strict=True)
        ]
        return "  ".join(cells).rstrip()

    lines = [line(r) for r in table.rows]
    if table.headings:
        lines = [line(table.headings), "  ".join("-" * w for w in widths), *lines]
    return "\n".join(lines)
