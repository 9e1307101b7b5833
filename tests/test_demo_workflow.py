"""Demo workflow records: created through the services, believable, and quick."""

from __future__ import annotations

from datetime import date

import bcrypt
import polars as pl
import pytest

from ar_core.audit import list_audit
from ar_core.contacts import contact_summary, list_contacts
from ar_core.customers import list_customers
from ar_core.demo import load_demo_if_empty
from ar_core.demo_workflow import load_demo_workflow
from ar_core.escalations import escalated_to, open_escalations
from ar_core.promises import promise_frame
from ar_core.rates import rates_for
from ar_core.snapshots import list_snapshots
from tests.conftest import LEAD

LAST = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from ar_core.store.db import make_engine, migrate

    folder = tmp_path_factory.mktemp("demo_workflow")
    engine = make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")
    migrate(engine)
    cheap = bcrypt.gensalt(rounds=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("ar_core.users.hash_password", lambda pw: bcrypt.hashpw(pw.encode(), cheap).decode())
        assert load_demo_if_empty(engine, folder, items=2_000, seed=5) is True
    yield engine
    engine.dispose()


def test_promises_of_every_status(demo):
    promises = promise_frame(demo)
    statuses = set(promises["status"])
    assert statuses == {"kept", "partly kept", "broken", "open"}
    assert promises.filter(pl.col("promised_date") == LAST).height > 0  # due today
    assert promises.filter(pl.col("promised_date") > LAST)["status"].unique().to_list() == ["open"]
    decided = promises.filter(pl.col("status") != "open")
    assert decided["status_decided_on"].null_count() == 0
    assert (promises["items"].list.len() > 0).all()


def test_contacts_come_from_the_customers_collectors(demo):
    owners = dict(list_customers(demo).select("customer_id", "collector").iter_rows())
    summary = contact_summary(demo)
    assert summary.height > 20
    assert set(summary["last_outcome"]) >= {"promise to pay", "reached", "no answer"}
    assert summary.filter(pl.col("next_action_date") > LAST).height > 0  # call-backs next week
    log = pl.concat(list_contacts(demo, LEAD, c) for c in summary["customer_id"])
    assert all(owners[c] == u for c, u in log.select("customer_id", "created_by").iter_rows())
    assert log["contacted_at"].max().date() <= LAST
    assert log.filter(pl.col("corrects_id").is_not_null()).height == 1


def test_escalations_rates_and_audit(demo):
    escalations = open_escalations(demo)
    assert escalations.height >= 3
    assert escalated_to(demo, "c.meyer") <= set(escalations["customer_id"])
    for as_of in list_snapshots(demo)["as_of"]:
        assert set(rates_for(demo, as_of)["currency"]) == {"CHF", "EUR", "GBP", "USD"}
    actions = set(list_audit(demo, LEAD, limit=5_000)["action"])
    assert {
        "import_rates",
        "log_contact",
        "correct_contact",
        "create_promise",
        "escalate",
        "decide_promise",
    } <= actions


def test_nothing_without_snapshots(engine):
    assert load_demo_workflow(engine) == dict.fromkeys(
        ("rates", "contacts", "promises", "escalations", "decided"), 0
    )
