"""Four-eyes approvals: request, approve / reject / withdraw, limits, "waiting for me", audit."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ar_core.access.actor import Actor
from ar_core.access.approvals import (
    approve,
    list_limits,
    list_requests,
    reject,
    remove_approval_limit,
    request_approval,
    set_approval_limit,
    waiting_for,
    withdraw,
)
from ar_core.access.audit import list_audit
from ar_core.access.users import create_user, set_active
from ar_core.errors import ApprovalRefused, ArDeskError, NotFound, PermissionDenied
from ar_core.store.models import ApprovalLimit, ApprovalRequest
from tests.conftest import ADMIN, CONTROLLER, LEAD

MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
OTHER_ADMIN = Actor("b.admin", "Bea Admin", frozenset({"admin"}))
TEAM = (ADMIN, OTHER_ADMIN, LEAD, CONTROLLER, MEYER)


@pytest.fixture
def db(store):
    for actor in TEAM:
        create_user(store, ADMIN, username=actor.username, name=actor.name, password="x" * 12,
                    roles=sorted(actor.roles))  # fmt: skip
    return store


def _audit(db, request_id):
    """(actor, action, before, after) of a request's audit entries, oldest first."""
    frame = list_audit(db, ADMIN, entity="approval_request", entity_id=request_id)
    return [
        (
            r["actor"],
            r["action"],
            r["before"] and json.loads(r["before"]),
            r["after"] and json.loads(r["after"]),
        )
        for r in reversed(frame.rows(named=True))
    ]


def _ids(frame):
    return frame["request_id"].to_list()


def test_write_off_within_limit_is_approved_and_audited(db):
    set_approval_limit(db, ADMIN, "lena.lead", "write_off", max_amount=Decimal("500.00"), currency="EUR")
    rid = request_approval(db, MEYER, kind="write_off", subject="0000100001", reason=" insolvent ",
                           amount=Decimal("499.99"), currency="eur")  # fmt: skip
    approve(db, LEAD, rid, note="ok")
    row = list_requests(db, LEAD).row(0, named=True)
    assert (row["request_id"], row["status"], row["amount"], row["currency"], row["reason"]) == (
        rid, "approved", Decimal("499.99"), "EUR", "insolvent",
    )  # fmt: skip
    assert (row["requested_by"], row["decided_by"], row["decision_note"]) == ("c.meyer", "lena.lead", "ok")
    assert row["decided_at"] is not None
    with db.connect() as conn:  # cents in the store
        assert conn.execute(sa.select(ApprovalRequest.amount_cents)).scalar_one() == 49999
    pending = {"kind": "write_off", "subject": "0000100001", "amount": "499.99", "currency": "EUR",
               "reason": "insolvent", "requested_by": "c.meyer", "status": "pending", "decided_by": None,
               "decision_note": None}  # fmt: skip
    assert _audit(db, rid) == [
        ("c.meyer", "request_approval", None, pending),
        ("lena.lead", "approve", pending, {**pending, "status": "approved", "decided_by": "lena.lead",
                                            "decision_note": "ok"}),
    ]  # fmt: skip
    limit_entry = list_audit(db, ADMIN, entity="approval_limit", entity_id="lena.lead:write_off").row(
        0, named=True
    )
    assert (limit_entry["actor"], limit_entry["action"], limit_entry["before"]) == (
        "root.admin", "set_approval_limit", None,
    )  # fmt: skip
    assert json.loads(limit_entry["after"]) == {"max_amount": "500.00", "currency": "EUR"}


def test_requester_cannot_approve_or_reject_own_request(db):
    set_approval_limit(db, ADMIN, "lena.lead", "refund", max_amount=None, currency=None)
    rid = request_approval(db, LEAD, kind="refund", subject="C1", reason="double payment",
                           amount=Decimal("10.00"), currency="EUR")  # fmt: skip
    with pytest.raises(ApprovalRefused, match="four eyes"):
        approve(db, LEAD, rid)
    with pytest.raises(ApprovalRefused, match="four eyes"):
        reject(db, LEAD, rid, note="no")
    assert list_requests(db, LEAD)["status"].to_list() == ["pending"]
    assert [a for _, a, _, _ in _audit(db, rid)] == ["request_approval"]  # refusals change nothing


def test_over_the_limit_and_wrong_currency_are_refused_exactly_at_the_edge(db):
    set_approval_limit(db, ADMIN, "lena.lead", "write_off", max_amount=Decimal("500.00"), currency="EUR")
    at_limit = request_approval(db, MEYER, kind="write_off", subject="C1", reason="r",
                                amount=Decimal("500.00"), currency="EUR")  # fmt: skip
    over = request_approval(db, MEYER, kind="write_off", subject="C2", reason="r",
                            amount=Decimal("500.01"), currency="EUR")  # fmt: skip
    in_chf = request_approval(db, MEYER, kind="write_off", subject="C3", reason="r",
                              amount=Decimal("1.00"), currency="CHF")  # fmt: skip
    with pytest.raises(ApprovalRefused, match="outside the approval limit"):
        approve(db, LEAD, over)
    with pytest.raises(ApprovalRefused, match="outside the approval limit"):
        reject(db, LEAD, in_chf, note="not mine")  # rejecting needs the same authority
    with pytest.raises(ApprovalRefused, match="no approval limit for write_off"):
        approve(db, CONTROLLER, at_limit)  # no limit at all
    approve(db, LEAD, at_limit)
    statuses = dict(zip(*list_requests(db, ADMIN).select("request_id", "status"), strict=True))
    assert statuses == {at_limit: "approved", over: "pending", in_chf: "pending"}


def test_unlimited_limit_with_and_without_currency(db):
    set_approval_limit(db, ADMIN, "carl.controller", "write_off", max_amount=None, currency=None)
    set_approval_limit(db, ADMIN, "lena.lead", "write_off", max_amount=None, currency="EUR")
    big_usd = request_approval(db, MEYER, kind="write_off", subject="C1", reason="r",
                               amount=Decimal("1000000000.00"), currency="USD")  # fmt: skip
    assert _ids(waiting_for(db, LEAD)) == []  # unlimited, but only in EUR
    assert _ids(waiting_for(db, CONTROLLER)) == [big_usd]
    with pytest.raises(ApprovalRefused):
        approve(db, LEAD, big_usd)
    approve(db, CONTROLLER, big_usd)
    assert list_requests(db, ADMIN, status="approved")["request_id"].to_list() == [big_usd]


def test_rejected_with_a_note_and_no_second_decision(db):
    set_approval_limit(db, ADMIN, "lena.lead", "payment_plan", max_amount=Decimal("1000"), currency="EUR")
    set_approval_limit(db, ADMIN, "carl.controller", "payment_plan", max_amount=None, currency=None)
    rid = request_approval(db, MEYER, kind="payment_plan", subject="C1", reason="6 instalments",
                           amount=Decimal("900.50"), currency="EUR")  # fmt: skip
    with pytest.raises(ArDeskError, match="why the request is rejected"):
        reject(db, LEAD, rid, note="  ")
    reject(db, LEAD, rid, note="customer broke the last plan")
    with pytest.raises(ApprovalRefused, match="already rejected"):
        approve(db, CONTROLLER, rid)
    with pytest.raises(ApprovalRefused, match="already rejected"):
        reject(db, LEAD, rid, note="again")
    with pytest.raises(ApprovalRefused, match="already rejected"):
        withdraw(db, MEYER, rid)
    row = list_requests(db, MEYER).row(0, named=True)
    assert (row["status"], row["decided_by"], row["decision_note"]) == (
        "rejected", "lena.lead", "customer broke the last plan",
    )  # fmt: skip
    (_, _, _, _), (who, action, before, after) = _audit(db, rid)
    assert (who, action, before["status"], after["status"], after["decision_note"]) == (
        "lena.lead", "reject", "pending", "rejected", "customer broke the last plan",
    )  # fmt: skip


def test_approved_request_cannot_be_decided_again(db):
    set_approval_limit(db, ADMIN, "lena.lead", "legal_handover", max_amount=None, currency=None)
    set_approval_limit(db, ADMIN, "carl.controller", "legal_handover", max_amount=None, currency=None)
    rid = request_approval(db, MEYER, kind="legal_handover", subject="C2", reason="no reaction",
                           amount=Decimal("12345.67"), currency="EUR")  # fmt: skip
    approve(db, LEAD, rid)
    for decide in (lambda: approve(db, LEAD, rid), lambda: approve(db, CONTROLLER, rid),
                   lambda: reject(db, CONTROLLER, rid, note="late")):  # fmt: skip
        with pytest.raises(ApprovalRefused, match="already approved"):
            decide()
    assert [a for _, a, _, _ in _audit(db, rid)] == ["request_approval", "approve"]


def test_withdraw_by_the_requester_only_while_pending(db):
    set_approval_limit(db, ADMIN, "lena.lead", "refund", max_amount=None, currency=None)
    rid = request_approval(
        db, MEYER, kind="refund", subject="C1", reason="r", amount=Decimal("5"), currency="EUR"
    )
    with pytest.raises(PermissionDenied):
        withdraw(db, LEAD, rid)
    withdraw(db, MEYER, rid, note="customer paid")
    assert _ids(waiting_for(db, LEAD)) == []
    with pytest.raises(ApprovalRefused, match="already withdrawn"):
        approve(db, LEAD, rid)
    with pytest.raises(ApprovalRefused, match="already withdrawn"):
        withdraw(db, MEYER, rid)
    (_, _, _, _), (who, action, before, after) = _audit(db, rid)
    assert (who, action, before["status"], after["status"], after["decided_by"], after["decision_note"]) == (
        "c.meyer", "withdraw_approval", "pending", "withdrawn", "c.meyer", "customer paid",
    )  # fmt: skip
    with pytest.raises(NotFound):
        withdraw(db, MEYER, 999999)


def test_waiting_for_lists_exactly_the_requests_one_may_decide(db):
    set_approval_limit(db, ADMIN, "lena.lead", "write_off", max_amount=Decimal("100.00"), currency="EUR")
    set_approval_limit(db, ADMIN, "lena.lead", "sop_version", max_amount=Decimal("0"), currency="EUR")
    set_approval_limit(db, ADMIN, "carl.controller", "write_off", max_amount=None, currency=None)

    def ask(who, kind, amount=None, currency=None):
        return request_approval(db, who, kind=kind, subject="S", reason="r", amount=amount, currency=currency)

    small = ask(MEYER, "write_off", Decimal("100.00"), "EUR")  # lead (at limit) and controller
    large = ask(MEYER, "write_off", Decimal("100.01"), "EUR")  # controller only
    usd = ask(MEYER, "write_off", Decimal("1.00"), "USD")  # controller only (lead's limit is EUR)
    own = ask(LEAD, "write_off", Decimal("1.00"), "EUR")  # controller only (the lead asked)
    sop = ask(MEYER, "sop_version")  # no amount: any sop_version limit, so the lead
    refund = ask(MEYER, "refund", Decimal("1.00"), "EUR")  # nobody holds a refund limit
    decided = ask(MEYER, "write_off", Decimal("2.00"), "EUR")
    approve(db, CONTROLLER, decided)
    gone = ask(MEYER, "write_off", Decimal("3.00"), "EUR")
    withdraw(db, MEYER, gone)

    assert _ids(waiting_for(db, LEAD)) == [small, sop]
    assert _ids(waiting_for(db, CONTROLLER)) == [small, large, usd, own]
    assert _ids(waiting_for(db, MEYER)) == []  # no limits
    assert _ids(waiting_for(db, ADMIN)) == []  # admin role alone is no approval limit
    assert sorted(_ids(list_requests(db, ADMIN, status="pending"))) == sorted(
        [small, large, usd, own, sop, refund]
    )
    assert set(_ids(list_requests(db, MEYER))) == {small, large, usd, sop, refund, decided, gone}  # own only


def test_deactivated_approver_is_refused_and_has_nothing_waiting(db):
    set_approval_limit(db, ADMIN, "lena.lead", "write_off", max_amount=None, currency=None)
    rid = request_approval(db, MEYER, kind="write_off", subject="C1", reason="r",
                           amount=Decimal("1.00"), currency="EUR")  # fmt: skip
    assert _ids(waiting_for(db, LEAD)) == [rid]
    set_active(db, ADMIN, "lena.lead", False)
    with pytest.raises(PermissionDenied, match="not an active user"):
        approve(db, LEAD, rid)  # the Actor still says "lead": the store is what counts
    with pytest.raises(PermissionDenied):
        reject(db, LEAD, rid, note="n")
    with pytest.raises(PermissionDenied):
        request_approval(db, LEAD, kind="refund", subject="C1", reason="r")
    assert _ids(waiting_for(db, LEAD)) == []
    assert list_requests(db, ADMIN)["status"].to_list() == ["pending"]
    with pytest.raises(ArDeskError, match="deactivated"):
        set_approval_limit(db, ADMIN, "lena.lead", "refund", max_amount=None, currency=None)


def test_limits_are_set_by_an_active_admin_only(db):
    with pytest.raises(PermissionDenied):
        set_approval_limit(db, LEAD, "lena.lead", "write_off", max_amount=None, currency=None)
    stale_admin = Actor("lena.lead", "Lena Lead", frozenset({"admin"}))  # the store says: lead only
    with pytest.raises(PermissionDenied):
        set_approval_limit(db, stale_admin, "lena.lead", "write_off", max_amount=None, currency=None)
    with pytest.raises(NotFound):
        set_approval_limit(db, ADMIN, "nobody", "write_off", max_amount=None, currency=None)
    with pytest.raises(ArDeskError, match="needs its currency"):
        set_approval_limit(db, ADMIN, "lena.lead", "write_off", max_amount=Decimal("1"), currency=None)
    with pytest.raises(ArDeskError, match="fractions of a cent"):
        set_approval_limit(db, ADMIN, "lena.lead", "write_off", max_amount=Decimal("1.005"), currency="EUR")
    with pytest.raises(ArDeskError, match="unknown approval kind"):
        set_approval_limit(db, ADMIN, "lena.lead", "bonus", max_amount=None, currency=None)

    set_approval_limit(db, ADMIN, "lena.lead", "write_off", max_amount=Decimal("100"), currency="EUR")
    set_approval_limit(
        db, OTHER_ADMIN, "lena.lead", "write_off", max_amount=Decimal("250.50"), currency="EUR"
    )
    frame = list_limits(db, LEAD, "lena.lead")
    assert frame.select("username", "kind", "max_amount", "currency", "set_by").rows() == [
        ("lena.lead", "write_off", Decimal("250.50"), "EUR", "b.admin")
    ]
    with db.connect() as conn:
        assert conn.execute(sa.select(ApprovalLimit.max_amount_cents)).scalars().all() == [25050]
    entries = list_audit(db, ADMIN, entity="approval_limit", entity_id="lena.lead:write_off")
    latest = entries.row(0, named=True)
    assert (latest["actor"], json.loads(latest["before"]), json.loads(latest["after"])) == (
        "b.admin", {"max_amount": "100.00", "currency": "EUR"}, {"max_amount": "250.50", "currency": "EUR"},
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        list_limits(db, MEYER, "lena.lead")

    remove_approval_limit(db, ADMIN, "lena.lead", "write_off")
    assert list_limits(db, ADMIN).is_empty()
    rid = request_approval(
        db, MEYER, kind="write_off", subject="C1", reason="r", amount=Decimal("1"), currency="EUR"
    )
    with pytest.raises(ApprovalRefused, match="no approval limit"):
        approve(db, LEAD, rid)


def test_bad_requests_are_refused(db):
    def ask(**kw):
        base = {
            "kind": "write_off",
            "subject": "C1",
            "reason": "r",
            "amount": Decimal("1.00"),
            "currency": "EUR",
        }
        return request_approval(db, MEYER, **{**base, **kw})

    for kw, message in [
        ({"kind": "gift"}, "unknown approval kind"),
        ({"subject": " "}, "subject"),
        ({"subject": "x" * 201}, "at most 200"),
        ({"reason": ""}, "reason"),
        ({"currency": None}, "together with its currency"),
        ({"amount": None}, "together with its currency"),
        ({"amount": 1.5}, "must be a Decimal"),
        ({"amount": Decimal("-1.00")}, "between 0"),
        ({"amount": Decimal("0.001")}, "fractions of a cent"),
        ({"currency": "EURO"}, "three-letter"),
    ]:
        with pytest.raises(ArDeskError, match=message):
            ask(**kw)
    assert list_requests(db, ADMIN).is_empty()
    unknown = Actor("ghost", "Ghost", frozenset({"admin"}))
    with pytest.raises(PermissionDenied):
        request_approval(db, unknown, kind="refund", subject="C1", reason="r")
    with pytest.raises(NotFound):
        approve(db, LEAD, 424242)
