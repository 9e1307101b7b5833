"""Root-cause analysis of dispute and inquiry cases: Pareto, cycle time, trend, delays, credit notes.

Pure rules on one frame of cases (:data:`CASE_SCHEMA`, one row per case, amounts already in the
reporting currency; the case service builds it). Dates are passed in, never read from the clock,
so the page, the CLI and the meeting workbook show the same figures for the same day. Disputes
and inquiries are analysed together or apart by filtering ``type`` before calling.

A case is *open* at a date ``d`` when ``opened <= d`` and it is not resolved by then
(``resolved`` null or after ``d``); resolved and closed cases carry their resolved date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import accumulate, pairwise

import polars as pl

from ar_core.errors import InvalidInput
from ar_core.money import format_amount
from ar_core.schema import MONEY

#: One row per case, as the case service hands it over.
CASE_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.Int64(),
    "type": pl.String(),  # "dispute" | "inquiry"
    "customer_id": pl.String(),
    "customer_name": pl.String(),
    "company_code": pl.String(),
    "country": pl.String(),
    "collector": pl.String(),  # the case owner
    "resolver_department": pl.String(),
    "resolver": pl.String(),
    "reason": pl.String(),  # the code as it came; an unmapped code stays itself
    "category": pl.String(),  # root-cause category; null while the reason is unmapped
    "status": pl.String(),
    "resolution": pl.String(),
    "opened": pl.Date(),
    "due": pl.Date(),
    "resolved": pl.Date(),
    "level": pl.Int8(),  # 0 none, 1 team lead, 2 resolver's manager, 3 head of I2C
    "amount": MONEY,  # disputed amount, reporting currency
    "credited": MONEY,  # credit-note amount of a credit-note or partial-credit resolution
    "currency": pl.String(),  # the reporting currency
}

#: What a view can group by -> the case column it groups on. The key column of the result is
#: named after the grouping ("resolver" holds the resolver department); a customer adds its name.
GROUPINGS: dict[str, str] = {
    "reason": "reason",
    "category": "category",
    "customer": "customer_id",
    "resolver": "resolver_department",
    "company_code": "company_code",
    "country": "country",
    "collector": "collector",
}
#: How a reason without a root-cause category is shown and counted.
UNMAPPED = "unmapped"
#: Resolutions that end in a credit note to the customer (the billing-quality signal); the same
#: words as ``taxonomy.CREDITING``, kept here so the rules need no other module.
_CREDITING: tuple[str, ...] = ("credit note issued", "partial credit")
#: The "vital few" of a Pareto view: the rows before the cumulative share reaches this fraction.
VITAL_FEW = Decimal("0.8")
#: amount × days late: larger than any amount, so wider than MONEY.
PRIORITY = pl.Decimal(38, 2)
#: Escalation level -> who holds the case then (as ``taxonomy.LEVELS``).
_LEVELS: dict[int, str] = {1: "team lead", 2: "resolver's manager", 3: "head of I2C"}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def empty_cases() -> pl.DataFrame:
    """An empty frame with :data:`CASE_SCHEMA`."""
    return pl.DataFrame(schema=CASE_SCHEMA)


# --- selections ---------------------------------------------------------------------------


def _open_at(d: date | pl.Expr) -> pl.Expr:
    day = d if isinstance(d, pl.Expr) else pl.lit(d)
    return (pl.col("opened") <= day) & (pl.col("resolved").is_null() | (pl.col("resolved") > day))


def open_cases(cases: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The cases open at ``as_of``: opened on or before it and not resolved by then."""
    return cases.filter(_open_at(as_of))


def opened_between(cases: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """The cases opened from ``start`` to ``end``, both days included, whatever their status now."""
    return cases.filter(pl.col("opened").is_between(start, end, closed="both"))


def _resolved_between(cases: pl.DataFrame, start: date | None, end: date | None) -> pl.DataFrame:
    resolved = cases.filter(pl.col("resolved").is_not_null())
    if start is not None:
        resolved = resolved.filter(pl.col("resolved") >= start)
    if end is not None:
        resolved = resolved.filter(pl.col("resolved") <= end)
    return resolved


# --- grouping -----------------------------------------------------------------------------


def _keys(by: str) -> list[str]:
    """The output key columns of a grouping: named after ``by``; a customer also shows its name."""
    if by not in GROUPINGS:
        raise InvalidInput("by", f"cannot group cases by {by!r}: choose one of {', '.join(GROUPINGS)}")
    return ["customer_id"] if by == "customer" else [by]


def _keyed(cases: pl.DataFrame, by: str) -> pl.DataFrame:
    """``cases`` with the key column of ``by`` (an unmapped category counts as :data:`UNMAPPED`)."""
    key = pl.col(GROUPINGS[by])
    if by == "category":
        key = key.fill_null(UNMAPPED)
    return cases.with_columns(key.alias(_keys(by)[0]))


def cases_behind(cases: pl.DataFrame, by: str, key: str | None) -> pl.DataFrame:
    """The cases a Pareto row of ``by`` counts (``key`` as that row shows it; ``None``: the cases
    without a key, e.g. no resolver department), largest amount first — the drill-down."""
    column = _keyed(cases, by)[_keys(by)[0]]
    chosen = column.is_null() if key is None else column == key
    return cases.filter(chosen).sort(["amount", "case_id"], descending=[True, False])


def _name_agg(by: str) -> list[pl.Expr]:
    """A customer's name as on its latest case (names change between extracts)."""
    if by != "customer":
        return []
    return [pl.col("customer_name").sort_by("opened", "case_id").last()]


def _key_schema(by: str) -> dict[str, pl.DataType]:
    keys = {k: pl.String() for k in _keys(by)}
    return {**keys, "customer_name": pl.String()} if by == "customer" else keys


# --- Pareto -------------------------------------------------------------------------------


def pareto_schema(by: str) -> dict[str, pl.DataType]:
    """The columns of :func:`pareto` for the grouping ``by``."""
    return {**_key_schema(by), "count": pl.Int64(), "amount": MONEY, "share": pl.Float64(),
            "cumulative_share": pl.Float64(), "within_80": pl.Boolean()}  # fmt: skip


def pareto(cases: pl.DataFrame, by: str) -> pl.DataFrame:
    """Disputed amount and count per key, largest amount first, with the cumulative-share line.

    Sorted by amount, then count (descending), then key (ascending; a missing key last).
    ``share`` is the key's amount over the total; ``cumulative_share`` divides the running sum of
    whole cents by the total, so it never drifts and the last row is exactly 1.0. ``within_80``
    marks the vital few: a row whose cumulative share *before* it is below 80 %, i.e. every row up
    to and including the one that reaches or crosses 80 % (a row that lands exactly on 80 % is the
    last of them). Compared exactly in cents, so a float rounding never moves the boundary. A zero
    total gives shares of 0 and no vital few.
    """
    keys = _keys(by)
    grouped = (
        _keyed(cases, by)
        .with_columns((pl.col("amount") * 100).cast(pl.Int64).alias("_cents"))
        .group_by(keys)
        .agg(*_name_agg(by), count=pl.len(), amount=pl.col("amount").sum(), _cents=pl.col("_cents").sum())
        .sort(["amount", "count", *keys], descending=[True, True, *[False] * len(keys)], nulls_last=True)
    )
    # Python's int / int is correctly rounded; polars divides by a scalar through its reciprocal
    # (7000 / 10000 -> 0.7000000000000001), so the shares are divided here, one per key.
    cents = grouped["_cents"].to_list()
    total = sum(cents)
    running = list(accumulate(cents))
    before = [r - c for r, c in zip(running, cents, strict=True)]
    return grouped.with_columns(
        pl.Series("share", [c / total if total else 0.0 for c in cents], dtype=pl.Float64),
        pl.Series("cumulative_share", [r / total if total else 0.0 for r in running], dtype=pl.Float64),
        pl.Series("within_80", [b < total * VITAL_FEW for b in before], dtype=pl.Boolean),
    ).select(pl.col(c).cast(t) for c, t in pareto_schema(by).items())


# --- cycle time ---------------------------------------------------------------------------


def _days(end: str) -> pl.Expr:
    return (pl.col(end) - pl.col("opened")).dt.total_days().cast(pl.Int64)


def cycle_time(
    cases: pl.DataFrame, by: str = "reason", start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """Opened → resolved in calendar days per key, over cases resolved from ``start`` to ``end``.

    ``median_days`` is the middle value (the mean of the two middle ones for an even count);
    ``p90_days`` interpolates linearly between the closest ranks at position 0.9 × (n − 1)
    (Excel PERCENTILE.INC, numpy "linear"); ``past_sla`` is the fraction resolved after their due
    date. Unrounded: rounding is for display. Sorted by ``n`` descending, then key.
    """
    keys = _keys(by)
    days = pl.col("days")
    schema = {**_key_schema(by), "n": pl.Int64(), "median_days": pl.Float64(), "p90_days": pl.Float64(),
              "mean_days": pl.Float64(), "past_sla": pl.Float64()}  # fmt: skip
    return (
        _keyed(_resolved_between(cases, start, end), by)
        .with_columns(_days("resolved").alias("days"), (pl.col("resolved") > pl.col("due")).alias("late"))
        .group_by(keys)
        .agg(
            *_name_agg(by),
            n=pl.len(),
            median_days=days.median(),
            p90_days=days.quantile(0.9, "linear"),
            mean_days=days.mean(),
            past_sla=pl.col("late").mean(),
        )
        .sort(["n", *keys], descending=[True, *[False] * len(keys)], nulls_last=True)
        .select(pl.col(c).cast(t) for c, t in schema.items())
    )


def cycle_time_distribution(
    cases: pl.DataFrame, by: str = "reason", start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """The cases behind :func:`cycle_time`, one row each with its ``days`` and ``past_sla`` (a histogram)."""
    keys = _keys(by)
    extra = ["customer_name"] if by == "customer" else []
    return (
        _keyed(_resolved_between(cases, start, end), by)
        .with_columns(_days("resolved").alias("days"), (pl.col("resolved") > pl.col("due")).alias("past_sla"))
        .select("case_id", "type", *keys, *extra, "opened", "due", "resolved", "days", "past_sla")
        .sort("case_id")
    )


# --- trend --------------------------------------------------------------------------------

TREND_SCHEMA: dict[str, pl.DataType] = {
    "as_of": pl.Date(), "new": pl.Int64(), "new_amount": MONEY, "resolved": pl.Int64(),
    "resolved_amount": MONEY, "open": pl.Int64(), "open_amount": MONEY,
    "median_age_days": pl.Float64(), "mean_age_days": pl.Float64(),
}  # fmt: skip


#: Stands for "not resolved" when placing resolved dates among the snapshot dates.
_NEVER = date(9999, 12, 31)


def trend(cases: pl.DataFrame, dates: Sequence[date]) -> pl.DataFrame:
    """One row per snapshot date: new, resolved and open cases with their amounts, and backlog age.

    The window of a date runs from the day after the previous date to the date itself (the first
    date's window holds everything on or before it): ``new`` were opened in it, ``resolved`` were
    resolved in it. ``open``/``open_amount`` are the cases open at the date; the backlog age is
    the median and mean of date − opened over those (null when none is open).

    Each case is placed once among the dates (the index of the first date on or after its opening,
    and of its resolution): it is new at the first, resolved at the second and open at the dates in
    between, so the 52 weeks of a year cost one pass over the cases plus one row per open case and
    date (a cross join of every case with every date measured 6x slower).
    """
    dates = list(dates)
    if any(b <= a for a, b in pairwise(dates)):
        raise InvalidInput("dates", "trend dates must be strictly ascending")
    points = pl.Series("as_of", dates, dtype=pl.Date())
    n = len(dates)
    placed = cases.select(
        "amount",
        "opened",
        pl.col("resolved").is_not_null().alias("done"),
        points.search_sorted(cases["opened"], side="left").cast(pl.Int64).alias("first"),
        points.search_sorted(cases["resolved"].fill_null(_NEVER), side="left").cast(pl.Int64).alias("last"),
    )
    index = pl.DataFrame({"i": pl.int_range(n, eager=True, dtype=pl.Int64), "as_of": points})
    amount = pl.col("amount").sum()
    new = placed.group_by(i="first").agg(new=pl.len(), new_amount=amount)
    resolved = placed.filter("done").group_by(i="last").agg(resolved=pl.len(), resolved_amount=amount)
    age = pl.col("age")
    backlog = (
        placed.filter(pl.col("last") > pl.col("first"))
        .select("amount", "opened", pl.int_ranges("first", pl.col("last").clip(upper_bound=n)).alias("i"))
        .explode("i")
        .join(index, on="i")
        .with_columns((pl.col("as_of") - pl.col("opened")).dt.total_days().alias("age"))
        .group_by("i")
        .agg(open=pl.len(), open_amount=amount, median_age_days=age.median(), mean_age_days=age.mean())
    )
    counted = ("new", "new_amount", "resolved", "resolved_amount", "open", "open_amount")
    return (
        index.join(new, on="i", how="left")
        .join(resolved, on="i", how="left")
        .join(backlog, on="i", how="left")
        .sort("i")
        .with_columns(pl.col(c).fill_null(0) for c in counted)
        .select(pl.col(c).cast(t) for c, t in TREND_SCHEMA.items())
    )


# --- delays -------------------------------------------------------------------------------


def past_due(cases: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Cases open at ``as_of`` whose due date lies before it, the costliest delay first.

    ``days_late`` = as_of − due; ``priority`` = amount × days_late (exact decimal "amount-days"):
    a large case a little late and a small case long late weigh what they tie up. Ties by case id.
    """
    days_late = (pl.lit(as_of) - pl.col("due")).dt.total_days().cast(pl.Int64)
    return (
        open_cases(cases, as_of)
        .filter(pl.col("due") < as_of)
        .with_columns(days_late.alias("days_late"))
        .with_columns(
            (pl.col("amount").cast(PRIORITY) * pl.col("days_late")).cast(PRIORITY).alias("priority")
        )
        .sort(["priority", "case_id"], descending=[True, False])
    )


# --- credit notes -------------------------------------------------------------------------


def credit_note_share(
    cases: pl.DataFrame, by: str = "category", start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """Per key, how many resolved disputes ended in a credit note, and how much was credited.

    Over disputes (not inquiries) resolved from ``start`` to ``end``: ``n`` resolved,
    ``credit_notes`` resolved by a credit note or a partial credit, ``share`` = credit_notes / n,
    ``amount`` the disputed amount and ``credited`` the credit-note amount of those cases. Many
    credit notes under one root cause mean the invoices were wrong, not the customer: the
    signal for the internal customer. Largest credited amount first, then n, then key.
    """
    keys = _keys(by)
    credit = pl.col("resolution").is_in(_CREDITING).fill_null(False)
    schema = {**_key_schema(by), "n": pl.Int64(), "credit_notes": pl.Int64(), "share": pl.Float64(),
              "amount": MONEY, "credited": MONEY}  # fmt: skip
    disputes = _resolved_between(cases.filter(pl.col("type") == "dispute"), start, end)
    return (
        _keyed(disputes, by)
        .group_by(keys)
        .agg(
            *_name_agg(by),
            n=pl.len(),
            credit_notes=credit.sum(),
            amount=pl.col("amount").sum(),
            credited=pl.col("credited").filter(credit).sum(),
        )
        .with_columns(share=pl.col("credit_notes") / pl.col("n"))
        .select(pl.col(c).cast(t) for c, t in schema.items())
        .sort(["credited", "n", *keys], descending=[True, True, *[False] * len(keys)], nulls_last=True)
    )


# --- reminder to the resolver -------------------------------------------------------------


def _day(d: date) -> str:
    """``12 Nov 2026``: unambiguous for readers used to day-first and month-first dates."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _line(value: object) -> str:
    """One line of text: a name with a line break must not start a new line (or header) of the mail."""
    return " ".join(str(value).split()) if value is not None else ""


def _money(amount: object, currency: object) -> str:
    return f"{format_amount(Decimal(str(amount)), 'en')} {_line(currency)}"


def _day_count(days: int) -> str:
    return f"{days} day" if days == 1 else f"{days} days"


def _lateness(due: date, today: date) -> str:
    days = (today - due).days
    if days > 0:
        return f"{_day_count(days)} late"
    return "due today" if days == 0 else f"due in {_day_count(-days)}"


def _due_sentence(due: date, today: date) -> str:
    if due < today:
        return f"It was due on {_day(due)} and is now {_lateness(due, today)}."
    if due == today:
        return f"It is due today, {_day(due)}."
    return f"It is due on {_day(due)}, in {_day_count((due - today).days)}."


#: What the resolver is asked for: a decision on a dispute, an answer to an inquiry.
_ASKS: dict[str, tuple[str, ...]] = {
    "dispute": (
        "Please reply with your decision: a credit note (full or partial, with its amount), or a",
        "rejection so that the customer pays. If you need something to decide, tell us what, and by",
        "when you will decide. The amount stays unpaid until the customer has our answer.",
    ),
    "inquiry": (
        "Please send us what the customer asked for, or tell us what is missing and by when you",
        "can send it. The customer waits for our answer before paying.",
    ),
}


def reminder_text(case: Mapping[str, object], items: Sequence[Mapping[str, object]], today: date) -> str:
    """A copy-ready plain-text e-mail (subject line, blank line, body) asking the resolver to decide.

    ``case`` is one row of :data:`CASE_SCHEMA` as a dict; ``items`` the open items it covers
    (``doc_no``, ``amount`` disputed on the item, optional ``currency``, default the case's).
    English, because resolvers are internal; amounts with two decimals and their currency, dates
    as ``12 Nov 2026``. Values are flattened to one line each, so no customer name can add a header.
    """
    number = f"{_line(case['type']) or 'case'} #{case['case_id']}"
    name, customer_id = _line(case.get("customer_name")), _line(case["customer_id"])
    customer = f"{name} ({customer_id})" if name else customer_id
    inquiry = case["type"] == "inquiry"
    wanted = "an answer" if inquiry else "a decision"
    due: date = case["due"]  # type: ignore[assignment]
    lateness = _lateness(due, today)
    level = int(case.get("level") or 0)  # type: ignore[call-overload]
    escalation = f"level {level} ({_LEVELS.get(level, 'unknown')})" if level else "none"
    category = _line(case.get("category")) or "not yet mapped to a root cause"
    greeting = _line(case.get("resolver")) or f"{_line(case.get('resolver_department'))} team".strip()
    currency = case["currency"]
    docs = [(_line(i["doc_no"]), _money(i["amount"], i.get("currency") or currency)) for i in items]
    doc_width = max((len(doc) for doc, _ in docs), default=0)
    amount_width = max((len(amount) for _, amount in docs), default=0)
    item_lines = [f"  {doc:<{doc_width}}  {amount:>{amount_width}}" for doc, amount in docs]
    opened = case.get("opened")
    lines = [
        f"Subject: Reminder: {number} for {customer}, {lateness}",
        "",
        f"Hello {greeting},",
        "",
        f"The {number} of our customer {customer} is with you for {wanted}. {_due_sentence(due, today)}",
        "",
        f"Case:        {number}",
        f"Customer:    {customer}, company code {_line(case.get('company_code'))}",
        f"Reason:      {_line(case['reason'])} ({category})",
        *([f"Opened:      {_day(opened)}"] if isinstance(opened, date) else []),
        f"Due:         {_day(due)} ({lateness})",
        f"Escalation:  {escalation}",
        f"{'Amount:  ' if inquiry else 'Disputed:'}    {_money(case['amount'], currency)}",
        "",
        "Items:",
        *(item_lines or ["  (no items listed)"]),
        "",
        *_ASKS["inquiry" if inquiry else "dispute"],
        "",
        "Thank you,",
        _line(case.get("collector")),
        "Accounts Receivable",
    ]
    return "\n".join(lines) + "\n"
