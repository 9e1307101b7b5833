"""Reconciliation with the customer's own open-items list or balance confirmation.

The customer sends what they think they owe; we set it beside our open items and explain every
cent of the difference: what only we list (an invoice they never received, a credit note they
have not booked), what only they list (a payment we have not applied, a credit note they
expect), and amount differences on the documents both list. ``explained`` is built from those
lists and must equal ``our − their`` exactly; that is checked on every call, not hoped for.

Reading the list reuses the extract readers (header search, German/Dutch numbers such as
``1.234,56-``, dates such as ``31.12.2025``, typed spreadsheet cells, total lines), so a
customer's list is read by the same rules as our own extracts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import fastexcel
import polars as pl

from ar_core.credit.references import normalise_reference as shared_normalise
from ar_core.errors import InvalidInput
from ar_core.ingest import generic, guard, parse, text, xlsx
from ar_core.ingest.build import choose_file_totals, stage
from ar_core.ingest.detect import TEXT, XLSX, Unreadable, decode_to_utf8, find_header, sniff_kind
from ar_core.ingest.labels import fold
from ar_core.ingest.mapping import Mapping
from ar_core.ingest.plan import ColumnPlan
from ar_core.ingest.result import ERROR, Problem
from ar_core.ingest.validate import (
    Context,
    check_currencies,
    check_reconciliation,
    check_required_values,
    check_unparsable,
)
from ar_core.ledger.account import with_document_amount
from ar_core.ledger.items import open_items
from ar_core.schema import MONEY

Sign = Literal["owed_positive", "owed_negative"]
SIGNS: tuple[str, ...] = ("owed_positive", "owed_negative")

#: The customer's list as :func:`read_customer_list` returns it; amounts from their point of view
#: with what they owe us positive (whatever sign their file used).
THEIR_SCHEMA: dict[str, pl.DataType] = {
    "source_row": pl.Int64(),
    "their_reference": pl.String(),  # as they quote it: our document, our reference, or their own
    "doc_date": pl.Date(),
    "amount": MONEY,
    "currency": pl.String(),
    "text": pl.String(),
}

#: Which canonical mapping column feeds which list column. A :class:`Mapping` for a customer's
#: list names the source headers under these canonical keys (``doc_no`` = their reference).
LIST_COLUMNS: dict[str, str] = {
    "doc_no": "their_reference",
    "doc_date": "doc_date",
    "amount": "amount",
    "currency": "currency",
    "text": "text",
}
_REQUIRED = {"doc_no": "document reference", "doc_date": "date", "amount": "amount"}

#: Header texts of customers' lists (de, nl, en, fr), compared folded (case, umlauts, dots).
LIST_LABELS: dict[str, tuple[str, ...]] = {
    "doc_no": (
        "Belegnummer",
        "Beleg",
        "Belegnr.",
        "Rechnungsnummer",
        "Rechnungsnr.",
        "Rechnung",
        "Referenz",
        "Ihre Referenz",
        "Dokument",
        "Factuurnummer",
        "Factuur",
        "Factuurnr.",
        "Documentnummer",
        "Referentie",
        "Kenmerk",
        "Invoice",
        "Invoice number",
        "Invoice no.",
        "Document",
        "Document number",
        "Reference",
        "Numéro de facture",
        "Facture",
        "Référence",
    ),
    "doc_date": (
        "Datum",
        "Belegdatum",
        "Rechnungsdatum",
        "Factuurdatum",
        "Documentdatum",
        "Date",
        "Document date",
        "Invoice date",
        "Date de facture",
    ),
    "amount": (
        "Betrag",
        "Offener Betrag",
        "Bedrag",
        "Openstaand bedrag",
        "Amount",
        "Open amount",
        "Montant",
        "Montant ouvert",
    ),
    "currency": ("Währung", "Whrg", "Valuta", "Currency", "Devise"),
    "text": ("Text", "Buchungstext", "Beschreibung", "Omschrijving", "Description", "Libellé"),
}
_INDEX = {fold(label): c for c, labels in LIST_LABELS.items() for label in (c, *labels)}


def _empty_theirs() -> pl.DataFrame:
    return pl.DataFrame(schema=THEIR_SCHEMA)


def read_customer_list(
    data: bytes, filename: str, mapping: Mapping | None = None, *, sign: Sign = "owed_positive"
) -> tuple[pl.DataFrame, list[Problem]]:
    """Read a customer's open-items list (CSV/text or XLSX) into :data:`THEIR_SCHEMA`.

    Without ``mapping`` the header row is found by :data:`LIST_LABELS`, numbers and dates by the
    extract readers' detection (German/Dutch first). A ``mapping`` maps source headers under the
    keys of :data:`LIST_COLUMNS` (``doc_no`` is their reference; a ``currency`` constant for a
    list without one) with its separators and date format. ``sign="owed_negative"`` is for lists
    that show our invoices as negative (their payables). A line with an amount and no reference
    is the list's total (as in our extracts) and is checked against the lines above it.

    Never raises for bad input. Any error (file, row or column named) returns the problems and an
    empty frame — a half-read list would make a wrong reconciliation; warnings travel with the rows.
    """
    if sign not in SIGNS:
        raise InvalidInput("sign", f"sign must be one of {', '.join(SIGNS)}, not {sign!r}")
    if mapping is not None:  # misuse, not bad input: raised, before the guard that turns errors into problems
        unknown = sorted((set(mapping.columns) | set(mapping.constants)) - set(LIST_COLUMNS))
        if unknown:
            raise InvalidInput(
                "mapping", f"a customer's list maps only {', '.join(LIST_COLUMNS)}; not {', '.join(unknown)}"
            )
    try:
        frame, problems = _read_list(data, filename, mapping)
    except Unreadable as exc:
        return _empty_theirs(), [Problem(filename, None, None, str(exc))]
    except (pl.exceptions.PolarsError, fastexcel.FastExcelError) as exc:
        return _empty_theirs(), [Problem(filename, None, None, f"the file cannot be read as a table ({exc})")]
    except BaseException as exc:  # the last resort, see guard.unexpected
        if not guard.unexpected(exc):
            raise
        return _empty_theirs(), [guard.incident(filename, exc, "reading the customer's list")]
    if any(p.severity == ERROR for p in problems):
        return _empty_theirs(), problems
    if sign == "owed_negative":
        frame = frame.with_columns(-pl.col("amount"))
    return frame, problems


def _score(cells: list[str]) -> int:
    return len({_INDEX[f] for c in cells if c and (f := fold(c)) in _INDEX})


def _auto_plan(headers: list[str]) -> ColumnPlan:
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        canonical = _INDEX.get(fold(header)) if header else None
        if canonical:
            positions.setdefault(canonical, position)
    # "de": an ambiguous number (1.234) is read the German way, as DE/NL customers write it
    return ColumnPlan(positions, {c: headers[p] for c, p in positions.items()}, "de")


def _plan(headers: list[str], mapping: Mapping | None, filename: str) -> tuple[ColumnPlan, list[Problem]]:
    plan = _auto_plan(headers) if mapping is None else generic.plan(headers, mapping, filename)
    fatal = list(plan.problems)
    seen = ", ".join(f"'{h}'" for h in headers if h)[:600]
    for column, what in _REQUIRED.items():
        if column not in plan.available:
            fatal.append(
                Problem(filename, None, None, f"missing required column: {what}; headers seen: {seen}")
            )
    return plan, fatal


def _read_list(data: bytes, filename: str, mapping: Mapping | None) -> tuple[pl.DataFrame, list[Problem]]:
    if not data.strip():
        raise Unreadable("the file is empty")
    score, minimum = (_score, 2) if mapping is None else (generic.scorer(mapping), 1)
    fixed_line = None if mapping is None or mapping.skip_rows is None else mapping.skip_rows + 1
    kind = sniff_kind(data, filename)
    if kind == TEXT:
        buf, _ = decode_to_utf8(data)
        delimiter = mapping.delimiter if mapping is not None else None
        layout = find_header(buf, score, minimum=minimum, delimiter=delimiter, line=fixed_line)
        if layout is None:
            raise Unreadable(_no_header(mapping))
        plan, fatal = _plan(layout.headers, mapping, filename)
        if fatal:
            return _empty_theirs(), fatal
        frame = text.read_body(buf, layout, set(plan.positions.values()))
        fixed: dict[str, list[str]] = {}
        typed: set[str] = set()
    else:
        paths = xlsx.sheet_paths(data) if kind == XLSX else {}
        reader = xlsx.open_sheets(data)
        names = reader.sheet_names
        index = _sheet_index(mapping, names)
        sheet = xlsx.head(reader, index, data, paths.get(names[index]))
        if not xlsx.find_header(sheet, score, minimum, fixed_line):
            raise Unreadable(_no_header(mapping))
        plan, fatal = _plan(sheet.headers, mapping, filename)
        if fatal:
            return _empty_theirs(), fatal
        kinds = {p: parse.KIND.get(c, parse.TEXT) for c, p in plan.positions.items()}
        frame, fixed_at, typed_at, _ = xlsx.read_body(sheet, kinds)
        fixed = {c: fixed_at[p] for c, p in plan.positions.items() if p in fixed_at}
        typed = {c for c, p in plan.positions.items() if p in typed_at}
    staged = stage(frame, plan, fixed, typed)
    totals, total_rows, total_problems = choose_file_totals(staged, filename)
    ctx = Context(filename, staged, plan.language, plan.derived, totals, total_rows)
    problems = list(total_problems)
    for check in (check_required_values, check_unparsable, check_currencies, check_reconciliation):
        problems += check(ctx)
    items = staged.items
    out = items.select(
        (pl.col(source) if source in items.columns else pl.lit(None)).cast(THEIR_SCHEMA[name]).alias(name)
        for source, name in {"source_row": "source_row", **LIST_COLUMNS}.items()
    ).with_columns(
        pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c).str.strip_chars()).alias(c)
        for c in ("their_reference", "currency", "text")
    )
    return out, sorted(problems, key=lambda p: (p.row is not None, p.row or 0))


def _sheet_index(mapping: Mapping | None, names: list[str]) -> int:
    if mapping is None or mapping.sheet is None:
        return 0
    if isinstance(mapping.sheet, int) and 0 <= mapping.sheet < len(names):
        return mapping.sheet
    if str(mapping.sheet) in names:
        return names.index(str(mapping.sheet))
    raise Unreadable(f"the workbook has no sheet {mapping.sheet!r}; sheets: {', '.join(names)}")


def _no_header(mapping: Mapping | None) -> str:
    if mapping is not None:
        wanted = ", ".join(f"'{h}'" for h in mapping.columns.values())
        return f"no header row with the mapped columns ({wanted}) found"
    return (
        "no header row recognised: expected a document reference and an amount column "
        "(such as 'Rechnungsnummer' and 'Betrag', or 'Factuurnummer' and 'Bedrag'); otherwise use a mapping"
    )


# --- normalising what the customer quotes ---------------------------------------------------------


def normalise_reference(value: object) -> str | None:
    """A quoted document number in the compared form, ``None`` when nothing is left.

    The credit area's one rule (:func:`ar_core.credit.references.normalise_reference`): prefixes
    such as RE, INV, Rechnung, factuur dropped, then separators, then leading zeros
    (:func:`ar_core.schema.doc_key`). Our document numbers and references pass the same function,
    so both sides compare alike.
    """
    return shared_normalise(value) or None


# --- the reconciliation ---------------------------------------------------------------------------

DOCUMENT, REFERENCE, AMOUNT_AND_DATE = "document", "reference", "amount and date"
#: How far apart (days) an amount-only match's dates may be.
DATE_WINDOW = 3

#: Why a row is on one side only (codes; the page and the statement translate them).
REASONS: dict[str, str] = {
    "invoice_not_booked": "not in their list: send a copy of the invoice",
    "credit_not_booked": "a credit note they have not booked",
    "payment_not_applied": "a payment they made that we have not applied",
    "credit_expected": "a credit (note) they expect from us",
    "not_open_with_us": "an item they list that is not open with us",
}
_PAYMENT_WORDS = re.compile(
    r"(?i)zahlung|überweisung|ueberweisung|lastschrift|payment|paid|remittance|betaling|betaald|"
    r"overboeking|paiement|virement|règlement"
)

MATCH_SCHEMA: dict[str, pl.DataType] = {
    "match": pl.String(),
    "doc_no": pl.String(),
    "doc_type": pl.String(),
    "doc_date": pl.Date(),
    "due_date": pl.Date(),
    "reference": pl.String(),
    "our_amount": MONEY,
    "their_reference": pl.String(),
    "their_date": pl.Date(),
    "their_amount": MONEY,
    "difference": MONEY,  # ours − theirs
    "currency": pl.String(),
    "source_row": pl.Int64(),
}
ONLY_OURS_SCHEMA: dict[str, pl.DataType] = {
    "doc_no": pl.String(),
    "doc_type": pl.String(),
    "doc_date": pl.Date(),
    "due_date": pl.Date(),
    "reference": pl.String(),
    "amount": MONEY,
    "currency": pl.String(),
    "reason": pl.String(),
}
ONLY_THEIRS_SCHEMA: dict[str, pl.DataType] = {
    "source_row": pl.Int64(),
    "their_reference": pl.String(),
    "doc_date": pl.Date(),
    "amount": MONEY,
    "currency": pl.String(),
    "text": pl.String(),
    "reason": pl.String(),
}
ZERO = Decimal("0.00")


@dataclass(frozen=True, eq=False)
class Reconciliation:
    """Our open items against the customer's list at ``as_of``, in one currency.

    Every row of both sides is in exactly one of ``matched``, ``differences``, ``only_ours`` and
    ``only_theirs``. ``difference`` = ``our_balance − their_balance``; ``explained`` = only ours −
    only theirs + the amount differences of matched documents (within the tolerance too), equal to
    ``difference`` to the cent, so ``unexplained`` is 0.00.
    """

    as_of: date
    currency: str | None
    tolerance: Decimal
    matched: pl.DataFrame  # MATCH_SCHEMA; same amount (or within the tolerance)
    differences: pl.DataFrame  # MATCH_SCHEMA; same document, amounts differ
    only_ours: pl.DataFrame  # ONLY_OURS_SCHEMA
    only_theirs: pl.DataFrame  # ONLY_THEIRS_SCHEMA
    our_balance: Decimal
    their_balance: Decimal
    difference: Decimal
    explained: Decimal
    unexplained: Decimal

    @property
    def agrees(self) -> bool:
        """Both sides show the same balance."""
        return self.difference == ZERO


def _money(value: object) -> Decimal:
    return (Decimal(value) if value is not None else ZERO).quantize(Decimal("0.01"))


def _pick_currency(ours: pl.DataFrame, theirs: pl.DataFrame, currency: str | None) -> str | None:
    if currency is not None:
        return currency.strip().upper()
    found = set(ours["doc_cur"].drop_nulls()) | set(theirs["currency"].drop_nulls())
    if len(found) > 1:
        raise InvalidInput(
            "currency", f"the items are in {', '.join(sorted(found))}: reconcile one currency at a time"
        )
    return next(iter(found), None)


def _theirs_frame(theirs: pl.DataFrame) -> pl.DataFrame:
    """``theirs`` in THEIR_SCHEMA (a missing optional column is null, source_row numbered 1..n)."""
    cols = []
    for name, dtype in THEIR_SCHEMA.items():
        if name in theirs.columns:
            cols.append(pl.col(name).cast(dtype))
        elif name == "source_row":
            cols.append(pl.int_range(1, pl.len() + 1, dtype=pl.Int64()).alias(name))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return theirs.select(cols)


def reconcile(
    ours: pl.DataFrame,
    theirs: pl.DataFrame,
    as_of: date,
    *,
    tolerance: Decimal = Decimal("0.00"),
    currency: str | None = None,
) -> Reconciliation:
    """Match our open items (one customer, ITEM_SCHEMA) with their list (:data:`THEIR_SCHEMA`).

    Ours are the items open at ``as_of`` in their document currency (what the customer booked).
    Matching, in this order, each row used once:

    1. *document*: their reference, normalised (:func:`normalise_reference`), is our document number;
    2. *reference*: it is our reference (the number printed on the invoice);
    3. *amount and date*: same amount, dates at most :data:`DATE_WINDOW` days apart, and the
       candidate is unique both ways — an ambiguous amount stays unmatched on both sides.

    Within one key, equal amounts pair first; one row left on each side then pairs as a
    difference (or as matched when ``|difference| <= tolerance``). ``currency`` picks one currency
    when the items have several (their rows without a currency count as it); other rows are left out.
    """
    if tolerance < 0:
        raise InvalidInput("tolerance", "the tolerance cannot be negative")
    ours = with_document_amount(open_items(ours, as_of))
    theirs = _theirs_frame(theirs)
    cur = _pick_currency(ours, theirs, currency)
    if cur is not None:
        ours = ours.filter(pl.col("doc_cur") == cur)
        theirs = theirs.filter(pl.col("currency").is_null() | (pl.col("currency") == cur))
    our_rows = [
        {
            **r,
            "amount": _money(r["doc_amount"]),
            "_doc": normalise_reference(r["doc_no"]),
            "_ref": normalise_reference(r["reference"]),
        }
        for r in ours.sort("doc_date", "doc_no", nulls_last=True).iter_rows(named=True)
    ]
    their_rows = [
        {**r, "amount": _money(r["amount"]), "_key": normalise_reference(r["their_reference"])}
        for r in theirs.iter_rows(named=True)
    ]
    pairs: list[tuple[str, int, int]] = []
    free_ours, free_theirs = set(range(len(our_rows))), set(range(len(their_rows)))
    for how, key in ((DOCUMENT, "_doc"), (REFERENCE, "_ref")):
        pairs += _pair_by_key(our_rows, their_rows, free_ours, free_theirs, key, how)
    pairs += _pair_by_amount_and_date(our_rows, their_rows, free_ours, free_theirs)
    return _result(our_rows, their_rows, pairs, free_ours, free_theirs, as_of, cur, tolerance)


def _pair_by_key(  # noqa: PLR0917
    our_rows: list[dict],
    their_rows: list[dict],
    free_ours: set[int],
    free_theirs: set[int],
    key: str,
    how: str,
) -> list[tuple[str, int, int]]:
    """Pairs (how, our index, their index) on equal keys; takes the paired rows out of the free sets."""
    by_key: dict[str, list[int]] = {}
    for i in sorted(free_ours):
        if our_rows[i][key] is not None:
            by_key.setdefault(our_rows[i][key], []).append(i)
    wanted: dict[str, list[int]] = {}
    for j in sorted(free_theirs):
        if their_rows[j]["_key"] in by_key:
            wanted.setdefault(their_rows[j]["_key"], []).append(j)
    pairs = []
    for k, theirs_k in wanted.items():
        ours_k = by_key[k]
        for j in list(theirs_k):  # equal amounts first: instalments of one document pair correctly
            same = next((i for i in ours_k if our_rows[i]["amount"] == their_rows[j]["amount"]), None)
            if same is not None:
                pairs.append((how, same, j))
                ours_k.remove(same)
                theirs_k.remove(j)
        if len(ours_k) == 1 and len(theirs_k) == 1:  # one each left: the same document, another amount
            pairs.append((how, ours_k[0], theirs_k[0]))
    for _, i, j in pairs:
        free_ours.discard(i)
        free_theirs.discard(j)
    return pairs


def _close(our: dict, their: dict) -> bool:
    a, b = our["doc_date"], their["doc_date"]
    return (
        our["amount"] == their["amount"]
        and a is not None
        and b is not None
        and abs((a - b).days) <= DATE_WINDOW
    )


def _pair_by_amount_and_date(
    our_rows: list[dict], their_rows: list[dict], free_ours: set[int], free_theirs: set[int]
) -> list[tuple[str, int, int]]:
    """Mutually unique (amount, date ± window) candidates, decided on the pool as it stands."""
    candidates = {
        j: [i for i in sorted(free_ours) if _close(our_rows[i], their_rows[j])] for j in free_theirs
    }
    pairs = []
    for j in sorted(free_theirs):
        if len(candidates[j]) != 1:
            continue
        i = candidates[j][0]
        if sum(1 for js in candidates.values() if i in js) == 1:
            pairs.append((AMOUNT_AND_DATE, i, j))
    for _, i, j in pairs:
        free_ours.discard(i)
        free_theirs.discard(j)
    return pairs


def _our_reason(row: dict) -> str:
    return "credit_not_booked" if row["amount"] < 0 else "invoice_not_booked"


def _their_reason(row: dict) -> str:
    if row["amount"] >= 0:
        return "not_open_with_us"
    words = f"{row.get('text') or ''} {row.get('their_reference') or ''}"
    return "payment_not_applied" if _PAYMENT_WORDS.search(words) else "credit_expected"


def _result(  # noqa: PLR0917
    our_rows: list[dict],
    their_rows: list[dict],
    pairs: list[tuple[str, int, int]],
    free_ours: set[int],
    free_theirs: set[int],
    as_of: date,
    cur: str | None,
    tolerance: Decimal,
) -> Reconciliation:
    matched: list[dict[str, Any]] = []
    differences: list[dict[str, Any]] = []
    for how, i, j in pairs:
        o, t = our_rows[i], their_rows[j]
        diff = o["amount"] - t["amount"]
        row = {
            "match": how,
            "doc_no": o["doc_no"],
            "doc_type": o["doc_type"],
            "doc_date": o["doc_date"],
            "due_date": o["due_date"],
            "reference": o["reference"],
            "our_amount": o["amount"],
            "their_reference": t["their_reference"],
            "their_date": t["doc_date"],
            "their_amount": t["amount"],
            "difference": diff,
            "currency": o["doc_cur"],
            "source_row": t["source_row"],
        }
        (matched if abs(diff) <= tolerance else differences).append(row)
    only_ours = [
        {
            **{c: our_rows[i][c] for c in ONLY_OURS_SCHEMA if c not in ("currency", "reason")},
            "currency": our_rows[i]["doc_cur"],
            "reason": _our_reason(our_rows[i]),
        }
        for i in sorted(free_ours)
    ]
    only_theirs = [
        {
            **{c: their_rows[j][c] for c in ONLY_THEIRS_SCHEMA if c != "reason"},
            "currency": their_rows[j]["currency"] or cur,
            "reason": _their_reason(their_rows[j]),
        }
        for j in sorted(free_theirs)
    ]
    our_balance = sum((r["amount"] for r in our_rows), ZERO)
    their_balance = sum((r["amount"] for r in their_rows), ZERO)
    difference = our_balance - their_balance
    explained = (
        sum((r["amount"] for r in only_ours), ZERO)
        - sum((r["amount"] for r in only_theirs), ZERO)
        + sum((r["difference"] for r in (*matched, *differences)), ZERO)
    )
    unexplained = difference - explained
    if unexplained != ZERO:  # not an assert statement: it must hold under python -O too
        raise AssertionError(
            f"reconciliation does not add up: difference {difference}, explained {explained}"
        )
    return Reconciliation(
        as_of=as_of,
        currency=cur,
        tolerance=tolerance,
        matched=pl.DataFrame(matched, schema=MATCH_SCHEMA),
        differences=pl.DataFrame(differences, schema=MATCH_SCHEMA),
        only_ours=pl.DataFrame(only_ours, schema=ONLY_OURS_SCHEMA),
        only_theirs=pl.DataFrame(only_theirs, schema=ONLY_THEIRS_SCHEMA),
        our_balance=our_balance,
        their_balance=their_balance,
        difference=difference,
        explained=explained,
        unexplained=unexplained,
    )
