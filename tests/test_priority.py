"""The priority score: hand-computed points, reasons in words, monotone, disputes not collectable."""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from ar_core.collections.priority import FEATURE_COLUMNS, PriorityConfig, money_text, score_customers
from ar_core.schema import MONEY

SCHEMA = {
    "customer_id": pl.String,
    "overdue_collectable": MONEY,
    "overdue_over_days": MONEY,
    "amount_days": pl.Float64,
    "weighted_days": pl.Float64,
    "max_days_collectable": pl.Int32,
    "worst_bucket_index": pl.Int8,
    "dunning_level": pl.Int8,
    "risk_class": pl.String,
    "credit_excess": MONEY,
    "broken_promises": pl.UInt32,
    "broken_promise_date": pl.Date,
    "open_promise_date": pl.Date,
    "promise_due": pl.Boolean,
    "days_since_contact": pl.Int32,
    "disputed_amount": MONEY,
    "disputed_count": pl.UInt32,
    "escalated": pl.Boolean,
}
BASE = {
    "overdue_collectable": Decimal(0),
    "overdue_over_days": Decimal(0),
    "amount_days": 0.0,
    "weighted_days": None,
    "max_days_collectable": None,
    "worst_bucket_index": 0,
    "dunning_level": 0,
    "risk_class": "A",
    "credit_excess": Decimal(0),
    "broken_promises": 0,
    "broken_promise_date": None,
    "open_promise_date": None,
    "promise_due": False,
    "days_since_contact": 0,
    "disputed_amount": Decimal(0),
    "disputed_count": 0,
    "escalated": False,
}


def _features(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame([{**BASE, "customer_id": str(i), **r} for i, r in enumerate(rows)], schema=SCHEMA)


def _overdue(amount: str, days: int, **more) -> dict:
    a = Decimal(amount)
    idx = 0 if days <= 0 else 1 + sum(days > e for e in (30, 60, 90, 180, 360))
    return {
        "overdue_collectable": a,
        "overdue_over_days": a if days > 60 else Decimal(0),
        "amount_days": float(a) * days,
        "weighted_days": float(days),
        "max_days_collectable": days,
        "worst_bucket_index": idx,
        **more,
    }


def _scores(frame: pl.DataFrame) -> list[float]:
    return score_customers(frame).get_column("score").to_list()


def test_feature_columns_are_the_schema():
    assert tuple(SCHEMA) == FEATURE_COLUMNS


def test_hand_computed_score_and_reasons():
    row = _overdue(
        "48210",
        75,
        dunning_level=3,
        risk_class="D",
        credit_excess=Decimal("5000"),
        broken_promises=1,
        broken_promise_date=date(2026, 11, 12),
        days_since_contact=19,
        disputed_amount=Decimal("3100"),
        disputed_count=2,
    )
    out = score_customers(_features(row)).row(0, named=True)
    expected = (
        20 * math.log10(1 + 48210 / 1000)  # amount 33.84
        + 10 * math.log10(1 + 48210 * 75 / 30000)  # age 20.84
        + 3 * 2  # bucket 61-90 = 3 steps
        + 3 * 3  # dunning
        + 10  # risk D
        + 8  # credit excess
        + 0.5 * 19  # no contact
        + 12  # one broken promise
        + 8 * math.log10(1 + 3100 / 1000)  # disputes 4.90
    )
    assert out["score"] == round(expected, 1) == 114.1
    assert out["reasons"] == [
        "EUR 48,210 overdue (collectable), all over 60 days",
        "promise of 12.11. broken",
        "no contact for 19 days",
        "dunning level 3",
        "credit limit exceeded by EUR 5,000",
        "risk class D",
        "EUR 3,100 in dispute",
    ]
    assert out["next_action"] == "call"


def test_more_overdue_never_ranks_lower():
    base = _overdue("10000", 45)
    variants = [
        base,
        _overdue("10000.01", 45),  # a cent more
        _overdue("10000", 46),  # a day older
        {**base, "amount_days": base["amount_days"] + 100.0, "overdue_collectable": Decimal("10100")},
        _overdue("10000", 61),  # next bucket
    ]
    scores = _scores(_features(*variants))
    assert all(s >= scores[0] for s in scores[1:])
    # over a range, the score never decreases with amount or with age
    amounts = _scores(_features(*(_overdue(str(a), 45) for a in (0, 1, 100, 499, 500, 10**4, 10**6, 10**8))))
    assert amounts == sorted(amounts)
    ages = _scores(
        _features(*(_overdue("5000", d) for d in (1, 30, 31, 60, 61, 90, 91, 180, 181, 360, 361, 999)))
    )
    assert ages == sorted(ages)


def test_disputed_overdue_is_not_collectable():
    collect = _overdue("20000", 90)
    dispute = {
        "disputed_amount": Decimal("20000"),
        "disputed_count": 1,
        "dunning_level": 3,
        "risk_class": "D",
        "days_since_contact": None,
    }
    out = score_customers(_features(collect, dispute))
    rows = out.select("score", "next_action", "reasons").rows()
    assert rows[0][1] == "call" and rows[1][1] == "dispute follow-up"
    assert rows[0][0] > rows[1][0]
    # only the dispute part scores: dunning, risk and contact points need collectable overdue
    assert rows[1][0] == round(8 * math.log10(21), 1)
    assert rows[1][2] == ["EUR 20,000 in dispute"]
    # adding a dispute never changes the collectable part's reasons
    assert score_customers(_features({**collect, "disputed_amount": Decimal(1)})).item(0, "reasons")[0] == (
        "EUR 20,000 overdue (collectable), all over 60 days"
    )


@pytest.mark.parametrize(
    ("row", "action"),
    [
        (_overdue("1000", 200, dunning_level=3), "legal review"),
        (_overdue("1000", 200, dunning_level=2), "call"),
        (_overdue("400", 200, dunning_level=3), "dunning letter"),
        (_overdue("1000", 10, escalated=True), "second-voice escalation"),
        (_overdue("1000", 10, broken_promises=2), "second-voice escalation"),
        (_overdue("100000", 61), "second-voice escalation"),
        (_overdue("100000", 60), "call"),
        (_overdue("1000", 10, open_promise_date=date(2026, 12, 1)), "promise follow-up"),
        ({"broken_promises": 1}, "call"),
        ({"disputed_amount": Decimal("5")}, "dispute follow-up"),
        ({}, "none"),
    ],
)
def test_next_action_rules(row, action):
    assert score_customers(_features(row)).item(0, "next_action") == action


def test_reason_wording():
    rows = [
        _overdue("60000", 30, days_since_contact=None),
        {
            **_overdue("60000", 90),
            "overdue_over_days": Decimal("48210.50"),
            "promise_due": True,
            "open_promise_date": date(2026, 11, 20),
            "broken_promises": 2,
            "broken_promise_date": date(2026, 11, 6),
            "escalated": True,
        },
    ]
    reasons = score_customers(_features(*rows)).get_column("reasons").to_list()
    assert reasons[0] == ["EUR 60,000 overdue (collectable)", "never contacted"]
    assert reasons[1] == [
        "EUR 60,000 overdue (collectable), EUR 48,211 over 60 days",
        "2 promises broken, last of 06.11.",
        "promise of 20.11. due",
        "escalated to a second voice",
    ]


def test_money_text():
    frame = pl.DataFrame({"a": [Decimal("0.49"), Decimal("999.5"), Decimal("1234567.49"), Decimal("-1000")]})
    assert frame.select(money_text(pl.col("a"), "EUR")).to_series().to_list() == [
        "EUR 0",
        "EUR 1,000",
        "EUR 1,234,567",
        "EUR -1,000",
    ]


def test_config_round_trip_and_weights_matter():
    config = PriorityConfig()
    data = json.loads(json.dumps(config.to_dict()))
    assert PriorityConfig.from_dict(data) == config
    custom = PriorityConfig.from_dict({"dunning_weight": 10, "risk_points": {"D": 1}, "unknown": 5})
    assert custom.dunning_weight == 10.0 and custom.risk_points == {"D": 1.0}
    row = _features(_overdue("1000", 10, dunning_level=2))
    assert score_customers(row, custom).item(0, "score") - score_customers(row).item(0, "score") == 14.0
