"""Validation: a list of small checks run by one ``validate()``, each returning problems as values.

Each check computes a vectorised mask over the item rows and builds Problem records only for the
rows that fail, so a clean million-line file costs a few column scans and no Python loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.ingest import parse
from ar_core.ingest.build import Staged, raw
from ar_core.ingest.plan import REQUIRED
from ar_core.ingest.result import WARNING, Problem
from ar_core.money import format_amount
from ar_core.schema import ITEM_IDENTITY, KNOWN_CURRENCIES, doc_key_expr, store_text_limits


@dataclass
class Context:
    """What the checks look at."""

    file: str
    staged: Staged
    language: str = "en"
    derived: set[str] = field(default_factory=set)
    file_totals: dict[str, Decimal] = field(default_factory=dict)
    total_rows: dict[str, int] = field(default_factory=dict)
    as_of: date | None = None
    #: False when the raw text is known to hold no NUL byte (a memchr over the file is cheaper
    #: than searching every text column of a million rows).
    may_hold_nul: bool = True

    @property
    def items(self) -> pl.DataFrame:
        return self.staged.items

    def header(self, column: str) -> str | None:
        return self.staged.headers.get(column)

    def amount_text(self, value: Decimal) -> str:
        return format_amount(value, "en" if self.language == "en" else "de")

    def date_text(self, value: date) -> str:
        return value.isoformat() if self.language == "en" else value.strftime("%d.%m.%Y")


Check = Callable[[Context], list[Problem]]


def _failing(ctx: Context, columns: list[str], *conditions: pl.Expr) -> list[tuple]:
    """(source_row, *columns) of the rows meeting all conditions, filtering narrow frames first."""
    frame = ctx.items.select("source_row", *dict.fromkeys(columns))
    for condition in conditions:  # cheapest first: later conditions only see the survivors
        frame = frame.filter(condition)
    return list(frame.select("source_row", *columns).iter_rows())


def check_required_values(ctx: Context) -> list[Problem]:
    """Every item needs customer, document number, dates, amount and currency."""
    problems = []
    for column, what in REQUIRED.items():
        if column not in ctx.items.columns:
            continue
        kind = parse.KIND.get(column, parse.TEXT)
        if ctx.items.schema[column] == pl.String:
            needed, conditions = [column], [parse.blank(pl.col(column))]
        else:  # an unreadable value is reported as such, not as missing
            has_raw = raw(column) in ctx.items.columns
            needed = [column, raw(column)] if has_raw else [column]
            conditions = [pl.col(column).is_null()] + (
                [parse.blank(pl.col(raw(column)), kind)] if has_raw else []
            )
        if column == "due_date" and "baseline_date" in ctx.items.columns:
            message = "no net due date and no baseline date"
        else:
            message = f"no {what}"
        header = ctx.header(column)
        problems += [Problem(ctx.file, row[0], header, message) for row in _failing(ctx, needed, *conditions)]
    return problems


_UNREADABLE = {
    parse.DATE: "a date",
    parse.MONEY_KIND: "an amount",
    parse.INT: "a whole number",
    parse.FLAG: "yes/no (use X/blank, Yes/No, Y/N, true/false or 1/0)",
}


def check_unparsable(ctx: Context) -> list[Problem]:
    """A value is present but cannot be read as what its column holds.

    An amount with a fraction of a cent is never rounded (on any route): it is named as such.
    """
    problems = []
    for column, kind in parse.KIND.items():
        if kind not in _UNREADABLE or raw(column) not in ctx.items.columns:
            continue
        if column in ctx.derived:  # same source column as another field: report it once
            continue
        header, what = ctx.header(column), _UNREADABLE[kind]
        rows = _failing(
            ctx, [raw(column), column], pl.col(column).is_null(), ~parse.blank(pl.col(raw(column)), kind)
        )
        style = ctx.staged.styles.get(column) if kind == parse.MONEY_KIND else None
        for r, v, _ in rows:
            if style is not None and parse.is_sub_cent(v, style):
                message = f"'{v}' has fractions of a cent: an amount must be in whole cents"
            else:
                message = f"cannot read '{v}' as {what}"
            problems.append(Problem(ctx.file, r, header, message))
    return problems


def check_duplicates(ctx: Context) -> list[Problem]:
    """Two lines with the same identity (company code, fiscal year, document, line item) are an error.

    Nulls compare equal and document numbers are compared without leading zeros (SAP pads them in
    tables and strips them in list output). Every line of a duplicate group is rejected, each
    naming another row of the group, since nobody can tell which of them is right.
    """
    if "doc_no" not in ctx.items.columns:
        return []
    padded = bool(ctx.items.select(pl.col("doc_no").str.starts_with("0").any()).item())
    key = [
        doc_key_expr(c).alias(c) if c == "doc_no" and padded else pl.col(c)
        for c in ITEM_IDENTITY
        if c in ctx.items.columns
    ]
    names = [c for c in ITEM_IDENTITY if c in ctx.items.columns]
    frame = ctx.items.select("source_row", *key)
    # hashes first (one u64 per row, all distinct in a clean file), exact comparison only among candidates
    hashes = frame.select(pl.struct(names).hash()).to_series()
    if hashes.n_unique() == len(hashes):
        return []
    candidates = frame.filter(hashes.is_duplicated())
    if candidates.is_empty():
        return []
    dup = candidates.filter(pl.struct(names).is_duplicated())
    groups: dict[tuple, list[int]] = {}
    for row in dup.iter_rows():
        groups.setdefault(row[1:], []).append(row[0])
    labels = {
        "company_code": "company code",
        "fiscal_year": "fiscal year",
        "doc_no": "document",
        "line_item": "line item",
    }
    problems = []
    for values, rows in groups.items():
        ident = ", ".join(
            f"{labels[n]} {v if v is not None else '(empty)'}" for n, v in zip(names, values, strict=True)
        )
        for i, r in enumerate(rows):
            other = rows[1] if i == 0 else rows[0]
            problems.append(
                Problem(
                    ctx.file,
                    r,
                    ctx.header("doc_no"),
                    f"duplicate item ({ident}): the same item is on row {other}",
                )
            )
    return problems


def check_currencies(ctx: Context) -> list[Problem]:
    """Currency codes must be ISO codes the team knows."""
    problems = []
    for column in ("currency", "doc_currency"):
        if column not in ctx.items.columns or (column == "currency" and "currency" in ctx.derived):
            continue
        unknown = ~pl.col(column).is_in(sorted(KNOWN_CURRENCIES)) & ~parse.blank(pl.col(column))
        header = ctx.header(column)
        problems += [
            Problem(ctx.file, r, header, f"unknown currency '{v}'")
            for r, v in _failing(ctx, [column], unknown)
        ]
    return problems


def check_due_dates(ctx: Context) -> list[Problem]:
    """A due date before the document date is odd (data entry?) but not impossible: a warning."""
    if not {"due_date", "doc_date"} <= set(ctx.items.columns):
        return []
    early = pl.col("due_date") < pl.col("doc_date")
    header = ctx.header("due_date")
    return [
        Problem(
            ctx.file,
            r,
            header,
            f"due date {ctx.date_text(d)} is before the document date {ctx.date_text(b)}",
            WARNING,
        )
        for r, d, b in _failing(ctx, ["due_date", "doc_date"], early)
    ]


def check_key_dates(ctx: Context) -> list[Problem]:
    """One extract, one as-of date: several key dates mean concatenated exports."""
    dates = sorted({d for _, d in ctx.staged.key_dates})
    problems = []
    if len(dates) > 1:
        where = ", ".join(f"{ctx.date_text(d)} (row {r})" for r, d in ctx.staged.key_dates)
        problems.append(
            Problem(ctx.file, None, None, f"mixed as-of dates: the file states several key dates: {where}")
        )
    elif dates and ctx.as_of is not None and dates[0] != ctx.as_of:
        problems.append(
            Problem(
                ctx.file,
                ctx.staged.key_dates[0][0],
                None,
                f"the file's key date {ctx.date_text(dates[0])} is used, "
                f"not the chosen {ctx.date_text(ctx.as_of)}",
                WARNING,
            )
        )
    return problems


def check_reconciliation(ctx: Context) -> list[Problem]:
    """The items of each currency must add up to the file's own total row, to the cent.

    All item rows count, also those with other errors: the file must agree with itself before
    any row may be left out, so a difference blocks the commit (``blocking``), whatever the lead
    chooses. An unreadable amount cannot be counted and is named in the message.
    """
    if not ctx.file_totals or "amount" not in ctx.items.columns:
        return []
    # one aggregation per pass: a second one in the same group_by took 600 MB more on 1M rows
    sums = ctx.items.group_by("currency").agg(pl.col("amount").sum())
    unread_rows = ctx.items.filter(pl.col("amount").is_null()).group_by("currency").len()
    unread = dict(unread_rows.iter_rows())
    found = {c: (Decimal(a or 0), unread.get(c, 0)) for c, a in sums.iter_rows() if c is not None}
    problems = []
    for currency, total in ctx.file_totals.items():
        got, unread = found.get(currency, (Decimal(0), 0))
        if got != total:
            why = ""
            if unread:
                rows = (
                    "item row with an unreadable amount is"
                    if unread == 1
                    else "item rows with unreadable amounts are"
                )
                why = f"; {unread} {rows} not counted"
            problems.append(
                Problem(
                    ctx.file,
                    ctx.total_rows.get(currency),
                    ctx.header("amount"),
                    f"the items in {currency} add up to {ctx.amount_text(got)} but the file's total row says "
                    f"{ctx.amount_text(total)} (difference {ctx.amount_text(got - total)}){why}",
                    blocking=True,
                )
            )
    return problems


#: Columns whose length a sharper check already guarantees (a known currency has three letters).
_LENGTH_CHECKED_ELSEWHERE = frozenset({"currency", "doc_currency", "credit_limit_currency"})


def store_limit_problems(
    frame: pl.DataFrame, table: str, headers: dict[str, str | None], file: str, *, nul: bool = True
) -> list[Problem]:
    """Text the store cannot keep: longer than its column allows, or holding a NUL byte.

    PostgreSQL refuses both at commit and SQLite takes them silently; checking here makes both
    databases accept and refuse the same files, each value named by row and column. One pass
    over cheap aggregates finds the affected columns (byte length bounds the character length,
    so characters are only counted when the bytes exceed the limit); rows are listed only for them.
    """
    limits = {c: n for c, n in store_text_limits(table).items() if c in frame.columns}
    limits = {c: n for c, n in limits.items() if frame.schema[c] == pl.String}
    if not limits or frame.is_empty():
        return []
    if not nul and all(n is None or c in _LENGTH_CHECKED_ELSEWHERE for c, n in limits.items()):
        return []
    probes = []
    for column, limit in limits.items():
        if nul:
            probes.append(pl.col(column).str.contains("\x00", literal=True).any().alias(f"nul:{column}"))
        if limit is not None and column not in _LENGTH_CHECKED_ELSEWHERE:
            probes.append((pl.col(column).str.len_bytes() > limit).any().alias(f"len:{column}"))
    flagged = [name for name, hit in frame.select(probes).row(0, named=True).items() if hit]
    problems = []
    for name in flagged:
        kind, column = name.split(":", 1)
        if kind == "nul":
            bad = frame.filter(pl.col(column).str.contains("\x00", literal=True))
            message = "holds a NUL byte (\\x00), which the database cannot store"
            rows = [(r, message) for r in bad["source_row"]]
        else:
            limit = limits[column]
            chars = pl.col(column).str.len_chars()
            bad = frame.filter(pl.col(column).str.len_bytes() > limit).filter(chars > limit)
            rows = [
                (r, f"'{v[:40]}…' is {n} characters long; the store keeps at most {limit}")
                for r, v, n in bad.select("source_row", column, chars.alias("n")).iter_rows()
            ]
        problems += [Problem(file, r, headers.get(column) or column, message) for r, message in rows]
    return problems


def check_store_limits(ctx: Context) -> list[Problem]:
    """Every text value fits its column in the store (see ``store_limit_problems``)."""
    columns = [c for c in store_text_limits("open_items") if c in ctx.items.columns]
    headers = {c: ctx.header(c) for c in columns}
    frame = ctx.items.select("source_row", *columns)
    return store_limit_problems(frame, "open_items", headers, ctx.file, nul=ctx.may_hold_nul)


#: The checks, in report order.
CHECKS: tuple[Check, ...] = (
    check_required_values,
    check_unparsable,
    check_duplicates,
    check_currencies,
    check_store_limits,
    check_due_dates,
    check_key_dates,
    check_reconciliation,
)


def validate(ctx: Context) -> list[Problem]:
    """Run every check; problems come back in check order."""
    problems: list[Problem] = []
    for check in CHECKS:
        problems += check(ctx)
    return problems
