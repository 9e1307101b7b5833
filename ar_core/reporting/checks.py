"""The totals check: every sheet that shows the whole portfolio's money adds up to the snapshot.

For each checked sheet (``Sheet.totals``) and each currency that the sheet or the snapshot has,
the report's total, the snapshot's open total (``ledger.snapshot_totals``: what the import
stored, independent of how the report was computed) and their difference, which must be 0.00.
A currency missing on one side counts as 0 there, so a dropped currency fails too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import polars as pl

from ar_core.reporting.sheets import Sheet
from ar_core.schema import MONEY

CHECK_SCHEMA: dict[str, pl.DataType] = {
    "name": pl.String(),
    "currency": pl.String(),
    "report_total": MONEY,
    "snapshot_total": MONEY,
    "difference": MONEY,
    "ok": pl.Boolean(),
}
_ZERO = Decimal("0.00")


def totals_check(sheets: Sequence[Sheet], snapshot_totals: Mapping[str, Decimal]) -> pl.DataFrame:
    """One row per checked sheet and currency (:data:`CHECK_SCHEMA`), in sheet then currency order."""
    rows = []
    for sheet in sheets:
        if sheet.totals is None:
            continue
        for currency in sorted({*sheet.totals, *snapshot_totals}):
            report = Decimal(sheet.totals.get(currency, _ZERO)).quantize(_ZERO)
            snapshot = Decimal(snapshot_totals.get(currency, _ZERO)).quantize(_ZERO)
            rows.append((sheet.title, currency, report, snapshot, report - snapshot, report == snapshot))
    return pl.DataFrame(rows, schema=CHECK_SCHEMA, orient="row")


def checks_ok(checks: pl.DataFrame) -> bool:
    """Whether every check holds (a report without checked sheets holds trivially)."""
    return bool(checks["ok"].all()) if checks.height else True


def checks_json(checks: pl.DataFrame) -> list[dict[str, str]]:
    """The checks as the ``report --json`` contract gives them: amounts as decimal strings."""
    return [
        {
            "name": r["name"],
            "currency": r["currency"],
            "report_total": f"{r['report_total']:.2f}",
            "snapshot_total": f"{r['snapshot_total']:.2f}",
            "difference": f"{r['difference']:.2f}",
        }
        for r in checks.iter_rows(named=True)
    ]
