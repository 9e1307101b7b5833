"""The explainable priority score and the next best action per customer.

A collector trusts a rank only when it says why, so the score is a plain sum of named points and
every non-zero part becomes a reason in words. The parts are built to be monotone in the items:
the amount and age parts use sums over overdue debit items (amount, amount x days), the bucket and
dunning parts use maxima, so another overdue invoice or an older one never lowers a score.
Disputed amounts are not collectable: they only feed the (smaller) dispute part, so a customer
whose overdue is all in dispute ranks as a dispute follow-up, not as a collection call.

Next action, first rule that applies (thresholds in :class:`PriorityConfig`):

1. ``legal review``: collectable overdue >= ``call_min_amount``, oldest collectable item more than
   ``legal_min_days`` overdue and dunning level >= ``legal_min_dunning``;
2. ``second-voice escalation``: already escalated, or >= ``escalate_broken_promises`` broken
   promises, or collectable overdue >= ``escalate_amount`` older than ``escalate_min_days``;
3. ``promise follow-up``: an open promise (due or not yet due);
4. ``call``: collectable overdue >= ``call_min_amount``, or any broken promise;
5. ``dunning letter``: some collectable overdue below ``call_min_amount``;
6. ``dispute follow-up``: open disputes;
7. ``none``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import polars as pl

#: How reasons name the collectable overdue amount; the worklist's column carries the same label.
COLLECTABLE_LABEL = "overdue (collectable)"

#: Columns :func:`score_customers` reads (amounts in the reporting currency, MONEY).
FEATURE_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "overdue_collectable",  # overdue debit items minus disputed ones
    "overdue_over_days",  # the part of it more than ``reason_over_days`` overdue
    "amount_days",  # sum(amount x days overdue) over collectable overdue items (Float64)
    "weighted_days",  # amount_days / overdue_collectable (Float64, null when nothing overdue)
    "max_days_collectable",  # days overdue of the oldest collectable item (null when none)
    "worst_bucket_index",  # aging bucket ordinal of that item (0 = not due)
    "dunning_level",  # highest dunning level of the open items
    "risk_class",  # A..D, null when unknown
    "credit_excess",  # open amount above the credit limit (0 when within or no limit)
    "broken_promises",  # count of broken promises
    "broken_promise_date",  # promised date of the latest broken promise
    "open_promise_date",  # earliest open promise's promised date (null when none)
    "promise_due",  # an open promise is due today or overdue
    "days_since_contact",  # null = never contacted
    "disputed_amount",  # open disputed debit amount
    "disputed_count",
    "escalated",  # an open second-voice escalation exists
)


@dataclass(frozen=True)
class PriorityConfig:
    """Weights and thresholds of the score; a lead edits them on the settings page (audited)."""

    #: Amount points = amount_weight x log10(1 + collectable overdue / amount_unit):
    #: EUR 1,000 → 6, 10,000 → 21, 100,000 → 40 (the log keeps one big account from drowning the rest).
    amount_weight: float = 20.0
    #: Scale of the amount and age parts, in reporting currency units.
    amount_unit: float = 1000.0
    #: Age points = age_weight x log10(1 + sum(amount x days) / (amount_unit x 30)):
    #: EUR 10,000 overdue 45 days on average → 12.
    age_weight: float = 10.0
    #: Points per aging bucket of the oldest collectable item (1-30 → 1 step, >360 → 6 steps).
    bucket_weight: float = 2.0
    #: Points per dunning level (highest level of the open items).
    dunning_weight: float = 3.0
    #: Points by risk class; unknown classes score 0.
    risk_points: dict[str, float] = field(default_factory=lambda: {"A": 0.0, "B": 2.0, "C": 5.0, "D": 10.0})
    #: Points when the open amount exceeds the credit limit.
    credit_excess_points: float = 8.0
    #: Points per broken promise, counting at most ``broken_promise_cap`` of them.
    broken_promise_points: float = 12.0
    broken_promise_cap: int = 3
    #: Points when an open promise is due today or overdue.
    promise_due_points: float = 15.0
    #: Points per day without contact (capped at ``no_contact_cap_days``; never contacted = cap),
    #: given from ``no_contact_days`` days on.
    no_contact_weight: float = 0.5
    no_contact_days: int = 7
    no_contact_cap_days: int = 30
    #: Dispute points = dispute_weight x log10(1 + disputed / amount_unit): a follow-up, ranked
    #: below a collection call of the same size.
    dispute_weight: float = 8.0
    #: Points while a second-voice escalation is open.
    escalated_points: float = 10.0
    #: Points while the customer's payment plan is broken (``recovery.payment_plans``): the
    #: agreement failed, so the account is back on the phone, ahead of a plain overdue of its size.
    broken_plan_points: float = 15.0
    #: The reason names the overdue part older than this many days
    #: ("EUR 60,000 overdue (collectable), EUR 48,210 over 60 days").
    reason_over_days: int = 60
    #: Next-action thresholds (see the module docstring for the rules).
    call_min_amount: float = 500.0
    legal_min_days: int = 180
    legal_min_dunning: int = 3
    escalate_broken_promises: int = 2
    escalate_amount: float = 100_000.0
    escalate_min_days: int = 60

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the settings store keeps it as JSON)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> PriorityConfig:
        """Known keys override the defaults; unknown keys are ignored (old settings keep working)."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in (data or {}).items():
            if key not in known:
                continue
            if key == "risk_points":
                values[key] = {str(k): float(v) for k, v in dict(value).items()}
            else:
                default = getattr(cls(), key)
                values[key] = type(default)(value)
        return cls(**values)


def money_text(amount: pl.Expr, currency: str) -> pl.Expr:
    """ "EUR 48,210": whole units, half away from zero, comma thousands (the house display format)."""
    whole = amount.round(0, mode="half_away_from_zero").cast(pl.Int64).abs().cast(pl.String)
    grouped = whole.str.reverse().str.replace_all(r"(\d{3})", "$1,").str.strip_suffix(",").str.reverse()
    sign = pl.when(amount < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(pl.lit(f"{currency} "), sign, grouped)


def _log_points(weight: float, value: pl.Expr, unit: float) -> pl.Expr:
    return pl.lit(weight) * (1.0 + value.cast(pl.Float64).fill_null(0.0).clip(0.0) / unit).log10()


def _reasons(c: PriorityConfig, currency: str) -> pl.Expr:
    col = pl.col
    overdue, over = col("overdue_collectable"), col("overdue_over_days")
    # The amount is named as the worklist's column is ("Overdue (collectable)"): overdue debits
    # minus disputed ones, which is not the gross overdue a reader may compare it with.
    head = pl.concat_str(money_text(overdue, currency), pl.lit(f" {COLLECTABLE_LABEL}"))
    amount_reason = (
        pl.when(overdue <= 0)
        .then(None)
        .when(over >= overdue)
        .then(pl.concat_str(head, pl.lit(f", all over {c.reason_over_days} days")))
        .when(over > 0)
        .then(
            pl.concat_str(
                head, pl.lit(", "), money_text(over, currency), pl.lit(f" over {c.reason_over_days} days")
            )
        )
        .otherwise(head)
    )
    broken = col("broken_promise_date").dt.strftime("%d.%m.")
    parts = [
        amount_reason,
        pl.when(col("broken_promises") == 1)
        .then(pl.concat_str(pl.lit("promise of "), broken, pl.lit(" broken")))
        .when(col("broken_promises") > 1)
        .then(pl.format("{} promises broken, last of {}", col("broken_promises"), broken)),
        pl.when(col("promise_due")).then(
            pl.concat_str(
                pl.lit("promise of "), col("open_promise_date").dt.strftime("%d.%m."), pl.lit(" due")
            )
        ),
        pl.when(overdue <= 0)
        .then(None)
        .when(col("days_since_contact").is_null())
        .then(pl.lit("never contacted"))
        .when(col("days_since_contact") >= c.no_contact_days)
        .then(pl.format("no contact for {} days", col("days_since_contact"))),
        pl.when((overdue > 0) & (col("dunning_level") > 0)).then(
            pl.format("dunning level {}", col("dunning_level"))
        ),
        pl.when((overdue > 0) & (col("credit_excess") > 0)).then(
            pl.concat_str(pl.lit("credit limit exceeded by "), money_text(col("credit_excess"), currency))
        ),
        pl.when((overdue > 0) & (_risk(c) > 0)).then(pl.format("risk class {}", col("risk_class"))),
        pl.when(col("disputed_amount") > 0).then(
            pl.concat_str(money_text(col("disputed_amount"), currency), pl.lit(" in dispute"))
        ),
        pl.when(col("escalated")).then(pl.lit("escalated to a second voice")),
    ]
    return pl.concat_list([p.cast(pl.String) for p in parts]).list.drop_nulls().alias("reasons")


def _risk(c: PriorityConfig) -> pl.Expr:
    return (
        pl.col("risk_class")
        .replace_strict(c.risk_points, default=0.0, return_dtype=pl.Float64)
        .fill_null(0.0)
    )


def _score(c: PriorityConfig) -> pl.Expr:
    col = pl.col
    collectable = (col("overdue_collectable") > 0).cast(pl.Float64)
    days = col("days_since_contact").cast(pl.Float64).fill_null(float(c.no_contact_cap_days))
    no_contact = pl.when(days >= c.no_contact_days).then(days.clip(0, c.no_contact_cap_days)).otherwise(0.0)
    context = (
        col("worst_bucket_index").cast(pl.Float64).fill_null(0.0) * c.bucket_weight
        + col("dunning_level").cast(pl.Float64).fill_null(0.0) * c.dunning_weight
        + _risk(c)
        + (col("credit_excess") > 0).cast(pl.Float64).fill_null(0.0) * c.credit_excess_points
        + no_contact * c.no_contact_weight
    )
    total = (
        _log_points(c.amount_weight, col("overdue_collectable"), c.amount_unit)
        + _log_points(c.age_weight, col("amount_days"), c.amount_unit * 30)
        + collectable * context
        + col("broken_promises").clip(0, c.broken_promise_cap).cast(pl.Float64).fill_null(0.0)
        * c.broken_promise_points
        + col("promise_due").cast(pl.Float64).fill_null(0.0) * c.promise_due_points
        + _log_points(c.dispute_weight, col("disputed_amount"), c.amount_unit)
        + col("escalated").cast(pl.Float64).fill_null(0.0) * c.escalated_points
    )
    return total.round(1).alias("score")


def next_action_expr(c: PriorityConfig) -> pl.Expr:
    """The rule-based next action (module docstring, rules 1-7)."""
    col = pl.col
    overdue, oldest = col("overdue_collectable"), col("max_days_collectable").fill_null(0)
    broken = col("broken_promises").fill_null(0)
    return (
        pl.when(
            (overdue >= c.call_min_amount)
            & (oldest > c.legal_min_days)
            & (col("dunning_level").fill_null(0) >= c.legal_min_dunning)
        )
        .then(pl.lit("legal review"))
        .when(
            col("escalated").fill_null(False)
            | (broken >= c.escalate_broken_promises)
            | ((overdue >= c.escalate_amount) & (oldest > c.escalate_min_days))
        )
        .then(pl.lit("second-voice escalation"))
        .when(col("open_promise_date").is_not_null())
        .then(pl.lit("promise follow-up"))
        .when((overdue >= c.call_min_amount) | (broken > 0))
        .then(pl.lit("call"))
        .when(overdue > 0)
        .then(pl.lit("dunning letter"))
        .when(col("disputed_amount") > 0)
        .then(pl.lit("dispute follow-up"))
        .otherwise(pl.lit("none"))
        .alias("next_action")
    )


def score_customers(
    features: pl.DataFrame, config: PriorityConfig | None = None, *, currency: str = "EUR"
) -> pl.DataFrame:
    """``features`` (:data:`FEATURE_COLUMNS`) plus ``score``, ``reasons`` and ``next_action``.

    Rows keep their order; rank them with ``sort("score", descending=True)``.
    """
    c = config or PriorityConfig()
    return features.with_columns(_score(c), _reasons(c, currency), next_action_expr(c))
