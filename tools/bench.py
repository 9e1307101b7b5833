"""``python -m tools.bench`` (``make bench``): time AR Desk against a floor measured in the same run.

A timing on its own says little (machines differ); a ratio against the simplest thing that does
the same job on the same machine says whether our code adds overhead. Each measurement pairs
our path with such a baseline, and each side runs in its own subprocess so that its peak memory
(RSS) is its own. Budgets are printed as PASS/OVER and never fail the run: the process exits
non-zero only when a measurement errors.

The import budgets are for whole processes, as a user runs them: ``python -m ar_core import``
(start-up, reading, validating, committing) against a whole Python process that reads the same
file with polars and writes it with ADBC, each the median of :data:`PROCESS_RUNS` runs. That
holds for the first import (into a migrated, empty store) and for the 53rd weekly snapshot
into a store of 52 (``tools.bench_store``).

To add a measurement, write two ``(data_dir, work_dir) -> None`` functions (ours and the
baseline), optionally a ``prepare(data_dir)`` that generates their input, and append a
:class:`Measurement` to :data:`MEASUREMENTS`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ar_core.config import ROOT, settings

if __name__ == "__main__":  # one module, whether run as a script or imported by tools.bench_store
    sys.modules.setdefault("tools.bench", sys.modules[__name__])

#: Lines of the big CSV extract (``BENCH_ITEMS`` overrides); the XLSX has a fifth of them.
DEFAULT_ITEMS = 1_000_000
BENCH_AS_OF = date(2026, 11, 20)
SEED = 7
#: Budgets of issue 2: at most twice the floor, peak memory under 2.5 GB.
MAX_RATIO = 2.0
MAX_RSS_MB = 2_560.0

Work = Callable[[Path, Path], None]


@dataclass(frozen=True)
class Measurement:
    """Our path and its floor; both get the bench data folder and a fresh scratch folder."""

    name: str
    ours: Work
    baseline: Work
    prepare: Callable[[Path], None] = lambda _data: None
    max_ratio: float = MAX_RATIO
    max_rss_mb: float = MAX_RSS_MB
    #: An absolute budget in seconds where the issue sets one (None: only the ratio counts).
    max_seconds: float | None = None
    #: What the two sides record: seconds (``_Timed``) or megabytes (``_record``, e.g. a file size).
    unit: str = "s"


def bench_items() -> int:
    return int(os.environ.get("BENCH_ITEMS", DEFAULT_ITEMS))


def csv_path(data: Path) -> Path:
    return data / f"fbl5n_{bench_items()}_de.csv"


def xlsx_path(data: Path) -> Path:
    return data / f"fbl5n_{bench_items() // 5}.xlsx"


def _generate(path: Path, items: int, fmt: str) -> None:
    """Write a bench file once (generation is not measured); a half-written file is never kept."""
    if path.exists():
        return
    from ar_core.demo.build import generate_fbl5n_file

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial" + path.suffix)
    started = time.perf_counter()
    generate_fbl5n_file(partial, items, SEED, BENCH_AS_OF, fmt)  # type: ignore[arg-type]
    partial.replace(path)
    print(f"  generated {path.name} ({items:,} lines) in {time.perf_counter() - started:.1f} s", flush=True)


# --- measured work (runs inside a child process) -------------------------------------------


def _import_file(path: Path, work: Path) -> None:
    """What an upload does: read and validate the file, commit it to a fresh, migrated store."""
    from ar_core.access.actor import Actor
    from ar_core.collections.lifecycle import import_snapshot
    from ar_core.ingest import read_extract
    from ar_core.store.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{work / 'ardesk.sqlite'}")
    migrate(engine)
    actor = Actor(username="bench", name="Benchmark", roles=frozenset({"lead"}))
    with _Timed():
        result = read_extract(path.read_bytes(), path.name, as_of=BENCH_AS_OF)
        if result.errors:
            raise RuntimeError(f"{path.name}: {len(result.errors)} errors, first: {result.errors[0]}")
        import_snapshot(engine, actor, result, as_of=BENCH_AS_OF)


def _write_adbc(df, work: Path) -> None:
    df.write_database("items", f"sqlite:///{work / 'floor.sqlite'}", engine="adbc")


def _floor_csv(data: Path, work: Path) -> None:
    """polars reads the file as text columns (title line skipped) and ADBC writes it to SQLite."""
    import polars as pl

    with _Timed():
        df = pl.read_csv(
            csv_path(data), separator=";", skip_rows=1, infer_schema=False, encoding="utf8-lossy"
        )
        _write_adbc(df, work)


def _floor_xlsx(data: Path, work: Path) -> None:
    """fastexcel (calamine) reads the sheet typed and ADBC writes it to SQLite."""
    import fastexcel

    with _Timed():
        df = fastexcel.read_excel(xlsx_path(data)).load_sheet(0).to_polars()
        _write_adbc(df, work)


# --- aging + scoring + worklist on a generated frame (issue 3) ------------------------------


def synthetic_ledger(items: int, seed: int = SEED, as_of: date = BENCH_AS_OF) -> dict:
    """A 1M-item ledger as frames (ITEM_SCHEMA items, ~20 items per customer, master, workflow).

    Generated in memory with numpy in about a second: the measurement is of the domain functions,
    so the file import (measured above) is not repeated. Shares: 4 currencies, 5% disputed,
    dunning 0-3, one promise per 20 customers, one contact per 2, one escalation per 500.
    """
    import numpy as np
    import polars as pl

    from ar_core.schema import ITEM_SCHEMA, MONEY

    rng = np.random.default_rng(seed)
    n_cust = max(items // 20, 1)
    cust = rng.integers(0, n_cust, items)
    cids = pl.Series(np.arange(n_cust)).cast(pl.String).str.zfill(10)
    currencies = np.array(["EUR", "EUR", "EUR", "EUR", "CHF", "GBP", "USD"])
    frame = pl.DataFrame(
        {
            "customer_id": cids.gather(cust),
            "doc_no": pl.Series(np.arange(items) + 1_800_000_000).cast(pl.String),
            "cents": rng.integers(-20_000, 2_000_000, items),
            "due": rng.integers(-420, 60, items),
            "currency": currencies[cust % len(currencies)],
            "disputed": rng.random(items) < 0.05,
            "dunning_level": rng.integers(0, 4, items).astype(np.int8),
        }
    ).with_columns(
        company_code=pl.lit("1000"),
        fiscal_year=pl.lit(2026, pl.Int32),
        line_item=pl.lit(1, pl.Int32),
        customer_name=pl.lit("Customer ") + pl.col("customer_id"),
        collector=pl.format("c.user{}", (pl.col("customer_id").str.slice(7).cast(pl.Int32) % 8)),
        country=pl.lit("DE"),
        amount=(pl.col("cents").cast(pl.Decimal(18, 0)) / 100).cast(MONEY),
        due_date=pl.lit(as_of) + pl.duration(days=pl.col("due")),
    )
    frame = frame.with_columns(pl.col("due_date").alias("doc_date"))
    missing = [c for c in ITEM_SCHEMA if c not in frame.columns]
    frame = frame.with_columns(pl.lit(None).cast(ITEM_SCHEMA[c]).alias(c) for c in missing).select(
        pl.col(c).cast(t) for c, t in ITEM_SCHEMA.items()
    )
    customers = pl.DataFrame({"customer_id": cids}).with_columns(
        name=pl.lit("Customer ") + pl.col("customer_id"),
        risk_class=pl.Series(np.array(["A", "B", "C", "D"])[np.arange(n_cust) % 4]),
        credit_limit=pl.lit(50_000).cast(MONEY),
        collector=pl.lit(None, pl.String),
        country=pl.lit("DE"),
        company_code=pl.lit("1000"),
    )
    some = cids.gather(np.arange(0, n_cust, 20))
    promises = pl.DataFrame({"customer_id": some}).with_columns(
        promise_id=pl.int_range(pl.len()),
        amount=pl.lit(1000).cast(MONEY),
        currency=pl.lit("EUR"),
        promised_date=pl.lit(as_of) + pl.duration(days=pl.int_range(pl.len()) % 21 - 10),
        created_at=pl.lit(as_of) - pl.duration(days=14),
        status=pl.lit("open"),
        status_decided_on=pl.lit(None, pl.Date),
    )
    contacts = pl.DataFrame({"customer_id": cids.gather(np.arange(0, n_cust, 2))}).with_columns(
        last_contact_at=pl.lit(as_of) - pl.duration(days=pl.int_range(pl.len()) % 40),
        last_outcome=pl.lit("reached"),
        next_action=pl.lit("call"),
        next_action_date=pl.lit(as_of) + pl.duration(days=pl.int_range(pl.len()) % 9 - 4),
    )
    escalations = pl.DataFrame({"customer_id": cids.gather(np.arange(0, n_cust, 500))}).with_columns(
        escalation_id=pl.int_range(pl.len()),
        from_user=pl.lit("c.user1"),
        to_user=pl.lit("lead"),
        reason=pl.lit("large and old"),
        created_at=pl.lit(as_of),
    )
    rates = pl.DataFrame({"currency": ["CHF", "GBP", "USD"], "rate": ["1.06", "1.14", "0.92"]})
    rates = rates.with_columns(pl.col("rate").cast(pl.Decimal(18, 6)))
    return {"items": frame, "customers": customers, "promises": promises, "contacts": contacts,
            "escalations": escalations, "rates": rates}  # fmt: skip


def _worklist_ours(_data: Path, _work: Path) -> None:
    """What the worklist page computes on a snapshot: aged items, customer scores, the ranked list."""
    from ar_core.collections.worklist import build_worklist
    from ar_core.ledger.aging import with_aging

    led = synthetic_ledger(bench_items())
    with _Timed():
        with_aging(led["items"], BENCH_AS_OF)
        build_worklist(led["items"], BENCH_AS_OF, led["customers"], led["contacts"], led["promises"],
                       led["escalations"], None, led["rates"])  # fmt: skip


def _worklist_floor(_data: Path, _work: Path) -> None:
    """A plain group_by sum of the amount per customer on the same frame."""
    import polars as pl

    items = synthetic_ledger(bench_items())["items"]
    with _Timed():
        items.group_by("customer_id").agg(pl.col("amount").sum())


def _ranked(led: dict):
    from ar_core.collections.worklist import build_worklist

    return build_worklist(led["items"], BENCH_AS_OF, led["customers"], led["contacts"], led["promises"],
                          led["escalations"], None, led["rates"])  # fmt: skip


def _rerun_ours(_data: Path, _work: Path) -> None:
    """A worklist page rerun after a filter change: cache hit (unpickle), filter, sort, one page.

    ``st.cache_data`` hands each rerun an unpickled copy of the cached ranked list, so that copy
    is part of what a user waits for; the million items themselves stay in ``cache_resource``.
    """
    import pickle

    from ar_core.collections.worklist import filter_worklist, page

    blob = pickle.dumps(_ranked(synthetic_ledger(bench_items())))
    with _Timed():
        frame = pickle.loads(blob)  # noqa: S301 (our own bytes, as Streamlit's cache does)
        view = filter_worklist(
            frame, countries=["DE", "NL"], buckets=["31-60", "61-90", "91-180"], today_only=True
        )
        page(view.sort("overdue_amount", descending=True), 2, 50)


def _rerun_floor(_data: Path, _work: Path) -> None:
    """The same cached list, first page without filtering or sorting."""
    import pickle

    blob = pickle.dumps(_ranked(synthetic_ledger(bench_items())))
    with _Timed():
        pickle.loads(blob).head(50)  # noqa: S301


# --- dispute root-cause views on a generated cases frame (issue 9) ---------------------------

#: Cases of issue 9's speed budget.
BENCH_CASES = 50_000


def synthetic_cases(n: int = BENCH_CASES, seed: int = SEED, as_of: date = BENCH_AS_OF):
    """``n`` cases (CASE_SCHEMA) opened over the year before ``as_of``, generated with numpy.

    40 reason codes (4 of them unmapped) in 10 categories, 5,000 customers, 3 company codes, 6
    countries, 8 owners, 6 resolver departments; 85 % disputes; nearly 60 % resolved 1-120
    days after opening (never after ``as_of``), a third of those by a credit note.
    """
    import numpy as np
    import polars as pl

    from ar_core.disputes.analysis import CASE_SCHEMA
    from ar_core.schema import MONEY

    rng = np.random.default_rng(seed)
    reason = rng.integers(0, 40, n)
    category = pl.Series([f"category {r % 10}" if r < 36 else None for r in range(40)], dtype=pl.String)
    customer = rng.integers(0, 5_000, n)
    opened = rng.integers(0, 365, n)  # days before as_of
    took = rng.integers(1, 121, n)
    resolved = (rng.random(n) < 0.7) & (took <= opened)
    resolutions = np.array(["credit note issued", "partial credit", "rejected — customer pays",
                            "cleared in ERP", "write-off", "duplicate"])  # fmt: skip
    resolution = resolutions[rng.choice(6, n, p=[0.2, 0.13, 0.35, 0.22, 0.05, 0.05])]
    cents = rng.integers(1_000, 5_000_000, n)
    departments = np.array(["billing", "sales", "logistics", "quality", "master data", "pricing"])
    frame = pl.DataFrame(
        {
            "case_id": np.arange(1, n + 1),
            "type": np.where(rng.random(n) < 0.85, "dispute", "inquiry"),
            "customer_id": pl.Series(customer).cast(pl.String).str.zfill(10),
            "company_code": np.array(["1000", "2000", "3000"])[customer % 3],
            "country": np.array(["DE", "NL", "BE", "AT", "CH", "FR"])[customer % 6],
            "collector": np.array([f"c.user{i}" for i in range(8)])[customer % 8],
            "resolver_department": departments[rng.integers(0, 6, n)],
            "reason": np.array([f"R{r:02d}" for r in range(40)])[reason],
            "category": category.gather(reason),
            "level": rng.integers(0, 4, n).astype(np.int8),
            "_opened": opened,
            "_took": took,
            "_sla": rng.integers(10, 46, n),
            "_resolved": resolved,
            "_resolution": resolution,
            "_cents": cents,
        }
    )
    day = pl.lit(as_of)
    opened_on = day - pl.duration(days=pl.col("_opened"))
    is_resolved = pl.col("_resolved")
    credit = pl.col("_resolution").is_in(["credit note issued", "partial credit"])
    amount = (pl.col("_cents").cast(pl.Decimal(18, 0)) / 100).cast(MONEY)
    frame = frame.with_columns(
        customer_name=pl.lit("Customer ") + pl.col("customer_id"),
        resolver=pl.lit(None, pl.String),
        status=pl.when(is_resolved).then(pl.lit("closed")).otherwise(pl.lit("with resolver")),
        resolution=pl.when(is_resolved).then(pl.col("_resolution")),
        opened=opened_on,
        due=opened_on + pl.duration(days=pl.col("_sla")),
        resolved=pl.when(is_resolved).then(opened_on + pl.duration(days=pl.col("_took"))),
        amount=amount,
        credited=pl.when(is_resolved & credit).then(amount),
        currency=pl.lit("EUR"),
    )
    return frame.select(pl.col(c).cast(t) for c, t in CASE_SCHEMA.items())


def _bench_weeks(as_of: date = BENCH_AS_OF) -> list[date]:
    from datetime import timedelta

    return [as_of - timedelta(weeks=51 - w) for w in range(52)]


def _disputes_pareto_ours(_data: Path, _work: Path) -> None:
    """The open cases as of the latest snapshot, then the Pareto by each of its seven groupings."""
    from ar_core.disputes.analysis import GROUPINGS, open_cases, pareto

    cases = synthetic_cases()
    with _Timed():
        basis = open_cases(cases, BENCH_AS_OF)
        for by in GROUPINGS:
            pareto(basis, by)


def _disputes_trend_ours(_data: Path, _work: Path) -> None:
    """New, resolved and open cases, amounts and backlog age at 52 weekly snapshot dates."""
    from ar_core.disputes.analysis import trend

    cases = synthetic_cases()
    weeks = _bench_weeks()
    with _Timed():
        trend(cases, weeks)


def _disputes_cycle_ours(_data: Path, _work: Path) -> None:
    """Cycle time per reason and per category (median, p90, mean, past SLA) and the distribution."""
    from ar_core.disputes.analysis import cycle_time, cycle_time_distribution

    cases = synthetic_cases()
    with _Timed():
        cycle_time(cases, "reason")
        cycle_time(cases, "category")
        cycle_time_distribution(cases, "reason")


def _disputes_workbook_ours(_data: Path, _work: Path) -> None:
    """The meeting workbook: every view's sheet plus the 50,000 cases behind them."""
    from ar_core.disputes.export import root_cause_workbook

    cases = synthetic_cases()
    weeks = _bench_weeks()
    with _Timed():
        root_cause_workbook(cases, BENCH_AS_OF, weeks)


def _disputes_workbook_floor(_data: Path, _work: Path) -> None:
    """polars' own ``write_excel`` (xlsxwriter) of the cases frame alone, in memory."""
    import io

    cases = synthetic_cases()
    with _Timed():
        cases.write_excel(io.BytesIO())


def _disputes_rerun_ours(_data: Path, _work: Path) -> None:
    """The Disputes page after a filter change: the cached case frame filtered as the page does
    (``pages.disputes_parts.filters.apply``: type, status, reason, past due), sorted, one page."""
    from ar_core.collections import page
    from pages.disputes_parts.filters import Filters, apply

    cases = synthetic_cases()
    chosen = Filters(case_type="dispute", status="open", reasons=["PRICE", "QUANTITY"], categories=[],
                     owners=[], departments=[], search="", past_due_only=True)  # fmt: skip
    with _Timed():
        view = apply(cases, chosen, BENCH_AS_OF)
        page(view.sort(["days_late", "case_id"], descending=[True, False]), 1, 50)


def _disputes_rerun_floor(_data: Path, _work: Path) -> None:
    """The first 50 rows of the same cached frame, unfiltered."""
    cases = synthetic_cases()
    with _Timed():
        cases.head(50)


def _disputes_floor(_data: Path, _work: Path) -> None:
    """A plain group_by sum of the disputed amount per reason on the same frame."""
    import polars as pl

    cases = synthetic_cases()
    with _Timed():
        cases.group_by("reason").agg(pl.col("amount").sum())


# --- whole processes, as a user runs them ------------------------------------------------------

#: Runs per side of a whole-process measurement; the median counts (start-up varies run to run).
PROCESS_RUNS = 3


def _process_seconds(cmd: list[str], env: dict[str, str]) -> float:
    """Wall time of one whole process; a failure names the last lines it wrote to stderr."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=False)  # noqa: S603
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        last = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError(" | ".join(last) or f"exit {proc.returncode}")
    return elapsed


def _record_median(times: list[float]) -> None:
    """The median of a side's :data:`PROCESS_RUNS` runs is what that side took."""
    _ELAPSED.append(sorted(times)[len(times) // 2])


def _median_run(cmd: list[str], env: dict[str, str]) -> None:
    """Run ``cmd`` :data:`PROCESS_RUNS` times; the median wall time is what this side took."""
    _record_median([_process_seconds(cmd, env) for _ in range(PROCESS_RUNS)])


def _cli_env(work: Path, db: str = "cli.sqlite") -> dict[str, str]:
    return {**os.environ, "AR_DATABASE_URL": f"sqlite:///{work / db}", "AR_DATA_DIR": str(work)}


def _cli_import_ours(data: Path, work: Path) -> None:
    """``python -m ar_core import`` into an existing, migrated store (a fresh one per run)."""
    from ar_core.store.db import make_engine, migrate

    times = []
    for n in range(PROCESS_RUNS):
        folder = work / f"run{n}"
        folder.mkdir()
        engine = make_engine(f"sqlite:///{folder / 'cli.sqlite'}")
        migrate(engine)
        engine.dispose()
        cmd = [
            sys.executable,
            "-m",
            "ar_core",
            "import",
            str(csv_path(data)),
            "--as-of",
            BENCH_AS_OF.isoformat(),
        ]
        times.append(_process_seconds(cmd, _cli_env(folder)))
    _record_median(times)


#: The floor of a whole-process import of the German CSV: text columns, the title line skipped.
_FLOOR_SCRIPT = (
    "import sys, polars as pl\n"
    "df = pl.read_csv(sys.argv[1], separator=';', skip_rows=1, infer_schema=False, encoding='utf8-lossy')\n"
    "df.write_database('items', 'sqlite:///' + sys.argv[2], engine='adbc')\n"
)
#: The same floor for SAP's list download (tab separated, unquoted, three title lines above the
#: header; polars drops the blank line below it): every item line plus the few total rows, which
#: the script checks against the item count in ``argv[3]``.
_FLOOR_TXT_SCRIPT = (
    "import sys, polars as pl\n"
    "df = pl.read_csv(sys.argv[1], separator='\\t', skip_lines=3, quote_char=None, infer_schema=False,\n"
    "                 encoding='utf8-lossy')\n"
    "assert int(sys.argv[3]) <= df.height <= int(sys.argv[3]) + 10, f'read {df.height} lines'\n"
    "df.write_database('items', 'sqlite:///' + sys.argv[2], engine='adbc')\n"
)


def floor_process(script: str, path: Path, work: Path, *args: str) -> None:
    """A whole Python process running a floor ``script`` on ``path`` into a new SQLite file."""
    times = []
    for n in range(PROCESS_RUNS):
        cmd = [sys.executable, "-c", script, str(path), str(work / f"floor{n}.sqlite"), *args]
        times.append(_process_seconds(cmd, os.environ.copy()))
    _record_median(times)


def _cli_import_floor(data: Path, work: Path) -> None:
    """A whole Python process that reads the file with polars and writes it with ADBC."""
    floor_process(_FLOOR_SCRIPT, csv_path(data), work)


def _cli_start_ours(_data: Path, work: Path) -> None:
    """``python -m ar_core snapshots`` on an empty, migrated store: the CLI's start-up cost."""
    from ar_core.store.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{work / 'cli.sqlite'}")
    migrate(engine)
    engine.dispose()
    _median_run([sys.executable, "-m", "ar_core", "snapshots", "--json"], _cli_env(work))


def _cli_start_floor(_data: Path, _work: Path) -> None:
    """Python with polars imported: the least a polars CLI costs to start."""
    _median_run([sys.executable, "-c", "import polars"], os.environ.copy())


from tools import (  # noqa: E402  (their functions import bench lazily)
    bench_coaching,
    bench_credit,
    bench_forecast,
    bench_kpis,
    bench_reports,
    bench_store,
)

MEASUREMENTS: list[Measurement] = [
    Measurement(
        name="import FBL5N CSV (German, ;) into SQLite",
        ours=lambda data, work: _import_file(csv_path(data), work),
        baseline=_floor_csv,
        prepare=lambda data: _generate(csv_path(data), bench_items(), "csv"),
    ),
    Measurement(
        name="import FBL5N XLSX into SQLite",
        ours=lambda data, work: _import_file(xlsx_path(data), work),
        baseline=_floor_xlsx,
        prepare=lambda data: _generate(xlsx_path(data), bench_items() // 5, "xlsx"),
    ),
    Measurement(
        name="aging + scoring + worklist, 1M items",
        ours=_worklist_ours,
        baseline=_worklist_floor,
        #: Issue 3's budget is absolute (under 1.5 s on 2 cores); a plain sum is far below that,
        #: so the ratio budget is loose and the absolute time is what decides.
        max_ratio=30.0,
        max_seconds=1.5,
    ),
    Measurement(
        name="whole process: python -m ar_core import, 1M-line German CSV, existing store",
        ours=_cli_import_ours,
        baseline=_cli_import_floor,
        prepare=lambda data: _generate(csv_path(data), bench_items(), "csv"),
    ),
    Measurement(
        name="whole process: CLI start-up (python -m ar_core snapshots)",
        ours=_cli_start_ours,
        baseline=_cli_start_floor,
        #: Issue 8: the CLI starts within 0.5 s (heavy libraries imported where they are used).
        max_ratio=30.0,
        max_seconds=0.5,
    ),
    Measurement(
        name="worklist page rerun after a filter change, 1M items (cached)",
        ours=_rerun_ours,
        baseline=_rerun_floor,
        max_ratio=30.0,
        max_seconds=0.5,
    ),
    # --- the item-version store: a year of weekly snapshots (tools.bench_store) ---
    Measurement(
        name="store: space of 52 weekly snapshots vs one",
        ours=bench_store.space_year,
        baseline=bench_store.space_one,
        prepare=bench_store.prepare,
        max_ratio=3.0,
        unit="MB",
    ),
    Measurement(
        #: The import ratio budget of the first import, for the 53rd: the whole process.
        name="store: import the 53rd weekly snapshot (whole process, 52 in the store)",
        ours=bench_store.import_53rd,
        baseline=bench_store.import_floor,
        prepare=bench_store.prepare,
    ),
    Measurement(
        name="store: load one snapshot of the year",
        ours=bench_store.load_one,
        baseline=bench_store.load_floor,
        prepare=bench_store.prepare,
        max_ratio=30.0,
        max_seconds=1.5,
    ),
    Measurement(
        name="store: one customer's history over 52 snapshots",
        ours=bench_store.customer_history,
        baseline=bench_store.history_floor,
        prepare=bench_store.prepare,
        max_ratio=100.0,
        max_seconds=0.3,
    ),
    Measurement(
        name="store: items cleared between two snapshots",
        ours=bench_store.cleared,
        baseline=bench_store.cleared_floor,
        prepare=bench_store.prepare,
        max_ratio=30.0,
        max_seconds=1.0,
    ),
    Measurement(
        name="store: totals per snapshot for the year",
        ours=bench_store.totals_year,
        baseline=bench_store.totals_floor,
        prepare=bench_store.prepare,
        max_ratio=100.0,
        max_seconds=0.2,
    ),
    # --- issue 11: reports (tools.bench_reports) ---
    Measurement(
        name="reporting: weekly report, 1,000,000 items",
        ours=bench_reports.weekly_report,
        baseline=bench_reports.weekly_report_floor,
        prepare=bench_reports.prepare,
        max_ratio=1000.0,
        max_seconds=10.0,
    ),
    # --- issue 11: kpis (tools.bench_kpis) ---
    Measurement(
        name="performance: KPIs for a quarter, 1,000,000 items, 13 weekly snapshots",
        ours=bench_kpis.kpis_quarter,
        baseline=bench_kpis.kpis_floor,
        prepare=bench_kpis.prepare,
        max_ratio=1000.0,
        max_seconds=2.0,
    ),
    # --- issue 11: coaching (tools.bench_coaching) ---
    Measurement(
        name="performance: Collector metrics page rerun after a filter change (cached), 13 weekly snapshots",
        ours=bench_coaching.rerun,
        baseline=bench_coaching.rerun_floor,
        prepare=bench_coaching.prepare,
        max_ratio=1000.0,
        max_seconds=0.5,
    ),
    Measurement(
        #: No budget in the issue: computed once per change of the data, then kept (the rerun above).
        name="performance: Collector metrics, first computation of the weekly frame, 13 weekly snapshots",
        ours=bench_coaching.first,
        baseline=bench_coaching.first_floor,
        prepare=bench_coaching.prepare,
        max_ratio=100.0,
    ),
    # --- issue 11: forecast (tools.bench_forecast) ---
    Measurement(
        name="performance: expected cash for 8 weeks, 1,000,000 open items",
        ours=bench_forecast.cash,
        baseline=bench_forecast.cash_floor,
        prepare=bench_forecast.prepare,
        max_ratio=1000.0,
    ),
    Measurement(
        name="performance: payment backtest",
        ours=bench_forecast.backtest,
        baseline=bench_forecast.backtest_floor,
        prepare=bench_forecast.prepare,
        max_ratio=1000.0,
    ),
    # --- issue 10: credit allocation and bank statements (tools.bench_credit) ---
    Measurement(
        name="credit: allocation suggestions, 100,000 open credits vs 1,000,000 open items",
        ours=bench_credit.bench_allocate,
        baseline=bench_credit.bench_allocate_floor,
        max_ratio=1000.0,
        max_seconds=30.0,
    ),
    Measurement(
        name="credit: camt.053 of 10,000 entries imported and matched (100,000 open items)",
        ours=bench_credit.bench_camt,
        baseline=bench_credit.bench_camt_floor,
        max_ratio=1000.0,
        max_seconds=10.0,
    ),
    # --- issue 9: the root-cause views on 50,000 cases (absolute budget; a plain sum is the floor) ---
    Measurement(
        name="disputes: pareto, 50,000 cases",
        ours=_disputes_pareto_ours,
        baseline=_disputes_floor,
        max_ratio=100.0,
        max_seconds=0.5,
    ),
    Measurement(
        name="disputes: trend over 52 weeks, 50,000 cases",
        ours=_disputes_trend_ours,
        baseline=_disputes_floor,
        max_ratio=100.0,
        max_seconds=0.5,
    ),
    Measurement(
        name="disputes: cycle time, 50,000 cases",
        ours=_disputes_cycle_ours,
        baseline=_disputes_floor,
        max_ratio=100.0,
        max_seconds=0.5,
    ),
    Measurement(
        name="disputes: Disputes page rerun after a filter change, 50,000 cases (cached)",
        ours=_disputes_rerun_ours,
        baseline=_disputes_rerun_floor,
        max_ratio=1000.0,
        max_seconds=0.5,
    ),
    Measurement(
        #: No budget in the issue: the ratio says whether the sheets add more than writing the cells.
        name="disputes: root-cause workbook (XLSX), 50,000 cases",
        ours=_disputes_workbook_ours,
        baseline=_disputes_workbook_floor,
    ),
]


# --- child process plumbing ----------------------------------------------------------------

_ELAPSED: list[float] = []


def _record(value: float) -> None:
    """Record a measured quantity other than time (a measurement with ``unit="MB"``)."""
    _ELAPSED.append(value)


class _Timed:
    """Times the block; setup before it (imports, creating the store) is not measured."""

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        _ELAPSED.append(time.perf_counter() - self.start)


def _child(index: int, side: str, data: Path) -> None:
    measurement = MEASUREMENTS[index]
    work_fn = measurement.ours if side == "ours" else measurement.baseline
    with tempfile.TemporaryDirectory(prefix="ardesk-bench-") as work:
        work_fn(data, Path(work))
    # KiB on Linux; a whole-process measurement's peak is that of its largest child process
    peak_mb = (
        max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        / 1024
    )
    print(json.dumps({"seconds": sum(_ELAPSED), "peak_rss_mb": peak_mb}))


def _run_side(index: int, side: str, data: Path) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    cmd = [sys.executable, "-m", "tools.bench", "--child", str(index), side, str(data)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise RuntimeError(
            proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt_mb(mb: float) -> str:
    return f"{mb / 1024:.2f} GB" if mb >= 1024 else f"{mb:.0f} MB"


def run(data: Path, only: str | None = None) -> int:
    """Run every measurement (or those whose name contains ``only``); 1 if any errored."""
    print(
        f"AR Desk benchmark: {bench_items():,} CSV lines, {bench_items() // 5:,} XLSX lines, data in {data}"
    )
    failed = 0
    for index, m in enumerate(MEASUREMENTS):
        if only and only.lower() not in m.name.lower():
            continue
        try:
            m.prepare(data)
            ours = _run_side(index, "ours", data)
            floor = _run_side(index, "baseline", data)
        except Exception as exc:
            print(f"{m.name}: ERROR {exc}", flush=True)
            failed += 1
            continue
        ratio = ours["seconds"] / floor["seconds"] if floor["seconds"] else float("inf")
        ok = ratio <= m.max_ratio and ours["peak_rss_mb"] < m.max_rss_mb
        budget = f"ratio <= {m.max_ratio:g}, RSS < {_fmt_mb(m.max_rss_mb)}"
        if m.max_seconds is not None:
            ok = ok and ours["seconds"] < m.max_seconds
            budget = f"< {m.max_seconds:g} s, {budget}"
        unit = m.unit
        print(
            f"{m.name}: {ours['seconds']:.2f} {unit}, baseline {floor['seconds']:.2f} {unit}, "
            f"ratio {ratio:.2f}, "
            f"peak RSS {_fmt_mb(ours['peak_rss_mb'])} (baseline {_fmt_mb(floor['peak_rss_mb'])}) "
            f"-> {'PASS' if ok else 'OVER'} (budget {budget})",
            flush=True,
        )
    if not only or only.lower() in "credit: precision and recall":
        # issue 10: quality of the suggestions on labelled cases (targets: precision >= 0.99, recall >= 0.90)
        print("credit: precision and recall of the allocation suggestions on labelled cases", flush=True)
        bench_credit.report(1)
    if not only or only.lower() in "performance: payment backtest":
        bench_forecast.report(data)  # issue 11: the backtest's model and naive errors (days, not times)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the measurements whose name contains this text")
    parser.add_argument("--data", type=Path, help="bench data folder (default: <data dir>/bench)")
    parser.add_argument("--child", nargs=3, metavar=("INDEX", "SIDE", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        index, side, data = args.child
        _child(int(index), side, Path(data))
        return 0
    return run(args.data or settings().data_dir / "bench", args.only)


if __name__ == "__main__":
    sys.exit(main())
