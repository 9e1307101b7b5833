"""Payment plans in the store: the threshold, four eyes (the proposer cannot approve, the approval
limit applies), one open plan per item, scoped reads, tracking against later snapshots until the
plan breaks and its items leave the dunning block."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ar_core.access import Actor, list_audit
from ar_core.access.approvals import set_approval_limit
from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import ApprovalRefused, InvalidInput, PermissionDenied
from ar_core.ledger.snapshot_scope import Scope
from ar_core.recovery import (
    approve_plan,
    cancel_plan,
    items_in_active_plans,
    list_plans,
    plan_instalments,
    plans_waiting_for,
    propose_plan,
    refresh_plan_statuses,
    reject_plan,
    set_plan_settings,
)
from tests.conftest import ADMIN, CONTROLLER, LEAD, item

W1, W2, W3, W4 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20), date(2026, 12, 4)
WHOLE = Scope.whole_ledger()
MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
OTHER = Actor("c.other", "Other Collector", frozenset({"collector"}))
LEAD2 = Actor("l.second", "Second Lead", frozenset({"lead"}))
A1, A2, BIG, USD = (
    "1000|2026|1800000001|1",
    "1000|2026|1800000002|1",
    "1000|2026|1800000010|1",
    "1000|2026|1800000020|1",
)


def _rows(first_left: str = "600.00") -> list[dict]:
    return [
        item(doc_no="1800000001", customer_id="C1", amount=first_left),
        item(doc_no="1800000002", customer_id="C1", amount="400.00"),
        item(doc_no="1800000010", customer_id="C1", amount="7500.00"),
        item(doc_no="1800000020", customer_id="C1", amount="50.00", currency="USD"),
        item(doc_no="1800000030", customer_id="C2", amount="900.00", collector="c.other"),
    ]


@pytest.fixture
def db(store, make_result):
    for actor in (ADMIN, LEAD, LEAD2, CONTROLLER, MEYER, OTHER):
        create_user(store, ADMIN, username=actor.username, name=actor.name, password="x" * 12,
                    roles=sorted(actor.roles))  # fmt: skip
    import_snapshot(store, LEAD, make_result(_rows(), as_of=W1), scope=WHOLE)
    return store


def _propose(db, actor=MEYER, keys=(A1, A2), **kw):
    args = {"instalments": 2, "first": date(2026, 11, 9), "every": "week", "today": W1}
    return propose_plan(db, actor, "C1", list(keys), **{**args, **kw})


def test_below_the_threshold_a_plan_is_active_at_once_and_blocks_its_items(db):
    plan_id = _propose(db)
    plans = list_plans(db, MEYER)
    row = plans.row(0, named=True)
    assert (row["plan_id"], row["status"], row["debt"], row["total"]) == (plan_id, "active", 1000, 1000)
    assert row["approval_request_id"] is None
    parts = plan_instalments(db, MEYER, plan_id)
    # 1,000.00 weekly in 2 from Monday 09.11.2026 (DE): 500.00 each
    assert parts.select("seq", "due_on", "amount").rows() == [
        (1, date(2026, 11, 9), Decimal("500.00")), (2, date(2026, 11, 16), Decimal("500.00"))]  # fmt: skip
    assert items_in_active_plans(db) == frozenset({A1, A2})
    audit = list_audit(db, ADMIN)
    assert "propose_payment_plan" in audit["action"].to_list()


def test_above_the_threshold_four_eyes_decide_and_the_proposer_cannot_approve(db):
    set_approval_limit(
        db, ADMIN, CONTROLLER.username, "payment_plan", max_amount=Decimal("10000"), currency="EUR"
    )
    set_approval_limit(db, ADMIN, LEAD.username, "payment_plan", max_amount=None, currency=None)
    set_approval_limit(db, ADMIN, LEAD2.username, "payment_plan", max_amount=Decimal("5000"), currency="EUR")
    plan_id = _propose(db, LEAD, keys=(BIG,), down=Decimal("500.00"))  # 7,500.00 > 5,000.00
    assert list_plans(db, LEAD)["status"].to_list() == ["pending_approval"]
    assert items_in_active_plans(db) == frozenset()  # not yet agreed: nothing blocked
    with pytest.raises(ApprovalRefused, match="four eyes"):
        approve_plan(db, LEAD, plan_id)
    with pytest.raises(PermissionDenied):
        approve_plan(db, MEYER, plan_id)
    with pytest.raises(ApprovalRefused, match="outside the approval limit"):
        approve_plan(db, LEAD2, plan_id)
    assert plans_waiting_for(db, LEAD)["plan_id"].to_list() == []
    assert plans_waiting_for(db, CONTROLLER)["plan_id"].to_list() == [plan_id]
    approve_plan(db, CONTROLLER, plan_id, "agreed with risk")
    row = list_plans(db, LEAD).row(0, named=True)
    assert (row["status"], row["approved_by"], row["down_payment"]) == ("active", "carl.controller", 500)
    assert items_in_active_plans(db) == frozenset({BIG})


def test_a_rejected_plan_keeps_its_history_and_frees_its_items(db):
    set_approval_limit(db, ADMIN, CONTROLLER.username, "payment_plan", max_amount=None, currency=None)
    set_plan_settings(db, LEAD, approval_threshold="500.00")
    plan_id = _propose(db)
    with pytest.raises(InvalidInput) as err:
        reject_plan(db, CONTROLLER, plan_id, " ")
    assert err.value.field == "note"
    reject_plan(db, CONTROLLER, plan_id, "down payment too small")
    assert list_plans(db, LEAD)["status"].to_list() == ["rejected"]
    assert _propose(db) != plan_id  # the items are free again


def test_refusals_name_the_field(db):
    _propose(db)
    cases = [
        ({"keys": (A1,)}, "items"),  # already in the open plan
        ({"keys": (BIG, USD)}, "items"),  # two currencies
        ({"keys": ("1000|2026|999|1",)}, "items"),  # not an open item of C1
        ({"keys": ()}, "items"),
        ({"keys": (BIG,), "first": date(2026, 11, 1)}, "first"),  # before the day agreed
        ({"keys": (BIG,), "every": "fortnight"}, "every"),
        ({"keys": (BIG,), "down": Decimal("7500.00")}, "down"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInput) as err:
            _propose(db, **kwargs)
        assert err.value.field == field, kwargs


def test_a_collector_works_only_their_portfolio(db):
    with pytest.raises(PermissionDenied):
        _propose(db, OTHER)
    plan_id = _propose(db)
    assert list_plans(db, OTHER).is_empty()
    with pytest.raises(PermissionDenied):
        plan_instalments(db, OTHER, plan_id)
    with pytest.raises(PermissionDenied):
        _propose(db, CONTROLLER, keys=(BIG,))  # a controller reads, does not propose


def test_cancel_needs_a_reason_and_the_proposer_or_a_lead(db):
    plan_id = _propose(db)
    with pytest.raises(InvalidInput):
        cancel_plan(db, MEYER, plan_id, "")
    cancel_plan(db, LEAD, plan_id, "customer paid in full instead")
    assert list_plans(db, MEYER)["status"].to_list() == ["cancelled"]
    assert items_in_active_plans(db) == frozenset()


def test_tracking_kept_then_overdue_then_broken_ends_the_block(db, make_result):
    plan_id = _propose(db)  # 500.00 due 09.11 and 16.11, grace 3 days, broken after 14
    # 13.11: item 1 paid down to 100.00 -> 500.00 paid: the first instalment is kept
    import_snapshot(db, LEAD, make_result(_rows("100.00"), as_of=W2), scope=WHOLE)
    assert refresh_plan_statuses(db) == 1
    parts = plan_instalments(db, MEYER, plan_id)
    assert parts.select("seq", "status", "covered_on").rows() == [(1, "kept", W2), (2, "open", None)]
    # 20.11: nothing more -> the second is overdue (deadline 19.11), the plan still active
    import_snapshot(db, LEAD, make_result(_rows("100.00"), as_of=W3), scope=WHOLE)
    refresh_plan_statuses(db)
    assert plan_instalments(db, MEYER, plan_id)["status"].to_list() == ["kept", "overdue"]
    assert refresh_plan_statuses(db) == 0  # nothing changed: nothing written
    # 04.12: 18 days after 16.11 -> broken; the plan no longer blocks dunning
    import_snapshot(db, LEAD, make_result(_rows("100.00"), as_of=W4), scope=WHOLE)
    refresh_plan_statuses(db)
    row = list_plans(db, MEYER).row(0, named=True)
    assert (row["status"], row["kept"], row["broken"], row["status_decided_on"]) == ("broken", 1, 1, W4)
    assert items_in_active_plans(db) == frozenset()
    assert list_plans(db, LEAD, status="broken")["customer_id"].to_list() == ["C1"]


def test_a_plan_paid_in_full_is_completed(db, make_result):
    plan_id = _propose(db)
    rest = [r for r in _rows() if r["doc_no"] not in ("1800000001", "1800000002")]
    import_snapshot(db, LEAD, make_result(rest, as_of=W3), scope=WHOLE)
    refresh_plan_statuses(db)
    assert list_plans(db, MEYER)["status"].to_list() == ["completed"]
    assert plan_instalments(db, MEYER, plan_id)["status"].to_list() == ["kept", "kept"]


def test_a_plan_approved_on_the_approvals_page_follows_its_request(db):
    from ar_core.access import approve

    set_approval_limit(db, ADMIN, CONTROLLER.username, "payment_plan", max_amount=None, currency=None)
    plan_id = _propose(db, keys=(BIG,))
    request_id = list_plans(db, LEAD)["approval_request_id"][0]
    approve(db, CONTROLLER, request_id)  # the generic four-eyes primitive, not approve_plan
    row = list_plans(db, LEAD).row(0, named=True)
    assert (row["plan_id"], row["status"], row["approved_by"]) == (plan_id, "active", "carl.controller")
    assert items_in_active_plans(db) == frozenset({BIG})
