"""The collector's worklist: one ranked row per customer with open items, plus filters and paging.

Built in one pass over the items (a single ``group_by``) and small joins on the customer level,
so a 1M-item ledger ranks in a fraction of a second and a page rerun after a filter only touches
the ~50k customer rows. All amounts are in the reporting currency.

``due_today`` is False when the customer is parked: an open promise not yet due, a next-action
date agreed in the latest contact that lies in the future, or nothing to do (``next_action`` is
"none"). Parked customers stay in the frame; ``filter_worklist(today_only=True)`` hides them —
except from the people who must not lose sight of them (:func:`due_for`): an open escalation is
never snoozed for the person it was escalated to, and a legal-review case never for a lead. A
huddle that records "call on Friday" for the team's largest legal case must not make it vanish
from every list until Friday.
A next action agreed in the latest contact (dated today or later) replaces the rule-based one,
except "legal review" and "second-voice escalation", which stay.

Dispute and inquiry cases are workflow records too: a case being worked whose due date or
next-action date has come (on or before the team's today) is a *dispute follow-up due*, counted
per customer (``dispute_followups``), named in the reasons ("2 dispute follow-ups due") and never
snoozed — the customer is due today, and a customer parked for a later step is asked for a
"dispute follow-up" instead. The part of an item a case covers is disputed like an item the ERP
flags (:func:`with_case_parts`): it leaves the collectable amount for the disputed one.

The credit limit carries its currency (``credit_limit_currency``, blank = the reporting currency)
and is converted with the same FX table as the items before it is compared with the open amount;
a limit in a currency without a rate is not judged (no points, no reason) and its currency is in
``credit_limit_unrated`` (:func:`unrated_limit_currencies` names them for a warning).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from ar_core.collections.priority import PriorityConfig, money_text, score_customers
from ar_core.errors import InvalidInput
from ar_core.ledger import (
    DEFAULT_EDGES,
    KEY,
    bucket_expr,
    bucket_index_expr,
    open_items,
    rate_table,
    to_reporting,
    with_identity,
)
from ar_core.schema import ITEM_IDENTITY, MONEY

#: The worklist columns, in order (extra feature columns follow them).
WORKLIST_COLUMNS: tuple[str, ...] = (
    "rank",
    "customer_id",
    "customer_name",
    "collector",
    "country",
    "company_code",
    "risk_class",
    "open_amount",
    "overdue_amount",
    "disputed_amount",
    "credit_amount",
    "currency",
    "max_days_overdue",
    "weighted_days",
    "worst_bucket",
    "dunning_level",
    "score",
    "reasons",
    "next_action",
    "next_action_date",
    "due_today",
    "escalated_to",
)
EXTRA_COLUMNS: tuple[str, ...] = (
    "overdue_collectable",
    "disputed_count",
    "broken_promises",
    "open_promise_date",
    "days_since_contact",
    "unconverted_items",
    "credit_limit_unrated",
    "dispute_followups",
    "paid_unapplied",
    "collections_hold",
)
#: Rule outcomes an agreed next action does not replace (they need a lead's eyes).
_RULES_FIRST = ("legal review", "second-voice escalation")
DISPUTE_STATES: tuple[str, ...] = ("with dispute", "without dispute")
_ITEM_COLS = ("customer_id", "customer_name", "collector", "country", "company_code", "due_date", "amount")
#: The next action asked for when a case's follow-up has come (``reason_codes.NEXT_ACTIONS``).
DISPUTE_FOLLOW_UP = "dispute follow-up"


def _customer_rows(items: pl.DataFrame, as_of: date, config: PriorityConfig, edges) -> pl.DataFrame:
    """Per-customer amounts and ages from the open items (amount_rep already present)."""
    col = pl.col
    days = (pl.lit(as_of) - col("due_date")).dt.total_days().cast(pl.Int32)
    rep = col("amount_rep")
    disputed = col("disputed").fill_null(False)
    debit = col("amount") > 0  # the sign and age of an item need no rate
    overdue = (col("_days") > 0) & debit
    collectable = overdue & ~disputed
    zero = pl.lit(0).cast(MONEY)

    def total(cond: pl.Expr | None = None) -> pl.Expr:
        return (rep if cond is None else rep.filter(cond)).sum().cast(MONEY)

    return (
        items.with_columns(days.alias("_days"))
        .group_by("customer_id")
        .agg(
            col("customer_name", "collector", "country", "company_code").drop_nulls().first(),
            total().alias("open_amount"),
            total(overdue).alias("overdue_amount"),
            total(disputed & debit).alias("disputed_amount"),
            (disputed & debit).sum().alias("disputed_count"),
            total(col("amount") < 0).alias("credit_amount"),
            total(collectable).alias("overdue_collectable"),
            total(collectable & (col("_days") > config.reason_over_days)).alias("overdue_over_days"),
            (rep.cast(pl.Float64) * col("_days")).filter(collectable).sum().alias("amount_days"),
            col("_days").filter(overdue).max().alias("max_days_overdue"),
            col("_days").filter(collectable).max().alias("max_days_collectable"),
            col("dunning_level").max().fill_null(0).alias("dunning_level"),
            rep.is_null().sum().alias("unconverted_items"),
        )
        .with_columns(
            pl.col("^(open|overdue|disputed|credit)_amount$", "overdue_collectable", "overdue_over_days")
            .fill_null(zero)
            .cast(MONEY),
            (col("amount_days") / col("overdue_collectable").cast(pl.Float64))
            .round(1)
            .alias("weighted_days"),
            bucket_expr(col("max_days_overdue").fill_null(0), edges).alias("worst_bucket"),
            bucket_index_expr(col("max_days_collectable").fill_null(0), edges).alias("worst_bucket_index"),
        )
    )


def _limits(customers: pl.DataFrame, rates: pl.DataFrame | None, reporting: str) -> pl.DataFrame:
    """Per customer the credit limit in the reporting currency (``_limit``) and, when its
    currency has no rate, that currency (``credit_limit_unrated``; ``_limit`` then null)."""
    code = (
        pl.col("credit_limit_currency").cast(pl.String).str.strip_chars().str.to_uppercase()
        if "credit_limit_currency" in customers.columns
        else pl.lit(None, pl.String)
    )
    code = pl.when(code.is_null() | (code == "")).then(pl.lit(reporting)).otherwise(code)
    limit = pl.col("credit_limit").cast(MONEY)
    converted = (limit * pl.col("rate")).round(2, mode="half_away_from_zero").cast(MONEY)
    return (
        customers.select("customer_id", limit.alias("credit_limit"), code.alias("_limit_cur"))
        .unique("customer_id", keep="first")
        .join(rate_table(rates, reporting), left_on="_limit_cur", right_on="currency", how="left")
        .select(
            "customer_id",
            converted.alias("_limit"),
            pl.when((limit > 0) & pl.col("rate").is_null())
            .then(pl.col("_limit_cur"))
            .alias("credit_limit_unrated"),
        )
    )


def _master(
    rows: pl.DataFrame, customers: pl.DataFrame | None, rates: pl.DataFrame | None, reporting: str
) -> pl.DataFrame:
    """Master data wins over what the extract says; the credit limit gives the excess."""
    if customers is None or customers.is_empty():
        return rows.with_columns(
            pl.lit(None, pl.String).alias("risk_class"),
            pl.lit(0).cast(MONEY).alias("credit_excess"),
            pl.lit(None, pl.String).alias("credit_limit_unrated"),
        )
    master = customers.select(
        "customer_id",
        *(pl.col(c).alias(f"_m_{c}") for c in ("name", "collector", "country", "company_code")),
        "risk_class",
    ).unique("customer_id", keep="first")
    excess = pl.col("open_amount") - pl.col("_limit")
    return (
        rows.join(master, on="customer_id", how="left")
        .join(_limits(customers, rates, reporting), on="customer_id", how="left")
        .with_columns(
            pl.coalesce("_m_name", "customer_name").alias("customer_name"),
            *(pl.coalesce(f"_m_{c}", c).alias(c) for c in ("collector", "country", "company_code")),
            pl.when((pl.col("_limit") > 0) & (excess > 0))
            .then(excess)
            .otherwise(pl.lit(0).cast(MONEY))
            .cast(MONEY)
            .alias("credit_excess"),
        )
        .drop("^_m_.*$", "_limit")
    )


def _promise_features(promises: pl.DataFrame | None, as_of: date) -> pl.DataFrame:
    """Broken count and date, earliest open promise, as they stood on ``as_of``."""
    schema = {
        "customer_id": pl.String(),
        "broken_promises": pl.UInt32(),
        "broken_promise_date": pl.Date(),
        "open_promise_date": pl.Date(),
    }
    if promises is None or promises.is_empty():
        return pl.DataFrame(schema=schema)
    decided = pl.col("status_decided_on").is_not_null() & (pl.col("status_decided_on") <= as_of)
    status = pl.when(decided).then(pl.col("status")).otherwise(pl.lit("open"))  # undecided on as_of
    return (
        promises.filter(pl.col("created_at").cast(pl.Date) <= as_of)
        .with_columns(status.alias("_st"))
        .group_by("customer_id")
        .agg(
            (pl.col("_st") == "broken").sum().alias("broken_promises"),
            pl.col("promised_date").filter(pl.col("_st") == "broken").max().alias("broken_promise_date"),
            pl.col("promised_date").filter(pl.col("_st") == "open").min().alias("open_promise_date"),
        )
        .cast(schema)  # type: ignore[arg-type]
    )


def _contact_features(contacts: pl.DataFrame | None, as_of: date) -> pl.DataFrame:
    schema = {
        "customer_id": pl.String(),
        "days_since_contact": pl.Int32(),
        "_agreed": pl.String(),
        "_agreed_date": pl.Date(),
    }
    if contacts is None or contacts.is_empty():
        return pl.DataFrame(schema=schema)
    return contacts.select(
        "customer_id",
        (pl.lit(as_of) - pl.col("last_contact_at").cast(pl.Date)).dt.total_days().alias("days_since_contact"),
        pl.col("next_action").alias("_agreed"),
        pl.col("next_action_date").cast(pl.Date).alias("_agreed_date"),
    ).cast(schema)  # type: ignore[arg-type]


def _escalation_features(escalations: pl.DataFrame | None) -> pl.DataFrame:
    schema = {"customer_id": pl.String(), "escalated_to": pl.String()}
    if escalations is None or escalations.is_empty():
        return pl.DataFrame(schema=schema)
    return (
        escalations.sort("created_at")
        .group_by("customer_id")
        .agg(pl.col("to_user").last().alias("escalated_to"))
        .cast(schema)  # type: ignore[arg-type]
    )


def _case_features(cases: pl.DataFrame | None, now: date) -> pl.DataFrame:
    """Per customer, how many of its cases being worked are due for a follow-up at ``now``.

    ``cases``: one row per case being worked (``disputes.list_cases(status="open")``) with
    ``customer_id``, ``due`` and ``next_action_date``. A case is due for a follow-up when its due
    date or its next-action date is on or before ``now``.
    """
    schema = {"customer_id": pl.String(), "dispute_followups": pl.UInt32()}
    if cases is None or cases.is_empty():
        return pl.DataFrame(schema=schema)
    due = (pl.col("due") <= now).fill_null(False) | (pl.col("next_action_date") <= now).fill_null(False)
    counts = cases.filter(due).group_by("customer_id").agg(pl.len().alias("dispute_followups"))
    return counts.cast(schema)  # type: ignore[arg-type]


def _case_parts(items: pl.DataFrame, case_items: pl.DataFrame, as_of: date) -> tuple[pl.DataFrame, list[str]]:
    """The items of the customers whose cases cover an open item the ERP does not flag, each such
    item split in its disputed part (``disputed``) and the rest; and those customers."""
    if "cleared_on" in case_items.columns:  # an item the ERP cleared is no longer open anyway
        case_items = case_items.filter(pl.col("cleared_on").is_null())
    parts = (
        with_identity(case_items).group_by(*KEY).agg(pl.col("amount").sum().cast(MONEY).alias("_case_amount"))
    )
    mine = items.filter(pl.col("customer_id").is_in(case_items["customer_id"].unique().to_list()))
    keyed = with_identity(mine).join(parts, on=list(KEY), how="left", nulls_equal=True, maintain_order="left")
    still_open = pl.col("clearing_date").is_null() | (pl.col("clearing_date") > as_of)
    covered = (
        pl.col("_case_amount").is_not_null()
        & still_open
        & ~pl.col("disputed").fill_null(False)
        & (pl.col("amount") > 0)
    )
    part = pl.when(covered).then(pl.min_horizontal("_case_amount", "amount")).cast(MONEY)
    keyed = keyed.with_columns(part.alias("_part"))
    affected = keyed.filter(pl.col("_part").is_not_null())["customer_id"].unique().sort().to_list()
    keyed = keyed.filter(pl.col("customer_id").is_in(affected))
    split = pl.col("_part").is_not_null()
    # The other amounts of the item (reporting, document currency) split in the same proportion.
    scaled = [c for c in ("amount_reporting", "amount_doc") if c in keyed.columns]

    def share(column: str) -> pl.Expr:
        return (pl.col(column) * pl.col("_part") / pl.col("amount")).round(2).cast(keyed.schema[column])

    disputed = keyed.filter(split).with_columns(
        pl.col("_part").alias("amount"), *(share(c).alias(c) for c in scaled), pl.lit(True).alias("disputed")
    )
    rest = keyed.with_columns(
        pl.when(split).then(pl.col("amount") - pl.col("_part")).otherwise("amount").cast(MONEY),
        *(pl.when(split).then(pl.col(c) - share(c)).otherwise(c).cast(keyed.schema[c]) for c in scaled),
    ).filter(~split | (pl.col("amount") != 0))
    return pl.concat([rest, disputed]).select(items.columns), affected


def with_case_parts(items: pl.DataFrame, case_items: pl.DataFrame | None, as_of: date) -> pl.DataFrame:
    """``items`` with the part of an open item that a case covers counted as disputed.

    ``case_items``: the open items of the cases being worked (``disputes.case_items``) with the
    case's ``customer_id``, the item identity and ``amount``, the disputed part in the item's
    currency. An item the ERP does not flag as disputed but that a case covers (opened from the
    account view or a contact) is split in two rows: its disputed part (``disputed``; at most the
    open amount) and the rest, which stays collectable. An item the ERP flags is disputed whole,
    as before. Sums per customer and currency (open, overdue) stay what they were.
    """
    if case_items is None or case_items.is_empty():
        return items
    split, affected = _case_parts(items, case_items, as_of)
    if not affected:
        return items
    return pl.concat([items.filter(~pl.col("customer_id").is_in(affected)), split])


def with_case_disputes(  # noqa: PLR0917 - the inputs of customer_base, in its order
    base: pl.DataFrame,
    items: pl.DataFrame,
    case_items: pl.DataFrame | None,
    as_of: date,
    config: PriorityConfig,
    rates: pl.DataFrame | None,
    edges: Sequence[int] = DEFAULT_EDGES,
    *,
    reporting: str = "EUR",
) -> pl.DataFrame:
    """``base`` (:func:`customer_base` of ``items``) with the disputed parts of cases laid over it
    (:func:`with_case_parts`).

    Only the customers with an item a case covers and the ERP does not flag are computed again,
    from their own items with :func:`customer_base`, so the shared base of the snapshot never
    changes and a case opened by hand costs a few rows, not a pass over the ledger.
    """
    if case_items is None or case_items.is_empty():
        return base
    wanted = (*_ITEM_COLS, *ITEM_IDENTITY, "amount_reporting", "currency", "dunning_level", "disputed",
              "clearing_date")  # fmt: skip
    cols = [c for c in dict.fromkeys(wanted) if c in items.columns]
    split, affected = _case_parts(items.select(cols), case_items, as_of)
    if not affected:
        return base
    again = customer_base(split, as_of, config, rates, edges, reporting=reporting)
    kept = base.filter(~pl.col("customer_id").is_in(affected))
    return pl.concat([kept, again.select(base.columns).cast(base.schema)])


def build_worklist(  # noqa: PLR0917 (positional order fixed by the contract with the pages/CLI)
    items: pl.DataFrame,
    as_of: date,
    customers: pl.DataFrame | None = None,
    contacts_summary: pl.DataFrame | None = None,
    promises: pl.DataFrame | None = None,
    escalations: pl.DataFrame | None = None,
    config: PriorityConfig | None = None,
    rates: pl.DataFrame | None = None,
    edges: Sequence[int] = DEFAULT_EDGES,
    *,
    reporting: str = "EUR",
    today: date | None = None,
    cases: pl.DataFrame | None = None,
    case_items: pl.DataFrame | None = None,
    paid: pl.DataFrame | None = None,
    late_payers: pl.DataFrame | None = None,
    broken_plans: pl.DataFrame | None = None,
    insolvent: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Rank the customers with open items at ``as_of`` (:data:`WORKLIST_COLUMNS` + extras).

    Items are aged at the snapshot's ``as_of``; the collection work — promises made, contacts,
    agreed next-action dates, what is due *today* — is judged at ``today`` (default ``as_of``),
    because snapshots are weekly and a call-back for Tuesday is due on Tuesday, not next Friday.

    ``items`` may already carry ``amount_rep`` (then ``rates`` is not used). Items in a currency
    without a rate are counted in ``unconverted_items`` and left out of the amounts: call
    :func:`ar_core.ledger.fx.to_reporting` to name the currencies in a warning.

    ``cases`` (the cases being worked) and ``case_items`` (their items, with the case's
    ``customer_id``) add the dispute follow-ups and the disputed parts of items (module docstring);
    ``paid`` (customer_id, paid_unapplied) the bank payments the ERP has not applied yet;
    ``late_payers`` (customer_id, trend_days) the customers paying later than usual
    (``collections.payment_behaviour``): a reason, no points; ``broken_plans`` (customer_id) the
    customers whose payment plan broke: the reason "payment plan broken" and ``broken_plan_points``;
    ``insolvent`` (customer_id, status) the customers in an insolvency proceeding: collections hold
    (score 0, nothing to do, one reason naming the proceeding).
    """
    config = config or PriorityConfig()
    base = customer_base(items, as_of, config, rates, edges, reporting=reporting)
    base = with_case_disputes(base, items, case_items, as_of, config, rates, edges, reporting=reporting)
    return rank_customers(base, as_of, customers, contacts_summary, promises, escalations, config, rates,
                          reporting=reporting, today=today, cases=cases, paid=paid,
                          late_payers=late_payers, broken_plans=broken_plans,
                          insolvent=insolvent)  # fmt: skip


def customer_base(
    items: pl.DataFrame,
    as_of: date,
    config: PriorityConfig,
    rates: pl.DataFrame | None,
    edges: Sequence[int] = DEFAULT_EDGES,
    *,
    reporting: str = "EUR",
) -> pl.DataFrame:
    """Per customer, what the snapshot alone says: amounts, ages, buckets, dunning level.

    The heavy part of the worklist (one pass over every item); it depends on no workflow record,
    so the team caches it per snapshot and settings and re-ranks it cheaply after every call or
    promise (:func:`rank_customers`).
    """
    cols = [
        c
        for c in (
            *_ITEM_COLS,
            "amount_reporting",
            "amount_rep",
            "currency",
            "dunning_level",
            "disputed",
            "clearing_date",
        )
        if c in items.columns
    ]
    open_ = open_items(items.select(cols), as_of)
    if "amount_rep" not in open_.columns:
        open_, _missing = to_reporting(open_, rates, reporting)
    return _customer_rows(open_, as_of, config, edges)


def rank_customers(  # noqa: PLR0917 - the workflow inputs, in the order build_worklist takes them
    base: pl.DataFrame,
    as_of: date,
    customers: pl.DataFrame | None,
    contacts_summary: pl.DataFrame | None,
    promises: pl.DataFrame | None,
    escalations: pl.DataFrame | None,
    config: PriorityConfig,
    rates: pl.DataFrame | None,
    *,
    reporting: str = "EUR",
    today: date | None = None,
    cases: pl.DataFrame | None = None,
    paid: pl.DataFrame | None = None,
    late_payers: pl.DataFrame | None = None,
    broken_plans: pl.DataFrame | None = None,
    insolvent: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Overlay the workflow records (master data, contacts, promises, escalations, the follow-ups
    of cases being worked, bank payments not yet applied) on a base; rank."""
    ranked, _ = rerank(None, base, as_of, customers, contacts_summary, promises, escalations, config, rates,
                       reporting=reporting, today=today, cases=cases, paid=paid,
                       late_payers=late_payers, broken_plans=broken_plans, insolvent=insolvent)  # fmt: skip
    return ranked


@dataclass(frozen=True)
class Ranking:
    """What :func:`rerank` keeps for the next call: each customer's scored row and the hash of the
    inputs it was scored from, with the rules it was scored under."""

    rules: tuple
    inputs: pl.DataFrame  #: customer_id, _h (hash of the joined feature row)
    scored: pl.DataFrame  #: scored rows, unsorted


def rerank(  # noqa: PLR0917 - rank_customers' inputs after the previous ranking
    previous: Ranking | None,
    base: pl.DataFrame,
    as_of: date,
    customers: pl.DataFrame | None,
    contacts_summary: pl.DataFrame | None,
    promises: pl.DataFrame | None,
    escalations: pl.DataFrame | None,
    config: PriorityConfig,
    rates: pl.DataFrame | None,
    *,
    reporting: str = "EUR",
    today: date | None = None,
    cases: pl.DataFrame | None = None,
    paid: pl.DataFrame | None = None,
    late_payers: pl.DataFrame | None = None,
    broken_plans: pl.DataFrame | None = None,
    insolvent: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, Ranking]:
    """:func:`rank_customers`, scoring again only the customers whose inputs changed since ``previous``.

    A call logged changes one customer's row of the team's 50,000: the joins are cheap, the scoring
    (reasons as text) is not. Rows whose joined inputs hash alike keep their scored row; the rest
    are scored, and all are sorted and numbered again. The result equals a full ranking.
    """
    now = max(today or as_of, as_of)
    rows = _feature_rows(
        base,
        customers,
        contacts_summary,
        promises,
        escalations,
        cases,
        rates,
        reporting,
        now,
        paid,
        late_payers,
        broken_plans,
        insolvent,
    )
    rules = (config, reporting, now, rows.schema)  # the same columns, or the hashes do not compare
    hashes = rows.select("customer_id", rows.hash_rows(seed=11).alias("_h"))
    if previous is None or previous.rules != rules:
        scored = _scored(rows, config, reporting, now)
    else:
        same = hashes.join(previous.inputs, on=["customer_id", "_h"], how="semi")["customer_id"]
        kept = previous.scored.filter(pl.col("customer_id").is_in(same.implode()))
        fresh = rows.filter(~pl.col("customer_id").is_in(same.implode()))
        scored = pl.concat([kept, _scored(fresh, config, reporting, now).select(kept.columns)])
    ranked = (
        scored.sort(["score", "overdue_collectable", "customer_id"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
        .select(*WORKLIST_COLUMNS, *EXTRA_COLUMNS)
    )
    return ranked, Ranking(rules, hashes, scored)


def _feature_rows(  # noqa: PLR0917 - rank_customers' inputs
    base: pl.DataFrame,
    customers: pl.DataFrame | None,
    contacts_summary: pl.DataFrame | None,
    promises: pl.DataFrame | None,
    escalations: pl.DataFrame | None,
    cases: pl.DataFrame | None,
    rates: pl.DataFrame | None,
    reporting: str,
    now: date,
    paid: pl.DataFrame | None = None,
    late_payers: pl.DataFrame | None = None,
    broken_plans: pl.DataFrame | None = None,
    insolvent: pl.DataFrame | None = None,
) -> pl.DataFrame:
    rows = _with_late(_with_paid(_master(base, customers, rates, reporting), paid), late_payers)
    rows = _with_insolvency(_with_broken_plans(rows, broken_plans), insolvent)
    return (
        rows.join(_promise_features(promises, now), on="customer_id", how="left")
        .join(_contact_features(contacts_summary, now), on="customer_id", how="left")
        .join(_escalation_features(escalations), on="customer_id", how="left")
        .join(_case_features(cases, now), on="customer_id", how="left")
        .with_columns(
            pl.col("broken_promises").fill_null(0),
            pl.col("dispute_followups").fill_null(0),
            (pl.col("open_promise_date") <= now).fill_null(False).alias("promise_due"),
            pl.col("escalated_to").is_not_null().alias("escalated"),
        )
    )


def _with_paid(rows: pl.DataFrame, paid: pl.DataFrame | None) -> pl.DataFrame:
    """Bank payments matched to the customer and not yet applied in the ERP (``paid``: customer_id,
    paid_unapplied in the reporting currency) leave the collectable amount while they wait: nobody
    chases a customer who paid yesterday."""
    zero = pl.lit(0).cast(MONEY)
    if paid is None or paid.is_empty():
        return rows.with_columns(zero.alias("paid_unapplied"))
    per = paid.group_by("customer_id").agg(pl.col("paid_unapplied").sum().cast(MONEY))
    rows = rows.join(per, on="customer_id", how="left").with_columns(pl.col("paid_unapplied").fill_null(zero))
    left = pl.col("overdue_collectable") - pl.col("paid_unapplied")
    return rows.with_columns(
        pl.when(left > 0).then(left).otherwise(zero).cast(MONEY).alias("overdue_collectable")
    )


def _with_late(rows: pl.DataFrame, late_payers: pl.DataFrame | None) -> pl.DataFrame:
    """``_later_days``: how many days later than over the year the customer paid in the last 90
    days, for the customers ``payment_behaviour`` flags (null for the others). A reason only: a
    slipping habit is worth a word on the call, not a different place in the list."""
    if late_payers is None or late_payers.is_empty():
        return rows.with_columns(pl.lit(None, pl.Float64).alias("_later_days"))
    per = late_payers.group_by("customer_id").agg(
        pl.col("trend_days").max().cast(pl.Float64).alias("_later_days")
    )
    return rows.join(per, on="customer_id", how="left")


def _with_broken_plans(rows: pl.DataFrame, broken_plans: pl.DataFrame | None) -> pl.DataFrame:
    """``_plan_broken``: the customer's payment plan broke (``broken_plans``: customer_id, read from
    the payment-plan table by the team service) — a reason and ``broken_plan_points``."""
    if broken_plans is None or broken_plans.is_empty():
        return rows.with_columns(pl.lit(False).alias("_plan_broken"))
    broken = broken_plans["customer_id"].unique().implode()
    return rows.with_columns(pl.col("customer_id").is_in(broken).alias("_plan_broken"))


def _with_insolvency(rows: pl.DataFrame, insolvent: pl.DataFrame | None) -> pl.DataFrame:
    """``_insolvency``: the status of the customer's open insolvency proceeding, else null (read from
    the insolvency table by the team service)."""
    if insolvent is None or insolvent.is_empty():
        return rows.with_columns(pl.lit(None, pl.String()).alias("_insolvency"))
    status = insolvent.select("customer_id", pl.col("status").alias("_insolvency")).unique("customer_id")
    return rows.join(status, on="customer_id", how="left")


def _held(out: pl.DataFrame) -> pl.DataFrame:
    """Collections hold for a customer in insolvency: the claim goes to the administrator, nobody calls."""
    held = pl.col("_insolvency").is_not_null()
    return out.with_columns(
        pl.when(held).then(0.0).otherwise("score").alias("score"),
        pl.when(held)
        .then(pl.concat_list(pl.format(INSOLVENCY_REASON, pl.col("_insolvency").str.replace_all("_", "-"))))
        .otherwise("reasons")
        .alias("reasons"),
        pl.when(held).then(pl.lit("none")).otherwise("next_action").alias("next_action"),
        held.alias("collections_hold"),
    ).with_columns((pl.col("due_today") & ~held).alias("due_today"))


#: The one reason of a customer on insolvency hold ({} is the proceeding: receivership, bankruptcy...).
INSOLVENCY_REASON = "insolvency ({}): collections on hold, the claim goes to the administrator"


def _scored(rows: pl.DataFrame, config: PriorityConfig, reporting: str, now: date) -> pl.DataFrame:
    """Score, reasons and next action of each row, unsorted."""
    scored = score_customers(rows, config, currency=reporting)
    agreed = (
        pl.col("_agreed").is_not_null()
        & (pl.col("_agreed") != "none")
        & (pl.col("_agreed_date") >= now)
        & ~pl.col("next_action").is_in(list(_RULES_FIRST))
    )
    later = pl.max_horizontal(
        pl.when(pl.col("_agreed_date") > now).then(pl.col("_agreed_date")),
        pl.when(pl.col("open_promise_date") > now).then(pl.col("open_promise_date")),
    )
    followups = pl.col("dispute_followups")
    parked = pl.col("next_action_date") > now
    # A follow-up that has come is today's work: a parked customer is asked for it today (the
    # lead's rules stay), and one with nothing else to do gets it as its next action.
    follow_up = (followups > 0) & (parked | (pl.col("next_action") == "none"))
    follow_up = follow_up & ~pl.col("next_action").is_in(list(_RULES_FIRST))
    out = (
        scored.with_columns(
            (pl.col("score") + pl.when(pl.col("_plan_broken")).then(config.broken_plan_points).otherwise(0.0))
            .round(1)
            .alias("score"),
            pl.when(agreed).then(pl.col("_agreed")).otherwise(pl.col("next_action")).alias("next_action"),
            pl.concat_list(
                "reasons",
                pl.when(followups == 1)
                .then(pl.lit("1 dispute follow-up due"))
                .when(followups > 1)
                .then(pl.format("{} dispute follow-ups due", followups)),
                pl.when(pl.col("paid_unapplied") > 0).then(
                    pl.concat_str(
                        money_text(pl.col("paid_unapplied"), reporting), pl.lit(" paid, not yet applied")
                    )
                ),
                pl.when(pl.col("_later_days").is_not_null()).then(
                    pl.format(
                        "paying later than usual (+{} days)", pl.col("_later_days").round(0).cast(pl.Int64)
                    )
                ),
                pl.when(pl.col("_plan_broken")).then(pl.lit("payment plan broken")),
            )
            .list.drop_nulls()
            .alias("reasons"),
        )
        .with_columns(
            pl.coalesce(later, pl.lit(now)).alias("next_action_date"),
            pl.lit(reporting).alias("currency"),
        )
        .with_columns(
            pl.when(follow_up).then(pl.lit(DISPUTE_FOLLOW_UP)).otherwise("next_action").alias("next_action"),
            pl.when(followups > 0).then(pl.lit(now)).otherwise("next_action_date").alias("next_action_date"),
        )
        .with_columns(
            ((pl.col("next_action_date") <= now) & (pl.col("next_action") != "none")).alias("due_today")
        )
    )
    out = _held(out)
    return out.select(c for c in (*WORKLIST_COLUMNS, *EXTRA_COLUMNS) if c != "rank")


def filter_worklist(
    frame: pl.DataFrame,
    *,
    collectors: Collection[str] | None = None,
    countries: Collection[str] | None = None,
    company_codes: Collection[str] | None = None,
    buckets: Collection[str] | None = None,
    dispute_state: str | None = None,
    risk_classes: Collection[str] | None = None,
    today_only: bool = False,
    viewer: str | None = None,
    lead: bool = False,
) -> pl.DataFrame:
    """Rows matching every given filter (``None`` = no filter); ranks stay as built.

    ``today_only`` keeps what is due today *for* ``viewer`` (a user name; ``lead`` when that user
    leads the team): see :func:`due_for`.
    """
    if dispute_state is not None and dispute_state not in DISPUTE_STATES:
        msg = f"dispute_state must be one of {DISPUTE_STATES}, got {dispute_state!r}"
        raise InvalidInput("dispute_state", msg)
    conds = [
        pl.col(name).cast(pl.String).is_in(list(values))
        for name, values in (
            ("collector", collectors),
            ("country", countries),
            ("company_code", company_codes),
            ("worst_bucket", buckets),
            ("risk_class", risk_classes),
        )
        if values is not None
    ]
    if dispute_state is not None:
        has = pl.col("disputed_amount") > 0
        conds.append(has if dispute_state == "with dispute" else ~has)
    if today_only:
        conds.append(due_for(viewer, lead=lead))
    return frame.filter(*conds) if conds else frame


def due_for(viewer: str | None = None, *, lead: bool = False) -> pl.Expr:
    """Whether a worklist row is on ``viewer``'s list today (a boolean expression).

    ``due_today`` decides, except that a later date — an agreed next action, a promise not yet
    due — never hides an open escalation from the person it was escalated to (``viewer`` equal to
    ``escalated_to``), nor a legal-review case from a lead: those cases wait for exactly these
    people, and a call-back date agreed with the collector is no reason for them to stop looking.
    """
    due = pl.col("due_today")
    if viewer:
        due = due | (pl.col("escalated_to") == viewer).fill_null(False)
    if lead:
        due = due | (pl.col("next_action") == "legal review")
    return due


def unrated_limit_currencies(frame: pl.DataFrame) -> list[str]:
    """Currencies of credit limits that were not judged for lack of an FX rate (sorted)."""
    if "credit_limit_unrated" not in frame.columns:
        return []
    return sorted(str(c) for c in frame["credit_limit_unrated"].drop_nulls().unique().to_list())


def page(frame: pl.DataFrame, page_no: int, page_size: int) -> tuple[pl.DataFrame, int]:
    """Rows of the 1-based page ``page_no`` and the total row count (a page past the end is empty)."""
    if page_no < 1 or page_size < 1:
        msg = f"page_no and page_size must be >= 1, got {page_no}, {page_size}"
        raise InvalidInput("page_no", msg)
    return frame.slice((page_no - 1) * page_size, page_size), frame.height
