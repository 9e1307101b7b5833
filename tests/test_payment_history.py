"""Paid invoices per customer from the snapshot register: extract dates, vanished items, scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ar_core.collections import customer_payment_history, payment_history
from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import PermissionDenied
from ar_core.ledger import Scope
from tests.conftest import LEAD, item
from tests.workflow_setup import MEYER, seed

W1, W2, W3 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)


def _i(doc, customer, amount, due, **more):
    return item(doc_no=doc, customer_id=customer, amount=amount, due_date=due, collector=None, **more)


A = _i("1", "C1", "100.00", date(2026, 10, 20))  # vanishes by W2
B = _i("2", "C1", "200.00", date(2026, 11, 1))  # open at W2, cleared 15 Nov in the W3 all-items file
C = _i("3", "C2", "300.00", date(2026, 10, 25))  # vanishes by W3
D = _i("4", "C1", "-50.00", date(2026, 10, 1))  # a credit note: never a payment
E = _i("0005", "C1", "150.00", date(2026, 11, 5))  # vanishes by W2; W3 lists "5" cleared 10 Nov
F = _i("6", "C3", "80.00", date(2026, 11, 10))  # still open
G = _i("7", "C1", "40.00", date(2026, 10, 30), clearing_date=date(2026, 11, 2))  # only in W3, cleared
H = _i("8", "C1", "60.00", date(2026, 11, 1), clearing_date=date(2026, 11, 25))  # cleared after W3


@pytest.fixture
def snaps(engine, make_result):
    seed(engine)
    ids = []
    for as_of, rows in (
        (W1, [A, B, C, D, E]),
        (W2, [B, C, F]),
        (W3, [{**B, "clearing_date": date(2026, 11, 15)},
              {**E, "doc_no": "5", "clearing_date": date(2026, 11, 10)}, F, G, H]),
    ):  # fmt: skip
        result = make_result(rows, as_of=as_of, file_name=f"FBL5N_{as_of:%Y%m%d}.txt")
        ids.append(import_snapshot(engine, LEAD, result, scope=Scope.whole_ledger()).snapshot_id)
    return engine, ids


def _rows(frame):
    return frame.select("customer_id", "doc_no", "clearing_date", "amount", "source").rows()


def test_vanished_invoices_are_dated_by_the_later_snapshot_and_extract_dates_win(snaps):
    engine, (s1, s2, s3) = snaps
    history = payment_history(engine, s3)
    assert _rows(history) == [
        ("C1", "7", date(2026, 11, 2), Decimal("40.00"), "extract"),
        ("C1", "5", date(2026, 11, 10), Decimal("150.00"), "extract"),  # not the vanished 13 Nov
        ("C1", "1", date(2026, 11, 13), Decimal("100.00"), "vanished"),
        ("C1", "2", date(2026, 11, 15), Decimal("200.00"), "extract"),  # once, not per source
        ("C2", "3", date(2026, 11, 20), Decimal("300.00"), "vanished"),
    ]  # no credit note (D), nothing open (F) or cleared after the as-of date (H)
    assert history["amount_rep"].to_list() == history["amount"].to_list()  # EUR reports in EUR
    assert history.columns[:4] == ["customer_id", "company_code", "country", "collector"]
    # what was known at W2: only the two invoices gone by then, both dated 13 Nov
    assert _rows(payment_history(engine, s2)) == [
        ("C1", "0005", W2, Decimal("150.00"), "vanished"),  # as W1 listed it
        ("C1", "1", W2, Decimal("100.00"), "vanished"),
    ]
    assert payment_history(engine, s1).is_empty()


def test_a_collector_reads_only_their_own_customers_history(snaps):
    engine, (_, _, s3) = snaps
    assert customer_payment_history(engine, MEYER, s3, "C1").height == 4
    assert _rows(customer_payment_history(engine, LEAD, s3, "C2")) == [
        ("C2", "3", W3, Decimal("300.00"), "vanished")
    ]
    with pytest.raises(PermissionDenied):
        customer_payment_history(engine, MEYER, s3, "C2")
