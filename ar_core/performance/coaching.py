"""Coaching metrics per collector and week: pure rules on frames (the service gathers them).

**A week is the span between two consecutive snapshots in force** (by as-of date): it starts after
the earlier snapshot's as-of date and ends on the later one's, both as the team reads dates. An
event dated ``d`` (a contact, a promise made or decided, a dispute opened or resolved, a credit
allocated) falls in the week with ``week_start < d <= week_end``; positions (overdue, over 90)
are read at the week's two snapshots; cash is what the later snapshot shows cleared. Snapshots
are weekly, so a week is usually seven days; a missing week makes one span of two.

A collector's customers are their portfolio as it stands (``portfolio``: collector, customer_id);
a customer moved to another collector takes its history along, so the coach compares people on
the accounts they hold now. Amounts are in the reporting currency (each snapshot converted at the
rates of its own date). Percentages are in percent, null where nothing was there to count.

Every metric column of :data:`METRIC_SCHEMA` is defined in :data:`METRIC_DEFINITIONS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from ar_core.schema import MONEY

#: Default number of worklist customers whose coverage is measured (the ``coaching_top_n`` setting).
DEFAULT_TOP_N = 20
#: A week's figures of one collector (``collector`` null in the team median's rows).
METRIC_SCHEMA: dict[str, pl.DataType] = {
    "collector": pl.String(),
    "week_start": pl.Date(),
    "week_end": pl.Date(),
    "cash_collected": MONEY,
    "overdue_start": MONEY,
    "overdue_end": MONEY,
    "overdue_reduction": MONEY,
    "over_90_start": MONEY,
    "over_90_end": MONEY,
    "over_90_reduction": MONEY,
    "contacts": pl.Int64(),
    "accounts_touched": pl.Int64(),
    "portfolio_accounts": pl.Int64(),
    "accounts_touched_pct": pl.Float64(),
    "top_n": pl.Int64(),
    "top_n_contacted": pl.Int64(),
    "top_n_coverage_pct": pl.Float64(),
    "promises_taken": pl.Int64(),
    "promises_kept": pl.Int64(),
    "promises_partly_kept": pl.Int64(),
    "promises_broken": pl.Int64(),
    "promises_kept_pct": pl.Float64(),
    "disputes_opened": pl.Int64(),
    "disputes_resolved": pl.Int64(),
    "dispute_cycle_days": pl.Float64(),
    "credits_allocated": pl.Int64(),
    "credits_allocated_amount": MONEY,
}
#: What each metric means (the page and the README show these words).
METRIC_DEFINITIONS: dict[str, str] = {
    "cash_collected": "the net amount of the portfolio's items open at the week's start snapshot that the "
    "end snapshot no longer lists as open (an invoice settled by a credit note nets to zero)",
    "overdue_start": "open debits past their due date at the week's start snapshot",
    "overdue_end": "open debits past their due date at the week's end snapshot",
    "overdue_reduction": "overdue at the start minus overdue at the end (positive = less overdue)",
    "over_90_start": "open debits more than 90 days past due at the start snapshot",
    "over_90_end": "open debits more than 90 days past due at the end snapshot",
    "over_90_reduction": "over 90 at the start minus over 90 at the end",
    "contacts": "contact-log entries with the portfolio's customers dated in the week (internal notes "
    "and entries replaced by a correction do not count)",
    "accounts_touched": "distinct portfolio customers with a contact logged in the week",
    "portfolio_accounts": "customers in the portfolio",
    "accounts_touched_pct": "accounts touched ÷ customers in the portfolio × 100",
    "top_n": "the first N customers of the collector's worklist as ranked at the week's start snapshot "
    "(fewer when the worklist is shorter)",
    "top_n_contacted": "of those, the customers with a contact logged in the week",
    "top_n_coverage_pct": "top-N customers contacted ÷ top N × 100",
    "promises_taken": "promises to pay made in the week (cancelled ones left out)",
    "promises_kept": "promises decided kept in the week",
    "promises_partly_kept": "promises decided partly kept in the week",
    "promises_broken": "promises decided broken in the week",
    "promises_kept_pct": "kept ÷ (kept + partly kept + broken) decided in the week × 100",
    "disputes_opened": "dispute cases of the portfolio opened in the week (inquiries left out)",
    "disputes_resolved": "dispute cases resolved in the week",
    "dispute_cycle_days": "mean days from opened to resolved of the disputes resolved in the week",
    "credits_allocated": "open credits whose allocation was accepted or split in the week",
    "credits_allocated_amount": "what those credits settle",
}
#: Metrics summed over the weeks of a period (the rest are shares of summed counts, see ``period_totals``).
SUMMED = (
    "cash_collected", "overdue_reduction", "over_90_reduction", "contacts", "accounts_touched",
    "portfolio_accounts", "top_n", "top_n_contacted", "promises_taken", "promises_kept",
    "promises_partly_kept", "promises_broken", "disputes_opened", "disputes_resolved",
    "credits_allocated", "credits_allocated_amount",
)  # fmt: skip
_MONEY_COLS = [c for c, t in METRIC_SCHEMA.items() if t == MONEY]
_COUNT_COLS = [c for c, t in METRIC_SCHEMA.items() if t == pl.Int64()]
#: The team median's rows: counts become decimals (the median of 1 and 2 contacts is 1.5).
MEDIAN_SCHEMA: dict[str, pl.DataType] = {
    c: pl.Float64() if c in _COUNT_COLS else t for c, t in METRIC_SCHEMA.items()
}
_WEEK_SCHEMA = {"week_start": pl.Date(), "week_end": pl.Date(), "start_id": pl.Int64(), "end_id": pl.Int64()}


def empty_metrics() -> pl.DataFrame:
    return pl.DataFrame(schema=METRIC_SCHEMA)


def weeks_of(snapshots: pl.DataFrame) -> pl.DataFrame:
    """Consecutive snapshots (``snapshot_id``, ``as_of``) as weeks: ``week_start``, ``week_end``,
    ``start_id``, ``end_id`` (oldest first; one snapshot gives no week)."""
    ordered = snapshots.select("snapshot_id", "as_of").sort("as_of", "snapshot_id")
    return pl.DataFrame(
        {
            "week_start": ordered["as_of"][:-1],
            "week_end": ordered["as_of"][1:],
            "start_id": ordered["snapshot_id"][:-1],
            "end_id": ordered["snapshot_id"][1:],
        },
        schema=_WEEK_SCHEMA,
    )


def positions(items: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per customer at a snapshot: ``overdue`` and ``over_90`` (open debits past due, and more than
    90 days past due) from items carrying ``amount_rep``."""
    open_ = items.filter(pl.col("clearing_date").is_null() | (pl.col("clearing_date") > as_of))
    days = (pl.lit(as_of) - pl.col("due_date")).dt.total_days()
    debit = (pl.col("amount") > 0) & (days > 0)
    rep = pl.col("amount_rep").fill_null(0)
    return (
        open_.group_by("customer_id")
        .agg(rep.filter(debit).sum().alias("overdue"), rep.filter(debit & (days > 90)).sum().alias("over_90"))
        .with_columns(pl.col("overdue", "over_90").fill_null(0).cast(MONEY))
    )


def cash_by_customer(cleared: pl.DataFrame) -> pl.DataFrame:
    """Per customer the net amount (``amount_rep``) of the items cleared between two snapshots."""
    return cleared.group_by("customer_id").agg(
        pl.col("amount_rep").fill_null(0).sum().cast(MONEY).alias("cash_collected")
    )


def contact_summary_at(contacts: pl.DataFrame, as_of: date, internal: str) -> pl.DataFrame:
    """The worklist's contact summary as it stood on ``as_of`` (``collections.SUMMARY_SCHEMA``).

    ``contacts``: effective entries with ``customer_id``, ``contacted_on``, ``contact_id``,
    ``outcome``, ``next_action``, ``next_action_date``; ``internal`` is the outcome of an internal
    note, which sets the next step but is no contact with the customer.
    """
    customer = pl.col("outcome") != internal
    return (
        contacts.filter(pl.col("contacted_on") <= as_of)
        .sort("customer_id", "contacted_on", "contact_id")
        .group_by("customer_id", maintain_order=True)
        .agg(
            pl.col("contacted_on").filter(customer).last().alias("last_contact_at"),
            pl.col("outcome").filter(customer).last().alias("last_outcome"),
            pl.col("next_action").last(),
            pl.col("next_action_date").last(),
        )
    )


def _in_week(frame: pl.DataFrame, on: str, weeks: pl.DataFrame) -> pl.DataFrame:
    """``frame`` rows whose date ``on`` falls in a week, with that week's ``week_end``."""
    if frame.is_empty() or weeks.is_empty():
        return frame.clear().with_columns(pl.lit(None, pl.Date).alias("week_end"))
    ends = weeks.select("week_start", "week_end").sort("week_end")
    dated = frame.filter(pl.col(on).is_not_null()).sort(on)
    found = dated.join_asof(ends, left_on=on, right_on="week_end", strategy="forward")
    return found.filter(pl.col(on) > pl.col("week_start")).drop("week_start")


def _per_week(
    frame: pl.DataFrame, on: str, weeks: pl.DataFrame, portfolio: pl.DataFrame, aggs: Sequence[pl.Expr]
) -> pl.DataFrame:
    mine = frame.join(portfolio, on="customer_id", how="inner")
    return _in_week(mine, on, weeks).group_by("collector", "week_end").agg(*aggs)


def _share(part: str, whole: str) -> pl.Expr:
    return pl.when(pl.col(whole) > 0).then((pl.col(part) * 100 / pl.col(whole)).round(1))


def weekly_metrics(  # noqa: PLR0917 - one input frame per source
    weeks: pl.DataFrame,
    collectors: Sequence[str],
    portfolio: pl.DataFrame,
    positions_by_snapshot: pl.DataFrame,
    cash: pl.DataFrame,
    ranks: pl.DataFrame,
    contacts: pl.DataFrame,
    promises: pl.DataFrame,
    disputes: pl.DataFrame,
    credits: pl.DataFrame,
    *,
    top_n: int = DEFAULT_TOP_N,
) -> pl.DataFrame:
    """One row per collector and week (:data:`METRIC_SCHEMA`), oldest week first.

    Args:
        weeks: :func:`weeks_of` the snapshots.
        collectors: whose rows to give (every one gets a row each week, zeros where nothing happened).
        portfolio: ``collector``, ``customer_id``.
        positions_by_snapshot: ``snapshot_id``, ``customer_id``, ``overdue``, ``over_90`` (:func:`positions`).
        cash: ``end_id``, ``customer_id``, ``cash_collected`` (:func:`cash_by_customer` per week).
        ranks: ``snapshot_id``, ``customer_id``, ``rank`` — the team worklist's rank at a snapshot.
        contacts: ``customer_id``, ``contacted_on`` (customer contacts only).
        promises: ``customer_id``, ``created_on``, ``status``, ``decided_on``.
        disputes: ``customer_id``, ``opened``, ``resolved`` (disputes only).
        credits: ``customer_id``, ``decided_on``, ``amount`` (one row per credit allocated).
    """
    if weeks.is_empty() or not collectors:
        return empty_metrics()
    grid = pl.DataFrame({"collector": sorted(set(collectors))}).join(weeks, how="cross")
    portfolio = portfolio.select("collector", "customer_id").unique()
    held = (
        portfolio.join(positions_by_snapshot, on="customer_id")
        .group_by("collector", "snapshot_id")
        .agg(pl.col("overdue", "over_90").sum())
    )
    at_start = held.rename(
        {"snapshot_id": "start_id", "overdue": "overdue_start", "over_90": "over_90_start"}
    )
    at_end = held.rename({"snapshot_id": "end_id", "overdue": "overdue_end", "over_90": "over_90_end"})
    collected = (
        portfolio.join(cash, on="customer_id")
        .group_by("collector", "end_id")
        .agg(pl.col("cash_collected").sum())
    )
    size = portfolio.group_by("collector").agg(pl.len().cast(pl.Int64).alias("portfolio_accounts"))
    contacted = _per_week(
        contacts, "contacted_on", weeks, portfolio,
        [pl.len().alias("contacts"), pl.col("customer_id").n_unique().alias("accounts_touched")],
    )  # fmt: skip
    covered = _top_n_coverage(weeks, portfolio, ranks, contacts, top_n)
    taken = _per_week(promises, "created_on", weeks, portfolio, [pl.len().alias("promises_taken")])
    decided = _per_week(
        promises, "decided_on", weeks, portfolio,
        [(pl.col("status") == s).sum().alias(f"promises_{s.replace(' ', '_')}")
         for s in ("kept", "partly kept", "broken")],
    )  # fmt: skip
    opened = _per_week(disputes, "opened", weeks, portfolio, [pl.len().alias("disputes_opened")])
    resolved = _per_week(
        disputes, "resolved", weeks, portfolio,
        [pl.len().alias("disputes_resolved"),
         (pl.col("resolved") - pl.col("opened")).dt.total_days().mean().round(1).alias("dispute_cycle_days")],
    )  # fmt: skip
    allocated = _per_week(
        credits, "decided_on", weeks, portfolio,
        [pl.len().alias("credits_allocated"), pl.col("amount").sum().alias("credits_allocated_amount")],
    )  # fmt: skip
    out = (
        grid.join(at_start, on=["collector", "start_id"], how="left")
        .join(at_end, on=["collector", "end_id"], how="left")
        .join(collected, on=["collector", "end_id"], how="left")
        .join(size, on="collector", how="left")
    )
    for frame in (contacted, covered, taken, decided, opened, resolved, allocated):
        out = out.join(frame, on=["collector", "week_end"], how="left")
    out = out.with_columns(
        *(
            pl.col(c).fill_null(0).cast(MONEY)
            for c in _MONEY_COLS
            if c in out.columns and "reduction" not in c
        ),
        *(pl.col(c).fill_null(0).cast(pl.Int64) for c in _COUNT_COLS if c in out.columns),
    )
    out = out.with_columns(
        (pl.col("overdue_start") - pl.col("overdue_end")).cast(MONEY).alias("overdue_reduction"),
        (pl.col("over_90_start") - pl.col("over_90_end")).cast(MONEY).alias("over_90_reduction"),
        _share("accounts_touched", "portfolio_accounts").alias("accounts_touched_pct"),
        _share("top_n_contacted", "top_n").alias("top_n_coverage_pct"),
        _kept_pct().alias("promises_kept_pct"),
    )
    return out.select(pl.col(c).cast(t) for c, t in METRIC_SCHEMA.items()).sort("week_end", "collector")


def _kept_pct() -> pl.Expr:
    decided = pl.col("promises_kept") + pl.col("promises_partly_kept") + pl.col("promises_broken")
    return pl.when(decided > 0).then((pl.col("promises_kept") * 100 / decided).round(1))


def _top_n_coverage(
    weeks: pl.DataFrame, portfolio: pl.DataFrame, ranks: pl.DataFrame, contacts: pl.DataFrame, top_n: int
) -> pl.DataFrame:
    """Per collector and week: ``top_n`` (the first N of the collector's worklist at the week's start
    snapshot) and ``top_n_contacted`` (of those, contacted in the week)."""
    firsts = (
        portfolio.join(ranks, on="customer_id")
        .join(weeks.select("start_id", "week_end"), left_on="snapshot_id", right_on="start_id")
        .sort("rank")
        .group_by("collector", "week_end", maintain_order=True)
        .head(top_n)
    )
    touched = _in_week(contacts.select("customer_id", "contacted_on"), "contacted_on", weeks)
    touched = touched.select("customer_id", "week_end").unique().with_columns(pl.lit(True).alias("_hit"))
    return (
        firsts.join(touched, on=["customer_id", "week_end"], how="left")
        .group_by("collector", "week_end")
        .agg(pl.len().alias("top_n"), pl.col("_hit").fill_null(False).sum().alias("top_n_contacted"))
    )


def team_median(metrics: pl.DataFrame) -> pl.DataFrame:
    """The team's median collector per week, metric by metric (:data:`MEDIAN_SCHEMA`, ``collector`` null).

    The median of an even number of collectors is the mean of the two middle values. Each metric
    is its own median, so the row is no real person and its parts need not add up.
    """
    if metrics.is_empty():
        return pl.DataFrame(schema=MEDIAN_SCHEMA)
    values = [c for c in METRIC_SCHEMA if c not in ("collector", "week_start", "week_end")]
    rows = metrics.group_by("week_start", "week_end").agg(pl.col(c).cast(pl.Float64).median() for c in values)
    return (
        rows.with_columns(pl.lit(None, pl.String).alias("collector"))
        .select(
            (pl.col(c).round(2) if t == MONEY else pl.col(c).round(2) if c in values else pl.col(c)).cast(t)
            for c, t in MEDIAN_SCHEMA.items()
        )
        .sort("week_end")
    )


def period_totals(metrics: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Per collector, the weeks ending within ``start``..``end`` (both included) as one figure each.

    Amounts and counts are summed (the weekly reductions add up to the period's reduction); the
    shares are the summed counts' shares (a week with more accounts weighs more), the cycle time
    the mean of the weeks' resolved disputes. ``weeks`` says how many weeks counted.
    """
    inside = metrics.filter(pl.col("week_end").is_between(start, end))
    days = pl.col("dispute_cycle_days") * pl.col("disputes_resolved")
    out = inside.group_by("collector").agg(
        pl.len().cast(pl.Int64).alias("weeks"),
        *(pl.col(c).sum() for c in SUMMED),
        (days.sum() / pl.col("disputes_resolved").sum()).round(1).alias("dispute_cycle_days"),
    )
    return out.with_columns(
        _share("accounts_touched", "portfolio_accounts").alias("accounts_touched_pct"),
        _share("top_n_contacted", "top_n").alias("top_n_coverage_pct"),
        _kept_pct().alias("promises_kept_pct"),
    ).sort("collector")
