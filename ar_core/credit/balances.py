"""The "Credit balances" page's views over one snapshot: open credits, refund candidates, oddities.

Credits (amount < 0) left open are money the customer may ask back, or payments nobody applied;
small residuals and odd document types are the clutter that hides them. Every view is a pure
function of the snapshot's items (ITEM_SCHEMA) and, optionally, the customer master (its
collector wins over the extract's, as on the worklist). Money stays Decimal(18, 2), amounts are
the local (company code) currency and every summary keeps ``currency`` apart, so that
:func:`reconcile_totals` can show each view adding up to the snapshot to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.errors import InvalidInput
from ar_core.ledger import (
    DEFAULT_EDGES,
    NOT_DUE,
    aging_table,
    bucket_expr,
    bucket_labels,
    open_items,
    with_aging,
)
from ar_core.schema import MONEY

#: SAP document types of residual items and payment differences: ``AB`` (accounting document, as
#: written by clearing with a residual), ``DZ`` (customer payment, a residual or unapplied
#: payment), ``ZP`` (payment run / payment posting).
RESIDUAL_DOC_TYPES: tuple[str, ...] = ("AB", "DZ", "ZP")
#: Document types the team expects on a customer account besides residuals: ``RV`` billing
#: (SD invoice or credit memo), ``DR`` customer invoice, ``DG`` customer credit memo, ``DA``
#: customer document. Anything else (or a missing type) is "unusual" and worth a look.
USUAL_DOC_TYPES: tuple[str, ...] = ("RV", "DR", "DG", "DA")
SMALL = Decimal("5.00")
#: The dimensions :func:`credits_by` offers.
CREDIT_DIMENSIONS: tuple[str, ...] = ("customer", "age", "doc_type", "company_code", "collector")
#: Reason codes of :func:`miscellaneous_items`, in the order they are listed.
MISC_REASONS: tuple[str, ...] = ("residual", "small_difference", "unusual_doc_type", "no_due_date")
#: Column of :func:`misc_aging` for items without a due date (no aging bucket can hold them).
NO_DUE_DATE = "no due date"
AGE_FIRST = "0"


def _zero() -> pl.Expr:
    return pl.lit(0).cast(MONEY)


def _with_master(items: pl.DataFrame, customers: pl.DataFrame | None) -> pl.DataFrame:
    """``items`` with the customer master's collector and name where it has one (the master wins)."""
    if customers is None or customers.is_empty():
        return items
    master = customers.select(
        "customer_id",
        *(pl.col(c).alias(f"_m_{c}") for c in ("collector", "name") if c in customers.columns),
    ).unique("customer_id", keep="first")
    joined = items.join(master, on="customer_id", how="left")
    out = (
        [pl.coalesce("_m_collector", "collector").alias("collector")]
        if "_m_collector" in joined.columns
        else []
    )
    if "_m_name" in joined.columns:
        out.append(pl.coalesce("_m_name", "customer_name").alias("customer_name"))
    return joined.with_columns(out).drop("^_m_.*$")


def age_labels(edges: Sequence[int] = DEFAULT_EDGES) -> list[str]:
    """Age bucket labels: ``"0"`` (dated today or later), then the aging buckets' day ranges."""
    return [AGE_FIRST, *bucket_labels(edges)[1:]]


def age_bucket_expr(days: pl.Expr, edges: Sequence[int] = DEFAULT_EDGES) -> pl.Expr:
    """The aging buckets applied to an item's age (days since its document date); null without a date.

    The ranges are the aging report's, so "31-60" means the same on both pages; only the first
    label says "0" instead of "not due", since a credit is not due.
    """
    labels = age_labels(edges)
    bucket = bucket_expr(days, edges).cast(pl.String).replace({NOT_DUE: AGE_FIRST})
    return pl.when(days.is_not_null()).then(bucket).cast(pl.Enum(labels))


def open_credits(
    items: pl.DataFrame,
    as_of: date,
    customers: pl.DataFrame | None = None,
    *,
    edges: Sequence[int] = DEFAULT_EDGES,
) -> pl.DataFrame:
    """Every credit (amount < 0) open at ``as_of``, oldest first.

    Columns: customer_id, customer_name, company_code, collector, doc_no, doc_type, doc_date,
    due_date, age_days (as_of − doc_date), age_bucket (:func:`age_bucket_expr`), amount,
    currency, reference, text, credit_key (the item key the decisions and refunds name).
    """
    from ar_core.schema import item_key_expr

    age = (pl.lit(as_of) - pl.col("doc_date")).dt.total_days().cast(pl.Int32)
    credits = _with_master(open_items(items, as_of).filter(pl.col("amount") < 0), customers)
    return (
        credits.with_columns(age.alias("age_days"))
        .with_columns(age_bucket_expr(pl.col("age_days"), edges).alias("age_bucket"))
        .select(
            "customer_id",
            "customer_name",
            "company_code",
            "collector",
            "doc_no",
            "doc_type",
            "doc_date",
            "due_date",
            "age_days",
            "age_bucket",
            "amount",
            "currency",
            "reference",
            "text",
            item_key_expr().alias("credit_key"),
        )
        .sort("age_days", "customer_id", "doc_no", descending=[True, False, False], nulls_last=True)
    )


def credits_by(
    items: pl.DataFrame,
    as_of: date,
    by: str,
    customers: pl.DataFrame | None = None,
    *,
    edges: Sequence[int] = DEFAULT_EDGES,
) -> pl.DataFrame:
    """Open credits summed per ``by`` (one of :data:`CREDIT_DIMENSIONS`) and currency.

    Columns: the key (``customer_id`` and ``customer_name`` for "customer", ``age_bucket`` for
    "age", else the column itself), currency, count, total. A missing key (no collector) is its
    own row, so the totals add up to the open credits to the cent. Largest credit first, the age
    in bucket order.
    """
    if by not in CREDIT_DIMENSIONS:
        raise InvalidInput("by", f"credits can be summed by {', '.join(CREDIT_DIMENSIONS)}, not {by!r}")
    keys = {"customer": ["customer_id"], "age": ["age_bucket"]}.get(by, [by])
    credits = open_credits(items, as_of, customers, edges=edges)
    aggs = [pl.len().cast(pl.Int64).alias("count"), pl.col("amount").sum().cast(MONEY).alias("total")]
    if by == "customer":
        aggs.insert(0, pl.col("customer_name").drop_nulls().first().alias("customer_name"))
    summary = credits.group_by([*keys, "currency"]).agg(aggs)
    if by == "customer":
        summary = summary.select("customer_id", "customer_name", "currency", "count", "total")
    if by == "age":
        return summary.sort("age_bucket", "currency", nulls_last=True)
    return summary.sort("total", *keys, "currency", nulls_last=True)


def _customer_balances(items: pl.DataFrame, as_of: date, customers: pl.DataFrame | None) -> pl.DataFrame:
    rows = _with_master(open_items(items, as_of), customers)
    amount = pl.col("amount")
    return rows.group_by("customer_id", "currency").agg(
        pl.col("customer_name").drop_nulls().first(),
        pl.col("collector").drop_nulls().first(),
        amount.filter(amount > 0).sum().cast(MONEY).alias("debits"),
        amount.filter(amount < 0).sum().cast(MONEY).alias("credits"),
        amount.sum().cast(MONEY).alias("net"),
        (amount < 0).sum().cast(pl.Int64).alias("credit_items"),
    )


def net_credit_customers(
    items: pl.DataFrame, as_of: date, customers: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Customers whose net open balance (per currency) is negative: we owe them — refund candidates.

    Columns: customer_id, customer_name, collector, currency, debits, credits, net (= debits +
    credits), credit_items. Largest refund first.
    """
    return (
        _customer_balances(items, as_of, customers)
        .filter(pl.col("net") < 0)
        .select(
            "customer_id",
            "customer_name",
            "collector",
            "currency",
            "debits",
            "credits",
            "net",
            "credit_items",
        )
        .sort("net", "customer_id")
    )


def miscellaneous_items(
    items: pl.DataFrame,
    as_of: date,
    customers: pl.DataFrame | None = None,
    *,
    small: Decimal = SMALL,
    residual_doc_types: Sequence[str] = RESIDUAL_DOC_TYPES,
    usual_doc_types: Sequence[str] = USUAL_DOC_TYPES,
    edges: Sequence[int] = DEFAULT_EDGES,
) -> pl.DataFrame:
    """Open items that are clutter or need a look, each once with all its reasons.

    Reasons (:data:`MISC_REASONS`): ``residual`` (doc type in ``residual_doc_types``),
    ``small_difference`` (``|amount| <= small``), ``unusual_doc_type`` (neither usual nor a
    residual type, or none), ``no_due_date``. Debits and credits alike: a 3-euro residual
    debit is as much clutter as a 3-euro credit.

    Columns: customer_id, customer_name, company_code, collector, doc_no, doc_type, doc_date,
    due_date, days_overdue, bucket (null without a due date), amount, currency, reasons (list).
    """
    if small < 0:
        raise InvalidInput("small", "the small-difference limit cannot be negative")
    residual = list(residual_doc_types)
    known = sorted({*residual, *usual_doc_types})
    doc_type = pl.col("doc_type")
    checks = {
        "residual": doc_type.is_in(residual).fill_null(False),
        "small_difference": pl.col("amount").abs() <= pl.lit(small).cast(MONEY),
        "unusual_doc_type": doc_type.is_null() | ~doc_type.is_in(known),
        "no_due_date": pl.col("due_date").is_null(),
    }
    aged = _with_master(with_aging(items, as_of, edges), customers)
    reasons = pl.concat_list(
        [
            pl.when(check).then(pl.lit(name)).otherwise(pl.lit(None, pl.String))
            for name, check in checks.items()
        ]
    ).list.drop_nulls()
    return (
        aged.with_columns(reasons.alias("reasons"))
        .filter(pl.col("reasons").list.len() > 0)
        .with_columns(pl.when(pl.col("due_date").is_not_null()).then(pl.col("bucket")).alias("bucket"))
        .select(
            "customer_id",
            "customer_name",
            "company_code",
            "collector",
            "doc_no",
            "doc_type",
            "doc_date",
            "due_date",
            "days_overdue",
            "bucket",
            "amount",
            "currency",
            "reasons",
        )
        .sort("customer_id", "doc_no")
    )


def misc_aging(
    items: pl.DataFrame,
    as_of: date,
    customers: pl.DataFrame | None = None,
    *,
    by: Sequence[str] = ("currency",),
    edges: Sequence[int] = DEFAULT_EDGES,
    **options,
) -> pl.DataFrame:
    """The aging of :func:`miscellaneous_items` per ``by``: one column per bucket, ``no due date``, total.

    Items without a due date get their own column rather than a bucket (the aging helper would
    put a null due date in the oldest one), so ``total`` is the misc total to the cent.
    ``options`` are those of :func:`miscellaneous_items`.
    """
    by = list(by)
    misc = miscellaneous_items(items, as_of, customers, edges=edges, **options)
    dated = misc.filter(pl.col("due_date").is_not_null())
    table = aging_table(dated, by, edges=edges).drop("total")
    undated = (
        misc.filter(pl.col("due_date").is_null())
        .group_by(by)
        .agg(pl.col("amount").sum().cast(MONEY).alias(NO_DUE_DATE))
    )
    keys = misc.select(by).unique()
    labels = bucket_labels(edges)
    out = keys.join(table, on=by, how="left", nulls_equal=True).join(
        undated, on=by, how="left", nulls_equal=True
    )
    money = [*labels, NO_DUE_DATE]
    out = out.with_columns(pl.col(c).fill_null(_zero()).cast(MONEY) for c in money)
    return (
        out.with_columns(pl.sum_horizontal(money).cast(MONEY).alias("total"))
        .select(*by, *money, "total")
        .sort(by)
    )


def _sum(frame: pl.DataFrame, column: str, currency: str) -> Decimal:
    value = frame.filter(pl.col("currency") == currency)[column].sum()
    return Decimal(value or 0).quantize(Decimal("0.01"))


def reconcile_totals(
    items: pl.DataFrame, as_of: date, customers: pl.DataFrame | None = None, **options
) -> dict:
    """Each view's total beside the snapshot's own figures, per currency, so the page can say so.

    Returns ``{"reconciles": bool, "currencies": {cur: figures}}`` where figures hold the
    snapshot's ``open_total``, ``open_credits`` and ``credit_items`` (summed straight from the
    items), the views' ``open_credits_view``, ``credits_by_<dimension>`` for each dimension,
    ``customer_net_total`` (the nets of all customers, which add up to ``open_total``),
    ``misc_items`` / ``misc_total`` straight from the misc list and ``misc_aging_total``, and
    ``reconciles`` for the currency. ``options`` go to the misc views.
    """
    still_open = open_items(items, as_of).filter(pl.col("amount").is_not_null())
    currencies = sorted(c for c in still_open["currency"].unique() if c is not None)
    views = {
        "open_credits_view": open_credits(items, as_of, customers),
        **{f"credits_by_{d}": credits_by(items, as_of, d, customers) for d in CREDIT_DIMENSIONS},
    }
    nets = _customer_balances(items, as_of, customers)
    misc = miscellaneous_items(items, as_of, customers, **options)
    aging = misc_aging(items, as_of, customers, **options)
    result: dict = {"currencies": {}}
    for cur in currencies:
        credits = still_open.filter((pl.col("currency") == cur) & (pl.col("amount") < 0))
        figures: dict = {
            "open_total": _sum(still_open, "amount", cur),
            "open_credits": _sum(credits, "amount", cur),
            "credit_items": credits.height,
            "open_credits_view": _sum(views["open_credits_view"], "amount", cur),
        }
        figures |= {
            name: _sum(frame, "total", cur) for name, frame in views.items() if name != "open_credits_view"
        }
        figures["customer_net_total"] = _sum(nets, "net", cur)
        figures["misc_items"] = misc.filter(pl.col("currency") == cur).height
        figures["misc_total"] = _sum(misc, "amount", cur)
        figures["misc_aging_total"] = _sum(aging, "total", cur)
        credit_views = [
            figures["open_credits_view"],
            *(figures[f"credits_by_{d}"] for d in CREDIT_DIMENSIONS),
        ]
        figures["reconciles"] = (
            all(v == figures["open_credits"] for v in credit_views)
            and figures["customer_net_total"] == figures["open_total"]
            and figures["misc_aging_total"] == figures["misc_total"]
        )
        result["currencies"][cur] = figures
    result["reconciles"] = all(f["reconciles"] for f in result["currencies"].values())
    return result
