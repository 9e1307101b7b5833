"""What a reader returns: the valid items plus every problem found, as values (never raised)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.schema import empty_items

ERROR = "error"
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

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        tag = "warning: " if self.severity == WARNING else ""
        return f"{', '.join(where)}: {tag}{self.message}"


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
    file_totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def rejected_rows(self) -> int:
        """Distinct rows with at least one error (file-level errors have no row)."""
        return len({p.row for p in self.problems if p.severity == ERROR and p.row is not None})

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
