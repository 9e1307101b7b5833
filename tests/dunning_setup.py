"""Shared set-up for the dunning service, CLI and page tests: the workflow team and a snapshot."""

from __future__ import annotations

from contextlib import suppress
from datetime import date

import polars as pl

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.customers import upsert_customer_master
from tests.conftest import ADMIN, item, items_frame
from tests.conftest import LEAD as ADMIN_LEAD
from tests.workflow_setup import CUSTOMERS, seed

AS_OF = date(2026, 11, 20)


def key(doc: str) -> str:
    return f"1000|2026|{doc}|1"


def seed_dunning(engine, make_result, *, users: bool = True) -> None:
    """C1 (Meyer, DE): A 10 days overdue (level 1), B 40 days, credit CR; C2 (Schneider, DE): D 30 days,
    E disputed in the ERP; C3 (Meyer): F 3 days only (no level yet)."""
    if users:
        seed(engine)
    else:  # the users exist (a page test's, ready to log in): only the customer master
        master = pl.DataFrame(
            {
                "customer_id": list(CUSTOMERS),
                "name": [f"Customer {c}" for c in CUSTOMERS],
                "collector": list(CUSTOMERS.values()),
                "country": ["DE"] * len(CUSTOMERS),
            }
        )
        upsert_customer_master(engine, ADMIN, master)
    rows = [
        item(customer_id="C1", doc_no="A", due_date=date(2026, 11, 10), amount="1000.00"),
        item(customer_id="C1", doc_no="B", due_date=date(2026, 10, 11), amount="500.00"),
        item(customer_id="C1", doc_no="CR", doc_type="DG", due_date=date(2026, 11, 1), amount="-200.00"),
        item(customer_id="C1", doc_no="N", due_date=date(2026, 12, 20), amount="300.00"),
        item(
            customer_id="C2",
            doc_no="D",
            due_date=date(2026, 10, 21),
            amount="800.00",
            collector="j.schneider",
        ),
        item(
            customer_id="C2",
            doc_no="E",
            due_date=date(2026, 10, 21),
            amount="90.00",
            disputed=True,
            collector="j.schneider",
        ),
        item(customer_id="C3", doc_no="F", due_date=date(2026, 11, 17), amount="70.00"),
    ]
    import_snapshot(engine, ADMIN, make_result(items_frame(rows), as_of=AS_OF))
    second_half_rates(engine)


def second_half_rates(engine) -> None:
    """The rates of the second half of 2026 where the shipped table does not have them yet (the
    first half's, so the tests compute interest up to today)."""
    from ar_core.errors import InvalidInput
    from ar_core.recovery import add_rate, load_rate_table

    table = load_rate_table(engine)
    for kind in ("de_base", "nl_commercial", "ecb_reference"):
        with suppress(InvalidInput):  # shipped meanwhile
            add_rate(
                engine,
                ADMIN_LEAD,
                kind,
                date(2026, 7, 1),
                table.rate_on(kind, date(2026, 6, 30)),
                source="test: first half's rate",
            )
