"""The customer's own open-items list or balance confirmation, read like an extract.

Header search, German/Dutch numbers such as ``1.234,56-``, dates such as ``31.12.2025``, typed
spreadsheet cells and total lines: the customer's list passes the same readers as our own
extracts (``ar_core.credit.reconcile`` sets it beside our open items).
"""

from __future__ import annotations

from typing import Literal

import fastexcel
import polars as pl

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
