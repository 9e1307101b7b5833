"""A tiny coaching store: three weekly snapshots (06., 13., 20.11.2026), collectors anna (C1, C2) and
ben (C3), a lead, and two contacts. The figures the tests expect are worked out in the docstrings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import sqlalchemy as sa

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.collections import log_contact
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger import Scope
from ar_core.ledger.customers import upsert_customer_master
from tests.conftest import item, items_frame

ANNA = Actor("anna", "Anna Alpha", frozenset({"collector"}))
BEN = Actor("ben", "Ben Bravo", frozenset({"collector"}))
LENA = Actor("lena", "Lena Lead", frozenset({"lead"}))
ADMIN = Actor("root", "Root Admin", frozenset({"admin"}))
S1, S2, S3 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)

#: doc -> (customer, amount, due date, the snapshots listing it)
ITEMS = {
    "A": ("C1", "1000.00", date(2026, 10, 1), (S1, S2)),  # anna: cleared in week 2
    "B": ("C1", "200.00", date(2026, 7, 1), (S1,)),  # anna: over 90 at S1, cleared in week 1
    "C": ("C2", "500.00", date(2026, 11, 10), (S1, S2, S3)),  # anna: not due at S1, overdue after
    "D": ("C3", "300.00", date(2026, 8, 1), (S1, S2, S3)),  # ben: over 90 throughout
    "E": ("C3", "50.00", date(2026, 12, 1), (S1,)),  # ben: not due, cleared in week 1
}


def seed(engine: sa.Engine, make_result, *, users: bool = True, password: str = "x" * 12) -> None:
    """Users, master, snapshots; anna calls C1 on 10.11., ben calls C3 on 17.11.

    Expected (by hand): anna week 1 cash 200, overdue 1,200 -> 1,500 (reduction -300), over 90
    200 -> 0; week 2 cash 1,000, overdue 1,500 -> 500. Ben: cash 50 then 0, overdue 300 both weeks.
    """
    if users:
        for actor in (ANNA, BEN, LENA, ADMIN):
            create_user(engine, Actor("system", "System", frozenset({"admin"})), username=actor.username,
                        name=actor.name, password=password, roles=sorted(actor.roles),
                        must_change_password=False)  # fmt: skip
    master = pl.DataFrame(
        {"customer_id": ["C1", "C2", "C3"], "name": ["Alder GmbH", "Birke B.V.", "Cedar SA"],
         "collector": ["anna", "anna", "ben"], "country": ["DE", "NL", "FR"]}
    )  # fmt: skip
    upsert_customer_master(engine, ADMIN, master)
    for n, as_of in enumerate((S1, S2, S3)):
        rows = [
            item(doc_no=f"18000000{k}", customer_id=c, amount=amount, due_date=due, collector=None,
                 customer_name=None)
            for k, (doc, (c, amount, due, held)) in enumerate(ITEMS.items()) if as_of in held
        ]  # fmt: skip
        import_snapshot(engine, ADMIN, make_result(items_frame(rows), as_of=as_of, file_name=f"w{n}.txt"),
                        scope=Scope.whole_ledger())  # fmt: skip
    noon = datetime(2026, 11, 10, 12, tzinfo=UTC)
    log_contact(engine, ANNA, "C1", channel="phone", outcome="reached", contacted_at=noon)
    log_contact(engine, BEN, "C3", channel="phone", outcome="reached", contacted_at=noon.replace(day=17))
