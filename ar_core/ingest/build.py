"""From raw text columns to canonical items: row classification, parsing, derivations, totals.

Shared by every reader. Rows are classified the way SAP writes lists: blank and decoration lines
are skipped, rows marked ``*``/``**`` (or without a document number but with an amount) are the
file's own totals, repeated header rows are skipped, everything else is an item line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.ingest import parse
from ar_core.ingest.plan import ColumnPlan
from ar_core.ingest.result import WARNING, Problem
from ar_core.schema import ITEM_SCHEMA

AMOUNTS = ("amount", "amount_doc", "amount_reporting")
#: Debit/credit indicator values meaning "credit" (SAP's H = Haben, and English spellings).
CREDIT_MARKS = ("H", "C", "CR", "CREDIT", "HABEN")


@dataclass
class Staged:
    """Parsed rows of one file, ready for validation."""

    items: pl.DataFrame  # item rows: source_row, parsed canonical columns, raw text as "<col>__raw"
    totals: pl.DataFrame  # total rows: source_row, stars, amount, currency
    headers: dict[str, str]  # canonical -> header text as written in the file
    key_dates: list[tuple[int, date]] = field(default_factory=list)
    styles: dict[str, parse.NumberStyle] = field(default_factory=dict)  # money column -> style read


def raw(column: str) -> str:
    """Name of the column holding a field's raw text (what messages quote)."""
    return f"{column}__raw"


def stage(
    frame: pl.DataFrame,
    plan: ColumnPlan,
    fixed: dict[str, list[str]] | None = None,
    typed_money: set[str] | None = None,
) -> Staged:
    """Classify and parse ``frame``: physical columns ``c<i>`` as text and ``source_row``.

    One lazy query does the work. Formats are decided on a sample of the first rows; trimming is
    paid only for columns whose sample shows padding (SAP's list format pads, its tab export does
    not). ``fixed`` gives date formats already known for a column (typed spreadsheet cells),
    ``typed_money`` the money columns whose text was made from typed numbers (read as TYPED).
    ``source_row`` must be chunked like the other columns (read_csv's row index, or one chunk):
    a frame whose columns are chunked differently is realigned — copied — by every later select.
    """
    fixed = fixed or {}
    present = list(plan.positions) + [c for c in plan.constants if c not in plan.positions]
    head = frame.head(2 * parse.SAMPLE)
    trim = {c for c, p in plan.positions.items() if _padded(head[f"c{p}"])}
    sample = _prepare(head.lazy(), plan, trim).filter(pl.col("_kind") == "item").collect()
    styles: dict[str, parse.NumberStyle] = dict.fromkeys(typed_money or (), parse.TYPED)
    helpers, parsers = _parsers(plan, present, fixed, sample, styles)
    # the baseline fallback costs a scan of the due dates; only pay it when some are empty
    due = plan.positions.get("due_date")
    blank_due = due is None or frame[f"c{due}"].null_count() > 0 or _has_zero_dates(head[f"c{due}"])
    lf = _prepare(frame.lazy(), plan, trim)
    if helpers:
        lf = lf.with_columns(helpers)
    lf = _derive(lf.with_columns(parsers), plan, set(present), blank_due=blank_due).drop(
        h.meta.output_name() for h in helpers
    )
    # one plan, two outputs: polars computes the shared part once. Everything stays lazy because
    # eager selects/drops on a streamed result realign its chunks, which costs more than parsing.
    is_item = pl.col("_kind") == "item"
    kept = [c for c in ("amount", "currency") if c in present or c in plan.derived]
    items, others = pl.collect_all(
        [
            lf.filter(is_item).drop("_kind", "_marker", "_first"),
            lf.filter(~is_item).select("source_row", "_kind", "_marker", "_first", *kept),
        ]
    )
    totals = others.filter(pl.col("_kind") == "total").select(
        "source_row",
        pl.col("_marker").str.len_bytes().fill_null(0).alias("stars"),
        pl.col("amount") if "amount" in kept else pl.lit(None, dtype=parse.MONEY).alias("amount"),
        pl.col("currency") if "currency" in kept else pl.lit(None, dtype=pl.String()).alias("currency"),
    )
    return Staged(items, totals, dict(plan.headers), _body_key_dates(others), styles)


def _padded(sample: pl.Series) -> bool:
    values = sample.drop_nulls()
    return bool((values.str.len_bytes() != values.str.strip_chars().str.len_bytes()).any())


def _prepare(lf: pl.LazyFrame, plan: ColumnPlan, trim: set[str]) -> pl.LazyFrame:
    """Raw text per canonical column (trimmed where needed), markers, and the kind of each row."""
    columns = [
        (pl.col(f"c{p}").str.strip_chars() if c in trim else pl.col(f"c{p}")).alias(raw(c))
        for c, p in plan.positions.items()
    ]
    columns += [
        pl.lit(v, dtype=pl.String()).alias(raw(c))
        for c, v in plan.constants.items()
        if c not in plan.positions
    ]
    names = lf.collect_schema().names()
    markers = [pl.col(f"c{p}") for p in (0, 1) if f"c{p}" in names]
    lf = lf.select(
        pl.col("source_row").cast(pl.Int64()),
        *columns,
        (markers[0] if markers else pl.lit(None, dtype=pl.String())).alias("_first"),
        _marker(markers).alias("_marker"),
    )
    return lf.with_columns(_row_kind(plan).alias("_kind"))


def _marker(markers: list[pl.Expr]) -> pl.Expr:
    """``*``/``**`` in column A or B: SAP's subtotal/total marker."""
    if not markers:
        return pl.lit(None, dtype=pl.String())
    return pl.coalesce([m.str.extract(r"^\s*(\*+)\s*$", 1) for m in markers])


def _row_kind(plan: ColumnPlan) -> pl.Expr:
    def has(c: str) -> pl.Expr:
        return ~parse.blank(pl.col(raw(c))) if c in plan.positions else pl.lit(False)

    any_amount = pl.any_horizontal([has(c) for c in AMOUNTS] + [pl.lit(False)])
    others = [has(c) for c, p in plan.positions.items() if p != 0]
    content = pl.any_horizontal([*others, pl.lit(False)])
    header_again = (  # SAP repeats the header row as it is (page breaks, concatenated lists)
        pl.col(raw("doc_no")) == plan.headers["doc_no"].strip()
        if "doc_no" in plan.positions
        else pl.lit(False)
    )
    return (
        pl.when(pl.col("_marker").is_not_null() | (~has("doc_no") & any_amount))
        .then(pl.lit("total"))
        .when(~content | header_again.fill_null(False))
        .then(pl.lit("skip"))
        .otherwise(pl.lit("item"))
    )


def _body_key_dates(df: pl.DataFrame) -> list[tuple[int, date]]:
    """Key dates stated in title lines inside the body (concatenated exports)."""
    from ar_core.ingest.detect import KEY_DATE, key_dates

    text = df.select("source_row", "_first")
    lines = text.filter(pl.col("_first").str.contains("(?i)" + KEY_DATE.pattern, strict=False))
    return key_dates(list(lines.iter_rows()))


def _parsers(
    plan: ColumnPlan,
    present: list[str],
    fixed: dict[str, list[str]],
    sample: pl.DataFrame,
    styles: dict[str, parse.NumberStyle],
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """(helper columns, parse expressions) per column, formats decided on the sample.

    ``styles`` holds the number style of money columns known in advance and receives the others.
    """
    default_style = parse.ENGLISH if plan.language == "en" else parse.GERMAN
    helpers, exprs = [], []
    for c in present:
        kind, s, values = parse.KIND.get(c, parse.TEXT), pl.col(raw(c)), sample[raw(c)]
        if kind == parse.MONEY_KIND:
            style = styles.get(c) or plan.number_style or parse.detect_number_style(values, default_style)
            styles[c] = style
            more, final = parse.money_steps(s, c, style, spaced=parse.has_spaces(values))
            helpers += more
            exprs.append(final.alias(c))
        elif kind == parse.DATE:
            # an all-blank sample still gets a format: a literal null column would be chunked unlike
            # the others (see text.chunked_like) and whatever appears further down is reported
            formats = fixed.get(c) or plan.date_formats or parse.detect_date_formats(values) or ["%d.%m.%Y"]
            exprs.append(parse.dates(s, formats).alias(c))
        elif kind == parse.INT:
            exprs.append(parse.integers(s, parse.INT_TYPES[c]).alias(c))
        elif kind == parse.FLAG:
            exprs.append(parse.flags(s).alias(c))
        elif kind == parse.CODE:
            lower = bool((values.drop_nulls() != values.drop_nulls().str.to_uppercase()).any())
            exprs.append((parse.codes(s) if lower or values.is_empty() else s).alias(c))
        else:
            exprs.append(s.alias(c))
    return helpers, exprs


def _has_zero_dates(sample: pl.Series) -> bool:
    return bool(sample.is_in(parse.EMPTY_DATES).any())


def _derive(lf: pl.LazyFrame, plan: ColumnPlan, present: set[str], *, blank_due: bool) -> pl.LazyFrame:
    """Fallbacks and signs: due date from baseline (+ terms days), credit sign from SHKZG."""
    exprs = []
    if "baseline_date" in present and ("due_date" in plan.derived or ("due_date" in present and blank_due)):
        terms = pl.col("terms_days") if "terms_days" in present else pl.lit(0)
        from_baseline = pl.col("baseline_date") + pl.duration(days=terms.fill_null(0))
        due = from_baseline
        if "due_date" in present:  # only where the cell is empty: an unreadable date stays an error
            due = (
                pl.when(parse.blank(pl.col(raw("due_date")), parse.DATE))
                .then(from_baseline)
                .otherwise(pl.col("due_date"))
            )
        exprs.append(due.alias("due_date"))
    if "debit_credit" in present:
        credit = pl.col("debit_credit").str.to_uppercase().is_in(CREDIT_MARKS).fill_null(False)
        for c in AMOUNTS:
            if c in present:
                exprs.append(pl.when(credit & (pl.col(c) > 0)).then(-pl.col(c)).otherwise(pl.col(c)).alias(c))
    return lf.with_columns(exprs) if exprs else lf


def to_items(items: pl.DataFrame) -> pl.DataFrame:
    """The canonical frame: ITEM_SCHEMA exactly, absent columns and blank text as nulls."""
    text = [c for c, t in ITEM_SCHEMA.items() if t == pl.String and c in items.columns]
    has_blank = items.select((pl.col(c).str.len_bytes() == 0).any() for c in text).row(0) if text else ()
    blanks = {c for c, b in zip(text, has_blank, strict=True) if b}

    def column(c: str) -> pl.Expr:
        if c not in items.columns:
            return pl.lit(None)
        return pl.when(pl.col(c).str.len_bytes() > 0).then(pl.col(c)) if c in blanks else pl.col(c)

    return items.select(column(c).cast(dtype).alias(c) for c, dtype in ITEM_SCHEMA.items())


def choose_file_totals(
    staged: Staged, file_name: str
) -> tuple[dict[str, Decimal], dict[str, int], list[Problem]]:
    """The file's own total per currency, with the row it is on.

    Per currency the rows with the most stars win (``**`` grand total over ``*`` subtotals). If
    several rows tie and the last equals the sum of the others it is their grand total; otherwise
    they are subtotals without a grand total and the currency is not reconciled (a warning says so).
    """
    totals, rows, problems = {}, {}, []
    frame = staged.totals.filter(pl.col("amount").is_not_null())
    if frame.is_empty():
        return totals, rows, problems
    item_currencies = (
        staged.items["currency"].drop_nulls().unique() if "currency" in staged.items.columns else []
    )
    if len(item_currencies) == 1:  # a total row without currency in a one-currency file
        frame = frame.with_columns(pl.col("currency").fill_null(item_currencies[0]))
    for (currency,), group in frame.group_by("currency", maintain_order=True):
        top = group.filter(pl.col("stars") == group["stars"].max()).sort("source_row")
        amounts = [Decimal(a) for a in top["amount"]]
        if currency is None:
            problems.append(
                Problem(file_name, top["source_row"][0], None, "total row without currency", WARNING)
            )
            continue
        if len(amounts) == 1 or amounts[-1] == sum(amounts[:-1], Decimal(0)):
            totals[currency], rows[currency] = amounts[-1], int(top["source_row"][-1])
        else:
            problems.append(
                Problem(
                    file_name,
                    None,
                    None,
                    f"{len(amounts)} total rows for {currency} and none is the grand total: not reconciled",
                    WARNING,
                )
            )
    return totals, rows, problems
