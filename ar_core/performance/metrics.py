"""Coaching metrics from the store: the weekly frame of every collector, scoped to who asks.

The rules are pure (:mod:`ar_core.performance.coaching`); this module gathers their inputs —
each snapshot's overdue positions, the items cleared between consecutive snapshots, the team
worklist's ranking at each week's start, contacts, promises, dispute cases and credit decisions —
and shares the results between sessions (``ar_core.memo``). What derives from a snapshot alone
is kept per snapshot chain (a new import computes one more week, not thirteen); the weekly frame
itself is kept per change of any record (the audit log's last entry and the cases' version), so
a page rerun after a filter change only filters it.

A collector reads their own rows and the team median; a lead or an admin every collector's rows
with their names. The median is always the whole team's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import polars as pl
import sqlalchemy as sa

from ar_core import settings
from ar_core.access import Actor, own_portfolio
from ar_core.errors import PermissionDenied
from ar_core.memo import memo
from ar_core.performance.coaching import (
    cash_by_customer,
    contact_summary_at,
    empty_metrics,
    positions,
    team_median,
    weekly_metrics,
    weeks_of,
)
from ar_core.schema import MONEY
from ar_core.store import marks
from ar_core.store.models import AllocationDecision, AuditEntry, ContactEntry, User

#: Who sees every collector's figures (and names); a collector sees their own.
COACH_ROLES = ("lead", "admin")
#: Reads the team's records for the figures (the median needs everyone's); never leaves this module.
_TEAM = Actor("system", "System", frozenset({"controller"}))


@dataclass(frozen=True)
class CollectorMetrics:
    """What the Collector metrics page shows: the weekly rows the reader may see and the team median.

    ``rows``: :data:`coaching.METRIC_SCHEMA` of the readable collectors; ``median``: the same per
    week for the whole team (``collector`` null); ``names``: username -> display name of the
    collectors in ``rows`` only.
    """

    weeks: pl.DataFrame
    rows: pl.DataFrame
    median: pl.DataFrame
    names: dict[str, str] = field(default_factory=dict)
    reporting: str = "EUR"
    top_n: int = 20


def collector_metrics(engine: sa.Engine, actor: Actor, *, collector: str | None = None) -> CollectorMetrics:
    """The weekly metrics ``actor`` may read (``collector``: one collector's rows only).

    A collector gets their own rows and the team median, never another collector's figures or
    name; asking for someone else is refused. Fewer than two snapshots give no week (empty frames).
    """
    if not actor.has(*COACH_ROLES):
        if not actor.has("collector"):
            raise PermissionDenied(f"{actor.username} may not read collector metrics")
        if collector not in (None, actor.username):
            raise PermissionDenied(f"{actor.username} may not see {collector}'s metrics")
        collector = actor.username
    team = team_metrics(engine)
    rows, names = team["rows"], team["names"]
    if collector is not None:
        rows = rows.filter(pl.col("collector") == collector)
        names = {collector: names.get(collector, collector)}
    return CollectorMetrics(
        weeks=team["weeks"], rows=rows, median=team["median"], names=names,
        reporting=team["reporting"], top_n=team["top_n"],
    )  # fmt: skip


def team_metrics(engine: sa.Engine) -> dict:
    """Every collector's weekly rows, the median and the names (services only: unscoped)."""
    from ar_core.disputes import cases_version
    from ar_core.ledger import ledger_key, list_snapshots
    from ar_core.performance.targets import top_n_setting

    snaps = list_snapshots(engine).select("snapshot_id", "as_of").sort("as_of", "snapshot_id")
    chain = tuple((sid, as_of, ledger_key(engine, sid)) for sid, as_of in snaps.iter_rows())
    with engine.connect() as conn:
        last_write = conn.execute(sa.select(sa.func.max(AuditEntry.id))).scalar() or 0
        customers = marks.current(conn, marks.CUSTOMERS)
    top_n = top_n_setting(engine)
    key = (chain, top_n, last_write, customers, cases_version(engine))
    return memo(engine, "coaching_team", key, lambda: _compute(engine, snaps, top_n), keep=4)


def _compute(engine: sa.Engine, snaps: pl.DataFrame, top_n: int) -> dict:
    reporting = settings.get_reporting_currency(engine)
    zone = settings.get_time_zone(engine)
    names = _collectors(engine)
    weeks = weeks_of(snaps)
    empty = {"weeks": weeks, "rows": empty_metrics(), "median": team_median(empty_metrics()), "names": names,
             "reporting": reporting, "top_n": top_n}  # fmt: skip
    if weeks.is_empty():
        return empty
    portfolio = pl.DataFrame(
        [(c, cid) for c in names for cid in own_portfolio(engine, c)],
        schema={"collector": pl.String(), "customer_id": pl.String()},
        orient="row",
    )
    contacts = _contacts(engine, zone)
    promises = _promises(engine, zone)
    # snapshot by snapshot, so each ledger is loaded once for its positions and its ranking
    starts = set(weeks["start_id"].to_list())
    held, ranks = [], []
    for sid, as_of in snaps.iter_rows():
        held.append(_positions(engine, sid, as_of, reporting).with_columns(pl.lit(sid).alias("snapshot_id")))
        if sid in starts:
            ranked = _ranks(engine, sid, as_of, contacts, promises, reporting)
            ranks.append(ranked.with_columns(pl.lit(sid).alias("snapshot_id")))
    cash = pl.concat([
        _cash(engine, w["start_id"], w["end_id"], w["week_end"], reporting)
        .with_columns(pl.lit(w["end_id"]).alias("end_id"))
        for w in weeks.iter_rows(named=True)
    ])  # fmt: skip
    rows = weekly_metrics(
        weeks, list(names), portfolio, pl.concat(held), cash, pl.concat(ranks),
        contacts.filter(pl.col("customer_contact")).select("customer_id", "contacted_on"),
        promises.select("customer_id", "created_on", "status", "decided_on"),
        _disputes(engine), _credits(engine, snaps["as_of"].max(), reporting), top_n=top_n,
    )  # fmt: skip
    return {**empty, "rows": rows, "median": team_median(rows)}


def _collectors(engine: sa.Engine) -> dict[str, str]:
    """Active users with the collector role: username -> display name."""
    with engine.connect() as conn:
        users = conn.execute(
            sa.select(User.username, User.name, User.roles).where(User.active.is_(True))
        ).all()
    return {
        u.username: u.name for u in users if "collector" in {r.strip() for r in (u.roles or "").split(",")}
    }


def _rates(engine: sa.Engine, as_of: date, reporting: str) -> pl.DataFrame:
    from ar_core.ledger import reporting_rates

    return reporting_rates(engine, as_of, reporting)


def _positions(engine: sa.Engine, snapshot_id: int, as_of: date, reporting: str) -> pl.DataFrame:
    """Overdue and over-90 per customer at one snapshot, once per snapshot chain and rates."""
    from ar_core.ledger import ledger_items, ledger_key, to_reporting

    fx = _rates(engine, as_of, reporting)

    def compute() -> pl.DataFrame:
        cols = ["customer_id", "due_date", "amount", "currency", "amount_reporting", "clearing_date"]
        items, _missing = to_reporting(ledger_items(engine, snapshot_id).select(cols), fx, reporting)
        return positions(items, as_of)

    key = (ledger_key(engine, snapshot_id), as_of, reporting, tuple(fx.iter_rows()))
    return memo(engine, "coaching_positions", key, compute, keep=64)


def _cash(engine: sa.Engine, start_id: int, end_id: int, end_as_of: date, reporting: str) -> pl.DataFrame:
    """Net amount per customer cleared between two snapshots (at the end date's rates), once per pair."""
    from ar_core.ledger import cleared_between_snapshots, ledger_key, to_reporting

    fx = _rates(engine, end_as_of, reporting)

    def compute() -> pl.DataFrame:
        cleared = cleared_between_snapshots(engine, start_id, end_id)
        cols = ["customer_id", "amount", "currency", "amount_reporting"]
        converted, _missing = to_reporting(cleared.select(cols), fx, reporting)
        return cash_by_customer(converted)

    key = (ledger_key(engine, start_id), ledger_key(engine, end_id), reporting, tuple(fx.iter_rows()))
    return memo(engine, "coaching_cash", key, compute, keep=64)


def _ranks(  # noqa: PLR0917
    engine: sa.Engine, snapshot_id: int, as_of: date, contacts: pl.DataFrame, promises: pl.DataFrame,
    reporting: str,
) -> pl.DataFrame:  # fmt: skip
    """The team worklist's rank of each customer at a past snapshot (``customer_id``, ``rank``).

    Ranked by the worklist's own rules on that snapshot's ledger, with the workflow records as they
    stood on its date: contacts logged by then, promises made by then (judged on that day);
    escalations and cases are today's records and are left out. Kept per snapshot and per content
    of those records, so a call logged today never ranks a past week again.
    """
    from ar_core.collections import INTERNAL_NOTE, PriorityConfig, customer_base, rank_customers
    from ar_core.ledger import all_customers, customers_version, ledger_items, ledger_key

    fx = _rates(engine, as_of, reporting)
    config_dict = settings.get_priority_config(engine)
    config = PriorityConfig.from_dict(config_dict)
    edges = tuple(settings.get_aging_edges(engine))
    config_key = json.dumps(config_dict, sort_keys=True, default=str)
    ledger = (ledger_key(engine, snapshot_id), as_of, config_key, edges, reporting, tuple(fx.iter_rows()))

    def based() -> pl.DataFrame:
        return customer_base(ledger_items(engine, snapshot_id), as_of, config, fx, edges, reporting=reporting)

    base = memo(engine, "coaching_rank_base", ledger, based, keep=16)
    summary = contact_summary_at(contacts, as_of, INTERNAL_NOTE)
    made = promises.filter(pl.col("created_on") <= as_of).drop("created_on", "decided_on")
    workflow = (_content(summary), _content(made.drop("items")))

    def compute() -> pl.DataFrame:
        ranked = rank_customers(base, as_of, all_customers(engine), summary, made, None, config, fx,
                                reporting=reporting, today=as_of)  # fmt: skip
        return ranked.select("customer_id", pl.col("rank").cast(pl.Int64))

    return memo(engine, "coaching_ranks", (ledger, customers_version(engine), workflow), compute, keep=32)


def _content(frame: pl.DataFrame) -> tuple[int, int]:
    """A frame's rows as a cache key (row count and the sum of the row hashes)."""
    return frame.height, int(frame.hash_rows(seed=3).sum()) if frame.height else 0


def _local_date(column: str, zone: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone(zone).dt.date()


def _contacts(engine: sa.Engine, zone: str) -> pl.DataFrame:
    """Every effective contact-log entry (a corrected entry gives way to its correction), dated in
    the team's time zone; ``customer_contact`` is false for internal notes."""
    from ar_core.collections import INTERNAL_NOTE

    cols = (ContactEntry.id, ContactEntry.customer_id, ContactEntry.contacted_at, ContactEntry.outcome,
            ContactEntry.next_action, ContactEntry.next_action_date, ContactEntry.corrects_id)  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols)).all()
    frame = pl.DataFrame(
        rows,
        schema={
            "contact_id": pl.Int64(),
            "customer_id": pl.String(),
            "contacted_at": pl.Datetime("us", "UTC"),
            "outcome": pl.String(),
            "next_action": pl.String(),
            "next_action_date": pl.Date(),
            "corrects_id": pl.Int64(),
        },
        orient="row",
    )
    replaced = frame["corrects_id"].drop_nulls().implode()
    return frame.filter(~pl.col("contact_id").is_in(replaced)).with_columns(
        _local_date("contacted_at", zone).alias("contacted_on"),
        (pl.col("outcome") != INTERNAL_NOTE).alias("customer_contact"),
    )


def _promises(engine: sa.Engine, zone: str) -> pl.DataFrame:
    """Every promise not cancelled (the worklist's frame) with the day it was made and decided."""
    from ar_core.collections import promise_frame

    frame = promise_frame(engine)
    return frame.with_columns(
        _local_date("created_at", zone).alias("created_on"),
        pl.when(pl.col("status") != "open").then(pl.col("status_decided_on")).alias("decided_on"),
    )


def _disputes(engine: sa.Engine) -> pl.DataFrame:
    """Dispute cases (inquiries left out): customer, opened, resolved."""
    from ar_core.disputes import DISPUTE, list_cases

    cases = list_cases(engine, _TEAM)
    return cases.filter(pl.col("type") == DISPUTE).select("customer_id", "opened", "resolved")


def _credits(engine: sa.Engine, as_of: date, reporting: str) -> pl.DataFrame:
    """Per credit and day, the latest decision of that day when it allocated the credit (accepted or
    split): what it settles, in the reporting currency at the latest snapshot's rates."""
    from ar_core.ledger import to_reporting

    zone = settings.get_time_zone(engine)
    cols = (AllocationDecision.id, AllocationDecision.credit_key, AllocationDecision.customer_id,
            AllocationDecision.currency, AllocationDecision.decision, AllocationDecision.allocations,
            AllocationDecision.decided_at)  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols)).all()
    settled = [sum(int(a.get("cents", 0)) for a in json.loads(r.allocations or "[]")) for r in rows]
    frame = pl.DataFrame(
        [(*r[:5], cents, r.decided_at) for r, cents in zip(rows, settled, strict=True)],
        schema={
            "id": pl.Int64(),
            "credit_key": pl.String(),
            "customer_id": pl.String(),
            "currency": pl.String(),
            "decision": pl.String(),
            "cents": pl.Int64(),
            "decided_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    ).with_columns(_local_date("decided_at", zone).alias("decided_on"))
    latest = frame.sort("id").group_by("credit_key", "decided_on").last()
    allocated = latest.filter(pl.col("decision").is_in(["accepted", "split"])).with_columns(
        (pl.col("cents").cast(MONEY) / 100).cast(MONEY).alias("amount"),
        pl.lit(None, MONEY).alias("amount_reporting"),
    )
    converted, _missing = to_reporting(allocated, _rates(engine, as_of, reporting), reporting)
    return converted.select(
        "customer_id", "decided_on", pl.col("amount_rep").fill_null(pl.col("amount")).alias("amount")
    )
