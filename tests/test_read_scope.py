"""Every public read of customer data takes the acting user and applies one portfolio rule."""

from __future__ import annotations

import importlib
import inspect
from datetime import date
from decimal import Decimal

import pytest

from ar_core.access import escalated_to, set_portfolio
from ar_core.collections import (
    create_promise,
    escalate,
    latest_contacts,
    log_contact,
    open_escalations,
    open_promises,
    worklist_for,
)
from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import NotFound, PermissionDenied
from ar_core.ledger import customer_items, items_for, list_customers
from tests.conftest import ADMIN, LEAD, item
from tests.workflow_setup import MEYER, SCHNEIDER, seed

#: Public functions that take an engine but read no customer data, each with the reason.
NOT_CUSTOMER_DATA = {
    # logging in and sessions: the user's own account, before there is an actor
    "access.authenticate", "access.credentials_for_login", "access.end_sessions", "access.get_actor",
    "access.is_locked", "access.locked_until", "access.login_failed", "access.login_succeeded",
    "access.must_change_password", "access.session_actor", "access.session_version",
    # a user's assignment, read by the admin page and the scope rule itself
    "access.get_portfolio", "access.collector_scope", "access.readable_customers",
    # snapshot metadata, totals and FX rates: no customer in them
    "ledger.list_snapshots", "ledger.snapshot_register", "ledger.snapshot_totals", "ledger.totals_history",
    "ledger.list_rates",
    "ledger.rates_for", "ledger.reporting_rates", "ledger.stale_rates", "ledger.ledger_currencies",
    "collections.snapshot_for", "collections.default_promised_date",
    "collections.warm_up",  # returns nothing: fills the shared cache at server start
    # the dispute taxonomy, how SLA days count, which snapshot cases are judged against
    "disputes.reason_taxonomy", "disputes.sla_settings", "disputes.latest_snapshot",
    "disputes.cases_version",
    # saved column mappings and the demo loader
    "ingest.get_mapping", "ingest.list_mappings", "demo.load_demo_if_empty",
    # the store's set-up
    "store.migrate",
}  # fmt: skip


def _public_functions():
    for package in ("access", "ledger", "collections", "ingest", "disputes", "store", "demo"):
        facade = importlib.import_module(f"ar_core.{package}")
        for name in facade._EXPORTS:
            obj = getattr(facade, name)
            if inspect.isfunction(obj):
                yield f"{package}.{name}", inspect.signature(obj).parameters


def test_every_public_read_with_an_engine_takes_the_acting_user():
    missing = [name for name, params in _public_functions()
               if ("engine" in params or "conn" in params) and "actor" not in params
               and name not in NOT_CUSTOMER_DATA]  # fmt: skip
    assert missing == []


def test_the_allowlist_names_only_real_functions():
    known = {name for name, _ in _public_functions()}
    assert sorted(NOT_CUSTOMER_DATA - known) == []


AS_OF = date(2026, 11, 20)


@pytest.fixture
def team(engine, make_result):
    """C1, C3 Meyer's by the master; C2 Schneider's; C4 Schneider's in the master and assigned to
    Meyer on the admin page; C5 Schneider's, escalated to Meyer."""
    seed(engine)
    rows = [
        item(customer_id=c, customer_name=f"Customer {c}", doc_no=f"18{i:08d}", amount=amount,
             collector=None, due_date=date(2026, 10, 1))
        for i, (c, amount) in enumerate([("C1", "100.00"), ("C2", "900.00"), ("C3", "300.00"),
                                         ("C4", "500.00"), ("C5", "700.00")])
    ]  # fmt: skip
    import polars as pl

    from ar_core.ledger import upsert_customer_master

    upsert_customer_master(engine, ADMIN, pl.DataFrame({"customer_id": ["C4", "C5"],
                                                        "collector": ["j.schneider"] * 2}))  # fmt: skip
    snap = import_snapshot(engine, LEAD, make_result(rows)).snapshot_id
    set_portfolio(engine, ADMIN, MEYER.username, customers=["C4"])
    escalate(engine, SCHNEIDER, "C5", to_username=MEYER.username, reason="needs a senior")
    return engine, snap


def test_the_leads_view_of_a_collector_is_that_collectors_own_view(team):
    engine, snap = team
    own, _ = worklist_for(engine, MEYER, snap, AS_OF)
    as_seen_by_lead, _ = worklist_for(engine, LEAD, snap, AS_OF, collector=MEYER.username)
    # by open amount: C5 700, C4 500, C3 300, C1 100 — the admin-assigned and the escalated included
    assert own.select("rank", "customer_id").rows() == [(1, "C5"), (2, "C4"), (3, "C3"), (4, "C1")]
    assert as_seen_by_lead.select("rank", "customer_id").rows() == own.select("rank", "customer_id").rows()
    team_view, _ = worklist_for(engine, LEAD, snap, AS_OF)
    assert team_view["rank"].to_list() == [1, 2, 3, 4, 5]
    in_team_order = [c for c in team_view["customer_id"] if c in set(own["customer_id"])]
    assert in_team_order == own["customer_id"].to_list()  # renumbered, never reordered


def test_a_collector_may_not_ask_for_a_colleagues_worklist(team):
    engine, snap = team
    with pytest.raises(PermissionDenied):
        worklist_for(engine, MEYER, snap, AS_OF, collector=SCHNEIDER.username)


def test_items_customers_and_workflow_reads_follow_the_same_rule(team):
    engine, snap = team
    assert sorted(set(items_for(engine, MEYER, snap)["customer_id"])) == ["C1", "C3", "C4", "C5"]
    assert sorted(set(items_for(engine, LEAD, snap)["customer_id"])) == ["C1", "C2", "C3", "C4", "C5"]
    # C4 is Schneider's in the master and assigned to Meyer as well: both read it
    assert list_customers(engine, SCHNEIDER)["customer_id"].to_list() == ["C2", "C4", "C5"]
    assert customer_items(engine, MEYER, snap, "C4")["amount"].to_list()[0] == 500
    with pytest.raises(PermissionDenied):
        customer_items(engine, MEYER, snap, "C2")
    with pytest.raises(NotFound):
        customer_items(engine, LEAD, snap, "C9")
    assert open_escalations(engine, MEYER)["customer_id"].to_list() == ["C5"]
    assert open_escalations(engine, SCHNEIDER)["customer_id"].to_list() == ["C5"]
    assert escalated_to(engine, MEYER.username) == {"C5"}
    log_contact(engine, SCHNEIDER, "C2", channel="phone", outcome="no answer")
    log_contact(engine, MEYER, "C1", channel="phone", outcome="no answer")
    assert latest_contacts(engine, MEYER)["customer_id"].to_list() == ["C1"]
    assert sorted(latest_contacts(engine, LEAD)["customer_id"].to_list()) == ["C1", "C2"]
    create_promise(engine, SCHNEIDER, "C2", amount=Decimal("900.00"), currency="EUR",
                   promised_date=date(2026, 12, 4), snapshot_id=snap)  # fmt: skip
    assert open_promises(engine, MEYER).is_empty()
    assert open_promises(engine, SCHNEIDER)["customer_id"].to_list() == ["C2"]
