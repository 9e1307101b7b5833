"""The dunning overview (pure): levels, blocked items by reason, the ERP control check, the trend."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.recovery.dunning_overview import (
    blocked_summary,
    erp_mismatches,
    level_summary,
    level_trend,
    with_levels,
)
from ar_core.recovery.dunning_run import BLOCKED_SCHEMA, LEVEL_SCHEMA
from ar_core.recovery.procedure import default_procedure

AS_OF = date(2026, 12, 1)
PROCS = {"*": default_procedure()}
SCHEMA = {
    "customer_id": pl.String(),
    "company_code": pl.String(),
    "_item_key": pl.String(),
    "doc_no": pl.String(),
    "due_date": pl.Date(),
    "amount": pl.Decimal(18, 2),
    "currency": pl.String(),
    "dunning_level": pl.Int64(),
}


def _items(*rows):
    return pl.DataFrame(
        [(c, "1000", f"k{d}", d, due, Decimal(a), "EUR", erp) for c, d, due, a, erp in rows],
        schema=SCHEMA,
        orient="row",
    )


ITEMS = _items(
    ("C1", "A", date(2026, 11, 24), "100.00", 1),  # 7 days: procedure level 1, ERP 1
    ("C1", "B", date(2026, 10, 1), "200.00", 1),  # 61 days: procedure level 4, ERP 1
    ("C2", "C", date(2026, 11, 10), "300.00", 1),  # 21 days: level 2
    ("C2", "D", date(2026, 12, 10), "999.00", 0),  # not due
    ("C3", "E", date(2026, 11, 30), "50.00", 0),  # 1 day: level 0 everywhere
)
LEVELS = pl.DataFrame([("C1", "kB", 2, date(2026, 11, 1))], schema=LEVEL_SCHEMA, orient="row")


def test_items_and_customers_per_recorded_and_procedure_level():
    leveled = with_levels(ITEMS, LEVELS, PROCS, AS_OF)
    assert leveled.height == 4
    recorded = level_summary(leveled)
    assert recorded.select("level", "label", "items", "customers", "amount").rows() == [
        (0, "Not dunned", 3, 3, Decimal("450.00")),
        (2, "Dunning letter 2", 1, 1, Decimal("200.00")),
    ]
    by_days = level_summary(leveled, "procedure_level")
    assert by_days.select("level", "items").rows() == [(0, 1), (1, 1), (2, 1), (4, 1)]


def test_blocked_items_by_reason():
    blocked = pl.DataFrame(
        [
            ("C1", "kA", "disputed", None),
            ("C2", None, "insolvency", None),
            ("C1", "kA", "manual", "pays after month end"),
        ],
        schema=BLOCKED_SCHEMA,
        orient="row",
    )
    out = blocked_summary(with_levels(ITEMS, LEVELS, PROCS, AS_OF), blocked)
    assert out.rows() == [
        ("insolvency", 1, 1, Decimal("300.00")),
        ("disputed", 1, 1, Decimal("100.00")),
        ("manual", 1, 1, Decimal("100.00")),
    ]


def test_customers_whose_erp_level_disagrees_with_the_procedure():
    out = erp_mismatches(with_levels(ITEMS, LEVELS, PROCS, AS_OF))
    assert out.select("customer_id", "erp_level", "procedure_level", "recorded_level", "overdue").rows() == [
        ("C1", 1, 4, 2, Decimal("300.00")),
        ("C2", 1, 2, 0, Decimal("300.00")),
    ]


def test_the_trend_per_snapshot():
    earlier = date(2026, 11, 20)
    out = level_trend([(earlier, ITEMS), (AS_OF, ITEMS)], PROCS)
    first = out.filter((pl.col("as_of") == earlier) & (pl.col("source") == "procedure"))
    # at 20.11.: A and E not yet due, C 10 days (level 1), B 50 days (level 4)
    assert first.select("level", "items", "amount").rows() == [
        (1, 1, Decimal("300.00")),
        (4, 1, Decimal("200.00")),
    ]
    erp = out.filter((pl.col("as_of") == AS_OF) & (pl.col("source") == "ERP"))
    assert erp.select("level", "items").rows() == [(0, 1), (1, 3)]
