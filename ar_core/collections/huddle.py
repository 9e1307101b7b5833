"""The morning huddle board: the few cases a lead walks the team through on a shared screen.

Everything comes from the worklist the page already built (so the board shows the same numbers,
scope and reasons as the collectors' lists) plus the promise, escalation and dispute-case frames.
The worklist's customers are the board's scope: filter the worklist by collector group first.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from ar_core.errors import ArDeskError
from ar_core.schema import MONEY

#: Columns every case frame shows first: who, whose, how much, why, what next.
CASE_COLUMNS: tuple[str, ...] = ("customer_id", "customer_name", "collector", "currency")
#: The amounts every case carries besides its board's own (escalations, broken promises).
_AMOUNTS: tuple[str, ...] = ("open_amount", "overdue_collectable", "disputed_amount")


def _top(worklist: pl.DataFrame, amount: str, top_n: int) -> pl.DataFrame:
    return (
        worklist.filter(pl.col(amount) > 0)
        .sort([amount, "customer_id"], descending=[True, False])
        .head(top_n)
        .select(*CASE_COLUMNS, amount, "open_amount", "score", "reasons", "next_action", "next_action_date")
    )


def _credit_balances(worklist: pl.DataFrame, top_n: int) -> pl.DataFrame:
    """Customers whose open items net to a credit (we owe them), largest first.

    A debtor with one credit memo among larger invoices has credit items but no credit balance:
    that is a collection case, not money to refund or offset.
    """
    return (
        worklist.filter(pl.col("open_amount") < 0)
        .with_columns((-pl.col("open_amount")).alias("credit_balance"))
        .sort(["credit_balance", "customer_id"], descending=[True, False])
        .head(top_n)
        .select(
            *CASE_COLUMNS,
            "credit_balance",
            "open_amount",
            "credit_amount",
            "score",
            "reasons",
            "next_action",
            "next_action_date",
        )
    )


#: What a row of the "disputes past due" board says about its case, besides :data:`CASE_COLUMNS`.
_DISPUTE_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.Int64(), "type": pl.String(), "reason": pl.String(), "category": pl.String(),
    "status": pl.String(), "opened": pl.Date(), "due": pl.Date(), "days_late": pl.Int64(), "amount": MONEY,
    "priority": pl.Decimal(38, 2), "level": pl.Int8(), "level_label": pl.String(),
    "resolver_department": pl.String(), "resolver": pl.String(),
}  # fmt: skip
DISPUTE_COLUMNS: tuple[str, ...] = tuple(_DISPUTE_SCHEMA)
#: The next step the huddle proposes for a delayed case (``reason_codes.NEXT_ACTIONS``).
_CASE_STEP = "dispute follow-up"


def _disputes_past_due(
    cases: pl.DataFrame | None, scope: pl.DataFrame, today: date | None, top_n: int
) -> pl.DataFrame:
    """Cases being worked past their due date at ``today``, and escalated ones, costliest delay first.

    ``days_late`` = today − due; ``priority`` = amount × days late (0 for an escalated case not
    yet due), as the Disputes page ranks delays. Every escalated case is on the board (escalating
    puts it there); of the others, the ``top_n`` costliest. Each row carries the case's owner as
    ``collector`` and the customer's reasons from the worklist.
    """
    from ar_core.disputes import LEVELS, WORKING

    columns = {
        **{c: scope.schema[c] for c in CASE_COLUMNS},
        **_DISPUTE_SCHEMA,
        "reasons": scope.schema["reasons"],
        "next_action": pl.String(),
    }
    if cases is None or cases.is_empty():
        return pl.DataFrame(schema=columns)
    if today is None:
        raise ArDeskError("the disputes board judges delays at the team's today: pass today")
    days_late = (pl.lit(today) - pl.col("due")).dt.total_days().cast(pl.Int64)
    escalated = pl.col("level").fill_null(0) > 0
    late = (
        cases.filter(pl.col("status").is_in(list(WORKING)))
        .with_columns(days_late.alias("days_late"))
        .filter((pl.col("days_late") > 0) | escalated)
        .with_columns(
            (pl.col("amount").cast(pl.Decimal(38, 2)) * pl.col("days_late").clip(0)).alias("priority"),
            pl.col("level").replace_strict(LEVELS, default=None, return_dtype=pl.String).alias("level_label"),
        )
        .join(
            scope.select("customer_id", pl.col("customer_name").alias("_name"), "reasons"),
            on="customer_id",
            how="inner",
        )
        .with_columns(
            pl.coalesce("customer_name", "_name").alias("customer_name"),
            pl.lit(_CASE_STEP).alias("next_action"),
        )
        .sort(["priority", "level", "case_id"], descending=[True, True, False])
    )
    kept = late.filter(escalated | (pl.int_range(pl.len()).over(escalated) < top_n))
    return kept.select(
        (pl.col(c) if c in kept.columns else pl.lit(None)).cast(t).alias(c) for c, t in columns.items()
    )


def huddle_board(  # noqa: PLR0917 - the boards' inputs, in the order the page has them
    worklist: pl.DataFrame,
    promises: pl.DataFrame | None,
    escalations: pl.DataFrame | None,
    since: date,
    top_n: int = 10,
    cases: pl.DataFrame | None = None,
    today: date | None = None,
) -> dict[str, pl.DataFrame]:
    """Six case lists, keyed for the page.

    - ``top_collectable``: largest collectable overdue (``overdue_collectable``), biggest first;
    - ``top_disputed``: largest open disputed amounts;
    - ``credit_balances``: customers whose open balance is a credit (``credit_balance``: the net
      amount owed to the customer, positive), largest first;
    - ``broken_promises``: promises broken and decided on or after ``since`` (the last huddle),
      newest first, all of them;
    - ``escalations``: open second-voice escalations, oldest first, all of them, each with to
      whom (``to_user``), by whom (``from_user``) and how much (``open_amount``,
      ``overdue_collectable``, ``disputed_amount``);
    - ``disputes_past_due``: dispute and inquiry cases being worked past their due date at
      ``today``, and the escalated ones, ordered by amount × days late, with owner
      (``collector``), resolver and escalation level (:data:`DISPUTE_COLUMNS`). ``cases`` is one
      row per case in one currency (``disputes.analysis_cases``: the reporting currency).
    """
    scope = worklist.select(*CASE_COLUMNS, *_AMOUNTS, "next_action", "reasons")
    broken = pl.DataFrame(schema={c: scope.schema[c] for c in scope.columns})
    if promises is not None and not promises.is_empty():
        broken = (
            promises.filter((pl.col("status") == "broken") & (pl.col("status_decided_on") >= since))
            .select(
                "customer_id",
                *(
                    c
                    for c in ("promise_id", "amount", "promised_date", "status_decided_on", "created_by")
                    if c in promises.columns
                ),
                pl.col("currency").alias("promise_currency"),
            )
            .join(scope, on="customer_id", how="inner")
            .sort(["status_decided_on", "customer_id"], descending=[True, False])
        )
    open_esc = pl.DataFrame(schema={c: scope.schema[c] for c in scope.columns})
    if escalations is not None and not escalations.is_empty():
        open_esc = (
            escalations.join(scope, on="customer_id", how="inner")
            .rename({"reason": "escalation_reason"})
            .sort(["created_at", "customer_id"])
        )
    return {
        # a customer on collections hold (insolvency) is claimed through the administrator, not chased
        "top_collectable": _top(_not_held(worklist), "overdue_collectable", top_n),
        "top_disputed": _top(worklist, "disputed_amount", top_n),
        "credit_balances": _credit_balances(worklist, top_n),
        "broken_promises": broken,
        "escalations": open_esc,
        "disputes_past_due": _disputes_past_due(
            cases, worklist.select(*CASE_COLUMNS, "reasons"), today, top_n
        ),
    }


def _not_held(worklist: pl.DataFrame) -> pl.DataFrame:
    if "collections_hold" not in worklist.columns:
        return worklist
    return worklist.filter(~pl.col("collections_hold").fill_null(False))


def default_step_date(today: date) -> date:
    """The date an agreed step is due by default: the next working day after ``today``.

    ``today`` is the team's day (:func:`ar_core.config.today`), never the snapshot's as-of date:
    snapshots are weekly, so a default taken from the snapshot would often lie in the past.
    """
    step = today + timedelta(days=1)
    while step.weekday() >= 5:  # Saturday, Sunday
        step += timedelta(days=1)
    return step
