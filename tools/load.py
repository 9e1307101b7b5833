"""``python -m tools.load`` (``make load``): the real server under a team's morning routine.

Eight people (Playwright contexts in one Debian Chromium, headless) work the real app, started
with ``streamlit run app.py``, on a store of 1,000,000 open items for three minutes:

* the lead and the collectors (the demo users) each loop *worklist* (page) → *filter* (a widget
  on the worklist: sort, disputes, due-today toggle, country, the lead's portfolio) → *account*
  (a row of the worklist, a page switch) → *log a call* (the contact form, a unique note) and back;
* the lead also runs the *huddle* every round: the page, *Next* and *Record* of an agreed step.

Between two steps each person pauses a while — :data:`PERSON_PAUSE_S` on average (uniform between
half and one and a half of it), the time to read what the step brought before the next click. A
shorter pause (``--think 1``) is a stress run: five times a person's pace, it measures what the
machine can take rather than what a team sees.

Each step is timed from the action (click, key) to the end of the script run it causes (the
``data-test-script-state`` of ``stApp`` turning ``notRunning``, taken from a MutationObserver in the
page, so the driver's own lag does not count), and only counts once the expected content is on
screen. Shown exceptions (``stException``), error alerts and timeouts are errors, each with its
page and text; the server's log (tracebacks) is kept in the data folder. After the run every note
that the app confirmed is looked up in the store (``contact_log``): one missing is a lost write.
The server's RSS (the streamlit process and its children, from ``/proc``) is sampled every second.

It never imports ``ar_core``: the store is built with the CLI (``python -m ar_core init`` loads the
demo, then a generated German FBL5N CSV extract one week later, ``import --scope full``), and
everything else goes through the server. The store is built once per data folder
(``--data-dir``, reused when it already holds the same load extract).

Budgets (issue): p95 of a rerun ≤ 1 s, server RSS ≤ 3 GB; goals: 0 errors, 0 lost writes. Like
``make bench`` it prints PASS/OVER and exits 0 when the run itself worked; ``--strict`` exits 1 when
a budget or goal is missed. Only 127.0.0.1 is contacted, and every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.browser_support import CHROMIUM_ARGS, ROOT, free_port

# --- what the run is measured against ---------------------------------------------------------

#: Budgets of the issue: p95 of a rerun (a widget interaction) and the server's peak RSS.
MAX_RERUN_P95_S = 1.0
MAX_RSS_MB = 3072.0
#: A person's mean pause between two steps, s: reading the list a filter brought, the account
#: before the call, the form before the save. At 1 s the eight browsers on the server's two cores
#: outrun any team (README, "Load test").
PERSON_PAUSE_S = 5.0
#: The load extract's key date: a week after the demo's last snapshot (20.11.2026), so it is the latest.
LOAD_AS_OF = date(2026, 11, 27)
#: Demo passwords (README, "Demo users"): ``ardesk-<role>-demo``.
PASSWORDS = {"lead": "ardesk-lead-demo", "collector": "ardesk-collector-demo"}
DEMO_LEAD = "lena.lead"
DEMO_COLLECTORS = ("c.meyer", "j.schneider", "t.becker", "m.wagner", "s.dejong", "r.bakker", "l.peeters",
                   "e.dubois")  # fmt: skip
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
#: Steps: the kind decides which latency group (and budget) a step belongs to.
STEPS = {
    "login": "page",
    "worklist": "page",
    "filter": "rerun",
    "account": "page",
    "log_call": "save",
    "huddle": "page",
    "huddle_next": "rerun",
    "huddle_step": "save",
}

# --- the load extract: a German FBL5N CSV (semicolon, Windows-1252) as saved from Excel --------

#: Canonical column -> German FBL5N label, in the CSV layout of the demo's CSV week.
CSV_COLUMNS: dict[str, str] = {
    "customer_id": "Konto",
    "customer_name": "Name 1",
    "company_code": "Buchungskreis",
    "doc_type": "Belegart",
    "doc_no": "Belegnummer",
    "line_item": "Position",
    "fiscal_year": "Geschäftsjahr",
    "doc_date": "Belegdatum",
    "due_date": "Nettofälligkeit",
    "amount": "Betrag in Hauswährung",
    "currency": "Hauswährung",
    "amount_doc": "Betrag in Belegwährung",
    "doc_currency": "Belegwährung",
    "dunning_level": "Mahnstufe",
    "disputed": "Streitfall",
    "dispute_reason": "Klärungsgrund",
    "assignment": "Zuordnung",
    "reference": "Referenz",
    "text": "Text",
    "collector": "Sachbearbeiter",
    "country": "Land",
    "clearing_date": "Ausgleichsdatum",
    "clearing_doc": "Ausgleichsbeleg",
}
COMPANY_CODE = {"DE": "1000", "AT": "1000", "NL": "2000", "BE": "3000", "FR": "3000"}
LEGAL_FORMS = {
    "DE": ["GmbH", "GmbH & Co. KG", "KG", "AG", "e.K."],
    "AT": ["GmbH", "KG", "AG"],
    "NL": ["B.V.", "N.V.", "V.O.F."],
    "BE": ["BV", "NV", "SRL"],
    "FR": ["SAS", "SARL", "SA"],
}
SURNAMES = {
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Schäfer",
           "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Krüger"],
    "AT": ["Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer", "Leitner"],
    "NL": ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "Mulder",
           "de Boer", "Bos", "Vos", "Peters", "Hendriks"],
    "BE": ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters"],
    "FR": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
           "Moreau"],
}  # fmt: skip
TRADES = {
    "DE": ["Metallbau", "Haustechnik", "Logistik", "Druckerei", "Elektrotechnik", "Maschinenbau", "Holzbau",
           "Kältetechnik", "Verpackung", "Anlagenbau", "Industriebedarf", "Fahrzeugteile"],
    "NL": ["Installatietechniek", "Logistiek", "Groothandel", "Bouw", "Kunststoffen", "Verpakkingen",
           "Machinebouw", "Transport", "Automatisering"],
    "FR": ["Industrie", "Logistique", "Emballages", "Distribution", "Mécanique", "Bâtiment", "Transports"],
}  # fmt: skip
TRADES["AT"] = TRADES["DE"]
TRADES["BE"] = TRADES["NL"]
#: Document types (share, sign, texts) as in the demo: invoices, credit memos, payments on account.
DOC_TYPES = [
    ("RV", 0.62, 1, ["Lieferung", "Rechnung", "Rechnung Ersatzteile"]),
    ("DR", 0.19, 1, ["Dienstleistung", "Wartungsvertrag", "Frachtkosten"]),
    ("DG", 0.12, -1, ["Gutschrift Preisdifferenz", "Gutschrift Retoure", "Bonusgutschrift"]),
    ("DZ", 0.07, -1, ["Zahlung a Konto", "Teilzahlung", "Zahlungseingang ohne Avis"]),
]
DISPUTE_REASONS = ["PRICE", "QUANTITY", "NO_PO", "DAMAGED", "DUPLICATE"]
#: EUR per unit, for the few items invoiced in another document currency.
DOC_RATES = {"CHF": 1.07, "GBP": 1.17, "USD": 0.92}


def german_amount(cents: int) -> str:
    """Integer cents as SAP prints them for a German user: ``1.234,56`` and ``1.234,56-``."""
    euros, rest = divmod(abs(cents), 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d}" + ("-" if cents < 0 else "")


def parse_german_amount(text: str) -> int:
    """``1.234,56-`` -> -123456 (cents)."""
    text = text.strip()
    sign = -1 if text.endswith("-") or text.startswith("-") else 1
    digits = text.strip("-").replace(".", "").replace(",", "")
    return sign * int(digits)


def read_master(path: Path) -> list[dict]:
    """The demo customer master (``demo/customers.csv``, semicolon UTF-8)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def read_demo_open_items(demo_dir: Path) -> tuple[list[dict], date | None]:
    """The open lines of the demo's latest text extract (``FBL5N_<date>.txt``), by canonical column.

    The load extract lists them again, so the demo's accounts, promises and stories stay as they
    were and the extract only adds items. Returns ``([], None)`` when there is no such file.
    """
    found = sorted(demo_dir.glob("FBL5N_*.txt"))
    if not found:
        return [], None
    path = found[-1]
    as_of = date.fromisoformat(path.stem.removeprefix("FBL5N_"))
    label_to_col = {label: col for col, label in CSV_COLUMNS.items()}
    header: list[str] | None = None
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if header is None:
            if len(cells) > 3 and "Konto" in cells:
                header = cells
            continue
        if len(cells) < len(header) or cells[1].strip():  # blank line, or a '*' total row
            continue
        row = {label_to_col[h]: v for h, v in zip(header, cells, strict=False) if h in label_to_col}
        if not row.get("customer_id") or row.get("clearing_date"):
            continue
        rows.append(row)
    return rows, as_of


def _customer_book(master: list[dict], customers: int, rng) -> list[dict]:
    """The demo customers, then new ones up to ``customers``, like the demo's countries and collectors."""
    import numpy as np

    by_country: dict[str, list[str]] = {}
    for m in master:
        if m.get("collector"):
            by_country.setdefault(m["country"], []).append(m["collector"])
    book = [
        {"id": m["customer_id"], "name": m["name"], "country": m["country"], "collector": m["collector"],
         "cc": m.get("company_code") or COMPANY_CODE.get(m["country"], "1000")}
        for m in master
    ]  # fmt: skip
    countries = sorted(by_country)
    weights = np.array([len(by_country[c]) for c in countries], dtype=float)
    counters: dict[str, int] = {}
    for _ in range(max(0, customers - len(book))):
        country = countries[rng.choice(len(countries), p=weights / weights.sum())]
        cc = COMPANY_CODE.get(country, "1000")
        counters[cc] = counters.get(cc, 0) + 1
        name = " ".join(
            str(rng.choice(words.get(country, words["DE"]))) for words in (SURNAMES, TRADES, LEGAL_FORMS)
        )
        book.append({"id": f"8{cc[0]}{counters[cc]:05d}", "name": name, "country": country, "cc": cc,
                     "collector": str(rng.choice(by_country[country]))})  # fmt: skip
    return book


def _generated_lines(book: list[dict], count: int, as_of: date, rng) -> tuple[list[list[str]], int]:
    """``count`` new open items (cells in :data:`CSV_COLUMNS` order) and their sum in cents (EUR)."""
    import numpy as np

    # a few customers carry many items, most a handful (log-normal weights)
    weights = rng.lognormal(0, 1.0, len(book))
    cust = rng.choice(len(book), size=count, p=weights / weights.sum())
    terms = np.array([14, 30, 30, 30, 45, 60])[rng.integers(0, 6, len(book))][cust]
    kind = rng.choice(len(DOC_TYPES), size=count, p=[t[1] for t in DOC_TYPES])
    invoice = kind <= 1
    # about 55 % of the documents are from the last five weeks, the rest older (capped at ~2 years)
    age = np.where(rng.random(count) < 0.55, rng.integers(0, 35, count), rng.exponential(75, count) + 20)
    age = np.minimum(age, 700).astype(int)
    overdue = np.maximum(np.where(invoice, age - terms, age), 0)  # credits and payments are due at once
    cents = np.where(invoice, rng.lognormal(7.3, 1.1, count), rng.lognormal(6.0, 1.0, count)) * 100
    cents = np.maximum(np.round(cents).astype(np.int64), 100) * np.array([t[2] for t in DOC_TYPES])[kind]
    disputed = invoice & (rng.random(count) < 0.09)
    dunning = np.select([overdue > 90, overdue > 60, overdue > 30, overdue > 14], [4, 3, 2, 1], 0)
    dunning = np.where(invoice & (rng.random(count) < 0.85), dunning, 0)
    foreign = invoice & (rng.random(count) < 0.03)
    foreign_cur = np.array(list(DOC_RATES))[rng.integers(0, len(DOC_RATES), count)]
    texts = rng.integers(0, 3, count)
    reasons = rng.integers(0, len(DISPUTE_REASONS), count)
    days = {d: (as_of - timedelta(days=d)).strftime("%d.%m.%Y") for d in range(-70, 701)}
    years = {d: str((as_of - timedelta(days=d)).year) for d in range(701)}
    lines = []
    for i in range(count):
        b = book[cust[i]]
        code, _share, _sign, names = DOC_TYPES[kind[i]]
        amount, doc_day, doc_no = int(cents[i]), int(age[i]), str(9_500_000_000 + i)
        doc_cur = str(foreign_cur[i]) if foreign[i] else "EUR"
        amount_doc = round(amount / DOC_RATES[doc_cur]) if foreign[i] else amount
        is_invoice = bool(invoice[i])
        lines.append([
            b["id"], b["name"], b["cc"], code, doc_no, "1", years[doc_day], days[doc_day],
            days[doc_day - int(terms[i])] if is_invoice else days[doc_day], german_amount(amount), "EUR",
            german_amount(amount_doc), doc_cur, str(int(dunning[i])), "X" if disputed[i] else "",
            DISPUTE_REASONS[reasons[i]] if disputed[i] else "",
            f"45{(i * 7919) % 100_000_000:08d}" if is_invoice and i % 3 else "",
            f"RE{years[doc_day]}-{i % 100_000:05d}" if is_invoice else doc_no, names[texts[i]],
            b["collector"], b["country"], "", "",
        ])  # fmt: skip
    return lines, int(cents.sum())


def _write_extract(path: Path, lines: list[list[str]], totals: dict[str, int], as_of: date) -> None:
    """Title line, German header, the lines, one ``*`` total row per currency; written atomically."""
    sep, width = ";", len(CSV_COLUMNS)
    amount_at, currency_at = list(CSV_COLUMNS).index("amount"), list(CSV_COLUMNS).index("currency")
    out = [
        f"Kundeneinzelposten  Stichtag {as_of:%d.%m.%Y}" + sep * (width - 1),
        sep.join(CSV_COLUMNS.values()),
    ]
    out += [sep.join(cells) for cells in lines]
    for cur, total in sorted(totals.items()):
        cells = [""] * width
        cells[0], cells[amount_at], cells[currency_at] = "*", german_amount(total), cur
        out.append(sep.join(cells))
    text = "\r\n".join(out) + "\r\n"
    try:
        data = text.encode("cp1252")
    except UnicodeEncodeError:  # a name outside Windows-1252: UTF-8 with BOM, which the reader takes too
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


def generate_extract(
    path: Path, demo_dir: Path, *, items: int, customers: int, as_of: date, seed: int
) -> dict:
    """Write the load extract: the demo's open items plus generated ones, ``items`` lines in all.

    Generated items belong to the demo customers and to new customers (``customers`` in all) of
    the same countries and company codes, each new one owned by a collector who already works that
    country. Local currency EUR, a few items in CHF/GBP/USD document currency; about half not yet
    due; disputes, dunning levels and texts in the demo's proportions; exact total rows.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    book = _customer_book(read_master(demo_dir / "customers.csv"), customers, rng)
    demo_rows, _demo_as_of = read_demo_open_items(demo_dir)
    demo_rows = demo_rows[:items]
    totals: dict[str, int] = {}
    lines = []
    for row in demo_rows:
        cur = row.get("currency") or "EUR"
        totals[cur] = totals.get(cur, 0) + parse_german_amount(row["amount"])
        lines.append([row.get(c, "") for c in CSV_COLUMNS])
    generated, cents = _generated_lines(book, items - len(demo_rows), as_of, rng)
    totals["EUR"] = totals.get("EUR", 0) + cents
    lines += generated
    _write_extract(path, lines, totals, as_of)
    return {"lines": len(lines), "demo_lines": len(demo_rows), "customers": len({r[0] for r in lines}),
            "totals": {c: german_amount(t) for c, t in totals.items()}}  # fmt: skip


# --- the store, through the CLI ----------------------------------------------------------------


@dataclass
class Store:
    data_dir: Path
    app_dir: Path
    python: str

    @property
    def db(self) -> Path:
        return self.data_dir / "ardesk.sqlite"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "AR_DATA_DIR": str(self.data_dir), "AR_DATABASE_URL": f"sqlite:///{self.db}"}

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        started = time.perf_counter()
        proc = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [self.python, "-m", "ar_core", *args], cwd=self.app_dir, env=self.env, capture_output=True,
            text=True, check=False,
        )  # fmt: skip
        took = time.perf_counter() - started
        print(f"  python -m ar_core {' '.join(args)}: exit {proc.returncode} in {took:.1f} s", flush=True)
        if check and proc.returncode != 0:
            raise SystemExit(f"ar_core {args[0]} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc

    def build(self, items: int, customers: int, as_of: date, seed: int) -> dict:
        """Demo (``init``) plus the load extract (``import --scope full``), unless already there."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        marker = self.data_dir / "load-store.json"
        wanted = {"items": items, "customers": customers, "as_of": as_of.isoformat(), "seed": seed}
        if marker.exists() and self.db.exists():
            stored = json.loads(marker.read_text())
            if {k: stored.get(k) for k in wanted} == wanted:
                print(f"store: reusing {self.db} ({items:,} items as of {as_of:%d.%m.%Y})", flush=True)
                return stored
            raise SystemExit(
                f"{self.data_dir} holds a load store built with {stored}; give another --data-dir "
                f"(or delete it) for {wanted}"
            )
        print(f"store: building in {self.data_dir}", flush=True)
        self.cli("init")
        started = time.perf_counter()
        extract = self.data_dir / "load" / f"FBL5N_load_{items}_{as_of:%Y%m%d}.csv"
        extract.parent.mkdir(exist_ok=True)
        info = generate_extract(
            extract, self.data_dir / "demo", items=items, customers=customers, as_of=as_of, seed=seed
        )
        size_mb = extract.stat().st_size / 1e6
        print(f"  generated {extract.name}: {info['lines']:,} lines ({info['demo_lines']:,} from the demo), "
              f"{info['customers']:,} customers, {size_mb:.0f} MB in {time.perf_counter() - started:.1f} s",
              flush=True)  # fmt: skip
        proc = self.cli("import", str(extract), "--scope", "full", "--json", check=False)
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise SystemExit(
                f"import printed no JSON:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
            ) from None
        if proc.returncode != 0:
            raise SystemExit(f"import refused the load extract: {json.dumps(report['errors'][:5], indent=1)}")
        if report["rows"] != items:
            raise SystemExit(f"import stored {report['rows']} rows, expected {items}")
        extract.unlink()  # 200 MB that the store now holds
        stored = {**wanted, "snapshot_id": report["snapshot_id"], "customers_imported": report["customers"],
                  "open_totals": report["open_totals"],
                  "built_at": datetime.now(UTC).isoformat()}  # fmt: skip
        marker.write_text(json.dumps(stored, indent=2))
        return stored

    def users(self) -> dict[str, set[str]]:
        """Active users by role, from the store (read only)."""
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as con:
            rows = con.execute("SELECT username, roles FROM users WHERE active").fetchall()
        roles: dict[str, set[str]] = {}
        for name, text in rows:
            for role in text.split(","):
                roles.setdefault(role.strip(), set()).add(name)
        return roles

    def notes_stored(self, tag: str) -> dict[str, int]:
        """How often each note of this run is in the contact log."""
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)) as con:
            rows = con.execute("SELECT notes FROM contact_log WHERE notes LIKE ?", (f"%{tag}%",)).fetchall()
        found: dict[str, int] = {}
        for (text,) in rows:
            for note in re.findall(rf"{re.escape(tag)}-[0-9a-z-]+", text):
                found[note] = found.get(note, 0) + 1
        return found


# --- the server and its memory ---------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="ascii", errors="replace")
    except OSError:  # the process is gone
        return ""


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (stat := _read(f"/proc/{entry.name}/stat")):
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes together (VmRSS), MB."""
    kb = 0
    for pid in pids:
        for line in _read(f"/proc/{pid}/status").splitlines():
            if line.startswith("VmRSS:"):
                kb += int(line.split()[1])
                break
    return kb / 1024


def _cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system) these processes used so far."""
    ticks = 0
    for pid in pids:
        fields = _read(f"/proc/{pid}/stat").rsplit(")", 1)[-1].split()
        if len(fields) > 12:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _busy_s() -> float:
    """CPU seconds the whole machine was busy (all processes, all cores) since boot."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, _read("/proc/stat").split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class Sampler(threading.Thread):
    """Every second: RSS and CPU of the server's process tree and of this driver's (Playwright + Chromium).

    CPU is summed from each process's own counter between two samples, so a Chromium renderer that
    ends in between takes nothing away from what was counted before.
    """

    def __init__(self, server_pid: int) -> None:
        super().__init__(daemon=True)
        self.server_pid = server_pid
        self.samples: list[tuple[float, float, float]] = []
        self.cpu = {"server": 0.0, "driver": 0.0}
        self._last: dict[int, float] = {}
        #: name -> (sample index, time, CPU seconds of the server, of the driver, of the whole machine)
        self.phase_marks: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self._stop_event = threading.Event()

    def _sample(self) -> None:
        server = _tree(self.server_pid)
        driver = [p for p in _tree(os.getpid()) if p not in set(server)]
        with self._lock:
            for name, pids in (("server", server), ("driver", driver)):
                for pid in pids:
                    now = _cpu_s([pid])
                    self.cpu[name] += max(0.0, now - self._last.get(pid, now))
                    self._last[pid] = now
            self.samples.append((time.time(), _rss_mb(server), _rss_mb(driver)))

    def run(self) -> None:
        while not self._stop_event.is_set():
            self._sample()
            self._stop_event.wait(1.0)

    def mark(self, name: str) -> None:
        self._sample()
        with self._lock:
            self.phase_marks[name] = (len(self.samples), time.time(), self.cpu["server"], self.cpu["driver"],
                                      _busy_s())  # fmt: skip

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


@contextlib.contextmanager
def server(store: Store, today: date, log_path: Path, run_log: Path | None = None):
    """``streamlit run app.py`` on the load store; yields ``(base_url, pid)`` once healthy.

    With ``run_log`` the app writes the server-side duration of every script run there
    (``ui.run_log``).
    """
    port = free_port()
    env = {**store.env, "AR_LOGIN_SLEEP": "0", "AR_TODAY": today.isoformat()}
    if run_log is not None:
        env["AR_RUN_LOG"] = str(run_log)
    command = [store.python, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false"]  # fmt: skip
    log = log_path.open("wb")
    proc = subprocess.Popen(command, cwd=store.app_dir, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            if proc.poll() is not None:
                raise SystemExit(f"streamlit exited with {proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"streamlit did not become healthy; see {log_path}")
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


# --- the sessions --------------------------------------------------------------------------------

#: Records every change of stApp's script state with its time (ms since the epoch, this machine's
#: clock, like time.time()), so a step ends when its run ended, not when the driver got to look.
OBSERVER_JS = """
(() => {
  const state = window.__arLoad = {log: [], firstMsg: 0, lastMsg: 0};
  const push = (s) => {
    state.log.push([s, Date.now()]);
    if (state.log.length > 400) state.log.splice(0, 200);
  };
  new MutationObserver((records) => {
    const app = records.filter(r => r.target.getAttribute?.('data-testid') === 'stApp');
    for (let i = 0; i < app.length; i++) {
      push(i + 1 < app.length ? app[i + 1].oldValue : app[i].target.getAttribute('data-test-script-state'));
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
  // The server's messages too: a run so short that React never renders "running" still sends them.
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', () => { state.lastMsg = Date.now(); });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""
#: The end (ms) of the run an action at ``t0`` caused, or false while it is not over: the last
#: "running" -> "notRunning" after ``t0``; for a run React did not render as running, the last
#: server message once the socket has been quiet for 400 ms.
RUN_DONE_JS = """
(t0) => {
  const S = window.__arLoad || {log: [], lastMsg: 0};
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  let ran = false, end = null;
  for (const [s, t] of S.log) {
    if (t >= t0 && s === 'running') ran = true;
    if (ran && s === 'notRunning') end = t;
  }
  if (ran && end !== null) return end;
  if (!ran && S.lastMsg >= t0 && Date.now() - S.lastMsg > 400) return S.lastMsg;
  return false;
}
"""
LAST_END_JS = """
(t0) => {
  const S = window.__arLoad || {log: [], lastMsg: 0};
  let end = 0;
  for (const [s, t] of S.log) if (s === 'notRunning' && t >= t0) end = t;
  return end;
}
"""


class StepFailed(Exception):
    """A step that did not reach its expected state; ``kind``: exception, error alert, timeout, stuck."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    wall: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: list[dict] = field(default_factory=list)
    notes_submitted: dict[str, dict] = field(default_factory=dict)
    loops: dict[str, int] = field(default_factory=dict)


@dataclass
class Run:
    """What every session of one run shares."""

    browser: object
    base: str
    args: argparse.Namespace
    results: Results
    tag: str  #: in every note of this run, so the store can be searched for them afterwards
    shots: Path  #: screenshots of errors go here
    ready: set[int] = field(default_factory=set)
    failed: set[int] = field(default_factory=set)
    deadline: float | None = None


#: What the guard shows when a page file runs without the app around it (see ``Session.login``).
STUCK_TEXT = "Please log in on the AR Desk start page."


class Session:
    """One person in one browser context, looping the morning routine until the deadline."""

    def __init__(self, index: int, user: str, role: str, run: Run) -> None:
        self.index, self.user, self.role, self.run_ = index, user, role, run
        self.args, self.results = run.args, run.results
        self.rng = random.Random(f"{run.args.seed}-{index}")  # noqa: S311 - a load pattern, not a secret
        self.timeout_ms = int(run.args.step_timeout * 1000)
        self.page = None
        self.counter = 0
        self.measuring = False
        self.step = "login"

    # -- timing ----------------------------------------------------------------------------------

    async def timed(self, step: str, action, expected, *, record: bool = True) -> None:
        """Do ``action``; wait for the run it causes to end and ``expected`` (a locator) to show.

        An action that had to retry its input (a click on a list drawn again, a key the focus lost)
        returns when the input that got through was made: the step is timed from there, since the
        attempts before it caused no run.
        """
        page = self.page
        self.step = step
        t0 = time.time()
        deadline = t0 + self.args.step_timeout
        t0 = await action() or t0

        def left() -> float:  # the step's timeout covers all its waits together, ms
            return max(1.0, (deadline - time.time()) * 1000)

        try:
            done = await page.wait_for_function(RUN_DONE_JS, arg=t0 * 1000 - 5, timeout=left(), polling=50)
            ended_ms = await done.json_value()
            if expected is not None:
                await expected.first.wait_for(state="visible", timeout=left())
            await page.wait_for_selector(IDLE, timeout=left())
            # the expected content may come with a second run (a save reruns the page): take the last end
            ended_ms = max(ended_ms, await page.evaluate(LAST_END_JS, t0 * 1000 - 5))
        except Exception as exc:
            if "Timeout" in type(exc).__name__:
                await self._check(step)  # an exception on screen says more than the timeout
                raise StepFailed(
                    "timeout", f"{step}: not done after {self.args.step_timeout:.0f} s"
                ) from None
            raise
        wall = time.time() - t0
        await self._check(step)
        if record and self.measuring:
            self.results.latencies[step].append(max(0.0, ended_ms / 1000 - t0))
            self.results.wall[step].append(wall)

    async def _check(self, step: str) -> None:
        """An exception or an error alert on screen fails the step."""
        page = self.page
        exc = page.locator('[data-testid="stException"]')
        if await exc.count():
            raise StepFailed("exception", f"{step}: " + (await exc.first.inner_text()).strip())
        err = page.locator('[data-testid="stAlertContentError"]')
        if await err.count():
            raise StepFailed("error alert", f"{step}: " + (await err.first.inner_text()).strip())

    # -- the routine ------------------------------------------------------------------------------

    async def login(self) -> None:
        """Open the app and log in by the form (again when the cookie component's rerun wipes it)."""
        self.step = "login"
        page = self.page
        user_box = page.get_by_role("textbox", name="Username")
        logout = page.get_by_role("button", name="Log out")
        heading = page.get_by_role("heading", name="Worklist")
        stuck = page.get_by_text(STUCK_TEXT)
        await page.goto(f"{self.run_.base}{self.args.entry}", timeout=self.timeout_ms)
        first = None
        for _attempt in range(5):
            await user_box.or_(logout).or_(stuck).first.wait_for(state="visible", timeout=self.timeout_ms)
            if await stuck.count():  # a page file ran without app.py: no login form, ever
                raise StepFailed("stuck", f"login: {page.url} shows only '{STUCK_TEXT}' and no login form")
            if await logout.count():  # logged in by the cookie
                break
            await page.wait_for_selector(IDLE, timeout=self.timeout_ms)
            await page.wait_for_timeout(300)  # the cookie component's rerun rebuilds the form
            await user_box.fill(self.user)
            await page.get_by_role("textbox", name="Password").fill(PASSWORDS[self.role])
            t0 = time.time()
            first = first or t0
            await page.get_by_role("button", name="Log in").click()
            while time.time() < t0 + self.args.step_timeout:
                await self._check("login")  # a refused password is an error alert
                if await heading.is_visible() and await page.locator(IDLE).count():
                    ended = await page.evaluate(LAST_END_JS, first * 1000 - 5)
                    if self.measuring:
                        end = ended / 1000 if ended else time.time()
                        self.results.latencies["login"].append(end - first)
                        self.results.wall["login"].append(time.time() - first)
                    return
                if time.time() > t0 + 5 and await self._form_back(user_box, logout):
                    break  # the submit got lost in the cookie component's rerun: fill in and submit again
                await asyncio.sleep(0.25)
            else:
                raise StepFailed("timeout", f"login: no worklist {self.args.step_timeout:.0f} s after Log in")
        await heading.wait_for(state="visible", timeout=self.timeout_ms)
        await page.wait_for_selector(IDLE, timeout=self.timeout_ms)

    async def _form_back(self, user_box, logout) -> bool:
        """The login form is still (or again) there, the app idle: the submit did not get through."""
        if not await user_box.is_visible() or await logout.count():
            return False
        return bool(await self.page.locator(IDLE).count())

    async def nav(self, step: str, title: str, heading: str) -> None:
        link = self.page.get_by_test_id("stSidebarNavLink").filter(has_text=title)
        await self.timed(step, link.click, self.page.get_by_role("heading", name=heading))

    async def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the select box (or multiselect) ``label``: the pick is the timed action."""
        box = self.page.get_by_role("combobox", name=label, exact=True)
        choice = self.page.get_by_role("option", name=option, exact=True)
        await self.open_box(box, choice)

        async def pick() -> float | None:
            try:
                await choice.click(timeout=5000)
            except Exception as exc:  # a list drawn again under the pointer (detached): open it once more
                if "Timeout" not in type(exc).__name__:
                    raise
                await self.page.keyboard.press("Escape")
                await self.open_box(box, choice)
                retried = time.time()
                await choice.click(timeout=self.timeout_ms)
                return retried
            return None

        await self.timed("filter", pick, None)
        await self.page.keyboard.press("Escape")

    async def open_box(self, box, shown) -> None:
        """Open a select box until ``shown`` (an option locator) is visible: by the key, else a click."""
        await box.focus()
        await self.page.keyboard.press("ArrowDown")  # a click on the box does not always open it
        try:
            await shown.first.wait_for(state="visible", timeout=2000)
        except Exception as exc:  # nor does the key always: then a click (unless it opened meanwhile)
            if "Timeout" not in type(exc).__name__:
                raise
            if await box.get_attribute("aria-expanded") != "true":
                await box.click()
            await shown.first.wait_for(state="visible", timeout=self.timeout_ms)

    async def value(self, label: str) -> str:
        return await self.page.get_by_role("combobox", name=label, exact=True).input_value()

    async def toggle_today(self) -> None:
        toggle = self.page.get_by_test_id("stCheckbox").filter(has_text="Due today only")
        await self.timed("filter", toggle.locator("label").first.click, None)

    async def filter_step(self) -> None:
        """One filter change on the worklist: sort, disputes, due today, a country, the lead's portfolio."""
        self.step = "filter"
        page = self.page
        country = page.get_by_role("combobox", name="Country", exact=True)
        if not await country.is_visible():
            await page.get_by_test_id("stExpander").get_by_text("Filters", exact=True).click()
            await country.wait_for(state="visible", timeout=self.timeout_ms)
        moves = ["sort", "disputes", "today", "country"]
        move = self.rng.choice(moves + ["portfolio"] * 2 if self.role == "lead" else moves)
        if move == "sort":
            current = await self.value("Sort by")
            await self.choose("Sort by", self.rng.choice([o for o in SORTS if o != current]))
        elif move == "disputes":
            other = self.rng.choice(["with dispute", "without dispute"])
            await self.choose("Disputes", "all" if await self.value("Disputes") != "all" else other)
        elif move == "today":
            await self.toggle_today()
        elif move == "country":
            # one country at a time: pick one, and next time drop it again (the chip's remove button;
            # a Backspace in the box was lost when a redraw took the focus, and the step timed out)
            box = page.get_by_test_id("stMultiSelect").filter(has=country)
            empty = box.locator('input[placeholder="Choose options"]')
            if not await empty.count():  # the placeholder goes when a country is chosen
                remove = box.get_by_role("button", name=re.compile("^Remove "))
                await self.timed("filter", lambda: remove.first.click(timeout=self.timeout_ms), empty)
            else:
                options = page.get_by_role("option")
                await self.open_box(country, options)
                names = await self.country_names(options)
                await page.keyboard.press("Escape")
                if names:
                    await self.choose("Country", self.rng.choice(names))
                else:  # the list never showed a country (drawn again meanwhile): another filter change
                    await self.toggle_today()
        else:
            current = await self.value("Portfolio")
            await self.choose("Portfolio", self.rng.choice([o for o in PORTFOLIOS if o != current]))

    async def country_names(self, options) -> list[str]:
        """The countries an open Country list offers; read again while it shows only its own entries."""
        for _ in range(10):
            names = [o for o in await options.all_inner_texts() if o not in ("Select all", "No results")]
            if names:
                return names
            await self.page.wait_for_timeout(100)
        return []

    async def open_account(self) -> None:
        """Select a row of the worklist: the page switches to the account."""
        self.step = "account"
        page = self.page
        table = page.get_by_test_id("stDataFrame").first
        if not await table.count():  # the filters left nothing: every dispute state, then not only today's
            if await self.value("Disputes") != "all":
                await self.choose("Disputes", "all")
            if not await table.count():
                await self.toggle_today()
        rows = await page.evaluate(
            "() => { const t = document.querySelector('[data-testid=\"stDataFrame\"] table');"
            " return t ? t.querySelectorAll('tbody tr').length : 0; }"
        )
        await table.scroll_into_view_if_needed()
        row = self.rng.randrange(max(1, min(rows or 1, 10)))
        box = await table.bounding_box()
        y = box["y"] + ROW_PX + ROW_PX * row + ROW_PX / 2  # below the header row
        if y > page.viewport_size["height"] - 20:
            await page.mouse.wheel(0, y - page.viewport_size["height"] / 2)
            await page.wait_for_timeout(200)
            box = await table.bounding_box()
            y = box["y"] + ROW_PX + ROW_PX * row + ROW_PX / 2

        async def click_row_marker() -> None:
            await page.mouse.click(box["x"] + 17, y)

        await self.timed("account", click_row_marker, page.get_by_role("tab", name="Contacts"))

    async def log_call(self) -> None:
        """The contact form on the Contacts tab, with a note unique to this run."""
        self.step = "log_call"
        page = self.page
        await page.get_by_role("tab", name="Contacts").click()
        notes = page.get_by_label("Notes", exact=True)
        await notes.wait_for(state="visible", timeout=self.timeout_ms)
        note = self.next_note()
        await notes.fill(f"Called, load test: {note}")
        customer = page.url.split("customer=")[-1] if "customer=" in page.url else ""
        entry = {"user": self.user, "customer": customer, "step": "log_call", "confirmed": False}
        self.results.notes_submitted[note] = entry
        await self.timed(
            "log_call", page.get_by_role("button", name="Save contact").click,
            page.get_by_test_id("stAlertContentSuccess").filter(has_text="Contact saved"),
        )  # fmt: skip
        entry["confirmed"] = True

    async def huddle(self) -> None:
        """The lead's huddle: the page, the next case, and the agreed step recorded."""
        self.step = "huddle"
        page = self.page
        await self.nav("huddle", "Huddle", "Huddle")
        nxt = page.get_by_role("button", name="Next ▶")
        if await nxt.is_enabled():
            await self.think()
            await self.timed("huddle_next", nxt.click, page.get_by_role("heading", name=re.compile("^Case ")))
        await self.think()
        note = self.next_note()
        await page.get_by_label("Note", exact=True).fill(note)
        entry = {"user": self.user, "customer": "", "step": "huddle_step", "confirmed": False}
        self.results.notes_submitted[note] = entry
        await self.timed(
            "huddle_step", page.get_by_role("button", name="Record").click,
            page.get_by_test_id("stAlertContentSuccess").filter(has_text="recorded"),
        )  # fmt: skip
        entry["confirmed"] = True

    def next_note(self) -> str:
        self.counter += 1
        return f"{self.run_.tag}-s{self.index}-{self.counter}"

    async def think(self) -> None:
        if self.args.think > 0:
            await asyncio.sleep(self.args.think * self.rng.uniform(0.5, 1.5))

    async def routine(self) -> None:
        await self.think()
        if not await self.page.get_by_role("heading", name="Worklist").is_visible():
            await self.nav("worklist", "Worklist", "Worklist")
            await self.think()
        await self.filter_step()
        await self.think()
        await self.open_account()
        await self.think()
        await self.log_call()
        if self.role == "lead":
            await self.think()
            await self.huddle()

    # -- errors and the session's life ----------------------------------------------------------

    async def error(self, kind: str, message: str) -> None:
        n = len(self.results.errors) + 1
        shot = self.run_.shots / f"error-{n:03d}-s{self.index}-{self.step}.png"
        with contextlib.suppress(Exception):
            await self.page.screenshot(path=str(shot), full_page=True)
        self.results.errors.append({
            "session": self.index, "user": self.user, "step": self.step, "kind": kind,
            "url": self.page.url if self.page else "", "message": message[:4000],
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "screenshot": str(shot) if shot.exists() else None,
        })  # fmt: skip
        first_line = message.strip().splitlines()[0][:160] if message.strip() else ""
        print(f"  ! s{self.index} {self.user} {self.step}: {kind}: {first_line}", flush=True)

    async def start(self) -> bool:
        """Log in, up to three times (each failure is an error): False when it never worked."""
        for _ in range(3):
            try:
                await self.login()
                return True
            except StepFailed as failed:
                await self.error(failed.kind, str(failed))
            except Exception as exc:  # any failure is counted and reported
                await self.error(type(exc).__name__, str(exc))
        return False

    async def main(self, start_at: float) -> None:
        run = self.run_
        context = await run.browser.new_context(viewport={"width": 1600, "height": 1000})
        await context.add_init_script(OBSERVER_JS)
        self.page = await context.new_page()
        await asyncio.sleep(max(0.0, start_at - time.time()))
        try:
            self.measuring = True
            if not await self.start():
                run.failed.add(self.index)
                return
            run.ready.add(self.index)
            while run.deadline is None:
                await asyncio.sleep(0.2)
            loops = 0
            while time.time() < run.deadline:
                try:
                    await self.routine()
                    loops += 1
                except StepFailed as failed:
                    await self.error(failed.kind, str(failed))
                    await self.recover()
                except Exception as exc:  # a locator that never showed, a closed page, ...
                    await self.error(type(exc).__name__, str(exc))
                    await self.recover()
            self.results.loops[f"s{self.index} {self.user}"] = loops
        finally:
            await context.close()

    async def recover(self) -> None:
        """Back to a fresh worklist (a new page load; the login cookie logs in again)."""
        was, self.measuring = self.measuring, False
        try:
            with contextlib.suppress(Exception):
                await self.login()
        finally:
            self.measuring = was


#: Worklist choices the filter step picks from.
SORTS = ("Priority (rank)", "Overdue (collectable)", "Days overdue", "Open (net of credits)")
PORTFOLIOS = ("Team (all collectors)", *DEMO_COLLECTORS)
#: Height of a row of the worklist grid (and of its header), px.
ROW_PX = 35


async def warm_up(browser, base: str, server_log: Path, limit_s: float = 900) -> float:
    """Open the start page once and wait for the app's warm-up line: the seconds it took.

    A team's server is started before the morning; its warm-up (ranking the latest snapshot with
    everything the first worklist lays over it) runs at the first visit, so the sessions start on a
    warm server, as people do, and the warm-up is a figure of its own.
    """
    started = time.time()
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(base)
        while time.time() - started < limit_s:
            if b"warm-up done" in server_log.read_bytes():
                return time.time() - started
            await asyncio.sleep(0.5)
        raise SystemExit(f"no warm-up line in {server_log} after {limit_s:.0f} s")
    finally:
        await context.close()


async def drive(
    run_args: dict, users: list[tuple[str, str]], sampler: Sampler, server_log: Path | None = None
) -> dict:
    """Log every session in (staggered), then run the routine until the deadline; returns the timings."""
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian's chromium is missing: apt-get install -y chromium")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            warm_s = None
            if server_log is not None:
                warm_s = await warm_up(browser, run_args["base"], server_log)
                print(f"  warm-up (the first visit ranks the latest snapshot): {warm_s:.1f} s", flush=True)
            run = Run(browser=browser, **run_args)
            now, stagger = time.time(), run.args.stagger
            sessions = [Session(i, user, role, run) for i, (user, role) in enumerate(users)]
            tasks = [asyncio.create_task(s.main(now + i * stagger)) for i, s in enumerate(sessions)]
            limit = now + len(users) * stagger + 4 * run.args.step_timeout
            while len(run.ready) + len(run.failed) < len(users) and time.time() < limit:
                await asyncio.sleep(0.5)
            login_s = time.time() - now
            print(f"  {len(run.ready)} of {len(users)} sessions logged in after {login_s:.0f} s; "
                  f"the routine runs for {run.args.minutes:g} min", flush=True)  # fmt: skip
            sampler.mark("routine")
            started = time.time()
            run.deadline = started + run.args.minutes * 60
            await asyncio.gather(*tasks, return_exceptions=True)
            sampler.mark("end")
            return {"logged_in": len(run.ready), "login_phase_s": login_s, "routine_s": time.time() - started,
                    "warm_up_s": warm_s}  # fmt: skip
        finally:
            await browser.close()


# --- report -------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def stats(values: list[float]) -> dict:
    return {"count": len(values), "p50": pct(values, 0.5), "p95": pct(values, 0.95),
            "max": max(values) if values else None,
            "mean": statistics.fmean(values) if values else None}  # fmt: skip


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "n/a"
    return "PASS" if value <= limit else "OVER"


def _s(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"


GROUP_LABELS = {"page": "page loads", "rerun": "reruns", "save": "saves", "rerun+save": "reruns+saves"}


def latency_figures(results: Results) -> dict:
    steps = {name: stats(results.latencies[name]) for name in STEPS}
    groups = {}
    for kind in ("page", "rerun", "save"):
        values = [v for n, k in STEPS.items() if k == kind and n != "login" for v in results.latencies[n]]
        groups[kind] = stats(values)
    groups["rerun+save"] = stats(
        [v for n, k in STEPS.items() if k in ("rerun", "save") for v in results.latencies[n]]
    )
    return {"steps": steps, "groups": groups, "wall": {n: stats(v) for n, v in results.wall.items()}}


def report(results: Results, figures: dict) -> None:
    """Print the table and the verdicts; adds ``verdicts`` to ``figures``."""
    steps, groups = figures["steps"], figures["groups"]
    print()
    print(f"{'step':<14}{'kind':<7}{'count':>7}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for name, kind in STEPS.items():
        s = steps[name]
        print(f"{name:<14}{kind:<7}{s['count']:>7}{_s(s['p50']):>9}{_s(s['p95']):>9}{_s(s['max']):>9}")
    print("-" * 55)
    for kind, s in groups.items():
        print(f"{GROUP_LABELS[kind]:<21}{s['count']:>7}{_s(s['p50']):>9}{_s(s['p95']):>9}{_s(s['max']):>9}")
    print(
        "(latency: from the action to the end of the script run it caused, with the expected content shown)"
    )
    print()
    w, rss, cpu = figures["writes"], figures["server_rss_mb"], figures["cpu_cores"]
    loops = ", ".join(f"{k}: {v}" for k, v in results.loops.items())
    print(f"loops done             {sum(results.loops.values())} ({loops})")
    print(
        f"errors                 {len(results.errors)}  (goal 0)  {'PASS' if not results.errors else 'OVER'}"
    )
    kinds: dict[str, int] = {}
    for e in results.errors:
        kinds[f"{e['step']}: {e['kind']}"] = kinds.get(f"{e['step']}: {e['kind']}", 0) + 1
    for k, n in sorted(kinds.items()):
        print(f"    {n:>4} × {k}")
    print(f"writes                 {w['submitted']} submitted, {w['confirmed']} confirmed on screen, "
          f"{w['stored']} in the store ({w['unconfirmed_stored']} of them unconfirmed), "
          f"{w['duplicated']} stored twice")  # fmt: skip
    print(f"writes lost            {w['lost']}  (goal 0)  {'PASS' if not w['lost'] else 'OVER'}")
    p95, both = groups["rerun"]["p95"], groups["rerun+save"]["p95"]
    print(f"p95 rerun              {_s(p95)} s  (budget ≤ {MAX_RERUN_P95_S:g} s)  "
          f"{verdict(p95, MAX_RERUN_P95_S)}  [filter, huddle next]")  # fmt: skip
    print(f"p95 rerun incl. saves  {_s(both)} s  (budget ≤ {MAX_RERUN_P95_S:g} s)  "
          f"{verdict(both, MAX_RERUN_P95_S)}  [+ log a call, huddle step]")  # fmt: skip
    runs = figures.get("server_runs", {}).get("all", {})
    if runs.get("count"):
        print(f"server time per run    p50 {_s(runs['p50'])} s, p95 {_s(runs['p95'])} s, "
              f"max {_s(runs['max'])} s over {runs['count']} complete runs "
              "(app.py start to page end, no browser)")  # fmt: skip
        for page, s in figures["server_runs"]["pages"].items():
            print(f"    {page:<18}{s['count']:>6}  p50 {_s(s['p50'])} s  p95 {_s(s['p95'])} s")
    print(f"server RSS peak        {rss['peak']:.0f} MB (mean in the routine {rss['mean_routine']:.0f} MB)  "
          f"(budget ≤ {MAX_RSS_MB:.0f} MB)  {verdict(rss['peak'], MAX_RSS_MB)}")  # fmt: skip
    print(f"CPU in the routine     server {cpu['server']:.2f}, driver (Chromium + Playwright) "
          f"{cpu['driver']:.2f}, "
          f"other processes {cpu['others']:.2f} of {os.cpu_count()} cores; driver RSS peak "
          f"{figures['driver_rss_peak_mb']:.0f} MB")  # fmt: skip
    figures["verdicts"] = {
        "rerun_p95": verdict(p95, MAX_RERUN_P95_S),
        "rerun_incl_saves_p95": verdict(both, MAX_RERUN_P95_S),
        "server_rss": verdict(rss["peak"], MAX_RSS_MB),
        "errors": "PASS" if not results.errors else "OVER",
        "writes_lost": "PASS" if not w["lost"] else "OVER",
    }


def read_server_runs(path: Path, start: float, end: float) -> dict[str, list[float]]:
    """Seconds of the script runs that ran to their end between ``start`` and ``end`` (wall clock),
    per URL path, from the app's run log (``ui.run_log``); runs cut short by a rerun are left out."""
    runs: dict[str, list[float]] = {}
    if not path.exists():
        return runs
    for line in path.read_text(encoding="utf-8").splitlines():
        began, seconds, url_path, outcome = line.split("\t")
        if outcome == "done" and start <= float(began) <= end:
            runs.setdefault(url_path or "worklist", []).append(float(seconds))
    return runs


def server_run_figures(path: Path, sampler: Sampler) -> dict:
    """p50/p95 of the server's own time per run in the routine, per page and over all pages."""
    start = sampler.phase_marks.get("routine", (0, 0.0))[1]
    end = sampler.phase_marks.get("end", (0, time.time()))[1]
    runs = read_server_runs(path, start, end)
    return {"pages": {page: stats(v) for page, v in sorted(runs.items())},
            "all": stats([v for values in runs.values() for v in values])}  # fmt: skip


def count_writes(store: Store, results: Results, tag: str) -> dict:
    """Every note the app confirmed must be in the store's contact log (once)."""
    stored = store.notes_stored(tag)
    submitted = results.notes_submitted
    confirmed = [n for n, e in submitted.items() if e["confirmed"]]
    lost = [n for n in confirmed if n not in stored]
    return {
        "submitted": len(submitted),
        "confirmed": len(confirmed),
        "stored": sum(1 for n in submitted if n in stored),
        "unconfirmed_stored": sum(1 for n, e in submitted.items() if not e["confirmed"] and n in stored),
        "unconfirmed_missing": sum(1 for n, e in submitted.items() if not e["confirmed"] and n not in stored),
        "duplicated": sum(1 for n in submitted if stored.get(n, 0) > 1),
        "lost": len(lost),
        "lost_notes": [{"note": n, **submitted[n]} for n in lost],
    }


def machine_figures(sampler: Sampler) -> dict:
    """RSS peaks and mean, and CPU cores busy in the routine (server, driver, everything else)."""
    samples = sampler.samples
    at, t0, *cpu0 = sampler.phase_marks.get("routine", (0, 0.0, 0.0, 0.0, 0.0))
    _, t1, *cpu1 = sampler.phase_marks.get("end", (len(samples), t0, *cpu0))
    routine = samples[at:] or samples
    cores = [(b - a) / max(1e-9, t1 - t0) for a, b in zip(cpu0, cpu1, strict=True)]
    return {
        "server_rss_mb": {
            "peak": max((s[1] for s in samples), default=0.0),
            "peak_routine": max((s[1] for s in routine), default=0.0),
            "mean_routine": statistics.fmean(s[1] for s in routine) if routine else 0.0,
            "samples": len(samples),
        },
        "driver_rss_peak_mb": max((s[2] for s in samples), default=0.0),
        "cpu_cores": {
            "server": cores[0],
            "driver": cores[1],
            "others": max(0.0, cores[2] - cores[0] - cores[1]),
        },
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
    }


# --- main ---------------------------------------------------------------------------------------


def pick_users(store: Store, sessions: int) -> list[tuple[str, str]]:
    """The lead first, then the collectors in turn (from the store; the demo names as fallback)."""
    roles = store.users()
    leads = sorted(roles.get("lead", set())) or [DEMO_LEAD]
    lead = DEMO_LEAD if DEMO_LEAD in leads else leads[0]
    known = roles.get("collector", set())
    collectors = [c for c in DEMO_COLLECTORS if c in known] or sorted(known)
    if not collectors:
        raise SystemExit("the store has no active collector")
    users = [(lead, "lead")] + [(collectors[i % len(collectors)], "collector") for i in range(sessions - 1)]
    return users[:sessions]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tools.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--items", type=int, default=1_000_000, help="open items in the store (default 1,000,000)")
    p.add_argument("--customers", type=int, help="customers in the store (default items / 20)")
    p.add_argument("--sessions", type=int, default=8,
                   help="concurrent browser sessions (default 8: the lead and seven collectors)")  # fmt: skip
    p.add_argument("--minutes", type=float, default=3.0, help="how long the routine runs (default 3)")
    p.add_argument("--data-dir", type=Path, help="store folder; reused when it holds the same load store "
                   "(default: a new temporary folder, removed afterwards unless --keep)")  # fmt: skip
    p.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    p.add_argument("--app-dir", type=Path, default=ROOT,
                   help="the checkout whose app.py and ar_core run (default: this one)")  # fmt: skip
    p.add_argument("--entry", default="/", help="the URL path each session opens to log in (default /)")
    p.add_argument("--think", type=float, default=PERSON_PAUSE_S,
                   help=f"mean pause between two steps, s (default {PERSON_PAUSE_S:g}: a person's pace; "
                        "1 is a stress run)")  # fmt: skip
    p.add_argument("--stagger", type=float, default=1.0, help="seconds between two sessions' logins")
    p.add_argument("--step-timeout", type=float, default=60.0, help="a step slower than this is an error (s)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--build-only", action="store_true", help="build the store in --data-dir and stop")
    p.add_argument("--strict", action="store_true", help="exit 1 when a budget or goal is missed")
    args = p.parse_args(argv)
    if args.items < 1 or args.sessions < 1 or args.minutes <= 0:
        p.error("--items, --sessions and --minutes must be positive")
    if args.build_only and args.data_dir is None:
        p.error("--build-only needs --data-dir")
    return args


def measure(args: argparse.Namespace, store: Store, built: dict, stamp: str) -> dict:
    """Serve the store, drive the sessions, count the writes: the run's figures."""
    users = pick_users(store, args.sessions)
    print(f"sessions: {', '.join(f'{u} ({r})' for u, r in users)}", flush=True)
    shots = store.data_dir / f"load-{stamp}"
    shots.mkdir(exist_ok=True)
    results = Results()
    tag = f"load{stamp[2:8]}{stamp[9:15]}".lower()
    log_path = shots / "server.log"
    run_log = shots / "server-runs.tsv"
    with server(store, LOAD_AS_OF, log_path, run_log) as (base, pid):
        print(f"server: {base} (pid {pid}), log {log_path}", flush=True)
        sampler = Sampler(pid)
        sampler.start()
        try:
            run_args = {"base": base, "args": args, "results": results, "tag": tag, "shots": shots}
            run = asyncio.run(drive(run_args, users, sampler, log_path))
        finally:
            sampler.stop()
    config = {"items": args.items, "customers": built["customers"], "sessions": args.sessions,
              "minutes": args.minutes, "think_s": args.think, "step_timeout_s": args.step_timeout,
              "users": [u for u, _ in users], "app_dir": str(store.app_dir), "data_dir": str(store.data_dir),
              "as_of": LOAD_AS_OF.isoformat(), "cpus": os.cpu_count(), "entry": args.entry}  # fmt: skip
    figures = {"when": stamp, "config": config, "store": built, "run": run, **machine_figures(sampler),
               "writes": count_writes(store, results, tag), "loops": results.loops, "errors": results.errors,
               **latency_figures(results), "latencies_s": results.latencies,
               "server_runs": server_run_figures(run_log, sampler), "server_log": str(log_path)}  # fmt: skip
    report(results, figures)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    temporary = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="ardesk-load-")) if temporary else args.data_dir.resolve()
    customers = args.customers or max(20, args.items // 20)
    store = Store(data_dir, args.app_dir.resolve(), sys.executable)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    print(f"AR Desk load test: {args.items:,} items, {args.sessions} sessions, {args.minutes:g} min, "
          f"{args.think:g} s mean pause (app {store.app_dir}, data {data_dir})", flush=True)  # fmt: skip
    if not args.build_only and not shutil.which("chromium"):
        print("make load needs Debian's chromium: apt-get install -y chromium", file=sys.stderr)
        return 2
    try:
        started = time.perf_counter()
        built = store.build(args.items, customers, LOAD_AS_OF, args.seed)
        if args.build_only:
            print(f"store ready in {time.perf_counter() - started:.0f} s: {store.db}")
            return 0
        figures = measure(args, store, built, stamp)
        text = json.dumps(figures, indent=2, default=str)
        out = data_dir / "load-results.json"
        out.write_text(text)
        (data_dir / f"load-{stamp}" / "load-results.json").write_text(text)
        print(f"\nfigures: {out}", flush=True)
        if temporary and not args.keep:
            kept = ROOT / "test-artifacts" / f"load-results-{stamp}.json"
            kept.parent.mkdir(exist_ok=True)
            kept.write_text(text)
            print(f"figures kept in {kept} (the temporary data folder is removed; --keep keeps it)")
        missed = [k for k, v in figures["verdicts"].items() if v == "OVER"]
        return 1 if args.strict and missed else 0
    finally:
        if temporary and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
