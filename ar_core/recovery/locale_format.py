"""Money, numbers and dates as the customer reads them: German, Dutch, English (UK) or French.

Babel (2.18) writes the CLDR forms: ``1.234,56 €`` (de), ``€ 1.234,56`` (nl), ``€1,234.56`` (en)
and ``1 234,56 €`` (fr). It separates with a no-break space (U+00A0) and, in French, groups thousands
with a narrow no-break space (U+202F). Letters are plain text, e-mails and PDFs in the standard
fonts (WinAnsi, which has no U+202F): both are written as an ordinary space here, so the text a
customer copies, the golden files and the PDF all read the same. The PDF keeps the amounts
together on one line itself (``ar_core.recovery.pdf``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal

from ar_core.errors import InvalidInput

#: Correspondence language -> the Babel locale its letters are written in.
LOCALES: dict[str, str] = {"de": "de_DE", "nl": "nl_NL", "en": "en_GB", "fr": "fr_FR"}
#: The spaces Babel puts into numbers and amounts (no-break, narrow no-break, thin).
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
#: Date styles: ``long`` (the letter's date line, "2. Dezember 2026") and ``short`` (tables,
#: "02.12.2026"), the short one always with the full year (CLDR's German short form has two digits).
_DATE_STYLES: dict[str, dict[str, str]] = {
    "long": dict.fromkeys(LOCALES, "long"),
    "short": {"de": "dd.MM.yyyy", "nl": "dd-MM-yyyy", "en": "dd/MM/yyyy", "fr": "dd/MM/yyyy"},
}


def locale_of(language: str) -> str:
    """The Babel locale of a correspondence language (de, nl, en, fr)."""
    try:
        return LOCALES[language]
    except KeyError:
        raise InvalidInput(
            "language", f"no letters in {language!r}: use one of {', '.join(LOCALES)}"
        ) from None


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """``amount`` in ``currency`` as written in ``language``: ``1.234,56 €``, ``€ 1.234,56``, ``€1,234.56``.

    Exactly two decimals (the amounts are cents), the currency's symbol where the locale has one
    (``€``, ``£``, ``US$``), otherwise its ISO code.
    """
    if not isinstance(amount, Decimal):
        raise InvalidInput("amount", f"an amount must be a Decimal, got {type(amount).__name__}")
    text = format_currency(amount, (currency or "EUR").upper(), locale=locale_of(language))
    return text.translate(_SPACES)


def format_number(value: Decimal | int, language: str, decimals: int = 2) -> str:
    """A plain number (a rate, a count) with the locale's separators: ``9,27`` (de), ``9.27`` (en)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale_of(language)).translate(_SPACES)


def format_date(day: date, language: str, style: str = "long") -> str:
    """A date in ``language``: ``long`` "2. Dezember 2026" / "2 december 2026" / "2 December 2026" /
    "2 décembre 2026"; ``short`` "02.12.2026" / "02-12-2026" / "02/12/2026" / "02/12/2026"."""
    if not isinstance(day, date):
        raise InvalidInput("day", f"a date is needed, got {type(day).__name__}")
    if style not in _DATE_STYLES:
        raise InvalidInput("style", f"unknown date style {style!r}: use one of {', '.join(_DATE_STYLES)}")
    locale = locale_of(language)
    return _babel_date(day, _DATE_STYLES[style][language], locale=locale).translate(_SPACES)
