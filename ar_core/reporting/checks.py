"""The totals check: every report total that is a snapshot's own total equals what it stored.

For each checked sheet (``Sheet.totals``) and each currency that the sheet or the snapshot has,
the report's total, the snapshot's open total (``ledger.snapshot_totals``: what the import
stored, independent of how the report was computed) and their difference, which must be 0.00.
A currency missing on one side counts as 0 there, so a dropped currency fails too.

Besides the report's snapshot, a sheet ties totals to other days' snapshots (``Sheet.checks``):
each row of the aging trend to its own snapshot, the KPIs' beginning and ending AR to the
snapshot of that day. Such a check needs that day's stored totals (``dated``); a day without a
snapshot has no own total, so there is nothing to check. A KPI figure is converted to the
reporting currency, so it is checked only against a snapshot holding that currency alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.reporting.sheets import Check, Sheet
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


def _rows(name: str, mine: Mapping[str, Decimal], stored: Mapping[str, Decimal], currencies) -> list[tuple]:
    rows = []
    for currency in sorted(currencies):
        report = Decimal(mine.get(currency, _ZERO)).quantize(_ZERO)
        snapshot = Decimal(stored.get(currency, _ZERO)).quantize(_ZERO)
        rows.append((name, currency, report, snapshot, report - snapshot, report == snapshot))
    return rows


def _dated_rows(check: Check, stored: Mapping[str, Decimal] | None) -> list[tuple]:
    if stored is None:  # no snapshot of that day: the figure is no snapshot's own total
        return []
    if check.only_currency is None:
        return _rows(check.name, check.totals, stored, {*check.totals, *stored})
    if any(cur != check.only_currency and amount != 0 for cur, amount in stored.items()):
        return []  # converted from other currencies: no stored total to tie to the cent
    return _rows(check.name, check.totals, stored, {check.only_currency})


def totals_check(
    sheets: Sequence[Sheet],
    snapshot_totals: Mapping[str, Decimal],
    dated: Mapping[date, Mapping[str, Decimal]] | None = None,
) -> pl.DataFrame:
    """One row per check and currency (:data:`CHECK_SCHEMA`), in sheet then currency order.

    ``snapshot_totals``: the report's snapshot's open totals; ``dated``: the open totals of the
    snapshot of each day that ``Sheet.checks`` name (the report's day included).
    """
    dated = dated or {}
    rows = []
    for sheet in sheets:
        if sheet.totals is not None:
            rows += _rows(sheet.title, sheet.totals, snapshot_totals, {*sheet.totals, *snapshot_totals})
        for check in sheet.checks:
            rows += _dated_rows(check, dated.get(check.as_of))
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
