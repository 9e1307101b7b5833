"""Reconciling a customer's list against the latest snapshot, and its outcome on the account:
one contact entry and one reconciliations row, open points as inquiry cases."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ar_core.access import Actor
from ar_core.collections.contacts import list_contacts
from ar_core.collections.lifecycle import import_snapshot
from ar_core.collections.reconciliations import open_points_as_cases, record_reconciliation
from ar_core.credit.reconciling import reconcile_customer
from ar_core.disputes import case_items, list_cases
from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.ledger.snapshot_scope import Scope
from ar_core.store.models import Reconciliation as ReconciliationRow
from tests.conftest import CONTROLLER, LEAD, item

AS_OF = date(2026, 11, 20)
MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
OTHER = Actor("c.other", "Other Collector", frozenset({"collector"}))

#: Theirs: 1800000001 as ours; 1800000002 for 250 instead of 300; a payment we have not applied;
#: 1800000003 (200.00) they have not received.
LIST = (
    b"Rechnungsnummer;Datum;Betrag;Text\n"
    b"1800000001;01.09.2026;500,00;\n"
    b"1800000002;01.09.2026;250,00;\n"
    b"ZAHLUNG 4711;15.11.2026;-100,00;Zahlung\n"
)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2026-11-25")


@pytest.fixture
def db(store, make_result):
    rows = [
        item(doc_no="1800000001", customer_id="C1", amount="500.00"),
        item(doc_no="1800000002", customer_id="C1", amount="300.00"),
        item(doc_no="1800000003", customer_id="C1", amount="200.00"),
        item(doc_no="1800000009", customer_id="C2", amount="90.00", collector="c.other"),
    ]
    import_snapshot(store, LEAD, make_result(rows, as_of=AS_OF), scope=Scope.whole_ledger())
    return store


def test_reconcile_a_csv_list(db):
    rec, problems = reconcile_customer(db, MEYER, "C1", LIST, "saldenliste.csv")
    assert problems == []
    # ours 1000.00; theirs 500 + 250 - 100 = 650.00; 350 = 200 (only ours) + 100 (only theirs) + 50
    assert (rec.our_balance, rec.their_balance, rec.difference, rec.unexplained) == (
        Decimal("1000.00"), Decimal("650.00"), Decimal("350.00"), Decimal("0.00")
    )  # fmt: skip
    assert rec.matched["doc_no"].to_list() == ["1800000001"]
    assert rec.differences.select("doc_no", "difference").rows() == [("1800000002", Decimal("50.00"))]
    assert rec.only_ours.select("doc_no", "reason").rows() == [("1800000003", "invoice_not_booked")]
    assert rec.only_theirs.select("source_row", "reason").rows() == [(4, "payment_not_applied")]


def test_reconcile_checks_read_access_and_reports_a_bad_list(db):
    with pytest.raises(PermissionDenied):
        reconcile_customer(db, OTHER, "C1", LIST, "saldenliste.csv")
    rec, problems = reconcile_customer(db, MEYER, "C1", b"nothing;here\n1;2\n", "x.csv")
    assert rec is None and problems


def test_record_reconciliation_writes_one_contact_and_one_row(db):
    rec, _ = reconcile_customer(db, MEYER, "C1", LIST, "saldenliste.csv")
    with pytest.raises(PermissionDenied):
        record_reconciliation(db, CONTROLLER, "C1", rec, "saldenliste.csv")
    rec_id = record_reconciliation(db, MEYER, "C1", rec, "saldenliste.csv")
    contacts = list_contacts(db, MEYER, "C1")
    assert contacts.height == 1
    contact = contacts.row(0, named=True)
    assert (contact["channel"], contact["outcome"]) == ("e-mail", "reached")
    assert "our balance 1,000.00 EUR, their balance 650.00 EUR, difference 350.00 EUR" in contact["notes"]
    with db.connect() as conn:
        rows = conn.execute(sa.select(ReconciliationRow)).all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.id, row.customer_id, row.our_cents, row.their_cents, row.currency, row.contact_id) == (
        rec_id, "C1", 100000, 65000, "EUR", contact["contact_id"]
    )  # fmt: skip
    summary = json.loads(row.summary)
    assert summary["only_ours"] == {"count": 1, "total": "200.00"}
    assert summary["differences"] == {"count": 1, "total": "50.00"}


def test_open_points_become_inquiry_cases(db):
    rec, _ = reconcile_customer(db, MEYER, "C1", LIST, "saldenliste.csv")
    with pytest.raises(InvalidInput) as err:
        open_points_as_cases(db, MEYER, "C1", rec, only_ours=["1800000001"])  # matched, not only ours
    assert err.value.field == "only_ours"
    with pytest.raises(InvalidInput):
        open_points_as_cases(db, MEYER, "C1", rec, only_theirs=[2])
    ids = open_points_as_cases(db, MEYER, "C1", rec, only_ours=["1800000003"], only_theirs=[4])
    assert len(ids) == 2
    cases = {c["case_id"]: c for c in list_cases(db, MEYER, status="all").iter_rows(named=True)}
    copy, clarify = cases[ids[0]], cases[ids[1]]
    assert (copy["type"], copy["reason"], clarify["type"], clarify["reason"]) == (
        "inquiry", "INVOICE_COPY", "inquiry", "CLARIFICATION"
    )  # fmt: skip
    items = case_items(db, MEYER, ids)
    assert items.select("case_id", "doc_no").rows() == [(ids[0], "1800000003")]
    # the invoice is in a case now: a second time is refused, nothing half-opened
    with pytest.raises(InvalidInput, match="already in case"):
        open_points_as_cases(db, MEYER, "C1", rec, only_ours=["1800000003"], only_theirs=[4])
    assert list_cases(db, MEYER, status="all").height == 2
