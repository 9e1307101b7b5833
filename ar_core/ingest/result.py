"""What a reader returns: the valid items plus every problem found, as values (never raised)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.errors import located
from ar_core.money import CENT
from ar_core.schema import MONEY, empty_items

ERROR = "error"
#: Longest message a Problem carries (shown on the page, printed by the CLI, stored in the audit).
MAX_MESSAGE = 500
#: Longest file name a Problem carries.
MAX_FILE_NAME = 200


def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters, ending in "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an extract, located as the person who made the export sees it.

    ``row`` is the physical 1-based line in a text file or the Excel row number, ``column`` the
    header text as written in the file; both are ``None`` for file-level problems.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    severity: str = ERROR
    #: The file as a whole is unusable: "commit only the valid rows" cannot help (a reconciliation
    #: difference has a row, the total row, but leaving rows out would not make the file right).
    blocking: bool = False

    def __post_init__(self) -> None:
        # the one place every message passes: a hostile file cannot make a message of megabytes
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", bounded(self.message))
        if self.file is not None and len(self.file) > MAX_FILE_NAME:
            object.__setattr__(self, "file", bounded(self.file, MAX_FILE_NAME))
        if self.column is not None and len(self.column) > MAX_FILE_NAME:
            object.__setattr__(self, "column", bounded(self.column, MAX_FILE_NAME))

    def __str__(self) -> str:
        tag = "warning: " if self.severity == WARNING else ""
        return f"{located(self.file, self.row, self.column)}: {tag}{self.message}"


class FileTotals(dict[str, Decimal]):
    """The file's own total row amount per currency.

    Call it (``result.file_totals()``, the API) or read it as a mapping (``result.file_totals[c]``,
    how callers wrote it before the call existed): both give the same amounts.
    """

    def __call__(self) -> dict[str, Decimal]:
        return dict(self)


#: Key of ``excluded_summary`` for left-out rows whose currency cannot be read.
NO_CURRENCY = "?"
#: Columns of ``ExtractResult.excluded``: enough to name and add up each left-out row.
EXCLUDED_SCHEMA: dict[str, pl.DataType] = {
    "source_row": pl.Int64(),
    "customer_id": pl.String(),
    "doc_no": pl.String(),
    "currency": pl.String(),
    "amount": MONEY,
}


def _sum_by_currency(frame: pl.DataFrame) -> dict[str, Decimal]:
    if frame.is_empty():
        return {}
    sums = frame.group_by("currency").agg(pl.col("amount").sum()).sort("currency")
    return {str(c): Decimal(a) for c, a in sums.iter_rows() if c is not None and a is not None}


@dataclass
class ExtractResult:
    """One read extract: items that passed validation, problems, and the file's own totals."""

    file_name: str
    file_hash: str
    source_format: str = "unknown"
    as_of: date | None = None
    items: pl.DataFrame = field(default_factory=empty_items)
    problems: list[Problem] = field(default_factory=list)
    lines_read: int = 0
    file_totals: FileTotals = field(default_factory=FileTotals)
    #: Item rows with a row-level error, which "commit only the valid rows" leaves out.
    excluded: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=EXCLUDED_SCHEMA))

    def __setattr__(self, name: str, value: object) -> None:
        if name == "file_totals" and not isinstance(value, FileTotals):  # also on __init__
            value = FileTotals(value)  # type: ignore[arg-type]
        super().__setattr__(name, value)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def blocking_errors(self) -> list[Problem]:
        """Errors that refuse a commit even with "commit only the valid rows".

        File-level errors (no row) and errors marked ``blocking`` (a reconciliation difference:
        the items do not add up to the file's own total row, so leaving rows out cannot be signed).
        """
        return [p for p in self.errors if p.row is None or p.blocking]

    def excluded_summary(self) -> dict[str, dict]:
        """Per currency ``{"rows": int, "amount": Decimal}`` of the item rows left out.

        What "commit only the valid rows" drops: every item row with an error. A duplicate item
        drops every copy (nobody can tell which is right), so both copies count here. Rows whose
        currency cannot be read are under ``"?"``; an unreadable amount counts as a row and adds
        0.00. With total rows present and no blocking error, committed + excluded equals the
        file's total per currency to the cent. Empty when nothing is left out.
        """
        if self.excluded.is_empty():
            return {}
        currency = pl.col("currency")
        key = pl.when(currency.is_null() | (currency.str.strip_chars() == "")).then(pl.lit(NO_CURRENCY))
        sums = (
            self.excluded.group_by(key.otherwise(currency).alias("key"))
            .agg(pl.len().alias("rows"), pl.col("amount").sum().alias("amount"))
            .sort("key")
        )
        return {
            k: {"rows": int(n), "amount": (Decimal(a) if a is not None else Decimal(0)).quantize(CENT)}
            for k, n, a in sums.iter_rows()
        }

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def rejected_rows(self) -> int:
        """Distinct rows with at least one row-level error (a blocking error's total row is no item)."""
        return len({p.row for p in self.errors if p.row is not None and not p.blocking})

    def totals(self) -> dict[str, Decimal]:
        """Sum of the valid items' amounts per currency."""
        return _sum_by_currency(self.items)

    def open_totals(self, as_of: date | None = None) -> dict[str, Decimal]:
        """Sum per currency of the items still open at ``as_of`` (not cleared, or cleared later).

        Defaults to the extract's own as-of date; without any date only uncleared items count.
        """
        as_of = as_of or self.as_of
        cleared = pl.col("clearing_date")
        still_open = cleared.is_null() if as_of is None else cleared.is_null() | (cleared > as_of)
        return _sum_by_currency(self.items.filter(still_open))
