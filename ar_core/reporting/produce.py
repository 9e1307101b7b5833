"""Producing a report: gather its inputs from the store for an actor and a date, build, keep the file.

Reports are the team's figures, so they are produced by leads, controllers and admins (and the
CLI operator), who read every customer: the totals check compares the report with the whole
snapshot. The snapshot is the latest on or before the date asked for; the ledger, aging and
KPIs are of the snapshot's date, the workflow (promises and cases due, contacts) of the date
asked for. Every produced file is stored unchanged with its SHA-256 (``report_runs``), audited.
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core import performance, settings
from ar_core.access import READ_ALL_ROLES, Actor, list_requests, record
from ar_core.collections import open_promises, snapshot_for, worklist_for
from ar_core.credit import allocation_suggestions
from ar_core.disputes import analysis_cases, list_cases
from ar_core.errors import InvalidInput, NotFound
from ar_core.ledger import items_for, list_snapshots, reporting_rates, snapshot_totals, to_reporting
from ar_core.recovery import list_write_offs
from ar_core.reporting.checks import checks_ok, totals_check
from ar_core.reporting.layouts import Layout, load_layouts
from ar_core.reporting.sheets import Inputs, Sheet, build_sheets, period_for
from ar_core.reporting.workbook import Cover, report_xlsx, sheet_names
from ar_core.store.db import write_transaction
from ar_core.store.models import ReportRun, utcnow

#: The folder of extra layouts when ``AR_REPORT_LAYOUTS`` is not set: ``<data dir>/reports``.
LAYOUTS_FOLDER = "reports"
PRODUCE_ROLES = READ_ALL_ROLES
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def layouts_dir() -> Path:
    """Where a lead puts their own layouts: ``AR_REPORT_LAYOUTS``, else ``<AR_DATA_DIR>/reports``."""
    from ar_core.config import settings as config

    folder = os.environ.get("AR_REPORT_LAYOUTS")
    return Path(folder) if folder else config().data_dir / LAYOUTS_FOLDER


def report_layouts() -> dict[str, Layout]:
    """The default layouts and the lead's (``InvalidInput`` naming file and key for a bad one)."""
    return load_layouts(layouts_dir())


def layout_list() -> pl.DataFrame:
    """The layouts for a listing: name, kind, title, file, default, sheets."""
    rows = [
        (
            lay.name,
            lay.kind,
            lay.title,
            lay.file if lay.default else str(layouts_dir() / lay.file),
            lay.default,
            ", ".join(s.title for s in lay.sheets),
        )
        for lay in report_layouts().values()
    ]
    schema = {
        "name": pl.String(),
        "kind": pl.String(),
        "title": pl.String(),
        "file": pl.String(),
        "default": pl.Boolean(),
        "sheets": pl.String(),
    }
    return pl.DataFrame(rows, schema=schema, orient="row").sort("kind", "name")


@dataclass(frozen=True)
class Produced:
    """A produced report: the file, its hash, its sheets and checks, and the stored run."""

    run_id: int | None
    layout: Layout
    file_name: str
    content: bytes
    sha256: str
    sheets: list[str]
    checks: pl.DataFrame
    ok: bool
    snapshot_id: int
    as_of: date


def _kpi_source(engine: sa.Engine, actor: Actor, items: pl.DataFrame, as_of: date, reporting: str):
    """``(by, start, end) -> KPI rows``: the performance service when it exists, else the pure
    KPIs on the snapshot's ledger converted to the reporting currency."""
    period_kpis = getattr(performance, "period_kpis", None)
    if period_kpis is not None:

        def from_service(by: str | None, start: date, end: date) -> pl.DataFrame:
            return period_kpis(engine, actor, start, end, by=by)

        return from_service
    rates = reporting_rates(engine, as_of, reporting)
    converted = cache(lambda: to_reporting(items, rates, reporting)[0])

    def from_ledger(by: str | None, start: date, end: date) -> pl.DataFrame:
        return performance.kpi_frame(converted(), start, end, by=by, amount="amount_rep")

    return from_ledger


def _latest_per_day(engine: sa.Engine) -> dict[date, int]:
    """Each day's snapshot in force: the latest imported of that day (what the trend shows)."""
    listing = list_snapshots(engine).sort("as_of", "snapshot_id")
    return dict(listing.group_by("as_of").agg(pl.col("snapshot_id").last()).iter_rows())


def _trend(engine: sa.Engine, actor: Actor, as_of: date):
    def snapshots_since(start: date) -> list[tuple[date, pl.DataFrame]]:
        days = sorted((d, sid) for d, sid in _latest_per_day(engine).items() if start <= d <= as_of)
        return [(d, items_for(engine, actor, sid)) for d, sid in days]

    return snapshots_since


def _dated_totals(
    engine: sa.Engine, sheets: list[Sheet], snapshot_id: int, as_of: date
) -> dict[date, dict[str, Decimal]]:
    """The stored open totals of the snapshot of every day a sheet ties a total to (the report's
    day: the report's snapshot); days without a snapshot are left out."""
    days = {check.as_of for sheet in sheets for check in sheet.checks} - {as_of}
    latest = _latest_per_day(engine) if days else {}
    dated = {d: snapshot_totals(engine, latest[d])["open_totals"] for d in sorted(days) if d in latest}
    return {**dated, as_of: snapshot_totals(engine, snapshot_id)["open_totals"]}


def gather(engine: sa.Engine, actor: Actor, snapshot_id: int, as_of: date, today: date) -> Inputs:
    """The inputs of every topic for ``actor`` at the snapshot (heavy parts on first use only)."""
    reporting = settings.get_reporting_currency(engine)
    items = items_for(engine, actor, snapshot_id)
    return Inputs(
        as_of=as_of,
        today=today,
        items=items,
        reporting=reporting,
        edges=tuple(settings.get_aging_edges(engine)),
        worklist=_shared(lambda: worklist_for(engine, actor, snapshot_id, as_of, today=today)[0]),
        promises=cache(lambda: open_promises(engine, actor)),
        open_cases=cache(lambda: list_cases(engine, actor, status="open")),
        analysis_cases=cache(lambda: analysis_cases(engine, actor)),
        kpis=_shared(_kpi_source(engine, actor, items, as_of, reporting)),
        trend=_trend(engine, actor, as_of),
        write_offs=cache(lambda: list_requests(engine, actor, status="approved", kind="write_off")),
        credit_suggestions=cache(lambda: allocation_suggestions(engine, actor, as_of=as_of)),
        write_off_requests=cache(lambda: list_write_offs(engine, actor, kind="write_off")),
    )


def _shared(fn):
    """``fn`` computed once per argument tuple, also when two threads ask at once."""
    lock, results = threading.Lock(), {}

    def get(*args):
        with lock:
            if args not in results:
                results[args] = Future()
                mine = True
            else:
                mine = False
            future = results[args]
        if mine:
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to every caller, raised where the sheet asks
                future.set_exception(exc)
        return future.result()

    return get


def _prefetch(pool: ThreadPoolExecutor, layout: Layout, inputs: Inputs) -> None:
    """Start the slow inputs of ``layout`` (the KPIs of its periods, the worklist) on a second thread:
    the store reads and polars work of one overlap those of the sheets built meanwhile."""
    for spec in layout.sheets:
        if spec.topic in ("kpis", "kpi_definitions"):
            start, end = period_for(str(spec.thresholds.get("period") or layout.period), inputs.as_of)
            for by in {None, spec.group_by if spec.topic == "kpis" else None}:
                pool.submit(inputs.kpis, by, start, end)
        elif spec.topic in ("top_cases", "worklist_coverage"):
            pool.submit(inputs.worklist)


def _layout(name: str | Layout) -> Layout:
    if isinstance(name, Layout):
        return name
    layouts = report_layouts()
    if name not in layouts:
        raise InvalidInput("layout", f"no report layout {name!r}: one of {', '.join(sorted(layouts))}")
    return layouts[name]


def build_report(
    engine: sa.Engine, actor: Actor, layout: str | Layout, as_of: date
) -> tuple[Produced, list[Sheet]]:
    """The report of ``layout`` for the latest snapshot on or before ``as_of``, not stored."""
    actor.require(*PRODUCE_ROLES, doing="produce reports")
    chosen = _layout(layout)
    try:
        snapshot_id, snap_as_of = snapshot_for(engine, as_of)
    except NotFound:
        raise NotFound(
            f"No snapshot on or before {as_of.strftime('%d.%m.%Y')}: import an extract first."
        ) from None
    inputs = gather(engine, actor, snapshot_id, snap_as_of, max(as_of, snap_as_of))
    with ThreadPoolExecutor(max_workers=2) as pool:
        _prefetch(pool, chosen, inputs)
        sheets = build_sheets(chosen, inputs)
    dated = _dated_totals(engine, sheets, snapshot_id, snap_as_of)
    checks = totals_check(sheets, dated[snap_as_of], dated)
    produced_at = utcnow()
    cover = Cover(
        chosen,
        snap_as_of,
        as_of,
        snapshot_id,
        inputs.reporting,
        actor.username,
        produced_at,
        period_for(chosen.period, snap_as_of),
    )
    content = report_xlsx(cover, sheets, checks)
    file_name = f"{chosen.name}-{snap_as_of.isoformat()}.xlsx"
    produced = Produced(
        None,
        chosen,
        file_name,
        content,
        hashlib.sha256(content).hexdigest(),
        sheet_names(sheets),
        checks,
        checks_ok(checks),
        snapshot_id,
        snap_as_of,
    )
    return produced, sheets


def produce_report(engine: sa.Engine, actor: Actor, layout: str | Layout, as_of: date) -> Produced:
    """Build the report and keep its file with its hash as a report run (audited)."""
    produced, _sheets = build_report(engine, actor, layout, as_of)
    values = {
        "kind": produced.layout.kind,
        "layout": produced.layout.name,
        "as_of": produced.as_of,
        "snapshot_id": produced.snapshot_id,
        "file_name": produced.file_name,
        "content": produced.content,
        "sha256": produced.sha256,
        "checks_ok": produced.ok,
        "produced_by": actor.username,
        "produced_at": utcnow(),
    }
    with write_transaction(engine, actor) as conn:
        run_id = conn.execute(sa.insert(ReportRun).values(**values).returning(ReportRun.id)).scalar_one()
        after = {k: v for k, v in values.items() if k != "content"}
        record(conn, actor, "produce_report", "report_run", run_id, after=after)
    return Produced(
        int(run_id),
        produced.layout,
        produced.file_name,
        produced.content,
        produced.sha256,
        produced.sheets,
        produced.checks,
        produced.ok,
        produced.snapshot_id,
        produced.as_of,
    )


RUN_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.Int64(),
    "kind": pl.String(),
    "layout": pl.String(),
    "as_of": pl.Date(),
    "file_name": pl.String(),
    "sha256": pl.String(),
    "checks_ok": pl.Boolean(),
    "produced_by": pl.String(),
    "produced_at": pl.Datetime("us", "UTC"),
    "prepared_by": pl.String(),
    "prepared_at": pl.Datetime("us", "UTC"),
    "reviewed_by": pl.String(),
    "reviewed_at": pl.Datetime("us", "UTC"),
    "status": pl.String(),
}
_RUN_COLUMNS = [c for c in RUN_SCHEMA if c not in ("run_id", "status")]


def _status(row: Any) -> str:
    if row.reviewed_by:
        return "reviewed"
    return "prepared" if row.prepared_by else "produced"


def list_runs(engine: sa.Engine, actor: Actor, *, kind: str | None = None, limit: int = 200) -> pl.DataFrame:
    """The produced reports, newest first (:data:`RUN_SCHEMA`), without their files."""
    actor.require(*PRODUCE_ROLES, doing="see produced reports")
    query = sa.select(ReportRun.id, *(getattr(ReportRun, c) for c in _RUN_COLUMNS)).order_by(
        ReportRun.produced_at.desc(), ReportRun.id.desc()
    )
    if kind is not None:
        query = query.where(ReportRun.kind == kind)
    with engine.connect() as conn:
        rows = conn.execute(query.limit(limit)).all()
    records = [(*r, _status(r)) for r in rows]
    return pl.DataFrame(records, schema=RUN_SCHEMA, orient="row")


def run_file(engine: sa.Engine, actor: Actor, run_id: int) -> tuple[str, bytes]:
    """The file name and the unchanged bytes of a produced report."""
    actor.require(*PRODUCE_ROLES, doing="download produced reports")
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(ReportRun.file_name, ReportRun.content).where(ReportRun.id == run_id)
        ).first()
    if row is None:
        raise NotFound(f"no produced report {run_id}")
    return row.file_name, bytes(row.content)
