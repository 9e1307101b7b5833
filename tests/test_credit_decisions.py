"""Decisions over the allocation suggestions, hand-computed on a small ledger: accept → pending →
posted, reject needs a reason, split sums, refunds with four eyes, the portfolio rule, the
clearing proposal read back from its XLSX."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import fastexcel
import polars as pl
import pytest
import sqlalchemy as sa

from ar_core.access import Actor, list_audit
from ar_core.access.approvals import set_approval_limit
from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.credit.decisions import (
    accept_suggestion,
    allocation_suggestions,
    approve_refund,
    clearing_proposal,
    clearing_proposal_files,
    list_refunds,
    record_confirmation,
    reject_suggestion,
    request_refund,
    split_allocation,
    sync_posted,
)
from ar_core.errors import ApprovalRefused, InvalidInput, PermissionDenied
from ar_core.ledger.snapshot_scope import Scope
from ar_core.settings import (
    get_allocation_tolerance,
    get_refund_approval_threshold,
    set_allocation_tolerance,
    set_refund_approval_threshold,
)
from ar_core.store.db import write_transaction
from ar_core.store.models import AllocationDecision
from tests.conftest import ADMIN, CONTROLLER, LEAD, item

W1, W2, W3 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)
WHOLE = Scope.whole_ledger()
MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
OTHER = Actor("c.other", "Other Collector", frozenset({"collector"}))
LEAD2 = Actor("l.second", "Second Lead", frozenset({"lead"}))


def key(doc: str) -> str:
    return f"1000|2026|{doc.lstrip('0')}|1"


def _rows(*, drop: tuple[str, ...] = ()) -> list[dict]:
    rows = [
        # C1 (Meyer): a credit quoting its invoice, and a credit nothing fits (split by hand)
        item(doc_no="1800000001", customer_id="C1", amount="500.00"),
        item(doc_no="1600000001", customer_id="C1", amount="-500.00", doc_type="DG", reference="1800000001"),
        item(doc_no="1800000002", customer_id="C1", amount="300.00"),
        item(doc_no="1800000003", customer_id="C1", amount="200.00", doc_date=date(2026, 9, 20)),
        item(doc_no="1600000002", customer_id="C1", amount="-250.00", doc_type="DG"),
        # C2 (the other collector): one invoice of the credit's amount
        item(doc_no="1800000010", customer_id="C2", amount="700.00", collector="c.other"),
        item(doc_no="1600000010", customer_id="C2", amount="-700.00", doc_type="DG", collector="c.other"),
        # C3 (Meyer): credits only — refund candidates
        item(doc_no="1600000020", customer_id="C3", amount="-1500.00", doc_type="DG"),
        item(doc_no="1600000021", customer_id="C3", amount="-80.00", doc_type="DG"),
        # C4 (Meyer): two invoices told apart by nothing: ambiguous
        item(doc_no="1800000030", customer_id="C4", amount="100.00"),
        item(doc_no="1800000031", customer_id="C4", amount="100.00"),
        item(doc_no="1600000030", customer_id="C4", amount="-100.00", doc_type="DG"),
    ]
    return [r for r in rows if r["doc_no"] not in drop]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2026-11-25")


@pytest.fixture
def db(store, make_result):
    for actor in (ADMIN, LEAD, LEAD2, CONTROLLER, MEYER, OTHER):
        create_user(store, ADMIN, username=actor.username, name=actor.name, password="x" * 12,
                    roles=sorted(actor.roles))  # fmt: skip
    import_snapshot(store, LEAD, make_result(_rows(), as_of=W1), scope=WHOLE)
    return store


def _by_credit(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["credit_doc"]: r for r in frame.iter_rows(named=True)}


def test_the_settings_have_their_defaults_and_are_validated(db):
    assert get_allocation_tolerance(db) == Decimal("0.00")
    assert get_refund_approval_threshold(db) == Decimal("1000.00")
    set_allocation_tolerance(db, LEAD, "0.05")
    assert get_allocation_tolerance(db) == Decimal("0.05")
    with pytest.raises(InvalidInput) as err:
        set_refund_approval_threshold(db, LEAD, "-1")
    assert err.value.field == "threshold"
    with pytest.raises(PermissionDenied):
        set_allocation_tolerance(db, MEYER, "0.10")


def test_suggestions_of_the_small_ledger(db):
    rows = _by_credit(allocation_suggestions(db, LEAD))
    assert set(rows) == {"1600000001", "1600000010", "1600000030"}  # 1600000002 and C3's fit nothing
    ref = rows["1600000001"]
    assert (ref["rule"], ref["confidence"], ref["invoice_docs"], ref["amount"], ref["status"]) == (
        "reference",
        0.99,
        ["1800000001"],
        Decimal("500.00"),
        "open",
    )
    assert (rows["1600000010"]["rule"], rows["1600000010"]["confidence"]) == ("amount", 0.75)
    amb = rows["1600000030"]
    assert amb["rule"] == "ambiguous"
    assert amb["candidates"] == [["1800000030"], ["1800000031"]]
    assert amb["decided_by"] is None and amb["refund_status"] is None


def test_a_collector_sees_and_decides_only_their_portfolio(db):
    mine = allocation_suggestions(db, MEYER)
    assert set(mine["customer_id"]) == {"C1", "C4"}
    assert set(allocation_suggestions(db, OTHER)["customer_id"]) == {"C2"}
    with pytest.raises(PermissionDenied):
        accept_suggestion(db, MEYER, key("1600000010"))
    with pytest.raises(PermissionDenied):
        accept_suggestion(db, CONTROLLER, key("1600000001"))  # controllers read only


def test_accept_is_pending_until_a_later_snapshot_clears_the_credit(db, make_result):
    decision = accept_suggestion(db, MEYER, key("1600000001"))
    row = _by_credit(allocation_suggestions(db, MEYER))["1600000001"]
    assert (row["status"], row["decided_by"]) == ("accepted", "c.meyer")
    proposal = clearing_proposal(db, MEYER)
    assert proposal.select("credit_doc", "invoice_docs", "amount", "status").rows() == [
        ("1600000001", ["1800000001"], Decimal("500.00"), "pending")
    ]
    # W2: still open — the ERP has not cleared it yet
    import_snapshot(db, LEAD, make_result(_rows(), as_of=W2), scope=WHOLE)
    assert _by_credit(allocation_suggestions(db, MEYER))["1600000001"]["status"] == "pending"
    # the invoice is taken: another decision may not settle it again
    with pytest.raises(InvalidInput, match="already settled"):
        split_allocation(db, MEYER, key("1600000002"), [(key("1800000001"), Decimal("10.00"))])
    # W3: credit and invoice cleared
    out = import_snapshot(
        db, LEAD, make_result(_rows(drop=("1600000001", "1800000001")), as_of=W3), scope=WHOLE
    )
    row = _by_credit(allocation_suggestions(db, MEYER))["1600000001"]
    assert (row["status"], row["invoice_docs"], row["amount"]) == (
        "posted",
        ["1800000001"],
        Decimal("500.00"),
    )
    assert clearing_proposal(db, MEYER)["status"].to_list() == ["posted"]
    # looking back at W1, the decision is as it was taken
    assert _by_credit(allocation_suggestions(db, MEYER, as_of=W1))["1600000001"]["status"] == "accepted"
    with write_transaction(db, LEAD) as conn:  # the import marked it posted already: nothing left
        assert sync_posted(conn, LEAD, out.snapshot_id) == 0
    with db.connect() as conn:
        stored = conn.execute(sa.select(AllocationDecision).where(AllocationDecision.id == decision)).one()
    assert stored.posted_snapshot_id == out.snapshot_id
    assert json.loads(stored.allocations) == [
        {"key": key("1800000001"), "doc": "1800000001", "customer_id": "C1", "cents": 50000}
    ]
    actions = set(list_audit(db, ADMIN, entity="allocation_decision")["action"])
    assert actions == {"accepted_allocation", "post_allocation"}


def test_reject_needs_a_reason_and_shows_it(db):
    with pytest.raises(InvalidInput) as err:
        reject_suggestion(db, MEYER, key("1600000001"), "  ")
    assert err.value.field == "reason"
    reject_suggestion(db, MEYER, key("1600000001"), "credit is for the freight, not the invoice")
    row = _by_credit(allocation_suggestions(db, MEYER))["1600000001"]
    assert (row["status"], row["decision_reason"]) == (
        "rejected",
        "credit is for the freight, not the invoice",
    )
    assert clearing_proposal(db, MEYER).is_empty()
    # the latest decision counts: accepted after all
    accept_suggestion(db, MEYER, key("1600000001"))
    assert _by_credit(allocation_suggestions(db, MEYER))["1600000001"]["status"] == "accepted"


def test_ambiguous_is_accepted_only_with_one_of_its_candidates(db):
    with pytest.raises(InvalidInput) as err:
        accept_suggestion(db, MEYER, key("1600000030"))
    assert err.value.field == "invoice_keys"
    with pytest.raises(InvalidInput):
        accept_suggestion(db, MEYER, key("1600000030"), invoice_keys=[key("1800000030"), key("1800000031")])
    accept_suggestion(db, MEYER, key("1600000030"), invoice_keys=[key("1800000031")])
    row = _by_credit(allocation_suggestions(db, MEYER))["1600000030"]
    assert (row["status"], row["invoice_docs"], row["amount"]) == (
        "accepted",
        ["1800000031"],
        Decimal("100.00"),
    )


def test_split_checks_and_sums(db):
    credit = key("1600000002")  # 250.00, no suggestion
    bad = [
        ([(key("1800000002"), Decimal("0.00"))], "greater than 0"),
        ([(key("1800000003"), Decimal("200.01"))], "exceeds the open amount"),
        (
            [(key("1800000002"), Decimal("200.00")), (key("1800000003"), Decimal("60.00"))],
            "more than the credit",
        ),
        ([(key("1800000010"), Decimal("10.00"))], "not an invoice of customer C1"),
        ([(key("1600000001"), Decimal("10.00"))], "not an open invoice"),
        ([(key("1800000002"), Decimal("1.005"))], "two decimals"),
    ]
    for allocations, message in bad:
        with pytest.raises(InvalidInput, match=message) as err:
            split_allocation(db, LEAD, credit, allocations)
        assert err.value.field == "allocations"
    split_allocation(
        db, MEYER, credit, [(key("1800000002"), Decimal("150.00")), (key("1800000003"), "100.00")]
    )
    row = _by_credit(allocation_suggestions(db, MEYER))["1600000002"]
    assert (row["status"], row["invoice_docs"], row["amount"], row["residual"], row["rule"]) == (
        "split",
        ["1800000002", "1800000003"],
        Decimal("250.00"),
        Decimal("0.00"),
        "manual",
    )
    assert clearing_proposal(db, MEYER).filter(pl.col("credit_doc") == "1600000002")["amount"].to_list() == [
        Decimal("250.00")
    ]


def test_confirmation_is_noted_on_the_decision(db):
    with pytest.raises(InvalidInput, match="accept or split"):
        record_confirmation(db, MEYER, key("1600000001"), "yes, for invoice 1800000001", date(2026, 11, 10))
    decision = accept_suggestion(db, MEYER, key("1600000001"))
    with pytest.raises(InvalidInput) as err:
        record_confirmation(db, MEYER, key("1600000001"), "ok", date(2026, 12, 1))
    assert err.value.field == "on"
    record_confirmation(
        db, MEYER, key("1600000001"), "AP confirms: credit for 1800000001", date(2026, 11, 10)
    )
    with db.connect() as conn:
        row = conn.execute(sa.select(AllocationDecision).where(AllocationDecision.id == decision)).one()
    assert (row.confirmation, row.confirmed_on) == ("AP confirms: credit for 1800000001", date(2026, 11, 10))


def test_refund_below_the_threshold_is_approved_at_once(db):
    with pytest.raises(InvalidInput) as err:
        request_refund(db, MEYER, key("1600000021"), "")
    assert err.value.field == "reason"
    refund = request_refund(db, MEYER, key("1600000021"), "customer asked for the money back")
    refunds = list_refunds(db, MEYER)
    assert refunds.select("refund_id", "amount", "status", "approval_id").rows() == [
        (refund, Decimal("80.00"), "approved", None)
    ]
    with pytest.raises(InvalidInput, match="already marked"):
        request_refund(db, MEYER, key("1600000021"), "again")
    with pytest.raises(InvalidInput, match="not an open credit"):
        request_refund(db, MEYER, key("1800000002"), "an invoice")


def test_refund_above_the_threshold_waits_for_another_lead_or_controller(db):
    for who in (LEAD, LEAD2, CONTROLLER, MEYER):
        set_approval_limit(db, ADMIN, who.username, "refund", max_amount=None, currency=None)
    refund = request_refund(db, LEAD, key("1600000020"), "customer overpaid")  # 1,500.00 > 1,000.00
    assert list_refunds(db, LEAD)["status"].to_list() == ["pending"]
    # the suggestions view shows it (C3 has no suggestion, so via the refund list) — and the
    # request waits for someone else
    with pytest.raises(PermissionDenied):
        approve_refund(db, MEYER, refund)  # a collector, even with a limit
    with pytest.raises(ApprovalRefused, match="four eyes"):
        approve_refund(db, LEAD, refund)  # the requester
    approve_refund(db, CONTROLLER, refund, "checked the bank details")
    assert list_refunds(db, LEAD).select("status", "amount").rows() == [("approved", Decimal("1500.00"))]
    with pytest.raises(ApprovalRefused, match="already approved"):
        approve_refund(db, LEAD2, refund)


def test_an_allocated_credit_is_not_refunded_and_the_refund_shows_on_the_suggestion(db):
    accept_suggestion(db, MEYER, key("1600000001"))
    with pytest.raises(InvalidInput, match="allocated"):
        request_refund(db, MEYER, key("1600000001"), "customer wants cash")
    set_refund_approval_threshold(db, LEAD, "1000.00")
    request_refund(db, MEYER, key("1600000030"), "customer wants cash")
    assert _by_credit(allocation_suggestions(db, MEYER))["1600000030"]["refund_status"] == "approved"


def test_a_write_refuses_a_stale_snapshot(db, make_result, monkeypatch):
    from ar_core.credit import decisions

    real = decisions._latest
    first = real(db)
    import_snapshot(db, LEAD, make_result(_rows(), as_of=W2), scope=WHOLE)
    monkeypatch.setattr(decisions, "_latest", lambda engine: first)  # validated against W1
    with pytest.raises(InvalidInput, match="ledger changed"):
        accept_suggestion(db, MEYER, key("1600000001"))


def test_the_clearing_proposal_files_add_up(db):
    accept_suggestion(db, MEYER, key("1600000001"))
    split_allocation(db, MEYER, key("1600000002"), [(key("1800000002"), Decimal("150.25"))])
    accept_suggestion(db, OTHER, key("1600000010"))
    xlsx, csv = clearing_proposal_files(db, LEAD)
    sheet = fastexcel.read_excel(xlsx).load_sheet(0, dtypes={"Customer": "string"}).to_polars()
    assert sheet.columns[:5] == ["Company code", "Customer", "Credit document", "Invoices", "Amount"]
    body = sheet.filter(pl.col("Credit document").is_not_null())
    assert sorted(body.select("Credit document", "Amount").rows()) == [
        ("1600000001", 500.0), ("1600000002", 150.25), ("1600000010", 700.0),
    ]  # fmt: skip
    assert body["Amount"].dtype == pl.Float64  # typed numbers, not text
    totals = sheet.filter(pl.col("Company code").str.starts_with("Total"))
    assert totals.select("Company code", "Amount", "Currency").rows() == [("Total pending", 1350.25, "EUR")]
    table = pl.read_csv(io.BytesIO(csv), infer_schema=False)
    assert table["amount"].to_list() == ["500.00", "150.25", "700.00"]
    assert table.filter(pl.col("credit_doc") == "1600000002")["invoice_docs"].to_list() == ["1800000002"]
    # a collector's proposal is their portfolio's
    assert clearing_proposal(db, MEYER)["customer_id"].to_list() == ["C1", "C1"]


def test_the_csv_neutralises_formula_text(db, make_result):
    rows = [
        *_rows(),
        item(doc_no="=1+1", customer_id="C5", amount="-40.00", doc_type="DG"),
        item(doc_no="1800000040", customer_id="C5", amount="40.00"),
    ]
    import_snapshot(db, LEAD, make_result(rows, as_of=W2), scope=WHOLE)
    credit = allocation_suggestions(db, LEAD).filter(pl.col("customer_id") == "C5")["credit_key"][0]
    accept_suggestion(db, LEAD, credit)
    _, csv = clearing_proposal_files(db, LEAD)
    assert "'=1+1" in csv.decode("utf-8-sig")
