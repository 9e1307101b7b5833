"""Promise verdicts across four tiny weekly snapshots (hand-computed; grace 3 days)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.collections.promise_status import decide
from ar_core.schema import ITEM_SCHEMA, empty_items

S1, S2, S3, S4 = date(2026, 10, 30), date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)
IDENTITY = pl.Struct(
    {"company_code": pl.String, "fiscal_year": pl.Int32, "doc_no": pl.String, "line_item": pl.Int32}
)


def _items(rows: list[tuple]) -> pl.DataFrame:
    """rows: (customer, doc_no, amount, clearing_date | None)."""
    base = dict.fromkeys(ITEM_SCHEMA)
    recs = [
        {
            **base,
            "company_code": "1000",
            "fiscal_year": 2026,
            "line_item": 1,
            "customer_id": c,
            "doc_no": doc,
            "amount": Decimal(a),
            "currency": "EUR",
            "due_date": date(2026, 10, 1),
            "clearing_date": cl,
        }
        for c, doc, a, cl in rows
    ]
    return pl.concat([empty_items(), pl.DataFrame(recs, schema=ITEM_SCHEMA)])


A, B, C = ("K1", "100", "1000", None), ("K1", "101", "500", None), ("K1", "102", "200", None)
D, E = ("K2", "0000200", "800", None), ("K2", "201", "300", None)
F, H = ("K3", "300", "1000", None), ("K3", "301", "250", None)
J, K, L = ("K4", "400", "700", None), ("K5", "500", "100", None), ("K6", "600", "400", None)

SNAPSHOTS = [
    (S1, _items([A, B, C, D, E, F, H, J, K, L])),
    (S2, _items([B, C, D, F, H, J, K, L])),  # A (1000) and E (300) paid
    (S3, _items([C, ("K2", "0000200", "800", date(2026, 11, 12)), F, J, K, L])),  # B, D (on 12.11.), H paid
    (S4, _items([C, F, K, ("K6", "600", "400", date(2026, 11, 17))])),  # J paid, L paid late (17.11.)
]


def _promises(rows: list[tuple]) -> pl.DataFrame:
    """rows: (id, customer, amount, promised, created, items as doc numbers)."""
    return pl.DataFrame(
        [
            {
                "promise_id": pid,
                "customer_id": cust,
                "amount": Decimal(amount),
                "currency": "EUR",
                "promised_date": promised,
                "created_at": created,
                "items": [
                    {"company_code": "1000", "fiscal_year": 2026, "doc_no": d, "line_item": 1} for d in docs
                ],
            }
            for pid, cust, amount, promised, created, docs in rows
        ],
        schema={
            "promise_id": pl.Int64,
            "customer_id": pl.String,
            "amount": pl.Decimal(18, 2),
            "currency": pl.String,
            "promised_date": pl.Date,
            "created_at": pl.Date,
            "items": pl.List(IDENTITY),
        },
    )


PROMISES = _promises(
    [
        (1, "K1", "1500", date(2026, 11, 5), date(2026, 11, 2), []),  # A at S2 + B at S3
        (2, "K2", "800", date(2026, 11, 10), date(2026, 11, 3), ["200"]),  # D (zeros dropped), not E
        (3, "K3", "1000", date(2026, 11, 9), date(2026, 11, 6), []),  # only H (250) by S3
        (4, "K4", "700", date(2026, 11, 6), date(2026, 10, 30), []),  # J paid at S4, after the window
        (5, "K5", "100", date(2026, 11, 18), date(2026, 11, 13), []),  # deadline 21.11. not passed
        (6, "K6", "400", date(2026, 11, 10), date(2026, 11, 6), []),  # L cleared 17.11. > deadline 13.11.
        (7, "K1", "1000", date(2026, 11, 20), date(2026, 10, 30), []),  # kept early, by S2
    ]
)


def _verdicts(out: pl.DataFrame) -> list[tuple]:
    return list(out.select("promise_id", "status", "status_decided_on", "cleared_amount").iter_rows())


def test_decisions_across_snapshots():
    out = decide(PROMISES, SNAPSHOTS, S4, grace_days=3)
    assert out.columns[: PROMISES.width] == PROMISES.columns
    assert _verdicts(out) == [
        (1, "kept", S3, Decimal("1500.00")),
        (2, "kept", S3, Decimal("800.00")),
        (3, "partly kept", S3, Decimal("250.00")),
        (4, "broken", S3, Decimal("0.00")),
        (5, "open", None, Decimal("0.00")),
        (6, "broken", S4, Decimal("0.00")),
        (7, "kept", S2, Decimal("1500.00")),
    ]


def test_no_verdict_without_a_snapshot_after_the_deadline():
    # as of 20.11. but only S1, S2 known: the deadline 09.11. of promise 4 passed, no evidence yet
    out = decide(PROMISES.filter(pl.col("promise_id") == 4), SNAPSHOTS[:2], S4, grace_days=3)
    assert _verdicts(out) == [(4, "open", None, Decimal("0.00"))]


def test_snapshots_after_as_of_are_ignored():
    out = decide(PROMISES, SNAPSHOTS, S3, grace_days=3)
    by_id = {r[0]: r[1:] for r in _verdicts(out)}
    assert by_id[6] == ("open", None, Decimal("0.00"))  # deadline 13.11. = as_of: still open
    assert by_id[4] == ("broken", S3, Decimal("0.00"))


def test_grace_days_move_the_window():
    # grace 10: deadline 16.11., the window runs to S4, where J (700) was paid
    out = decide(PROMISES.filter(pl.col("promise_id") == 4), SNAPSHOTS, S4, grace_days=10)
    assert _verdicts(out) == [(4, "kept", S4, Decimal("700.00"))]


def test_no_snapshots_and_no_promises():
    assert _verdicts(decide(PROMISES.head(1), [], S4)) == [(1, "open", None, Decimal("0.00"))]
    assert decide(PROMISES.head(0), SNAPSHOTS, S4).height == 0


def test_money_cleared_before_the_promise_was_made_does_not_keep_it():
    """K7 paid 9,000 on 09.11.; the promise of 11.11. (between S2 and S3) still waits for new money."""
    snaps = [
        (S2, _items([("K7", "700", "9000", None), ("K7", "701", "100", None)])),
        (S3, _items([("K7", "700", "9000", date(2026, 11, 9)), ("K7", "701", "100", None)])),
        (S4, _items([("K7", "701", "100", None)])),
    ]
    promise = _promises([(8, "K7", "100", date(2026, 11, 13), date(2026, 11, 11), [])])
    assert _verdicts(decide(promise, snaps, S4, grace_days=3)) == [(8, "broken", S4, Decimal("0.00"))]


def test_a_cancelled_promise_is_never_decided():
    """Promise 3 would be partly kept, promise 4 broken: withdrawn, both stay cancelled and undecided."""
    promises = PROMISES.with_columns(
        pl.when(pl.col("promise_id").is_in([3, 4]))
        .then(pl.lit("cancelled"))
        .otherwise(pl.lit("open"))
        .alias("status")
    )
    out = decide(promises, SNAPSHOTS, S4, grace_days=3).filter(pl.col("promise_id").is_in([3, 4, 2]))
    assert out.select("promise_id", "status", "status_decided_on").rows() == [
        (2, "kept", S3),
        (3, "cancelled", None),
        (4, "cancelled", None),
    ]
