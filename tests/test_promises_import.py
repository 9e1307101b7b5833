"""Importing a snapshot decides the open promises to pay against the clearing it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from ar_core.collections.lifecycle import import_snapshot
from ar_core.collections.promises import create_promise, list_promises
from tests.conftest import LEAD, item


def test_next_import_marks_promise_kept_or_broken(engine, make_result):
    week1 = [
        item(customer_id="K1", doc_no="1800000001", amount="500.00", due_date=date(2026, 11, 1)),
        item(customer_id="K2", doc_no="1800000002", amount="300.00", due_date=date(2026, 11, 1)),
    ]
    first = import_snapshot(engine, LEAD, make_result(week1, as_of=date(2026, 11, 13)))
    made = datetime(2026, 11, 13, 10, tzinfo=UTC)
    for customer in ("K1", "K2"):
        create_promise(
            engine,
            LEAD,
            customer,
            amount=Decimal("100.00"),
            currency="EUR",
            promised_date=date(2026, 11, 16),
            snapshot_id=first.snapshot_id,
            created_at=made,
        )
    # A week later (past 16.11. + 3 days' grace): K1's invoice is gone (paid), K2's is still open.
    week2 = [item(customer_id="K2", doc_no="1800000002", amount="300.00", due_date=date(2026, 11, 1))]
    second = import_snapshot(engine, LEAD, make_result(week2, as_of=date(2026, 11, 20)))
    assert second.promises_decided == 2
    status = dict(list_promises(engine, LEAD).select("customer_id", "status").iter_rows())
    assert status == {"K1": "kept", "K2": "broken"}


def test_account_history_is_only_for_the_own_portfolio(engine, make_result):
    import polars as pl
    import pytest

    from ar_core.access.actor import Actor
    from ar_core.errors import PermissionDenied
    from ar_core.ledger.customers import upsert_customer_master
    from ar_core.ledger.snapshots import customer_items_history

    upsert_customer_master(
        engine, LEAD, pl.DataFrame({"customer_id": ["K1", "K2"], "collector": ["c.meyer", "x.other"]})
    )
    import_snapshot(
        engine,
        LEAD,
        make_result(
            [item(customer_id="K1", doc_no="1"), item(customer_id="K2", doc_no="2", collector="x.other")]
        ),
    )
    meyer = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
    assert customer_items_history(engine, meyer, "K1")["doc_no"].to_list() == ["1"]
    with pytest.raises(PermissionDenied):
        customer_items_history(engine, meyer, "K2")


def test_removing_the_deciding_snapshot_reopens_the_promise(engine, make_result):
    from ar_core.collections.lifecycle import remove_snapshot

    week1 = [item(customer_id="K1", doc_no="1800000001", amount="500.00", due_date=date(2026, 11, 1))]
    first = import_snapshot(engine, LEAD, make_result(week1, as_of=date(2026, 11, 13)))
    create_promise(
        engine, LEAD, "K1", amount=Decimal("100.00"), currency="EUR", promised_date=date(2026, 11, 16),
        snapshot_id=first.snapshot_id, created_at=datetime(2026, 11, 13, 10, tzinfo=UTC),
    )  # fmt: skip
    # A mistaken, empty-looking extract of 20.11. makes the invoice "vanish": the promise reads as kept ...
    mistake = import_snapshot(
        engine, LEAD, make_result([item(customer_id="K9", doc_no="9")], as_of=date(2026, 11, 20))
    )
    assert list_promises(engine, LEAD)["status"].to_list() == ["kept"]
    # ... until the lead removes that snapshot: the promise is open again (no later snapshot decides it).
    remove_snapshot(engine, LEAD, mistake.snapshot_id)
    assert list_promises(engine, LEAD).select("status", "status_decided_on").row(0) == ("open", None)
