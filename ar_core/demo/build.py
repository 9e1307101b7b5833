"""Demo data: a realistic ledger written as SAP FBL5N files and loaded through the real import path.

The demo is meant to prove the product, so it never takes a shortcut into the store: the files
are what a lead would download from SAP (13 weekly snapshots in the three export routes, plus a
customer master), and :func:`load_demo_if_empty` feeds them through ``ingest.read_extract`` and
``snapshots.import_extract`` exactly like an upload. Same seed, same bytes.

The ledger is calibrated to a healthy-but-real B2B ledger on the last key date (20.11.2026):
about 60 % of open debits not yet due, 5-10 % more than 90 days overdue, DSO about 50 days, nine
customers in ten within their credit limit; four story customers (a serial promise breaker, an
insolvency in the making, a big dispute, a credit balance) give the worklist and the huddle
cases to show. Two more stories feed the disputes pages: a customer group disputing its prices
since a price-list change and a logistics hub disputing quantities (with a slow logistics
department and the Dutch team's inquiries, :mod:`ar_core.demo.cases`).
``tests/test_demo_calibration.py`` measures all of it.

Parts: :mod:`ar_core.demo.customers` (customers, users, stories, credit limits),
:mod:`ar_core.demo.ledger` (the simulation), :mod:`ar_core.demo.writers` (file formats),
:mod:`ar_core.demo.cases` (the dispute and inquiry cases, worked between the weekly imports),
:mod:`ar_core.demo.workflow` (contacts, promises, escalations, FX rates).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from ar_core.demo.credits import with_clear_credits
from ar_core.demo.customers import DEMO_USERS, CustomerBook, make_customers, with_credit_limits, with_stories
from ar_core.demo.ledger import (
    balances,
    day,
    documents_needed,
    enrich,
    settle_story_amounts,
    simulate,
    snapshot,
)
from ar_core.demo.writers import write_csv, write_customer_master, write_txt, write_xlsx
from ar_core.errors import ArDeskError, InvalidInput
from ar_core.store.db import private_dir

__all__ = ["DEMO_USERS", "generate_demo", "generate_fbl5n_file", "load_demo_if_empty"]

#: Default size: open lines in the last weekly snapshot (the whole demo loads in seconds).
DEFAULT_ITEMS = 30_000
DEFAULT_LAST_AS_OF = date(2026, 11, 20)
CUSTOMER_FILE = "customers.csv"
#: Where :func:`load_demo_if_empty` keeps the generated files, below the data folder.
DEMO_FOLDER = "demo"
_NAME = re.compile(r"^FBL5N_(\d{4}-\d{2}-\d{2})\.(txt|csv|xlsx)$")
Format = Literal["txt", "csv", "xlsx"]


def demo_customer_count(items: int) -> int:
    """About 1,500 customers at the default size, fewer for small demos (never under 20)."""
    return max(20, min(1_500, round(items / 20)))


def week_formats(weeks: int) -> list[Format]:
    """The export route of each week: mostly text, one XLSX week and one CSV week.

    So every reader is exercised by the demo load; the last week is always text (an "all
    items" extract), so reports of the latest week keep the richest columns.
    """
    formats: list[Format] = ["txt"] * weeks
    if weeks >= 3:
        formats[(weeks - 1) // 3] = "xlsx"
        formats[2 * (weeks - 1) // 3] = "csv"
    return formats


def _book(n_customers: int, seed: int) -> CustomerBook:
    return make_customers(n_customers, np.random.default_rng([seed, 1]))


def _write(df, path: Path, as_of: date, fmt: Format) -> Path:
    if fmt == "txt":
        return write_txt(df, path, as_of)
    if fmt == "csv":
        return write_csv(df, path, as_of)
    if fmt == "xlsx":
        return write_xlsx(df, path)
    raise InvalidInput("fmt", f"unknown format {fmt!r}: use txt, csv or xlsx")


def build_ledger(
    *, items: int = DEFAULT_ITEMS, seed: int = 7, weeks: int = 13, last_as_of: date = DEFAULT_LAST_AS_OF
) -> tuple[CustomerBook, pl.DataFrame, list[date]]:
    """The demo's customer book, simulated ledger (amounts in cents) and weekly key dates.

    What :func:`generate_demo` writes to files; tests measure the calibration on it directly.
    """
    book = with_stories(_book(demo_customer_count(items), seed))
    dates = [last_as_of - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    days = [day(d) for d in dates]
    n_docs = documents_needed(book, items, days[0], days[-1], seed)
    ledger = enrich(
        simulate(book, n_docs, np.random.default_rng([seed, 2]), days[0], days[-1]),
        book,
        np.random.default_rng([seed, 3]),
    )
    ledger = settle_story_amounts(ledger, days)
    # the exposure a credit manager plans with: halfway between the usual and the largest balance
    # of the regular business (the credit-balance story's double payment is no business)
    weekly = (
        balances(ledger.filter(~pl.col("special")), days)
        .group_by("cust")
        .agg(((pl.col("balance").median() + pl.col("balance").max()) / 2).round().cast(pl.Int64))
    )
    exposure = np.zeros(book.master.height, dtype=np.int64)
    exposure[weekly["cust"].to_numpy()] = weekly["balance"].to_numpy()
    return with_credit_limits(book, exposure, np.random.default_rng([seed, 4])), ledger, dates


def generate_demo(
    out_dir: Path,
    *,
    items: int = DEFAULT_ITEMS,
    seed: int = 7,
    weeks: int = 13,
    last_as_of: date = DEFAULT_LAST_AS_OF,
) -> list[Path]:
    """Write the customer master and one FBL5N extract per week (Fridays up to ``last_as_of``).

    ``items`` is roughly the number of open lines in the last snapshot. Weekly files hold the
    open items of their key date; the last one is an "all items" extract that also lists the
    items cleared during its week (clearing date and document set).

    Returns:
        ``[customers.csv, FBL5N_<date>.<ext> ...]`` in date order.
    """
    if items < 1 or weeks < 1:
        raise InvalidInput("items", "items and weeks must be at least 1")
    out_dir = Path(out_dir)
    private_dir(out_dir)  # the extracts hold the whole (demo) ledger: owner only
    book, ledger, dates = build_ledger(items=items, seed=seed, weeks=weeks, last_as_of=last_as_of)
    ledger = with_clear_credits(ledger, book, day(dates[-1]), seed)  # three credits that settle at a glance
    paths = [write_customer_master(book.master, out_dir / CUSTOMER_FILE)]
    for i, (as_of, fmt) in enumerate(zip(dates, week_formats(weeks), strict=True)):
        cleared_since = dates[i - 1] if i == weeks - 1 and weeks > 1 else None
        df = snapshot(ledger, book, as_of, cleared_since=cleared_since)
        paths.append(_write(df, out_dir / f"FBL5N_{as_of.isoformat()}.{fmt}", as_of, fmt))
    for _, stale in demo_files(out_dir):  # an earlier run with other dates must not mix in
        if stale not in paths:
            stale.unlink()
    return paths


def generate_fbl5n_file(
    path: Path,
    items: int,
    seed: int = 7,
    as_of: date = DEFAULT_LAST_AS_OF,
    fmt: Format = "txt",
    *,
    customers: int | None = None,
) -> Path:
    """One large open-item extract of exactly ``items`` lines (German format), for benchmarks.

    A big ledger has more customers than the demo: by default one per 200 lines, at least 20
    and at most 5,000 (the customer master is drawn row by row; the ledger is vectorised).
    """
    if items < 1:
        raise InvalidInput("items", "items must be at least 1")
    n_customers = customers or max(20, min(5_000, items // 200))
    book = _book(n_customers, seed)
    d = day(as_of)
    n_docs = int(documents_needed(book, items, d, d, seed) * 1.05) + 100
    rng = np.random.default_rng([seed, 2])
    ledger = simulate(book, n_docs, rng, d, d)
    while ledger.height < items:  # the pilot estimate fell short: simulate more, never loop rows
        ledger = simulate(book, n_docs * 2, rng, d, d)
        n_docs *= 2
    keep = np.sort(rng.choice(ledger.height, size=items, replace=False))
    ledger = enrich(ledger[keep], book, np.random.default_rng([seed, 3]))
    return _write(snapshot(ledger, book, as_of), Path(path), as_of, fmt)


def demo_files(demo_dir: Path) -> list[tuple[date, Path]]:
    """The weekly extracts in ``demo_dir`` with their key dates (from the file names), by date."""
    found = []
    for p in Path(demo_dir).iterdir():
        m = _NAME.match(p.name)
        if m:
            found.append((date.fromisoformat(m.group(1)), p))
    return sorted(found)


def _demo_files_ready(demo_dir: Path, weeks: int) -> bool:
    return (demo_dir / CUSTOMER_FILE).is_file() and len(demo_files(demo_dir)) == weeks


#: The demo team's sender on statements and letters (the IBAN is the well-known example number).
DEMO_LETTERHEAD = {
    "company_name": "Nordwind Handel GmbH — Shared Service Center Accounts Receivable",
    "address": "Am Sandtorkai 41\n20457 Hamburg\nDeutschland",
    "vat_id": "DE123456789",
    "phone": "+49 40 3070 0",
    "email": "debitoren@nordwind-handel.example",
    "bank_name": "Commerzbank Hamburg",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
}


def load_demo_if_empty(
    engine, data_dir: Path, *, items: int = DEFAULT_ITEMS, seed: int = 7, weeks: int = 13
) -> bool:
    """Fill an empty database with the demo team, customer master and weekly snapshots.

    Runs only when the store has neither users nor snapshots (a real installation is never
    touched). The files are generated into ``data_dir/demo`` unless already there, then every
    file is read and validated *before* anything is written, so a bad file leaves the store
    empty. Writes go through the same services as the app, acting as the built-in ``system``
    admin: users, customer master, then each week's extract through ``import_extract``; before
    each week's import the demo team works the dispute cases of the week before it
    (:class:`ar_core.demo.cases.CaseDesk`), and after the last the contacts and promises.

    Collectors own their customers through the master's ``collector`` column; the company codes
    in :data:`DEMO_USERS` are not assigned, because a company-code assignment opens the whole
    company code to a collector.

    Returns:
        ``True`` when the demo was loaded, ``False`` when the store already held data.

    Raises:
        ArDeskError: a demo file did not read cleanly (a bug in the generator or a reader).
    """
    from ar_core.access import Actor, create_user, list_users
    from ar_core.collections import import_snapshot
    from ar_core.ingest import read_customer_master, read_extract
    from ar_core.ledger import Scope, list_snapshots, upsert_customer_master
    from ar_core.settings import set_letterhead

    system = Actor(username="system", name="System", roles=frozenset({"admin"}))
    if not list_users(engine, system).is_empty() or not list_snapshots(engine).is_empty():
        return False
    demo_dir = Path(data_dir) / DEMO_FOLDER
    if not _demo_files_ready(demo_dir, weeks):
        generate_demo(demo_dir, items=items, seed=seed, weeks=weeks)

    master_path = demo_dir / CUSTOMER_FILE
    master, problems = read_customer_master(master_path.read_bytes(), master_path.name)
    errors = [str(p) for p in problems if p.severity == "error"]
    extracts = []
    for as_of, path in demo_files(demo_dir):
        result = read_extract(path.read_bytes(), path.name, as_of=as_of)
        errors += [str(p) for p in result.errors]
        extracts.append((as_of, result))
    if errors:
        shown = "; ".join(errors[:5])
        raise ArDeskError(f"demo data did not read cleanly ({len(errors)} problems): {shown}")

    for user in DEMO_USERS:  # demo passwords are printed in the README: no forced change at first login
        create_user(engine, system, username=user["username"], name=user["name"], password=user["password"],
                    roles=user["roles"], email=user["email"], must_change_password=False)  # fmt: skip
    upsert_customer_master(engine, system, master)
    set_letterhead(engine, system, DEMO_LETTERHEAD)
    from ar_core.demo.cases import CaseDesk
    from ar_core.demo.workflow import load_demo_workflow

    items_by_date = {as_of: result.items for as_of, result in extracts}
    desk = CaseDesk(engine, [as_of for as_of, _ in extracts], items_by_date, seed=seed)
    for k, (as_of, result) in enumerate(extracts):  # every demo week is a full-ledger extract
        desk.before_import(k)  # the team's case work of the week before this key date
        import_snapshot(engine, system, result, as_of=as_of, scope=Scope.whole_ledger())
    desk.finish()
    load_demo_workflow(engine, seed=seed, items_by_date=items_by_date)
    from ar_core.demo.coaching import load_demo_coaching  # the lead's November targets and two 1:1s

    load_demo_coaching(engine)
    from ar_core.demo.bank import load_demo_bank  # the next bank day's statement, as the lead imports it

    load_demo_bank(engine, extracts[-1][1].items, extracts[-1][0], seed=seed, folder=demo_dir)
    load_demo_team_and_recovery(engine)
    return True


def load_demo_team_and_recovery(engine) -> None:
    """The team's own records (SOPs, training, skills) and the recovery cases, after the ledger.

    Order matters: the insolvency case and the legal handover exist before the dunning run that
    blocks them; skills read the completed training modules.
    """
    from ar_core.demo.dunning import load_demo_dunning  # the procedure, two blocks, a released run
    from ar_core.demo.late_payment import load_demo_late_payment  # a receivership, ratings, announcements
    from ar_core.demo.payment_plans import load_demo_payment_plans  # active, broken, awaiting approval
    from ar_core.demo.skills import load_demo_skills  # levels, backups, Schneider's leave
    from ar_core.demo.sops import load_demo_sops  # five SOPs in two versions, reviews due, acknowledgements
    from ar_core.demo.training import load_demo_training  # the catalogue, a new joiner's and a senior's plan
    from ar_core.demo.write_offs import load_demo_write_offs  # four-eyes write-offs and a legal handover

    load_demo_sops(engine)
    load_demo_training(engine)
    load_demo_skills(engine)
    load_demo_late_payment(engine)
    load_demo_write_offs(engine)
    load_demo_payment_plans(engine)
    load_demo_dunning(engine)
