"""The morning huddle board: the few cases a lead walks the team through on a shared screen.

Everything comes from the worklist the page already built (so the board shows the same numbers,
scope and reasons as the collectors' lists) plus the promise and escalation frames. The
worklist's customers are the board's scope: filter the worklist by collector group first.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

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


def huddle_board(
    worklist: pl.DataFrame,
    promises: pl.DataFrame | None,
    escalations: pl.DataFrame | None,
    since: date,
    top_n: int = 10,
) -> dict[str, pl.DataFrame]:
    """Five case lists, keyed for the page.

    - ``top_collectable``: largest collectable overdue (``overdue_collectable``), biggest first;
    - ``top_disputed``: largest open disputed amounts;
    - ``credit_balances``: customers whose open balance is a credit (``credit_balance``: the net
      amount owed to the customer, positive), largest first;
    - ``broken_promises``: promises broken and decided on or after ``since`` (the last huddle),
      newest first, all of them;
    - ``escalations``: open second-voice escalations, oldest first, all of them, each with to
      whom (``to_user``), by whom (``from_user``) and how much (``open_amount``,
      ``overdue_collectable``, ``disputed_amount``).
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
        "top_collectable": _top(worklist, "overdue_collectable", top_n),
        "top_disputed": _top(worklist, "disputed_amount", top_n),
        "credit_balances": _credit_balances(worklist, top_n),
        "broken_promises": broken,
        "escalations": open_esc,
    }


def default_step_date(today: date) -> date:
    """The date an agreed step is due by default: the next working day after ``today``.

    ``today`` is the team's day (:func:`ar_core.config.today`), never the snapshot's as-of date:
    snapshots are weekly, so a default taken from the snapshot would often lie in the past.
    """
    step = today + timedelta(days=1)
    while step.weekday() >= 5:  # Saturday, Sunday
        step += timedelta(days=1)
    return step
