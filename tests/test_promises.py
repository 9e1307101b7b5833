"""Promises to pay: recording, permissions, and statuses decided from stored snapshots."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ar_core.access.audit import list_audit
from ar_core.collections.lifecycle import import_snapshot
from ar_core.collections.promises import (
    create_promise,
    list_promises,
    promise_frame,
    refresh_promise_statuses,
)
from ar_core.errors import ArDeskError, NotFound, PermissionDenied
from ar_core.ledger.snapshots import list_snapshots
from tests.conftest import CONTROLLER, LEAD, item
from tests.workflow_setup import MEYER, SCHNEIDER, seed

S1, S2, S3 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Promises are judged at the team's today: pinned to the last snapshot's day."""
    monkeypatch.setenv("AR_TODAY", S3.isoformat())


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def _items(*specs):
    return [item(customer_id=c, doc_no=d, amount=a, collector=None) for c, d, a in specs]


@pytest.fixture
def db(store, make_result):
    """Three weekly snapshots: C1's D1 (100) clears in week 2, C2's D3 (200) in week 3, D2 stays open."""
    seed(store)
    weeks = {
        S1: _items(("C1", "D1", "100.00"), ("C1", "D2", "50.00"), ("C2", "D3", "200.00")),
        S2: _items(("C1", "D2", "50.00"), ("C2", "D3", "200.00")),
        S3: _items(("C1", "D2", "50.00")),
    }
    for as_of, rows in weeks.items():
        import_snapshot(store, LEAD, make_result(rows, as_of=as_of))
    return store


def _sid(db, as_of: date) -> int:
    return list_snapshots(db).filter(as_of=as_of)["snapshot_id"].item()


def _promise(db, actor, customer, amount, promised, *, items=(), made=S1):
    return create_promise(
        db,
        actor,
        customer,
        amount=Decimal(amount),
        currency="EUR",
        promised_date=promised,
        items=items,
        snapshot_id=_sid(db, made),
        created_at=_at(made),
    )


def test_create_and_list(db):
    pid = _promise(
        db,
        MEYER,
        "C1",
        "100.00",
        date(2026, 11, 10),
        items=[{"doc_no": "D1", "company_code": "1000", "fiscal_year": 2026, "line_item": 1}],
    )
    frame = list_promises(db, MEYER, "C1")
    row = frame.row(0, named=True)
    assert (row["promise_id"], row["amount"], row["status"], row["status_decided_on"]) == (
        pid,
        Decimal("100.00"),
        "open",
        None,
    )
    assert row["items"] == [{"company_code": "1000", "fiscal_year": 2026, "doc_no": "D1", "line_item": 1}]
    assert row["snapshot_as_of"] == S1
    assert row["created_at"] == _at(S1)
    audit = list_audit(db, LEAD, entity="promise", entity_id=pid).row(0, named=True)
    assert (audit["actor"], audit["action"]) == ("c.meyer", "create_promise")
    assert json.loads(audit["after"])["amount"] == "100.00"


def test_default_snapshot_is_the_latest(db):
    pid = create_promise(db, MEYER, "C1", amount=Decimal("5.00"), currency="eur", promised_date=S3)
    row = promise_frame(db).filter(promise_id=pid).row(0, named=True)
    assert (row["snapshot_as_of"], row["currency"]) == (S3, "EUR")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": Decimal("0")}, "positive"),
        ({"amount": Decimal("1.001")}, "fractions of a cent"),
        ({"amount": 10.5}, "must be a Decimal"),
        ({"currency": "XXX"}, "unknown currency"),
        ({"promised_date": "2026-12-01"}, "must be a date"),
        ({"items": [{"doc_no": "D9"}]}, "not an item of customer C1"),
        (
            {"items": [{"doc_no": "D3", "company_code": "1000", "fiscal_year": 2026, "line_item": 1}]},
            "not an item",
        ),
        ({"items": [{"belnr": "D1"}]}, "unknown"),
        ({"promised_date": date(2026, 11, 19)}, "lies in the past"),
        ({"amount": Decimal("50.01")}, r"exceeds the open debits in EUR \(EUR 50\.00"),
        ({"currency": "CHF"}, r"exceeds the open debits in CHF \(CHF 0\.00"),
    ],
)
def test_bad_promises_are_refused(db, kwargs, message):
    args = {"amount": Decimal("10.00"), "currency": "EUR", "promised_date": S3, **kwargs}
    with pytest.raises(ArDeskError, match=message):
        create_promise(db, MEYER, "C1", **args)
    assert promise_frame(db).is_empty()


def test_unknown_snapshot(db):
    with pytest.raises(NotFound):
        create_promise(
            db, MEYER, "C1", amount=Decimal("1.00"), currency="EUR", promised_date=S3, snapshot_id=999
        )


def test_collectors_only_see_and_promise_for_their_own_customers(db):
    mine = _promise(db, MEYER, "C1", "10.00", S3)
    theirs = _promise(db, SCHNEIDER, "C2", "20.00", S3)
    with pytest.raises(PermissionDenied):
        _promise(db, MEYER, "C2", "10.00", S3)
    with pytest.raises(PermissionDenied):
        list_promises(db, MEYER, "C2")
    with pytest.raises(PermissionDenied):
        _promise(db, CONTROLLER, "C1", "10.00", S3)
    assert list_promises(db, MEYER)["promise_id"].to_list() == [mine]
    assert set(list_promises(db, CONTROLLER)["promise_id"]) == {mine, theirs}
    assert set(list_promises(db, LEAD)["promise_id"]) == {mine, theirs}


def test_statuses_are_decided_from_the_snapshots(db):
    d1 = [{"company_code": "1000", "fiscal_year": 2026, "doc_no": "D1", "line_item": 1}]
    d2 = [{"company_code": "1000", "fiscal_year": 2026, "doc_no": "D2", "line_item": 1}]
    d3 = [{"company_code": "1000", "fiscal_year": 2026, "doc_no": "D3", "line_item": 1}]
    kept = _promise(db, MEYER, "C1", "100.00", date(2026, 11, 10), items=d1)
    partly = _promise(db, MEYER, "C1", "150.00", date(2026, 11, 10))  # customer-level: D1's 100 cleared
    broken = _promise(db, MEYER, "C1", "50.00", date(2026, 11, 10), items=d2)
    still_open = _promise(db, MEYER, "C1", "50.00", S3, items=d2, made=S3)
    early = _promise(db, SCHNEIDER, "C2", "200.00", date(2026, 11, 18), items=d3, made=S2)

    assert refresh_promise_statuses(db, grace_days=3) == 4
    got = {
        r["promise_id"]: (r["status"], r["status_decided_on"])
        for r in promise_frame(db).iter_rows(named=True)
    }
    assert got == {
        kept: ("kept", S2),
        partly: ("partly kept", S3),  # first snapshot after 10.11. + 3 days is 20.11.
        broken: ("broken", S3),
        still_open: ("open", None),
        early: ("kept", S3),  # kept before its deadline
    }
    audit = list_audit(db, LEAD, entity="promise", entity_id=broken).row(0, named=True)
    assert (audit["actor"], audit["action"]) == ("system", "decide_promise")
    assert json.loads(audit["before"])["status"] == "open"
    assert json.loads(audit["after"]) == {
        "status": "broken",
        "status_decided_on": "2026-11-20",
        "as_of": "2026-11-20",
        "grace_days": 3,
    }
    assert refresh_promise_statuses(db, grace_days=3) == 0  # decided promises stay decided


def test_grace_days_come_from_the_settings(db):
    from ar_core.settings import set_promise_grace_days

    pid = _promise(
        db,
        MEYER,
        "C1",
        "50.00",
        date(2026, 11, 10),
        items=[{"company_code": "1000", "fiscal_year": 2026, "doc_no": "D2", "line_item": 1}],
    )
    set_promise_grace_days(db, LEAD, 10)  # deadline 20.11.: no snapshot after it yet
    assert refresh_promise_statuses(db) == 0
    assert promise_frame(db).filter(promise_id=pid)["status"].item() == "open"


def test_refresh_without_promises_or_snapshots(engine):
    assert refresh_promise_statuses(engine, grace_days=3) == 0


def test_implausible_promise_amount_is_refused(engine):
    """A typo of many digits must not reach the store (and break every worklist later)."""
    seed(engine)
    with pytest.raises(ArDeskError, match="implausibly large"):
        create_promise(
            engine, LEAD, "C1", amount=Decimal("50000000000000000.00"), currency="EUR",
            promised_date=date(2030, 1, 1),
        )  # fmt: skip
    assert list_promises(engine, LEAD).is_empty()


D2 = [{"company_code": "1000", "fiscal_year": 2026, "doc_no": "D2", "line_item": 1}]


def test_promised_date_is_today_or_later(db):
    """Today is the team's day (AR_TODAY here), not the snapshot's; a back-dated promise uses its own day."""
    pid = create_promise(db, MEYER, "C1", amount=Decimal("5.00"), currency="EUR", promised_date=S3)
    assert promise_frame(db).filter(promise_id=pid)["promised_date"].item() == S3
    with pytest.raises(ArDeskError, match=r"20\.11\.2026 or later"):
        create_promise(db, MEYER, "C1", amount=Decimal("5.00"), currency="EUR", promised_date=S2)
    # noted on paper on 06.11. for 10.11.: fine; for 05.11.: before the day it was made
    _promise(db, MEYER, "C1", "5.00", date(2026, 11, 10), made=S1)
    with pytest.raises(ArDeskError, match=r"06\.11\.2026 or later"):
        _promise(db, MEYER, "C1", "5.00", date(2026, 11, 5), made=S1)


def test_default_promised_date_is_a_week_from_today(db, monkeypatch):
    from ar_core.collections.promises import default_promised_date

    assert default_promised_date(db) == date(2026, 11, 27)
    monkeypatch.setenv("AR_TODAY", "2026-12-01")
    assert default_promised_date(db) == date(2026, 12, 8)


def test_amount_is_capped_by_open_debits_or_the_chosen_items(db):
    """On 06.11. C1 owes D1 100.00 and D2 50.00: 150.00 in all, 50.00 for D2 alone."""
    _promise(db, MEYER, "C1", "150.00", S3, made=S1)
    with pytest.raises(ArDeskError, match=r"exceeds the open debits in EUR \(EUR 150\.00 at 06\.11\.2026\)"):
        _promise(db, MEYER, "C1", "150.01", S3, made=S1)
    _promise(db, MEYER, "C1", "50.00", S3, made=S1, items=D2)
    with pytest.raises(ArDeskError, match=r"exceeds the chosen items' open amount \(EUR 50\.00"):
        _promise(db, MEYER, "C1", "50.01", S3, made=S1, items=D2)


def test_promisable_amount_rules():
    """Credits do not lower the customer's cap; chosen items count net; the document currency counts."""
    import polars as pl

    from ar_core.collections.promises import promisable_amount
    from tests.conftest import items_frame

    frame = items_frame(
        [
            item(customer_id="C1", doc_no="A", amount="100.00"),
            item(customer_id="C1", doc_no="B", amount="-30.00"),
            item(customer_id="C1", doc_no="C", amount="20.00", clearing_date=date(2026, 11, 1)),
            item(customer_id="C1", doc_no="D", amount="90.00", amount_doc="100.00", doc_currency="CHF"),
        ]
    )
    assert promisable_amount(frame, S3, "EUR") == Decimal("190.00")
    assert promisable_amount(frame, S3, "chf") == Decimal("100.00")
    chosen = [{"company_code": "1000", "fiscal_year": 2026, "doc_no": d, "line_item": 1} for d in ("A", "B")]
    assert promisable_amount(frame, S3, "EUR", chosen) == Decimal("70.00")
    assert promisable_amount(frame.filter(pl.col("doc_no") == "C"), S3, "EUR") == Decimal("0")


def test_cancel_an_open_promise_with_a_reason(db):
    from ar_core.collections.promises import cancel_promise

    pid = _promise(db, MEYER, "C1", "50.00", S3, items=D2, made=S3)
    with pytest.raises(ArDeskError, match="say why"):
        cancel_promise(db, MEYER, pid, "  ")
    with pytest.raises(PermissionDenied):
        cancel_promise(db, SCHNEIDER, pid, "not mine")
    with pytest.raises(PermissionDenied):
        cancel_promise(db, CONTROLLER, pid, "read only")
    with pytest.raises(NotFound):
        cancel_promise(db, MEYER, 999, "x")
    cancel_promise(db, MEYER, pid, " customer disputes the invoice after all ")
    row = list_promises(db, MEYER, "C1").row(0, named=True)
    assert (row["status"], row["cancelled_by"], row["cancel_reason"], row["status_decided_on"]) == (
        "cancelled",
        "c.meyer",
        "customer disputes the invoice after all",
        None,
    )
    assert row["cancelled_at"] is not None
    audit = list_audit(db, LEAD, entity="promise", entity_id=pid).row(0, named=True)
    assert (audit["actor"], audit["action"]) == ("c.meyer", "cancel_promise")
    assert json.loads(audit["before"])["status"] == "open"
    assert json.loads(audit["after"])["cancel_reason"] == "customer disputes the invoice after all"
    with pytest.raises(ArDeskError, match="only an open promise"):
        cancel_promise(db, MEYER, pid, "again")


def test_cancelled_promises_are_never_decided_broken_or_open(db):
    """A promise cancelled before its deadline stays cancelled when the snapshots would break it."""
    from ar_core.collections.promises import cancel_promise
    from ar_core.collections.team import team_worklist

    broken = _promise(db, MEYER, "C1", "50.00", date(2026, 11, 10), items=D2)
    cancelled = _promise(db, MEYER, "C1", "50.00", date(2026, 11, 10), items=D2)
    cancel_promise(db, MEYER, cancelled, "entered twice")
    assert refresh_promise_statuses(db, grace_days=3) == 1
    stored = dict(list_promises(db, LEAD).select("promise_id", "status").iter_rows())
    assert stored == {broken: "broken", cancelled: "cancelled"}
    assert promise_frame(db)["promise_id"].to_list() == [broken]  # worklist and huddle input
    frame, _ = team_worklist(db, _sid(db, S3), S3, today=S3)
    c1 = frame.filter(customer_id="C1").row(0, named=True)
    assert (c1["broken_promises"], c1["open_promise_date"]) == (1, None)

    # an open promise cancelled: the customer has no open promise any more
    later = _promise(db, MEYER, "C1", "50.00", date(2026, 11, 27), items=D2, made=S3)
    frame, _ = team_worklist(db, _sid(db, S3), S3, today=S3)
    assert frame.filter(customer_id="C1")["open_promise_date"].item() == date(2026, 11, 27)
    cancel_promise(db, MEYER, later, "customer withdrew it")
    frame, _ = team_worklist(db, _sid(db, S3), S3, today=S3)
    assert frame.filter(customer_id="C1")["open_promise_date"].item() is None


def test_call_with_a_promise_is_one_transaction(db):
    from ar_core.collections.contacts import list_contacts
    from ar_core.collections.promises import record_call

    call = {"channel": "phone", "outcome": "promise to pay", "notes": "pays Friday"}
    promise = {
        "amount": Decimal("50.00"),
        "currency": "EUR",
        "promised_date": date(2026, 11, 27),
        "items": D2,
    }
    contact_id, promise_id = record_call(db, MEYER, "C1", promise=promise, **call)
    assert list_contacts(db, MEYER, "C1")["contact_id"].to_list() == [contact_id]
    assert list_promises(db, MEYER, "C1")["promise_id"].to_list() == [promise_id]
    actions = list_audit(db, LEAD, limit=2)["action"].to_list()
    assert sorted(actions) == ["create_promise", "log_contact"]

    # a promise the rules refuse leaves no contact behind either
    with pytest.raises(ArDeskError, match="exceeds"):
        record_call(db, MEYER, "C1", promise={**promise, "amount": Decimal("50.01")}, **call)
    with pytest.raises(ArDeskError, match="needs the promised amount"):
        record_call(db, MEYER, "C1", **call)
    with pytest.raises(ArDeskError, match="outcome 'promise to pay'"):
        record_call(db, MEYER, "C1", promise=promise, channel="phone", outcome="reached")
    with pytest.raises(PermissionDenied):
        record_call(db, MEYER, "C2", promise=promise, **call)
    assert list_contacts(db, MEYER, "C1").height == 1
    assert list_promises(db, MEYER, "C1").height == 1
    # any other outcome: just the contact
    contact_id, none = record_call(db, MEYER, "C1", channel="e-mail", outcome="no answer")
    assert none is None and list_contacts(db, MEYER, "C1").height == 2
