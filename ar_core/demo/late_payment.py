"""Demo insolvency and external information, made through the real services.

The insolvency story customer (Brandt Gerüstbau GmbH) is in receivership since ten days before the
latest snapshot, with its claim filed; every demo customer has a credit agency rating of the
latest snapshot's month (deterministic by customer number; the story customer scores worst);
and the courts' announcements file of that week is imported: its Brandt row matches by name and
waits in the review queue, the other announced debtors are no customers of ours.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor
from ar_core.demo.stories import story_customers
from ar_core.errors import ArDeskError
from ar_core.ledger import ledger_items, list_snapshots, open_items
from ar_core.recovery import import_announcements, import_ratings, list_insolvency_cases, open_insolvency_case
from ar_core.store.models import Customer, ExternalImport, Snapshot

#: The demo loader acts as the system, with the lead's rights (no user account: audited as ``system``).
DEMO_ACTOR = Actor("system", "System", frozenset({"lead"}))
AGENCY = "Creditreform"
#: Creditreform-style index: 100 (excellent) .. 600 (default); class by band.
CLASSES = ((150, "1"), (200, "2"), (250, "3"), (300, "4"), (350, "5"), (600, "6"))
OTHER_DEBTORS = (
    ("Amtsgericht Köln", "73 IN 288/26", "Rheinland Fensterbau GmbH", "Industriestraße 12", "50858", "Köln"),
    (
        "Rechtbank Rotterdam",
        "C/10/26/611 F",
        "De Vries Transport B.V.",
        "Havenstraat 4",
        "3011 AB",
        "Rotterdam",
    ),
)


def load_demo_late_payment(engine: sa.Engine) -> None:
    """Receivership, ratings and announcements for the demo; nothing twice (checks what exists)."""
    as_of = _latest(engine)
    if as_of is None:
        return
    stories = story_customers(engine)
    insolvent = stories.get("insolvency")
    if insolvent and list_insolvency_cases(engine, DEMO_ACTOR, customer_id=insolvent).is_empty():
        opened = as_of - timedelta(days=10)
        open_insolvency_case(
            engine, DEMO_ACTOR, insolvent, "receivership", opened, court="Amtsgericht Hamburg",
            case_number="67c IN 412/26", administrator="Dr. Katrin Vogt, Hamburg",
            claim_filed_on=opened + timedelta(days=7), claim=_open_balance(engine, insolvent, as_of),
            note="Provisional administrator appointed; claims to be filed by the end of January.",
        )  # fmt: skip
    with engine.connect() as conn:
        done = set(conn.execute(sa.select(ExternalImport.kind)).scalars())
    if "ratings" not in done:
        _raise(import_ratings(engine, DEMO_ACTOR, f"creditreform_{as_of:%Y-%m}.csv",
                              demo_ratings_file(engine, as_of, insolvent), agency=AGENCY))  # fmt: skip
    if "announcements" not in done:
        _raise(import_announcements(engine, DEMO_ACTOR, f"insolvency_announcements_{as_of:%Y-%m-%d}.csv",
                                    demo_announcements_file(engine, as_of)))  # fmt: skip


def demo_ratings_file(engine: sa.Engine, as_of: date, worst: str | None = None) -> bytes:
    """A rating per customer: score 100-400 from its number, the story customer 590 with no limit."""
    with engine.connect() as conn:
        customers = conn.execute(sa.select(Customer.customer_id, Customer.credit_limit_cents)
                                 .order_by(Customer.customer_id)).all()  # fmt: skip
    lines = ["customer_id;date;score;rating;limit;currency"]
    rated_on = as_of.replace(day=1)
    for customer_id, limit_cents in customers:
        digest = int(hashlib.sha256(customer_id.encode()).hexdigest()[:8], 16)
        score = 590 if customer_id == worst else 100 + digest % 301
        rating = next(c for top, c in CLASSES if score <= top)
        base = (limit_cents or 2_000_000) // 100
        limit = 0 if customer_id == worst else (base * (1.3 if score < 200 else 1.0 if score < 300 else 0.6))
        lines.append(f"{customer_id};{rated_on:%d.%m.%Y};{score};{rating};{int(limit) // 500 * 500},00;EUR")
    return ("\n".join(lines) + "\n").encode()


def demo_announcements_file(engine: sa.Engine, as_of: date) -> bytes:
    """The week's announcements: the insolvency story customer (as the court writes it) and two others."""
    stories = story_customers(engine)
    insolvent = stories.get("insolvency")
    postcode = getattr(Customer, "postcode", None)
    name, code = "Brandt Gerüstbau GmbH", "22113"
    if insolvent:
        with engine.connect() as conn:
            columns = [Customer.name] + ([postcode] if postcode is not None else [])
            row = conn.execute(sa.select(*columns).where(Customer.customer_id == insolvent)).first()
        name = row[0]
        code = row[1] if postcode is not None and row[1] else code
    lines = ["court;case number;debtor name;street;postcode;city;date;type"]
    day = as_of - timedelta(days=9)
    lines.append(f"Amtsgericht Hamburg;67c IN 412/26;{name.upper().replace('GMBH', 'G.m.b.H.')};"
                 f"Billstraße 80;{code};Hamburg;{day:%d.%m.%Y};vorläufige Insolvenzverwaltung")  # fmt: skip
    for court, number, debtor, street, pc, city in OTHER_DEBTORS:
        kind = "faillissement" if court.startswith("Rechtbank") else "Eröffnung"
        earlier = day - timedelta(days=2)
        lines.append(f"{court};{number};{debtor};{street};{pc};{city};{earlier:%d.%m.%Y};{kind}")
    return ("\n".join(lines) + "\n").encode()


def _latest(engine: sa.Engine) -> date | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(Snapshot.as_of))).scalar()


def _open_balance(engine: sa.Engine, customer_id: str, as_of: date) -> Decimal | None:
    """The claim filed: the customer's open balance in the latest snapshot (None without one)."""
    snaps = list_snapshots(engine).sort("as_of", "snapshot_id")
    if snaps.is_empty():
        return None
    items = open_items(ledger_items(engine, snaps["snapshot_id"][-1]), as_of)
    total = items.filter(pl.col("customer_id") == customer_id)["amount"].sum()
    return Decimal(total) if total is not None and Decimal(total) > 0 else None


def _raise(outcome: tuple) -> None:
    _import_id, problems = outcome
    if problems:
        raise ArDeskError(f"the demo's external information file has problems: {problems[0]}")
