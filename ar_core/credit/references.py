"""Invoice numbers as customers type them: in a credit's reference/assignment/text or a remittance.

Customers write "RE 1800000017", "Rechnung 18000123 u. 18000124", "factuur 2016Q3-0004" or
"Rg.-Nr. 18 000 123"; the ledger holds "0018000123". Both sides are brought to one form — upper
case letters and digits, no separators, no leading zeros (:func:`ar_core.schema.doc_key`) — and
compared against a set of *known* forms, because a number found in free text is only a guess until
it equals a document. Dates, amounts, IBANs / RF creditor references (mod-97 checked), postcodes
with a city and Dutch 16-digit payment references are masked first so that they never pass for an
invoice number; a masked 16-digit reference still matches when it *equals* a known document.
Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from ar_core.schema import doc_key

#: Words customers put before a number; longest first (regex alternation is leftmost-first).
PREFIXES: tuple[str, ...] = (
    "RECHNUNGSNUMMER",
    "RECHNUNGSNR",
    "RECHNUNGEN",
    "RECHNUNG",
    "FACTUURNUMMER",
    "FACTUURNR",
    "FACTUREN",
    "FACTUUR",
    "FAKTUUR",
    "INVOICES",
    "INVOICE",
    "GUTSCHRIFTSNR",
    "GUTSCHRIFT",
    "CREDITNOTA",
    "CREDITNOTE",
    "BELEGNR",
    "BELEG",
    "FACT",
    "INV",
    "RGNR",
    "GS",
    "REF",
    "NUMMER",
    "NR",
    "NO",
    "RG",
    "RE",
)
_PREFIX_SET = frozenset(PREFIXES) | {"U", "UND", "EN", "AND", "EUR", "TEIL", "TEILZAHLUNG", "BETALING"}
_PREFIX_ALT = "|".join(PREFIXES)
#: A prefix word at the start, followed by a non-letter ("RE 1", "RE1", "Rg.-Nr.") — never "REWE".
_LEADING_PREFIX = re.compile(rf"^(?:{_PREFIX_ALT})([^A-Z]|$)")
_LEADING_JUNK = re.compile(r"^[^A-Z0-9]+")
_NON_ALNUM = re.compile(r"[^A-Z0-9]")
#: A prefix glued to its number ("RE1800000017", "INV-"), split off when the rest is digits.
_GLUED = re.compile(rf"^(?:{_PREFIX_ALT})(\d+)$")

# --- what is never an invoice number -------------------------------------------------------------
_IBAN_LIKE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){1,30}")
#: IBAN length per country a DE/NL centre meets; an IBAN is masked only at its exact length.
IBAN_LENGTHS: dict[str, int] = {
    "DE": 22,
    "NL": 18,
    "BE": 16,
    "AT": 20,
    "FR": 27,
    "LU": 20,
    "CH": 21,
    "GB": 22,
    "IT": 27,
    "ES": 24,
    "PL": 28,
    "DK": 18,
    "SE": 24,
    "NO": 15,
    "FI": 18,
    "IE": 22,
    "PT": 25,
    "CZ": 24,
    "LI": 21,
    "MC": 27,
    "HU": 28,
    "SK": 24,
    "SI": 19,
    "HR": 21,
    "RO": 24,
    "BG": 22,
    "GR": 27,
}
_DATE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})(?![\d./-]*\d)"
)
_AMOUNT = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:[.,' ]\d{3})+|\d+)[.,]\d{2}(?![\d])(?![.,]\d)")
_NL_POSTCODE = re.compile(r"\b\d{4} ?[A-Z]{2}\b(?= +[A-Z][a-z])")
_DE_POSTCODE = re.compile(r"\b(?:D-)?\d{5} +(?=[A-ZÄÖÜ][a-zäöüß]+\b)")
#: Dutch betalingskenmerk: 16 digits, often in groups of four.
_PAYMENT_REF = re.compile(r"(?<![\d])\d{4} ?\d{4} ?\d{4} ?\d{4}(?![\d])")

#: Chunks of letters/digits; a run is chunks joined by exactly one separator.
_CHUNK = re.compile(r"[A-Z0-9]+")
_SEPARATORS = frozenset(" -/.")
#: Shortest number taken from free text; shorter ones only right after a prefix word ("RE 4711").
MIN_DIGITS = 5
MIN_DIGITS_AFTER_PREFIX = 3


def normalise_reference(text: object) -> str:
    """One field (a reference, an assignment, a document number) in the compared form.

    "RE 1800000017" → "1800000017", "Rg.-Nr. 0018-000123" → "18000123", "2016Q3-0004" →
    "2016Q30004". Leading prefix words go, then separators, then leading zeros; ``""`` for
    nothing. :func:`normalise_reference_expr` is the same rule over a column.
    """
    if text is None:
        return ""
    s = str(text).upper().strip()
    for _ in range(3):
        s = _LEADING_JUNK.sub("", s)
        s = _LEADING_PREFIX.sub(r"\1", s)
    s = _NON_ALNUM.sub("", s)
    return "" if not s else doc_key(s) if s.strip("0") else ""


def normalise_reference_expr(col: str) -> pl.Expr:
    """:func:`normalise_reference` over a string column (the ledger side, a million rows at once)."""
    e = pl.col(col).fill_null("").str.to_uppercase().str.strip_chars()
    for _ in range(3):
        e = e.str.replace(r"^[^A-Z0-9]+", "").str.replace(rf"^(?:{_PREFIX_ALT})([^A-Z]|$)", "$1")
    return e.str.replace_all(r"[^A-Z0-9]", "").str.strip_chars_start("0")


def _mod97(s: str) -> bool:
    """ISO 7064 mod 97-10, the check of IBANs and RF creditor references."""
    moved = s[4:] + s[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1
    except ValueError:
        return False


def _iban_end(upper: str, start: int, end: int) -> int | None:
    """End of the valid IBAN or RF reference starting at ``start`` (spaces allowed), else ``None``.

    An IBAN needs its country's exact length, an RF reference the ``RF`` prefix: a mod-97 check
    alone passes one random number in 97.
    """
    compact: list[str] = []
    ends: list[int] = []
    for i in range(start, end):
        if upper[i] != " ":
            compact.append(upper[i])
            ends.append(i + 1)
    text = "".join(compact)
    if text.startswith("RF"):
        lengths = range(min(len(text), 25), 4, -1)
    else:
        length = IBAN_LENGTHS.get(text[:2])
        lengths = [length] if length and length <= len(text) else []
    for length in lengths:
        if _mod97(text[:length]):
            return ends[length - 1]
    return None


@dataclass(frozen=True, slots=True)
class Span:
    """A number-looking run in a text: where it is, as written, and the forms it may stand for.

    ``forms[0]`` is the run read as one number; the further forms its chunks on their own
    ("1800000017/1800000018" → both). ``masked`` marks a Dutch payment reference.
    """

    start: int
    written: str
    forms: tuple[str, ...]
    primary: tuple[str, ...]
    masked: bool = False
    #: Each form as written (the run for ``forms[0]``, the chunk for the others).
    forms_written: tuple[str, ...] = ()


def _mask(upper: str, original: str) -> tuple[str, list[Span]]:
    """``upper`` with the never-a-number parts blanked; Dutch payment references kept aside."""
    chars = list(upper)
    refs: list[Span] = []

    def blank(start: int, end: int) -> None:
        chars[start:end] = " " * (end - start)

    for m in _IBAN_LIKE.finditer(upper):
        iban_end = _iban_end(upper, m.start(), m.end())
        if iban_end is not None:
            blank(m.start(), iban_end)
    masked = "".join(chars)
    for pattern in (_DATE, _AMOUNT):
        for m in pattern.finditer(masked):
            blank(*m.span())
        masked = "".join(chars)
    for m in _PAYMENT_REF.finditer(masked):
        digits = m.group().replace(" ", "")
        text = original[m.start() : m.end()]
        refs.append(Span(m.start(), text, (doc_key(digits),), (), masked=True, forms_written=(text,)))
        blank(*m.span())
    masked = "".join(chars)
    for pattern in (_NL_POSTCODE, _DE_POSTCODE):
        for m in pattern.finditer(original.upper() if pattern is _NL_POSTCODE else original):
            if masked[m.start() : m.end()].strip():
                blank(*m.span())
        masked = "".join(chars)
    return masked, refs


def _has_digit(chunk: str) -> bool:
    return any(ch.isdigit() for ch in chunk)


def _chunk_form(chunk: str) -> str | None:
    """A chunk as a document form, or ``None`` for a word."""
    if not any(ch.isdigit() for ch in chunk):
        return None
    glued = _GLUED.match(chunk)
    if glued:
        chunk = glued.group(1)
    return doc_key(chunk) if chunk.strip("0") else None


def _runs(masked: str) -> list[list[re.Match[str]]]:
    """Chunks grouped into runs: number chunks joined by exactly one separator; a word on its own."""
    runs: list[list[re.Match[str]]] = []
    for m in _CHUNK.finditer(masked):
        if not _has_digit(m.group()):  # a word ends a run
            runs.append([m])
            continue
        if runs and _has_digit(runs[-1][-1].group()):
            gap = masked[runs[-1][-1].end() : m.start()]
            if len(gap) == 1 and gap in _SEPARATORS:
                runs[-1].append(m)
                continue
        runs.append([m])
    return runs


def spans(text: object) -> list[Span]:
    """Every number-looking run of ``text``, in text order (the parser behind the public functions)."""
    if text is None:
        return []
    original = str(text)
    upper = original.upper()
    if len(upper) != len(original):  # a character whose upper case is longer (ß): keep positions
        upper = "".join(ch.upper() if len(ch.upper()) == 1 else ch for ch in original)
    masked, refs = _mask(upper, original)
    found: list[Span] = []
    runs = _runs(masked)
    previous_word = ""
    for run in runs:
        first = run[0].group()
        if not _has_digit(first):
            previous_word = first
            continue
        chunks = [m.group() for m in run]
        glued = _GLUED.match(chunks[0])
        if glued:
            chunks[0] = glued.group(1)
        joined = doc_key("".join(chunks))
        written = original[run[0].start() : run[-1].end()]
        minimum = MIN_DIGITS_AFTER_PREFIX if (previous_word in _PREFIX_SET or glued) else MIN_DIGITS
        pairs = {joined: written}
        if len(chunks) > 1:
            for m in run:
                form = _chunk_form(m.group())
                if form and form not in pairs:
                    pairs[form] = original[m.start() : m.end()]
        # Read as one number when the later groups are short ("18 000 123", "2024-0815").
        one = len(chunks) == 1 or all(len(c) <= 4 for c in chunks[1:])
        parts = [f for f in pairs if f != joined]
        primary = tuple(f for f in ([joined] if one else parts) if len(f) >= minimum)
        kept = [(f, w) for f, w in pairs.items() if len(f) >= minimum]
        if kept:
            forms = tuple(f for f, _ in kept)
            found.append(
                Span(run[0].start(), written, forms, primary, forms_written=tuple(w for _, w in kept))
            )
        previous_word = ""
    found.extend(refs)
    found.sort(key=lambda s: s.start)
    return found


def document_numbers(text: object) -> list[str]:
    """The invoice numbers ``text`` most likely quotes, normalised, in text order, without repeats.

    Without a ledger to compare against, a run is read as one number when its later groups are
    short ("18 000 123") and as several otherwise ("1800000017/1800000018"); Dutch payment
    references, dates, amounts, IBANs and postcodes are left out.
    """
    out: list[str] = []
    for span in spans(text):
        if not span.masked:
            out.extend(f for f in span.primary if f not in out)
    return out


def match_documents(text: object, known: dict[str, str]) -> list[tuple[str, str]]:
    """``(as written, document key)`` for each known document ``text`` quotes, in text order.

    ``known`` maps normalised forms (``doc_key`` of a ``doc_no``, :func:`normalise_reference` of a
    reference) to a document key. A run is tried as one number first and then chunk by chunk, so
    that the ledger decides between "2024-0815" and "1800000017/1800000018"; a Dutch payment
    reference counts only when it equals a known form. Each document appears once.
    """
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for span in spans(text):
        pairs = list(zip(span.forms, span.forms_written, strict=True))
        hits = pairs[:1] if span.forms[0] in known else [p for p in pairs[1:] if p[0] in known]
        for form, written in hits:
            key = known[form]
            if key not in seen:
                seen.add(key)
                out.append((written, key))
    return out


__all__ = [
    "Span",
    "document_numbers",
    "match_documents",
    "normalise_reference",
    "normalise_reference_expr",
    "spans",
]
