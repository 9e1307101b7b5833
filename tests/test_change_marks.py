"""The dispute cases' version (what shared caches key on) moves with every write to the cases and
their items, and only with those: a logged call leaves the cached cases alone."""

from __future__ import annotations

from datetime import date

import pytest

from ar_core.collections.contacts import log_contact
from ar_core.collections.lifecycle import import_snapshot, remove_snapshot
from ar_core.disputes import (
    add_note,
    cases_version,
    escalate_case,
    list_cases,
    move_case,
    open_case,
    reopen_case,
    resolve_case,
    update_case,
)
from ar_core.ledger.snapshot_scope import Scope
from ar_core.store import marks
from tests.conftest import COLLECTOR, LEAD, item

W1, W2 = date(2026, 11, 13), date(2026, 11, 20)
WHOLE = Scope.whole_ledger()


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2026-11-25")


def _week(*, cleared: bool = False) -> list[dict]:
    rows = [
        item(doc_no="1800000001", customer_id="C1", amount="1000.00", source_row=3),
        item(doc_no="1800000002", customer_id="C1", amount="250.00", disputed=True, dispute_reason="PRICE",
             source_row=4),
    ]  # fmt: skip
    return rows[:1] if cleared else rows


def _moves(store, write) -> bool:
    before = cases_version(store)
    write()
    return cases_version(store) != before


def test_every_case_write_moves_the_version(store, make_result):
    # the import opens the disputed item's case (the sync's bulk insert)
    assert _moves(store, lambda: import_snapshot(store, LEAD, make_result(_week(), as_of=W1), scope=WHOLE))
    case = list_cases(store, LEAD)["case_id"].item()
    steps = [
        lambda: move_case(store, COLLECTOR, case, "with resolver"),
        lambda: add_note(store, COLLECTOR, case, "sales asked"),
        lambda: update_case(store, COLLECTOR, case, resolver="Sven Sales"),
        lambda: escalate_case(store, COLLECTOR, case, to_whom="Lena Lead", reason="silent"),
        lambda: resolve_case(store, COLLECTOR, case, "partial credit", credited="100.00"),
        lambda: reopen_case(store, COLLECTOR, case, "customer rejects it"),
        lambda: open_case(store, COLLECTOR, "C1", reason="BILLING",
                          items=[{"company_code": "1000", "fiscal_year": 2026, "doc_no": "1800000001",
                                  "line_item": 1, "amount": "10.00"}]),
    ]  # fmt: skip
    for n, step in enumerate(steps):
        assert _moves(store, step), f"step {n} left the version as it was"


def test_clearing_by_an_import_and_its_removal_move_the_version(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W1), scope=WHOLE)
    second = []
    # the disputed item is gone in the next week: the sync clears it and closes the case
    assert _moves(
        store,
        lambda: second.append(import_snapshot(store, LEAD, make_result(_week(cleared=True), as_of=W2),
                                              scope=WHOLE)),
    )  # fmt: skip
    assert list_cases(store, LEAD)["status"].to_list() == ["closed"]
    snapshot_id = second[0].snapshot_id
    # removing that snapshot reopens the case and its item
    assert _moves(store, lambda: remove_snapshot(store, LEAD, snapshot_id, reason="wrong file"))
    assert list_cases(store, LEAD)["status"].to_list() == ["open"]


def test_a_logged_call_leaves_the_cases_version_alone(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W1), scope=WHOLE)
    call = lambda: log_contact(store, COLLECTOR, "C1", channel="phone", outcome="no answer")  # noqa: E731
    assert not _moves(store, call)


def test_a_mark_counts_its_writes(store):
    with store.begin() as conn:
        assert marks.current(conn, "elsewhere") == 0  # never written
        marks.advance(conn, "elsewhere")
        marks.advance(conn, "elsewhere")
        assert marks.current(conn, "elsewhere") == 2
        before = marks.current(conn, marks.DISPUTE_CASES)
        marks.advance(conn, marks.DISPUTE_CASES)  # the seeded row of the migration
        assert marks.current(conn, marks.DISPUTE_CASES) == before + 1


def test_the_customers_version_moves_with_each_master_change_and_the_portfolio_follows(store, make_result):
    import polars as pl

    from ar_core.access import own_portfolio
    from ar_core.ledger import customers_version
    from ar_core.ledger.customers import upsert_customer_master

    import_snapshot(store, LEAD, make_result(_week(), as_of=W1), scope=WHOLE)  # C1 of c.meyer
    assert own_portfolio(store, "c.meyer") == {"C1"}
    before = customers_version(store)
    upsert_customer_master(store, LEAD, pl.DataFrame({"customer_id": ["C1"], "collector": ["j.vos"]}))
    assert customers_version(store) != before
    assert own_portfolio(store, "c.meyer") == set() and own_portfolio(store, "j.vos") == {"C1"}
    # the same master again changes nothing, and the version stays
    same = customers_version(store)
    upsert_customer_master(store, LEAD, pl.DataFrame({"customer_id": ["C1"], "collector": ["j.vos"]}))
    assert customers_version(store) == same
