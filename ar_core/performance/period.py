"""KPIs of a period read from the store: which snapshot gives AR at a date, where the credit sales
come from, the actor's portfolio, the reporting currency; and the monthly sales file import.

AR at a date ``d`` (:func:`ar_source`), first that exists:

1. the snapshot whose as-of date is ``d`` (its items open at ``d``): "snapshot of 30.09.2026";
2. reconstructed from the earliest later snapshot that holds cleared items (an "all items"
   extract: open at ``d`` = dated on or before ``d`` and not cleared by ``d``) and reaches back to
   ``d`` (its first clearing date is ``d`` + 1 or earlier, :func:`reaches_back`);
3. the latest snapshot before ``d``, said plainly: "nearest earlier snapshot of ...";
4. a later all-items extract that does not reach back, saying what may be missing (beginning AR
   only: ending AR that way is refused, :func:`period_kpis`);

no snapshot at all -> ``InvalidInput`` naming the date. Credit sales are the invoices dated in the
period in the ledger used for ending AR when its cleared lines reach back to the period's start;
otherwise (open items only, or cleared lines from a later day on),
the monthly sales table per company code and month where it has the month (source
``"sales_file"``), else the invoices still visible, with a note that they understate sales.

Every amount is in the reporting currency (settings), converted with ``ledger.to_reporting`` at the
rates in force at the end of the period; an item whose currency has no rate is left out and named
in the notes, never summed in its own currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import sqlalchemy as sa

from ar_core.access import (
    READ_ALL_ROLES,
    Actor,
    escalated_to,
    in_portfolio,
    own_portfolio,
    parse_roles,
    readable_customers,
    record,
)
from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.memo import memo
from ar_core.performance.followups import (
    DISPUTE_KPI_SCHEMA,
    PROMISE_KPI_SCHEMA,
    dispute_kpis,
    followup_notes,
    promise_kpis,
)
from ar_core.performance.kpis import GROUPINGS, KPI_SCHEMA, SALES_SCHEMA, kpis, period_days
from ar_core.performance.sales_file import SalesProblem, parse_sales_file
from ar_core.schema import MONEY

#: Who may import a monthly sales file.
SALES_ROLES = ("lead", "controller", "admin")

#: The columns :func:`period_kpis` gives after the grouping column.
PERIOD_SCHEMA: dict[str, pl.DataType] = {
    **KPI_SCHEMA,
    "currency": pl.String(),
    "sales_source": pl.String(),
    "beginning_source": pl.String(),
    "ending_source": pl.String(),
    **PROMISE_KPI_SCHEMA,
    **DISPUTE_KPI_SCHEMA,
}
_ITEM_COLS = ("company_code", "customer_id", "doc_date", "due_date", "amount", "currency",
              "amount_reporting", "clearing_date", "collector", "country")  # fmt: skip
_NO_OWNER = "(no collector)"


@dataclass(frozen=True)
class ArSource:
    """Where AR at ``day`` is read from: the snapshot, how (``kind``) and the text people read."""

    day: date
    snapshot_id: int
    as_of: date
    kind: str  # "snapshot" | "reconstructed" | "earlier" | "partial" (reconstructed, may miss clearings)
    text: str


def _d(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def first_clearing(engine: sa.Engine, snapshot_id: int) -> date | None:
    """The earliest clearing date the ledger at ``snapshot_id`` lists (``None``: open items only)."""
    from ar_core.ledger import ledger_items, ledger_key

    def compute() -> date | None:
        return ledger_items(engine, snapshot_id).get_column("clearing_date").min()

    return memo(engine, "kpi_first_clearing", ledger_key(engine, snapshot_id), compute, keep=256)


def holds_cleared(engine: sa.Engine, snapshot_id: int) -> bool:
    """Whether the ledger at ``snapshot_id`` lists cleared items (any clearing date set)."""
    return first_clearing(engine, snapshot_id) is not None


def reaches_back(engine: sa.Engine, snapshot_id: int, day: date) -> bool:
    """Whether the cleared lines of the ledger at ``snapshot_id`` cover every clearing after ``day``.

    An "all items" extract is often pulled for a clearing period ("cleared since 16.11."): items
    cleared before its first clearing date are missing from it, so AR at an earlier day would come
    out too low. It reaches back to ``day`` when its first clearing date is ``day`` + 1 or earlier.
    """
    first = first_clearing(engine, snapshot_id)
    return first is not None and first <= day + timedelta(days=1)


def ar_source(engine: sa.Engine, day: date) -> ArSource:
    """The snapshot AR at the end of ``day`` is read from (see the module's rule)."""
    from ar_core.ledger import snapshot_register

    snaps = sorted(((s.as_of, s.snapshot_id) for s in snapshot_register(engine)), reverse=True)
    exact = [sid for as_of, sid in snaps if as_of == day]
    if exact:
        return ArSource(day, exact[0], day, "snapshot", f"snapshot of {_d(day)}")
    later = [(as_of, -neg) for as_of, neg in sorted((as_of, -sid) for as_of, sid in snaps if as_of > day)]
    with_cleared = [(as_of, sid) for as_of, sid in later if holds_cleared(engine, sid)]
    for as_of, sid in with_cleared:
        if reaches_back(engine, sid, day):
            text = f"reconstructed from the all-items extract of {_d(as_of)}"
            return ArSource(day, sid, as_of, "reconstructed", text)
    earlier = [(as_of, sid) for as_of, sid in snaps if as_of < day]
    if earlier:
        as_of, sid = earlier[0]
        why = f"no snapshot of {_d(day)} and no later all-items extract that reaches back to it"
        return ArSource(day, sid, as_of, "earlier", f"nearest earlier snapshot of {_d(as_of)} ({why})")
    if with_cleared:  # nothing else to read from: say what may be missing
        as_of, sid = with_cleared[0]
        first = first_clearing(engine, sid)
        gap = f"items cleared from {_d(day + timedelta(days=1))} to then would be missing"
        text = f"reconstructed from the all-items extract of {_d(as_of)} "
        text += f"(its cleared lines start on {_d(first)}: {gap})"
        return ArSource(day, sid, as_of, "partial", text)
    raise InvalidInput(
        "date", f"no snapshot to read AR at {_d(day)} from: import an extract of that date first"
    )


def _owners(engine: sa.Engine, customers: pl.DataFrame) -> pl.DataFrame:
    """``customer_id -> collector``: the portfolio owner by the worklist's rule (``access.own_portfolio``).

    A customer in several collectors' portfolios goes to the one its master or extract names, else
    to the first by user name; a customer in none keeps the collector its items name.
    """
    from ar_core.store.models import User

    with engine.connect() as conn:
        users = conn.execute(sa.select(User.username, User.roles).where(User.active.is_(True))).all()
    pairs = [(cid, name) for name, roles in sorted(users) if "collector" in parse_roles(roles)
             for cid in own_portfolio(engine, name)]  # fmt: skip
    owned = pl.DataFrame(pairs, schema={"customer_id": pl.String(), "_owner": pl.String()}, orient="row")
    named = customers.select("customer_id", pl.col("collector").alias("_named"))
    return (
        named.join(owned, on="customer_id", how="left")
        .with_columns(_pref=(pl.col("_owner") == pl.col("_named")).fill_null(False))
        .sort("customer_id", "_pref", "_owner", descending=[False, True, False], nulls_last=True)
        .unique("customer_id", keep="first", maintain_order=True)
        .select("customer_id", pl.coalesce("_owner", "_named", pl.lit(_NO_OWNER)).alias("owner"))
    )


def _own_figures(engine: sa.Engine, username: str) -> frozenset[str]:
    """The customers a collector's KPIs measure: their own portfolio and what is escalated to them.

    Not ``access.collector_scope``: that adds the portfolio of a colleague they cover today, which
    they work but are not measured on — their KPIs would change with the day's absences.
    """
    return own_portfolio(engine, username) | escalated_to(engine, username)


def _escalation_note(engine: sa.Engine, viewer: str) -> list[str]:
    """Why one collector's view differs from their row per collector: customers escalated to them."""
    lent = escalated_to(engine, viewer) - own_portfolio(engine, viewer)
    if not lent:
        return []
    one = len(lent) == 1
    return [
        f"{len(lent)} customer{'' if one else 's'} escalated to {viewer} from another portfolio "
        f"count{'s' if one else ''} here (per collector, the team's figures keep "
        f"{'it with its' if one else 'them with their'} portfolio owner)"
    ]


def collector_customers(engine: sa.Engine, username: str) -> frozenset[str]:
    """The customers ``username``'s figures measure (:func:`_own_figures`); ``InvalidInput`` naming
    them when there are none — a mistyped name would otherwise read as a collector with nothing due."""
    theirs = _own_figures(engine, username)
    if theirs:
        return theirs
    from ar_core.store.models import User

    with engine.connect() as conn:
        roles = conn.execute(sa.select(User.roles).where(User.username == username)).scalar()
    if roles is not None and "collector" in parse_roles(roles):
        why = f"collector {username!r} has no customers (none in their portfolio or escalated to them)"
    else:
        why = f"no collector {username!r}: no collector user of that name and no customer names them"
    raise InvalidInput("collector", why)


def _scope(engine: sa.Engine, actor: Actor, collector: str | None) -> frozenset[str] | None:
    scope = readable_customers(engine, actor)
    if scope is not None:  # a collector's own view: their own figures, never a covered colleague's
        scope = scope & _own_figures(engine, actor.username)
    if collector:
        if collector != actor.username and not actor.has(*READ_ALL_ROLES):
            raise PermissionDenied(f"{actor.username} may not see {collector}'s KPIs")
        theirs = collector_customers(engine, collector)
        scope = theirs if scope is None else scope & theirs
    return scope


def _convert(frame: pl.DataFrame, rates: pl.DataFrame, reporting: str) -> tuple[pl.DataFrame, list[str]]:
    from ar_core.ledger import to_reporting

    converted, missing = to_reporting(frame, rates, reporting)
    return converted.filter(pl.col("amount_rep").is_not_null()), missing


def stored_sales(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Every month of the monthly sales table (no customer data): company code, year, month, sales."""
    from ar_core.money import from_cents
    from ar_core.store.models import MonthlySales

    actor.require(*SALES_ROLES, "collector", doing="read the monthly sales")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(MonthlySales.company_code, MonthlySales.year, MonthlySales.month, MonthlySales.currency,
                      MonthlySales.sales_cents, MonthlySales.source_file, MonthlySales.imported_by,
                      MonthlySales.imported_at)
            .order_by(MonthlySales.company_code, MonthlySales.year, MonthlySales.month)
        ).all()  # fmt: skip
    schema = {"company_code": pl.String(), "year": pl.Int32(), "month": pl.Int32(), "currency": pl.String(),
              "sales": MONEY, "source_file": pl.String(), "imported_by": pl.String(),
              "imported_at": pl.Datetime("us", "UTC")}  # fmt: skip
    data = [(r[0], r[1], r[2], r[3], from_cents(r[4]), *r[5:]) for r in rows]
    return pl.DataFrame(data, schema=schema, orient="row")


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


@dataclass(frozen=True)
class _Read:
    """One reading of the KPIs: who, which period, which part of the ledger, in which currency."""

    engine: sa.Engine
    actor: Actor
    start: date
    end: date
    by: str | None
    company_code: str | None
    scope: frozenset[str] | None
    rates: pl.DataFrame
    reporting: str

    def ledger(self, snapshot_id: int) -> tuple[pl.DataFrame, list[str]]:
        """The readable items at ``snapshot_id`` with ``amount_rep``, and the currencies without a rate."""
        from ar_core.ledger import ledger_items

        items = in_portfolio(ledger_items(self.engine, snapshot_id).select(_ITEM_COLS), self.scope)
        if self.company_code:
            items = items.filter(pl.col("company_code") == self.company_code)
        return _convert(items, self.rates, self.reporting)

    def cols(self) -> list[str]:
        return [self.by] if self.by else []


_UNDERSTATED = "the invoices still visible are used, which understates sales"


def _sales_table(read: _Read, ending: pl.DataFrame, held: str) -> tuple[pl.DataFrame | None, list[str]]:
    """Monthly sales per company code from the file where it has the month, else the visible invoices;
    ``None`` when the file has no month of the period."""
    months = _months(read.start, read.end)
    wanted = pl.DataFrame(months, schema={"year": pl.Int32(), "month": pl.Int32()}, orient="row")
    stored = stored_sales(read.engine, read.actor).join(wanted, on=["year", "month"], how="semi")
    if read.company_code:
        stored = stored.filter(pl.col("company_code") == read.company_code)
    if stored.is_empty():
        return None, [
            f"credit sales: {held} and the monthly sales file has no month of the period: {_UNDERSTATED}"
        ]
    codes = sorted(set(ending.get_column("company_code").drop_nulls().unique()) | set(stored["company_code"]))
    have = set(stored.select("company_code", "year", "month").iter_rows())
    gaps = [(c, y, m) for c in codes for y, m in months if (c, y, m) not in have]
    money = stored.select("company_code", "year", "month", pl.col("sales").alias("amount"), "currency")
    filed, missing = _convert(money, read.rates, read.reporting)
    filed = filed.select("company_code", "year", "month", pl.col("amount_rep").alias("sales"))
    year, month = pl.col("doc_date").dt.year().cast(pl.Int32), pl.col("doc_date").dt.month().cast(pl.Int32)
    invoices = (
        ending.filter((pl.col("amount") > 0) & pl.col("doc_date").is_between(read.start, read.end))
        .group_by("company_code", year=year, month=month)
        .agg(sales=pl.col("amount_rep").sum().cast(MONEY))
    )
    gap_schema = {"company_code": pl.String(), "year": pl.Int32(), "month": pl.Int32()}
    gap_frame = pl.DataFrame(gaps, schema=gap_schema, orient="row")
    visible = invoices.join(gap_frame, on=["company_code", "year", "month"], how="semi")
    table = pl.concat([filed, visible.select(filed.columns)])
    notes = [f"credit sales: no rate for {', '.join(missing)} in the sales file"] if missing else []
    if gaps:
        listed = ", ".join(f"{c} {m:02d}.{y}" for c, y, m in gaps[:6]) + (" ..." if len(gaps) > 6 else "")
        notes.append(f"credit sales: the sales file has no figure for {listed}: there {_UNDERSTATED}")
    return table.select(*read.cols(), *SALES_SCHEMA), notes


def _with_owner(frame: pl.DataFrame, owners: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``collector`` set to the customer's portfolio owner."""
    joined = frame.drop("collector", strict=False).join(owners, on="customer_id", how="left")
    return joined.with_columns(pl.col("owner").fill_null(_NO_OWNER).alias("collector")).drop("owner")


def _credit_sales(
    read: _Read, ending: pl.DataFrame, snapshot_id: int
) -> tuple[pl.DataFrame | None, str, list[str]]:
    """The monthly sales table for :func:`kpis.kpis` (``None``: the invoices), its source and notes."""
    if reaches_back(read.engine, snapshot_id, read.start - timedelta(days=1)):
        return None, "invoices", []
    first = first_clearing(read.engine, snapshot_id)
    held = (
        "the extract holds open items only"
        if first is None
        else f"the all-items extract lists the lines cleared from {_d(first)} on only"
    )
    if read.by in (None, "company_code") and read.scope is None:
        sales, notes = _sales_table(read, ending, held)
        return sales, "invoices" if sales is None else "sales_file", notes
    note = f"credit sales: {held} and the monthly sales file is kept per company code: {_UNDERSTATED}"
    return None, "invoices", [note]


#: A snapshot read for AR at a later day is said to be stale when it is more than this many days older.
STALE_DAYS = 7


def _sources(engine: sa.Engine, start: date, end: date) -> tuple[ArSource, ArSource, list[str]]:
    """Where beginning and ending AR are read from, and the notes on them.

    Refused (``InvalidInput``) when nothing gives ending AR — no snapshot on or before ``end`` and
    no later all-items extract that reaches back to it: every figure would be a guess.
    """
    begin_src, end_src = ar_source(engine, start - timedelta(days=1)), ar_source(engine, end)
    if end_src.kind == "partial":
        first = first_clearing(engine, end_src.snapshot_id)
        raise InvalidInput(
            "end",
            f"no snapshot on or before {_d(end)} to read ending AR from, and the all-items extract of "
            f"{_d(end_src.as_of)} lists cleared lines from {_d(first)} on only: import an extract of "
            f"{_d(end)} or earlier",
        )
    notes = [
        f"AR at {_d(src.day)}: {src.text}"
        for src in (begin_src, end_src)
        if src.kind in ("earlier", "partial")
    ]
    for src in (begin_src, end_src):
        if (src.day - src.as_of).days > STALE_DAYS:
            notes.append(
                f"AR at {_d(src.day)}: the snapshot of {_d(src.as_of)} it is read from is "
                f"{(src.day - src.as_of).days} days older (more than {STALE_DAYS}): what was paid or "
                f"invoiced since is not in it, and its items are aged as at {_d(src.day)}"
            )
    return begin_src, end_src, notes


def check_company_code(engine: sa.Engine, start: date, end: date, company_code: str) -> None:
    """``InvalidInput`` naming ``company_code`` unless the ledger beginning or ending AR of
    ``start``..``end`` is read from lists it: a mistyped code would read as a company without AR
    (:func:`period_kpis` itself gives that company's zeros, as for any company without items)."""
    from ar_core.ledger import ledger_items

    begin_src, end_src, _notes = _sources(engine, start, end)
    for src in (end_src, begin_src):
        if (ledger_items(engine, src.snapshot_id).get_column("company_code") == company_code).any():
            return
    also = "" if begin_src.as_of == end_src.as_of else f" or of {_d(begin_src.as_of)}"
    raise InvalidInput(
        "company_code", f"no company code {company_code!r} in the ledger of {_d(end_src.as_of)}{also}"
    )


def _days_late_notes(engine: sa.Engine, src: ArSource, start: date, end: date) -> list[str]:
    """Which days the clearing dates behind the days late cover, when not the whole period.

    Days late come from the clearing dates of the extract used for ending AR; one pulled for a
    clearing period ("cleared since 16.11.") would otherwise pass a week's payers off as a quarter's.
    """
    first = first_clearing(engine, src.snapshot_id)
    if first is None:
        return ["days late: the extract used for ending AR holds open items only (no clearing dates); "
                "an all-items extract gives the days late of the invoices cleared"]  # fmt: skip
    since, until = max(first, start), min(end, src.as_of)
    if (since, until) == (start, end):
        return []
    limits = [f"from {_d(first)} on"] if first > start else []
    limits += [f"up to {_d(src.as_of)}"] if src.as_of < end else []
    held = f"days late: the extract of {_d(src.as_of)} lists clearing dates {' and '.join(limits)} only"
    if since > until:
        return [f"{held}: no invoice cleared in the period is known from it"]
    return [f"{held}: the days late are of the invoices cleared {_d(since)}–{_d(until)}, "
            f"not of the whole period {_d(start)}–{_d(end)}"]  # fmt: skip


def period_kpis(
    engine: sa.Engine,
    actor: Actor,
    start: date,
    end: date,
    *,
    by: str | None = None,
    company_code: str | None = None,
    collector: str | None = None,
) -> pl.DataFrame:
    """Every KPI of ``start``..``end`` with its inputs and sources (:data:`PERIOD_SCHEMA`), one row per group.

    ``by``: ``None`` (one total row), ``"company_code"``, ``"collector"`` (the portfolio owner) or
    ``"country"``. ``actor`` reads their own figures only (a collector: :func:`_own_figures`, never
    a colleague's portfolio they cover); ``collector`` narrows to that collector's own figures (the
    lead's "collector X" view; ``InvalidInput`` when they have no customers); ``company_code`` to
    one company code (:func:`check_company_code` tells a typo). ``InvalidInput`` when nothing gives
    ending AR (:func:`_sources`); a snapshot more than :data:`STALE_DAYS` older than the day it
    gives AR at is named in the notes.
    """
    from ar_core.ledger import reporting_rates
    from ar_core.settings import get_reporting_currency

    if by is not None and by not in GROUPINGS:
        raise InvalidInput("by", f"KPIs are grouped by one of {', '.join(GROUPINGS)}, not {by!r}")
    period_days(start, end)
    reporting = get_reporting_currency(engine)
    read = _Read(engine, actor, start, end, by, company_code, _scope(engine, actor, collector),
                 reporting_rates(engine, end, reporting), reporting)  # fmt: skip
    begin_src, end_src, notes = _sources(engine, start, end)
    ending, missing = read.ledger(end_src.snapshot_id)
    beginning, missing_before = read.ledger(begin_src.snapshot_id)
    if no_rate := sorted(set(missing) | set(missing_before)):
        notes.insert(
            0, f"no {reporting} rate at {_d(end)} for {', '.join(no_rate)}: those items are left out"
        )
    viewer = collector or (None if actor.has(*READ_ALL_ROLES) else actor.username)
    notes += _escalation_note(engine, viewer) if viewer else []
    groups = None  # customer -> group, for the promises and disputes
    if by == "collector":
        named = pl.concat(
            [ending.select("customer_id", "collector"), beginning.select("customer_id", "collector")]
        )
        named = named.unique("customer_id", keep="first")
        if viewer:  # one collector's view: everything in it is that portfolio (escalations included)
            owners = named.select("customer_id", pl.lit(viewer).alias("owner"))
        else:
            owners = _owners(engine, named)
        ending, beginning = _with_owner(ending, owners), _with_owner(beginning, owners)
        groups = owners.rename({"owner": "collector"})
    elif by:
        both = pl.concat([ending.select("customer_id", by), beginning.select("customer_id", by)])
        groups = both.unique("customer_id", keep="first")

    sales, source, sales_notes = _credit_sales(read, ending, end_src.snapshot_id)
    notes += _days_late_notes(engine, end_src, start, end)
    frame = kpis(
        ending, start, end, by=by, amount="amount_rep", beginning=beginning, sales=sales, source=source
    )
    known = None  # one company code: its customers (else every readable customer's promises count)
    if company_code:
        known = pl.concat([ending.select("customer_id"), beginning.select("customer_id")]).unique()
    follow_p = promise_kpis(_promises(read, known, groups), start, end, by=by)
    follow_d = dispute_kpis(_disputes(read, groups), start, end, by=by)
    if by:
        frame = frame.join(follow_p, on=by, how="left", nulls_equal=True)
        frame = frame.join(follow_d, on=by, how="left", nulls_equal=True)
    else:
        frame = pl.concat([frame, follow_p, follow_d], how="horizontal")
    counts = ("promises_due", "promises_kept", "promises_undecided", "disputes_resolved", "open_disputes")
    frame = frame.with_columns(
        pl.lit(reporting).alias("currency"),
        pl.col("source").alias("sales_source"),
        pl.lit(begin_src.text).alias("beginning_source"),
        pl.lit(end_src.text).alias("ending_source"),
        *(pl.col(c).fill_null(0) for c in counts),
        *(
            pl.col(c).fill_null(Decimal(0)).cast(MONEY)
            for c in ("promises_due_amount", "promises_kept_amount")
        ),
    )
    all_notes = [
        [*(row["note_list"] or []), *followup_notes(row), *sales_notes, *notes]
        for row in frame.select("note_list", *PROMISE_KPI_SCHEMA, *DISPUTE_KPI_SCHEMA).iter_rows(named=True)
    ]
    frame = frame.with_columns(
        pl.Series("notes", ["; ".join(n) or None for n in all_notes], dtype=pl.String()),
        pl.Series("note_list", all_notes, dtype=pl.List(pl.String())),
    )
    key = {by: frame.schema[by]} if by else {}
    return frame.select(pl.col(c).cast(t) for c, t in {**key, **PERIOD_SCHEMA}.items())


def _promises(read: _Read, known: pl.DataFrame | None, groups: pl.DataFrame | None) -> pl.DataFrame:
    """The readable promises with their amount in the reporting currency (and the group column)."""
    from ar_core.collections import list_promises

    promises = in_portfolio(list_promises(read.engine, read.actor), read.scope)
    if known is not None:  # one company code: the customers with items in it
        promises = promises.join(known, on="customer_id", how="semi")
    money = promises.select("customer_id", "status", "promised_date", "amount", "currency")
    converted, _ = _convert(money, read.rates, read.reporting)
    converted = converted.with_columns(pl.col("amount_rep").alias("amount"))
    if groups is not None:
        converted = converted.join(groups, on="customer_id", how="left")
    if read.by == "collector":
        converted = converted.with_columns(pl.col("collector").fill_null(_NO_OWNER))
    return converted


def _disputes(read: _Read, groups: pl.DataFrame | None) -> pl.DataFrame:
    """The readable cases (``disputes.analysis_cases``); grouped by collector: the portfolio owner's."""
    from ar_core.disputes import analysis_cases

    cases = in_portfolio(analysis_cases(read.engine, read.actor), read.scope)
    if read.company_code:
        cases = cases.filter(pl.col("company_code") == read.company_code)
    if read.by == "collector" and groups is not None:
        cases = cases.drop("collector").join(groups, on="customer_id", how="left")
        cases = cases.with_columns(pl.col("collector").fill_null(_NO_OWNER))
    return cases


# --- the monthly sales file -------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesImport:
    """What a sales file import stored: months written, of them replaced, and the problems."""

    stored: int
    replaced: int
    problems: list[SalesProblem]


def import_monthly_sales(engine: sa.Engine, actor: Actor, filename: str, data: bytes) -> SalesImport:
    """Store a monthly sales file (leads, controllers, admins), all rows or none, audited old and new.

    On any problem nothing is stored and the problems are returned (``stored == 0``).
    """
    from ar_core.money import to_cents
    from ar_core.store.db import write_transaction
    from ar_core.store.models import MonthlySales

    actor.require(*SALES_ROLES, doing="import a monthly sales file")
    rows, problems = parse_sales_file(filename, data)
    if problems or not rows:
        return SalesImport(0, 0, problems or [SalesProblem(filename, None, None, "no rows in the file")])
    replaced: dict[str, str] = {}
    written: dict[str, str] = {}
    with write_transaction(engine, actor) as conn:
        for row in rows:
            label = f"{row.company_code} {row.year}-{row.month:02d}"
            old = conn.execute(
                sa.select(MonthlySales.id, MonthlySales.sales_cents, MonthlySales.currency).where(
                    MonthlySales.company_code == row.company_code, MonthlySales.year == row.year,
                    MonthlySales.month == row.month,
                )
            ).first()  # fmt: skip
            value = f"{row.sales:.2f} {row.currency}"
            written[label] = value
            if old is not None:
                replaced[label] = f"{Decimal(old.sales_cents).scaleb(-2):.2f} {old.currency}"
                conn.execute(
                    sa.update(MonthlySales).where(MonthlySales.id == old.id).values(
                        sales_cents=to_cents(row.sales), currency=row.currency, source_file=filename[:255],
                        imported_by=actor.username,
                    )
                )  # fmt: skip
            else:
                conn.execute(
                    sa.insert(MonthlySales).values(
                        company_code=row.company_code, year=row.year, month=row.month,
                        currency=row.currency, sales_cents=to_cents(row.sales), source_file=filename[:255],
                        imported_by=actor.username,
                    )
                )  # fmt: skip
        record(conn, actor, "import_monthly_sales", "monthly_sales", filename[:100],
               before=replaced or None, after={"file_name": filename, "months": written})  # fmt: skip
    return SalesImport(len(rows), len(replaced), [])
