"""Second voice: escalating a customer, access for the receiver, resolving."""

from __future__ import annotations

import json

import pytest

from ar_core.access.actor import Actor
from ar_core.access.audit import list_audit
from ar_core.access.scope import check_customer_access, escalated_to, readable_customers, visible_customers
from ar_core.access.users import create_user, set_roles
from ar_core.collections.contacts import list_contacts, log_contact
from ar_core.collections.escalations import escalate, escalation_frame, escalation_targets, resolve
from ar_core.errors import ArDeskError, NotFound, PermissionDenied
from tests.conftest import ADMIN, CONTROLLER, LEAD
from tests.workflow_setup import MEYER, SCHNEIDER, seed


@pytest.fixture
def db(store):
    seed(store)
    return store


def test_escalate_to_a_senior_gives_access_until_resolved(db):
    with pytest.raises(PermissionDenied):
        list_contacts(db, MEYER, "C2")
    eid = escalate(db, SCHNEIDER, "C2", to_username="c.meyer", reason=" refuses to talk to me ")
    frame = escalation_frame(db)
    assert frame.select("escalation_id", "customer_id", "from_user", "to_user", "reason").rows() == [
        (eid, "C2", "j.schneider", "c.meyer", "refuses to talk to me")
    ]
    assert escalated_to(db, "c.meyer") == {"C2"}
    assert escalated_to(db, "j.schneider") == set()
    assert "C2" not in (visible_customers(db, MEYER) or set())  # the portfolio itself is unchanged
    assert readable_customers(db, MEYER) == {"C1", "C2", "C3"}
    # the senior sees the history and can log the second-voice call
    log_contact(db, MEYER, "C2", channel="phone", outcome="promise to pay")
    assert list_contacts(db, MEYER, "C2").height == 1

    resolve(db, MEYER, eid, "customer pays Friday")
    assert escalation_frame(db).is_empty()
    assert escalated_to(db, "c.meyer") == set()
    with pytest.raises(PermissionDenied):
        check_customer_access(db, MEYER, "C2", write=False)
    entry = list_audit(db, LEAD, entity="escalation", entity_id=eid).row(0, named=True)
    assert (entry["actor"], entry["action"]) == ("c.meyer", "resolve_escalation")
    assert json.loads(entry["after"])["resolution_note"] == "customer pays Friday"


def test_escalation_rules(db):
    with pytest.raises(PermissionDenied):  # not my customer
        escalate(db, MEYER, "C2", to_username="lena.lead", reason="x")
    with pytest.raises(ArDeskError, match="somebody else"):
        escalate(db, MEYER, "C1", to_username="c.meyer", reason="x")
    with pytest.raises(ArDeskError, match="say why"):
        escalate(db, MEYER, "C1", to_username="lena.lead", reason="  ")
    with pytest.raises(ArDeskError, match="neither a lead nor a collector"):
        escalate(db, MEYER, "C1", to_username="carl.controller", reason="x")
    with pytest.raises(NotFound):
        escalate(db, MEYER, "C1", to_username="nobody", reason="x")
    with pytest.raises(PermissionDenied):
        escalate(db, CONTROLLER, "C1", to_username="lena.lead", reason="x")
    eid = escalate(db, MEYER, "C1", to_username="lena.lead", reason="legal?")
    with pytest.raises(ArDeskError, match=r"already escalated to lena\.lead"):
        escalate(db, MEYER, "C1", to_username="j.schneider", reason="again")
    with pytest.raises(PermissionDenied):
        resolve(db, SCHNEIDER, eid, "not mine")
    with pytest.raises(ArDeskError, match="note what was agreed"):
        resolve(db, LEAD, eid, "")
    resolve(db, LEAD, eid, "handed to legal review")
    with pytest.raises(ArDeskError, match="already resolved"):
        resolve(db, MEYER, eid, "again")
    with pytest.raises(NotFound):
        resolve(db, LEAD, 999, "x")


def test_inactive_users_cannot_receive(engine):
    seed(engine)
    create_user(engine, ADMIN, username="old.hand", name="Old", password="x" * 12, roles=["collector"])
    from ar_core.access.users import set_active

    set_active(engine, ADMIN, "old.hand", False)
    with pytest.raises(NotFound, match="no active user"):
        escalate(engine, MEYER, "C1", to_username="old.hand", reason="x")


def test_a_user_without_roles_reads_nothing(engine):
    seed(engine)
    nobody = Actor("x", "X", frozenset())
    assert readable_customers(engine, nobody) == frozenset()
    with pytest.raises(PermissionDenied):
        check_customer_access(engine, nobody, "C1", write=False)


def test_escalation_targets_show_roles_and_only_who_may_receive(engine):
    """Leads and collectors (not controllers or admins), never oneself or the customer's own collector."""
    seed(engine)
    create_user(engine, ADMIN, username="ada", name="Ada Admin", password="x" * 12, roles=["admin"])
    create_user(
        engine, ADMIN, username="tl", name="Team Lead", password="x" * 12, roles=["collector", "lead"]
    )
    rows = lambda frame: frame.select("username", "name", "role").rows()  # noqa: E731
    assert rows(escalation_targets(engine, MEYER)) == [
        ("lena.lead", "Lena Lead", "lead"),
        ("tl", "Team Lead", "lead"),
        ("j.schneider", "Jonas Schneider", "collector"),
    ]
    assert rows(escalation_targets(engine, LEAD, "C1")) == [
        ("tl", "Team Lead", "lead"),
        ("j.schneider", "Jonas Schneider", "collector"),
    ]  # C1 is c.meyer's own customer
    assert escalation_targets(engine, LEAD, "C2", exclude=["tl"])["username"].to_list() == ["c.meyer"]
    with pytest.raises(ArDeskError, match="is the collector of customer C1"):
        escalate(engine, LEAD, "C1", to_username="c.meyer", reason="x")
    with pytest.raises(ArDeskError, match="neither a lead nor a collector"):
        escalate(engine, LEAD, "C1", to_username="ada", reason="x")
    with pytest.raises(ArDeskError, match="choose whom"):
        escalate(engine, LEAD, "C1", to_username="", reason="x")


def test_reassign_moves_the_case_to_the_new_receivers_worklist(db):
    from ar_core.collections.escalations import reassign

    eid = escalate(db, SCHNEIDER, "C2", to_username="c.meyer", reason="refuses to talk to me")
    assert escalated_to(db, "c.meyer") == {"C2"}
    with pytest.raises(ArDeskError, match="say why"):
        reassign(db, MEYER, eid, to_username="lena.lead", note=" ")
    with pytest.raises(ArDeskError, match=r"already with c\.meyer"):
        reassign(db, LEAD, eid, to_username="c.meyer", note="x")
    with pytest.raises(ArDeskError, match="raised this escalation"):
        reassign(db, LEAD, eid, to_username="j.schneider", note="x")
    with pytest.raises(ArDeskError, match="neither a lead nor a collector"):
        reassign(db, LEAD, eid, to_username="carl.controller", note="x")
    outsider = Actor("x.other", "Other", frozenset({"collector"}))
    with pytest.raises(PermissionDenied):
        reassign(db, outsider, eid, to_username="lena.lead", note="x")
    reassign(db, MEYER, eid, to_username="lena.lead", note="legal questions: the lead decides")
    assert escalated_to(db, "c.meyer") == set()
    assert escalated_to(db, "lena.lead") == {"C2"}
    with pytest.raises(PermissionDenied):  # the previous receiver's access went with the case
        check_customer_access(db, MEYER, "C2", write=False)
    assert escalation_frame(db).select("escalation_id", "from_user", "to_user").rows() == [
        (eid, "j.schneider", "lena.lead")
    ]
    entry = list_audit(db, LEAD, entity="escalation", entity_id=eid).row(0, named=True)
    assert (entry["actor"], entry["action"]) == ("c.meyer", "reassign_escalation")
    assert json.loads(entry["before"])["to_user"] == "c.meyer"
    assert json.loads(entry["after"]) == {
        "customer_id": "C2",
        "to_user": "lena.lead",
        "note": "legal questions: the lead decides",
    }
    resolve(db, LEAD, eid, "done")
    with pytest.raises(ArDeskError, match="already resolved"):
        reassign(db, LEAD, eid, to_username="c.meyer", note="x")


def test_may_write_is_false_for_read_only_roles(db):
    from ar_core.access.scope import may_write

    assert may_write(db, MEYER, "C1") is True
    assert may_write(db, MEYER, "C2") is False
    assert may_write(db, CONTROLLER, "C1") is False
    assert may_write(db, LEAD, "C2") is True
    assert may_write(db, LEAD, "nope") is False
    both = Actor("c.meyer", "Claudia Meyer", frozenset({"collector", "controller"}))
    assert (may_write(db, both, "C1"), may_write(db, both, "C2")) == (True, False)


def test_collector_who_is_also_controller_cannot_write_foreign_customers(db):
    """Reading everything (controller) must not turn into writing everything."""
    both = Actor("c.meyer", "Claudia Meyer", frozenset({"collector", "controller"}))
    set_roles(db, ADMIN, "c.meyer", ["collector", "controller"])
    assert list_contacts(db, both, "C2").is_empty()  # reading: the controller role allows it
    with pytest.raises(PermissionDenied):
        log_contact(db, both, "C2", channel="phone", outcome="reached")
    log_contact(db, both, "C1", channel="phone", outcome="reached")  # the own portfolio: fine


def test_a_collectors_scope_is_read_once_between_two_writes(db, monkeypatch):
    """Every read of every page asks for it: the queries behind it run again only after a write."""
    from ar_core.access import scope

    reads = []
    real = scope.escalated_to
    monkeypatch.setattr(scope, "escalated_to", lambda eng, who: reads.append(who) or real(eng, who))
    assert readable_customers(db, MEYER) == {"C1", "C3"}
    assert readable_customers(db, MEYER) == {"C1", "C3"}
    assert reads == ["c.meyer"]
    escalate(db, SCHNEIDER, "C2", to_username="c.meyer", reason="second voice")
    assert readable_customers(db, MEYER) == {"C1", "C2", "C3"}
    assert reads.count("c.meyer") == 2
