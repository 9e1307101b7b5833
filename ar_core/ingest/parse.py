"""Vectorised parsers (polars expressions) for the values ERP exports write.

Every column arrives as text and is parsed column-wise, never row by row in Python, so a
million-line extract parses in a fraction of a second. Formats are decided once per column from a
sample (German vs English numbers, which date layout), then applied to the whole column; a value
that does not fit becomes null and validation reports it with the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import polars as pl

from ar_core.money import float_amount_text, is_sub_cent_text
from ar_core.schema import MONEY

DATE, MONEY_KIND, INT, FLAG, CODE, TEXT = "date", "money", "int", "flag", "code", "text"

#: How each canonical column is parsed.
KIND: dict[str, str] = {
    "doc_date": DATE,
    "posting_date": DATE,
    "baseline_date": DATE,
    "due_date": DATE,
    "clearing_date": DATE,
    "amount": MONEY_KIND,
    "amount_doc": MONEY_KIND,
    "amount_reporting": MONEY_KIND,
    "fiscal_year": INT,
    "line_item": INT,
    "dunning_level": INT,
    "terms_days": INT,
    "disputed": FLAG,
    "currency": CODE,
    "doc_currency": CODE,
    "country": CODE,
    "debit_credit": CODE,
}
INT_TYPES: dict[str, pl.DataType] = {
    "fiscal_year": pl.Int32(),
    "line_item": pl.Int32(),
    "dunning_level": pl.Int8(),
    "terms_days": pl.Int32(),
}

#: SAP writes an empty date as zeros in raw tables and list output.
EMPTY_DATES = ("00000000", "00.00.0000", "00.00.00", "0000-00-00", "0")
#: Flag spellings: SAP's X/blank, Yes/No, Y/N, true/false, 1/0 (and their German/Dutch words).
TRUE_WORDS = ("x", "yes", "y", "true", "1", "ja", "j", "wahr", "waar")
FALSE_WORDS = ("no", "n", "false", "0", "nein", "nee", "onwaar", "-")
_FLAGS = {
    variant: value
    for words, value in ((TRUE_WORDS, True), ((*FALSE_WORDS, ""), False))
    for word in words
    for variant in (word, word.upper(), word.title())
}

#: Pseudo formats besides strftime patterns.
ISO_DATETIME = "iso-datetime"
EXCEL_SERIAL = "excel-serial"
#: Candidate date layouts, in order of preference on a tie.
DATE_FORMATS: tuple[str, ...] = (
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y-%m-%d",
    ISO_DATETIME,
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%Y%m%d",
    EXCEL_SERIAL,
)
#: Formats of bare digits: tried only on values of exactly that shape.
_DIGIT_SHAPES = {"%Y%m%d": r"^\d{8}$", EXCEL_SERIAL: r"^\d{5}(\.0+)?$"}
#: Dates outside these years are typing errors (or a two-digit year read as four digits).
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2199, 12, 31)
#: Values looked at to decide a column's format.
SAMPLE = 5000


def blank(raw: pl.Expr, kind: str = TEXT) -> pl.Expr:
    """An empty cell: null, whitespace only (stripped to ''), or SAP's zero date."""
    empty = raw.is_null() | (raw.str.len_bytes() == 0)
    return empty | raw.is_in(EMPTY_DATES) if kind == DATE else empty


@dataclass(frozen=True)
class NumberStyle:
    """Decimal and grouping separators of a column's numbers."""

    decimal: str
    thousands: str

    @property
    def name(self) -> str:
        return "German" if self.decimal == "," else "English"


GERMAN = NumberStyle(",", ".")
ENGLISH = NumberStyle(".", ",")
#: Text made from typed spreadsheet numbers: '.' decimal, no grouping, never guessed from a sample
#: (``234.565`` would fit the German shape as 234.565,00).
TYPED = NumberStyle(".", "")
_DE_SHAPE = r"^(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"
_EN_SHAPE = r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"
#: Grouping characters besides '.' and ',' (French/Dutch spaces, Swiss apostrophe).
_SPACES = r"[\s\u00a0\u202f']"
#: Cents that still fit Decimal(18, 2).
_MAX_CENTS = 10**18


def _sample(series: pl.Series) -> pl.Series:
    return series.drop_nulls().head(SAMPLE)


def detect_number_style(sample: pl.Series, default: NumberStyle) -> NumberStyle:
    """German or English numbers, by which shape fits more values of the sample."""
    values = pl.select(pl.lit(_sample(sample)).str.replace_all(_SPACES, "").str.strip_chars("+-")).to_series()
    german = int(values.str.contains(_DE_SHAPE).sum())
    english = int(values.str.contains(_EN_SHAPE).sum())
    if german == english:
        return default
    return GERMAN if german > english else ENGLISH


def has_spaces(sample: pl.Series) -> bool:
    """Whether numbers are grouped with spaces or apostrophes (``1 234 567,89``)."""
    return bool(_sample(sample).str.contains(_SPACES).any())


def money_shape(style: NumberStyle) -> str:
    """Regex of a well-formed amount: optional sign either side, grouping in threes, 1-2 decimals."""
    d = re.escape(style.decimal)
    digits = rf"(\d{{1,3}}({re.escape(style.thousands)}\d{{3}})+|\d+)" if style.thousands else r"\d+"
    return rf"^[+-]?{digits}({d}\d{{1,2}})?-?$"


def _money_parts(s: pl.Expr, style: NumberStyle) -> dict[str, pl.Expr]:
    unsigned = s.str.strip_chars_end("-")
    if style.thousands:
        unsigned = unsigned.str.replace_all(style.thousands, "", literal=True)
    return {
        "lead": s.str.starts_with("-") | s.str.starts_with("+"),  # a sign on both ends is not a number
        "trail": s.str.ends_with("-"),
        "ok": s.str.contains(money_shape(style)),
        # a leading sign is read by the Int64 cast; SAP's trailing minus is applied afterwards
        "digits": unsigned.str.replace(style.decimal, "", literal=True).cast(pl.Int64, strict=False),
        "at": s.str.find(style.decimal, literal=True),
        "len": s.str.len_bytes(),
    }


def _money_value(p: dict[str, pl.Expr]) -> pl.Expr:
    decimals = (p["len"] - p["at"] - 1 - p["trail"].cast(pl.UInt32)).fill_null(0)
    scale = pl.when(decimals == 0).then(100).when(decimals == 1).then(10).otherwise(1)
    cents = p["digits"] * scale * (1 - 2 * p["trail"].cast(pl.Int64))
    fits = p["digits"].abs() < pl.lit(_MAX_CENTS, dtype=pl.Int64()) // scale
    valid = p["ok"] & ~(p["lead"] & p["trail"]) & (decimals <= 2) & fits
    return (pl.when(valid).then(cents).cast(pl.Decimal(38, 2)) / 100).cast(MONEY)


def money_steps(
    s: pl.Expr, name: str, style: NumberStyle, *, spaced: bool = False
) -> tuple[list[pl.Expr], pl.Expr]:
    """Parse amounts such as ``1.234,56-``, ``-1,234.56`` or ``1 234 567,89`` into Decimal(18, 2).

    Returns (helper columns to add first, final expression reading them). Two steps because polars
    does not share sub-expressions inside ``when/then``, and each string operation on a million
    values should run once. The shape is checked by one regex (``1234.56`` in a German column is
    rejected, not read as 123.456,00); the value is built in integer cents — separators and signs
    dropped, Int64 cast, scaled by the number of decimals — several times faster than a Decimal
    cast of text. ``spaced`` first removes blanks/apostrophes used for grouping.
    A thousands separator after the decimal one is caught by the shape check, not the cast.
    """
    if spaced:
        s = s.str.replace_all(_SPACES, "")
    parts = _money_parts(s, style)
    helpers = [e.alias(f"__{name}_{k}") for k, e in parts.items()]
    return helpers, _money_value({k: pl.col(f"__{name}_{k}") for k in parts})


def money(s: pl.Expr, style: NumberStyle, *, spaced: bool = False) -> pl.Expr:
    """One-expression form of :func:`money_steps`, for small frames (sub-expressions may repeat)."""
    if spaced:
        s = s.str.replace_all(_SPACES, "")
    return _money_value(_money_parts(s, style))


def float_to_money_text(expr: pl.Expr) -> pl.Expr:
    """A spreadsheet's binary float as the decimal text it stands for, read in the TYPED style.

    The rule is :func:`ar_core.money.float_amount_text`: whole cents come back exactly, a fraction of
    a cent comes back as written (``1234.565``) and is rejected by the parser like its text twin.
    """
    return float_amount_text(expr)


def sub_cent_shape(style: NumberStyle) -> str:
    """Regex of an otherwise well-formed amount with three or more decimals (a fraction of a cent)."""
    d = re.escape(style.decimal)
    digits = rf"(\d{{1,3}}({re.escape(style.thousands)}\d{{3}})+|\d+)" if style.thousands else r"\d+"
    return rf"^[+-]?{digits}{d}\d{{3,}}-?$"


def is_sub_cent(text: str, style: NumberStyle) -> bool:
    """Whether an unreadable amount is a fraction of a cent (the message then says so)."""
    compact = re.sub(_SPACES, "", text.strip())
    return bool(re.match(sub_cent_shape(style), compact)) or is_sub_cent_text(compact)


def detect_date_formats(sample: pl.Series) -> list[str]:
    """The date layouts of a column, most frequent first, just enough to cover the sample.

    Day/month order is ambiguous for slashes: ``%m/%d/%Y`` (US) wins unless more values only
    fit ``%d/%m/%Y``; both are never combined, since that would read 03/04 two ways.
    """
    values = sample.drop_nulls().unique(maintain_order=True).head(SAMPLE)
    values = values.filter(~values.is_in(EMPTY_DATES) & (values.str.len_bytes() > 0))
    if values.is_empty():
        return []
    frame = pl.DataFrame({"v": values})
    hits: list[tuple[int, int, str, pl.Series]] = []
    for order, fmt in enumerate(DATE_FORMATS):
        ok = frame.select(_date_with(pl.col("v"), fmt).is_not_null()).to_series()
        if ok.any():
            hits.append((-int(ok.sum()), order, fmt, ok))
    hits.sort(key=lambda h: h[:2])
    chosen: list[str] = []
    covered = pl.Series([False] * len(values))
    for _, _, fmt, ok in hits:
        if fmt in ("%m/%d/%Y", "%d/%m/%Y") and {"%m/%d/%Y", "%d/%m/%Y"} & set(chosen):
            continue
        if (ok & ~covered).any():
            chosen.append(fmt)
            covered = covered | ok
        if covered.all():
            break
    return chosen


def _date_with(s: pl.Expr, fmt: str) -> pl.Expr:
    if fmt == ISO_DATETIME:
        d = s.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    elif fmt == EXCEL_SERIAL:
        days = s.cast(pl.Float64, strict=False).floor().cast(pl.Int64, strict=False)
        d = pl.date(1899, 12, 30) + pl.duration(days=days)
    else:
        d = s.str.to_date(fmt, strict=False)
    if fmt in _DIGIT_SHAPES:  # bare digits: only when the whole value has the shape
        d = pl.when(s.str.contains(_DIGIT_SHAPES[fmt])).then(d)
    return pl.when(d.is_between(MIN_DATE, MAX_DATE)).then(d)


def dates(s: pl.Expr, formats: list[str]) -> pl.Expr:
    """Date from text in any of ``formats`` (first that fits wins); null if none fits."""
    if not formats:
        return pl.lit(None, dtype=pl.Date())
    parsed = [_date_with(s, fmt) for fmt in formats]
    return parsed[0] if len(parsed) == 1 else pl.coalesce(parsed)


def flags(s: pl.Expr) -> pl.Expr:
    """Boolean from X/blank, Yes/No, Y/N, true/false, 1/0; blank is False, anything else null.

    Lower, upper and title case are in the table, which saves lower-casing a million values.
    """
    word = s.replace_strict(_FLAGS, default=None, return_dtype=pl.Boolean())
    return pl.when(s.is_null()).then(False).otherwise(word)


def integers(s: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Whole numbers such as fiscal year or dunning level; null if not a whole number."""
    return s.cast(dtype, strict=False)


def codes(s: pl.Expr) -> pl.Expr:
    """Currency and country codes in upper case."""
    return s.str.to_uppercase()
