"""Exact money helpers: parse one amount as an ERP user writes it, format it back, convert to cents.

Money is never a binary float in AR Desk: frames hold ``Decimal(18, 2)``, the store integer cents.
Spreadsheet floats become cents by one rule (:func:`float_amount_text`), whatever the route.
These helpers are the single-value counterparts of the vectorised parsers in
:mod:`ar_core.ingest.parse`, used for one-off values (forms, configuration, tests).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ar_core.errors import InvalidInput

if TYPE_CHECKING:  # polars is imported where it is used: the CLI's listing runs without it
    import polars as pl

#: One cent: the quantum every stored amount is rounded to.
CENT = Decimal("0.01")

#: Characters users (and SAP) put between thousands groups besides '.' and ','.
_GROUPING_SPACES = re.compile(r"[\s\u00a0\u202f']")
_DIGITS = re.compile(r"^\d+(\.\d+)?$")


def parse_amount(text: str | None, *, decimal: str | None = None) -> Decimal | None:
    """Read one amount such as ``1.234,56-``, ``-1,234.56`` or ``1 234 567,89``; ``None`` if unreadable.

    SAP writes negatives with a trailing minus (``12,678.79-``); users write a leading one. With
    ``decimal`` unset the separator that comes last is the decimal separator when both occur; a
    separator that occurs once is taken as the decimal separator, one that repeats as grouping —
    so pass ``decimal`` when a single value like ``1.234`` must be read the German way. The value is
    returned exactly as written (no rounding): callers decide what more than two decimals mean.
    """
    if text is None:
        return None
    s = _GROUPING_SPACES.sub("", text.strip())
    if not s:
        return None
    negative = False
    if s.endswith("-"):
        negative, s = True, s[:-1]
    if s.startswith(("-", "+")):
        if negative:  # "-1,00-" is not a number anyone writes
            return None
        negative, s = s[0] == "-", s[1:]
    if decimal is None:
        decimal = _guess_decimal(s)
    thousands = "," if decimal == "." else "."
    s = s.replace(thousands, "").replace(decimal, ".")
    if not _DIGITS.match(s):
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return None
    return -value if negative else value


def _guess_decimal(s: str) -> str:
    """Pick the decimal separator of one value written in an unknown convention."""
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        return "." if last_dot > last_comma else ","
    if last_comma >= 0:
        return "," if s.count(",") == 1 else "."
    return "."


def format_amount(
    value: Decimal, locale: str = "de", *, trailing_minus: bool = False, places: int = 2
) -> str:
    """Format an amount for display: ``1.234,56`` (de, nl) or ``1,234.56`` (en).

    ``trailing_minus`` writes negatives the SAP way (``1.234,56-``), which is what the readers
    accept back, so formatting and parsing round-trip.
    """
    quantum = Decimal(1).scaleb(-places)
    q = value.quantize(quantum, rounding=ROUND_HALF_UP)
    negative = q < 0
    text = f"{abs(q):,.{places}f}"  # "1,234.56"
    if locale.split("_", maxsplit=1)[0].lower() in {"de", "nl", "fr", "da", "es", "it"}:
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if not negative:
        return text
    return f"{text}-" if trailing_minus else f"-{text}"


def to_cents(value: Decimal) -> int:
    """Whole cents of an amount; ``InvalidInput`` (a ``ValueError``) for fractions of a cent (lost money)."""
    cents = value * 100
    if cents != cents.to_integral_value():
        raise InvalidInput("amount", f"{value} has fractions of a cent")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """The amount of an integer number of cents, with exactly two places."""
    return (Decimal(int(cents)) / 100).quantize(CENT)


#: Significant decimal digits a spreadsheet keeps of a number (Excel shows and computes with 15).
SPREADSHEET_DIGITS = 15
#: Text of a float that stands for whole cents (at most two decimals, no exponent).
_WHOLE_CENTS = r"^-?\d+(\.\d{1,2})?$"
#: Text of a float with a fraction of a cent: more decimals, or a tiny value written with an exponent.
_SUB_CENT = re.compile(r"^-?\d+\.\d{3,}$|^-?\d+(\.\d+)?e-\d+$")
#: Largest magnitude of Decimal(18, 2), the frames' money type.
_LIMIT = Decimal(10) ** 16


def float_amount_text(expr: pl.Expr) -> pl.Expr:
    """The one float-to-cents rule, for a column of spreadsheet floats: the decimal text each stands for.

    A cell holds an IEEE double. Its shortest round-trip text is what the writer typed
    (``1234.56``); when that has more than two decimals, the noise of spreadsheet arithmetic
    (``0.1 + 0.2`` is ``0.30000000000000004``) is trimmed at Excel's 15 significant digits. Text
    that still has more than two decimals (``1234.565``) stands for a fraction of a cent and is
    returned as is, so the money parser rejects it exactly as it rejects ``1.234,565`` in a text
    export — nothing is rounded, on any route. Read the result with ``.`` as the decimal separator
    and no grouping.
    """
    import polars as pl

    short = expr.cast(pl.String)
    trimmed = expr.round_sig_figs(SPREADSHEET_DIGITS).cast(pl.String)
    return (
        pl.when(short.str.contains(_WHOLE_CENTS))
        .then(short)
        .when(trimmed.str.contains(_WHOLE_CENTS))
        .then(trimmed)
        .otherwise(short)
    )


def is_sub_cent_text(text: str) -> bool:
    """Whether :func:`float_amount_text` produced the text of a fraction of a cent."""
    return bool(_SUB_CENT.match(text))


def from_float(value: float) -> Decimal:
    """One spreadsheet float as exact cents, by the rule of :func:`float_amount_text`.

    Raises ``ValueError`` for a fraction of a cent (``1234.565``: rounding would invent or lose
    money) and for what is no amount (NaN, infinity, beyond Decimal(18, 2)).
    """
    import polars as pl

    text = pl.select(float_amount_text(pl.lit(float(value), dtype=pl.Float64))).item()
    if is_sub_cent_text(text):
        raise InvalidInput("amount", f"{text} has fractions of a cent")
    if not re.match(_WHOLE_CENTS, text) or abs(Decimal(text)) >= _LIMIT:
        raise InvalidInput("amount", f"{text} is not an amount")
    return Decimal(text).quantize(CENT)
