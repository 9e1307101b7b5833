"""Write-off and legal handover requests: four eyes, approval limits, history, scope, cleared in ERP."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from ar_core.access import Actor, list_audit, list_requests
from ar_core.access.approvals import set_approval_limit
from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import ApprovalRefused, InvalidInput, PermissionDenied
from ar_core.ledger.snapshot_scope import Scope
from ar_core.recovery import (
    approve_write_off,
    items_in_legal,
    list_write_offs,
    reject_write_off,
    request_write_off,
    withdraw_write_off,
    write_off_items,
    write_off_register,
    write_offs_waiting_for,
)
from ar_core.schema import item_key
from tests.conftest import ADMIN, CONTROLLER, LEAD, item

MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
SCHNEIDER = Actor("j.schneider", "Jonas Schneider", frozenset({"collector"}))
LEAD2 = Actor("p.lead", "Pia Lead", frozenset({"lead"}))
W1, W2 = date(2026, 11, 13), date(2026, 11, 20)
WHOLE = Scope.whole_ledger()


def key(doc: str) -> str:
    return item_key("1000", 2026, doc, 1)


def rows(*, drop: tuple[str, ...] = ()) -> list[dict]:
    lines = [
        item(doc_no="9001", amount="12.40", due_date=date(2026, 5, 1)),
        item(doc_no="9002", amount="7.60", due_date=date(2026, 6, 1)),
        item(doc_no="9003", amount="1250.00", due_date=date(2026, 3, 1)),
        item(doc_no="9004", amount="-30.00", doc_type="DG"),
        item(doc_no="9005", amount="40.00", currency="USD"),
        item(customer_id="0000200002", customer_name="Other GmbH", doc_no="9100", amount="55.00",
             collector="j.schneider"),
    ]  # fmt: skip
    return [r for r in lines if r["doc_no"] not in drop]


@pytest.fixture
def db(store, make_result):
    for actor in (ADMIN, LEAD, LEAD2, CONTROLLER, MEYER, SCHNEIDER):
        create_user(store, ADMIN, username=actor.username, name=actor.name, password="x" * 12,
                    roles=sorted(actor.roles))  # fmt: skip
    import_snapshot(store, LEAD, make_result(rows(), as_of=W1), scope=WHOLE)
    for who in (LEAD, LEAD2):
        for kind in ("write_off", "legal_handover"):
            set_approval_limit(store, ADMIN, who.username, kind, max_amount=Decimal("100.00"), currency="EUR")
    for kind in ("write_off", "legal_handover"):
        set_approval_limit(store, ADMIN, CONTROLLER.username, kind, max_amount=None, currency=None)
    return store


def small(db, actor=MEYER, docs=("9001", "9002"), reason="small_balance", kind="write_off") -> int:
    keys = [key(d) for d in docs]
    return request_write_off(db, actor, kind=kind, customer_id="0000100001", item_keys=keys, reason=reason,
                             evidence="Rest after short payments, not worth dunning")  # fmt: skip


def by_id(db, actor, request_id) -> dict:
    return next(r for r in list_write_offs(db, actor).iter_rows(named=True) if r["request_id"] == request_id)


def test_a_request_sums_its_items_and_waits_for_a_lead_within_the_limit(db):
    rid = small(db)
    row = by_id(db, LEAD, rid)
    assert (row["amount"], row["currency"], row["items"]) == (Decimal("20.00"), "EUR", 2)  # 12.40 + 7.60
    assert (row["status"], row["status_label"], row["reason_label"]) == ("pending", "Waiting for approval",
                                                                         "Small balance")  # fmt: skip
    assert (row["customer_name"], row["collector"], row["requested_by"]) == (
        "Müller Maschinenbau GmbH", "c.meyer", "c.meyer")  # fmt: skip
    assert write_off_items(db, MEYER, rid)["doc_no"].to_list() == ["9001", "9002"]
    # the approval request carries the amount the limits are checked against
    approval = list_requests(db, LEAD, kind="write_off").row(0, named=True)
    assert (approval["amount"], approval["currency"], approval["status"]) == (
        Decimal("20.00"),
        "EUR",
        "pending",
    )
    assert write_offs_waiting_for(db, LEAD)["request_id"].to_list() == [rid]
    assert write_offs_waiting_for(db, MEYER).is_empty()  # a collector decides nothing


def test_the_requester_cannot_approve_their_own_request(db):
    rid = small(db, actor=LEAD)
    assert write_offs_waiting_for(db, LEAD).is_empty()
    with pytest.raises(ApprovalRefused, match="four eyes"):
        approve_write_off(db, LEAD, rid)
    assert by_id(db, LEAD, rid)["status"] == "pending"
    approve_write_off(db, LEAD2, rid)
    assert (by_id(db, LEAD, rid)["status"], by_id(db, LEAD, rid)["decided_by"]) == ("approved", "p.lead")


def test_an_approver_whose_limit_is_below_the_amount_is_refused(db):
    rid = small(db, docs=("9003",), reason="uncollectable")  # 1,250.00 EUR, the leads may approve 100.00
    assert write_offs_waiting_for(db, LEAD).is_empty()
    with pytest.raises(ApprovalRefused, match=r"1250.00 EUR lies outside the approval limit of lena.lead"):
        approve_write_off(db, LEAD, rid)
    assert by_id(db, LEAD, rid)["status"] == "pending"
    assert write_offs_waiting_for(db, CONTROLLER)["request_id"].to_list() == [rid]
    approve_write_off(db, CONTROLLER, rid, "customer dissolved")
    assert by_id(db, LEAD, rid)["status"] == "approved"


def test_a_collector_cannot_approve_even_with_a_limit(db):
    set_approval_limit(db, ADMIN, SCHNEIDER.username, "write_off", max_amount=None, currency=None)
    rid = small(db)
    with pytest.raises(PermissionDenied, match="needs the role lead or controller"):
        approve_write_off(db, SCHNEIDER, rid)
    with pytest.raises(PermissionDenied):
        reject_write_off(db, SCHNEIDER, rid, "no")
    assert write_offs_waiting_for(db, SCHNEIDER).is_empty()
    assert by_id(db, LEAD, rid)["status"] == "pending"


def test_a_rejected_request_keeps_its_history_and_frees_its_items(db):
    rid = small(db)
    with pytest.raises(InvalidInput, match="say why"):
        reject_write_off(db, LEAD, rid, "  ")
    reject_write_off(db, LEAD, rid, "call the customer once more")
    row = by_id(db, MEYER, rid)
    assert (row["status"], row["decided_by"]) == ("rejected", "lena.lead")
    assert row["decision_note"] == "call the customer once more"
    again = small(db)  # the items may be asked for again; the rejected request stays listed
    assert [r["status"] for r in list_write_offs(db, LEAD).iter_rows(named=True)] == ["pending", "rejected"]
    assert again != rid
    audit = list_audit(db, ADMIN, entity="write_off_request", entity_id=rid)
    assert sorted(audit["action"].to_list()) == ["reject_write_off", "request_write_off"]
    after = json.loads(audit.filter(audit["action"] == "reject_write_off")["after"][0])
    assert after == {"status": "rejected", "note": "call the customer once more"}


def test_the_requester_may_withdraw_a_pending_request(db):
    rid = small(db)
    with pytest.raises(PermissionDenied):
        withdraw_write_off(db, LEAD, rid)
    withdraw_write_off(db, MEYER, rid, "customer paid after all")
    assert by_id(db, MEYER, rid)["status"] == "withdrawn"
    small(db)


@pytest.mark.parametrize(
    ("docs", "message"),
    [
        (("9004",), "only open invoices"),
        (("9001", "9005"), "one currency"),
        (("9999",), "not an open item of customer 0000100001"),
        ((), "choose at least one open item"),
    ],
)
def test_items_must_be_open_debits_of_the_customer_in_one_currency(db, docs, message):
    with pytest.raises(InvalidInput, match=message):
        small(db, docs=docs)
    assert list_write_offs(db, LEAD).is_empty()
    assert list_requests(db, LEAD).filter(list_requests(db, LEAD)["status"] == "pending").is_empty()


def test_an_item_in_a_pending_request_cannot_be_asked_for_twice(db):
    rid = small(db)
    with pytest.raises(InvalidInput, match=f"already in a pending or approved request: .*request {rid}"):
        small(db, docs=("9002",), kind="legal_handover", reason="insolvency")


def test_reason_kind_and_evidence_are_checked(db):
    with pytest.raises(InvalidInput, match="unknown reason"):
        small(db, reason="bored")
    with pytest.raises(InvalidInput, match="unknown kind"):
        small(db, kind="forgive")
    with pytest.raises(InvalidInput, match="evidence"):
        request_write_off(db, MEYER, kind="write_off", customer_id="0000100001", item_keys=[key("9001")],
                          reason="small_balance", evidence=" ")  # fmt: skip


def test_a_collector_asks_and_reads_only_for_their_portfolio(db):
    with pytest.raises(PermissionDenied):
        request_write_off(db, SCHNEIDER, kind="write_off", customer_id="0000100001", item_keys=[key("9001")],
                          reason="small_balance", evidence="x")  # fmt: skip
    small(db)
    assert list_write_offs(db, SCHNEIDER).is_empty()
    assert list_write_offs(db, MEYER).height == 1
    with pytest.raises(PermissionDenied):
        write_off_items(db, SCHNEIDER, 1)
    with pytest.raises(PermissionDenied):
        request_write_off(db, CONTROLLER, kind="write_off", customer_id="0000100001", item_keys=[key("9001")],
                          reason="small_balance", evidence="x")  # fmt: skip


def test_approved_requests_show_cleared_once_a_later_snapshot_no_longer_lists_their_items(db, make_result):
    wo = small(db)
    legal = small(db, docs=("9003",), kind="legal_handover", reason="insolvency")
    approve_write_off(db, LEAD, wo)
    assert items_in_legal(db) == frozenset()  # the handover is still pending
    approve_write_off(db, CONTROLLER, legal)
    assert items_in_legal(db) == {key("9003")}
    assert by_id(db, LEAD, wo)["status"] == "approved"
    # the ERP posted the write-off and moved the handed-over invoice: gone from the next extract
    import_snapshot(db, LEAD, make_result(rows(drop=("9001", "9002", "9003")), as_of=W2), scope=WHOLE)
    row = by_id(db, LEAD, wo)
    assert (row["status"], row["status_label"], row["cleared_as_of"]) == ("cleared", "Cleared in ERP", W2)
    assert by_id(db, LEAD, legal)["status"] == "cleared"
    assert items_in_legal(db) == frozenset()
    assert list_write_offs(db, LEAD, status="cleared").height == 2


def test_an_approved_request_stays_approved_while_an_item_is_still_open(db, make_result):
    wo = small(db)
    approve_write_off(db, LEAD, wo)
    import_snapshot(db, LEAD, make_result(rows(drop=("9001",)), as_of=W2), scope=WHOLE)  # 9002 still open
    assert by_id(db, LEAD, wo)["status"] == "approved"


def test_the_register_counts_approved_write_offs_by_month_reason_and_collector(db):
    first, second = small(db), small(db, docs=("9003",), reason="uncollectable")
    approve_write_off(db, LEAD, first)
    approve_write_off(db, CONTROLLER, second)
    rejected = request_write_off(db, LEAD, kind="write_off", customer_id="0000200002",
                                 item_keys=[key("9100")], reason="small_balance", evidence="x")  # fmt: skip
    reject_write_off(db, CONTROLLER, rejected, "no")
    table = write_off_register(db, LEAD)
    month = table["period"][0]
    assert table.rows() == [
        (month, "Small balance", "c.meyer", "EUR", 1, Decimal("20.00")),
        (month, "Uncollectable", "c.meyer", "EUR", 1, Decimal("1250.00")),
    ]
    assert write_off_register(db, SCHNEIDER).is_empty()


def test_a_request_whose_invoices_were_paid_meanwhile_cannot_be_approved(db, make_result):
    rid = small(db)
    import_snapshot(db, LEAD, make_result(rows(drop=("9002",)), as_of=W2), scope=WHOLE)  # 9002 paid
    with pytest.raises(
        InvalidInput,
        match=r"invoice\(s\) 9002 of request \d+ are no longer open in the snapshot of 20.11.2026",
    ):
        approve_write_off(db, LEAD, rid)
    assert by_id(db, LEAD, rid)["status"] == "pending"
    reject_write_off(db, LEAD, rid, "paid meanwhile")
    assert by_id(db, LEAD, rid)["status"] == "rejected"
