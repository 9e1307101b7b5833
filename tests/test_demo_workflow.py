"""Demo workflow records: created through the services, believable, and quick."""

from __future__ import annotations

from datetime import date, timedelta

import bcrypt
import polars as pl
import pytest

from ar_core.access.audit import list_audit
from ar_core.access.scope import escalated_to
from ar_core.collections.contacts import contact_summary, list_contacts
from ar_core.collections.escalations import escalation_frame
from ar_core.collections.huddle import huddle_board
from ar_core.collections.promises import promise_frame
from ar_core.collections.team import snapshot_for, team_worklist
from ar_core.demo.build import load_demo_if_empty
from ar_core.demo.customers import STORIES
from ar_core.demo.workflow import load_demo_workflow
from ar_core.ledger.customers import all_customers
from ar_core.ledger.rates import rates_for
from ar_core.ledger.snapshots import list_snapshots
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
        mp.setattr(
            "ar_core.access.users.hash_password", lambda pw: bcrypt.hashpw(pw.encode(), cheap).decode()
        )
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
    owners = dict(all_customers(demo).select("customer_id", "collector").iter_rows())
    summary = contact_summary(demo)
    assert summary.height > 20
    assert set(summary["last_outcome"]) >= {"promise to pay", "reached", "no answer"}
    assert summary.filter(pl.col("next_action_date") > LAST).height > 0  # call-backs next week
    log = pl.concat(list_contacts(demo, LEAD, c) for c in summary["customer_id"])
    calls = log.filter(pl.col("channel") != "letter")
    assert all(owners[c] == u for c, u in calls.select("customer_id", "created_by").iter_rows())
    letters = log.filter(pl.col("channel") == "letter")  # the released dunning run: logged as its releaser
    from ar_core.recovery import list_runs

    assert letters.height > 0 and set(letters["created_by"]) == set(list_runs(demo, LEAD)["released_by"])
    assert log["contacted_at"].max().date() <= LAST
    assert log.filter(pl.col("corrects_id").is_not_null()).height == 1


def test_escalations_rates_and_audit(demo):
    escalations = escalation_frame(demo)
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


@pytest.fixture(scope="module")
def stories(demo) -> dict[str, str]:
    """Story key -> customer id, found by the story's name in the loaded customer master."""
    names = dict(all_customers(demo).select("name", "customer_id").iter_rows())
    return {s.key: names[s.name] for s in STORIES if s.name in names}


@pytest.fixture(scope="module")
def board(demo):
    sid, as_of = snapshot_for(demo)
    worklist, _ = team_worklist(demo, sid, as_of)
    promises, escalations = promise_frame(demo), escalation_frame(demo)
    return worklist, huddle_board(worklist, promises, escalations, since=as_of - timedelta(weeks=8))


def test_every_story_is_in_the_small_demo_too(stories):
    assert set(stories) == {s.key for s in STORIES}  # the four below and the disputes stories
    assert {"serial payer", "insolvency", "big dispute", "credit balance", "logistics hub"} <= set(stories)
    assert sum(key.startswith("pricing group") for key in stories) == 4


def test_the_disputes_stories_have_their_dispute_calls(demo, stories):
    for key in ("pricing group north", "logistics hub"):
        calls = list_contacts(demo, LEAD, stories[key]).filter(pl.col("outcome") == "dispute raised")
        assert calls.height >= 1, key
    notes = list_contacts(demo, LEAD, stories["pricing group north"])["notes"]
    assert any("price list of 05.10." in n for n in notes)


def test_serial_payer_broke_every_promise_and_is_escalated(demo, stories, board):
    customer = stories["serial payer"]
    mine = promise_frame(demo).filter(pl.col("customer_id") == customer)
    assert mine.filter(pl.col("status") == "broken").height >= 3
    assert set(mine["status"]) == {"broken"}
    worklist, huddle = board
    row = worklist.filter(pl.col("customer_id") == customer).row(0, named=True)
    assert row["broken_promises"] >= 3
    assert row["next_action"] == "second-voice escalation"
    assert row["due_today"]  # on today's list, not snoozed by a later call-back
    assert customer in set(huddle["broken_promises"]["customer_id"])
    assert customer in set(escalation_frame(demo)["customer_id"])
    outcomes = list_contacts(demo, LEAD, customer)["outcome"].to_list()
    assert outcomes.count("promise to pay") == mine.height


def test_insolvency_case_goes_to_the_lead_with_the_reason_in_the_log(demo, stories, board):
    customer = stories["insolvency"]
    escalation = escalation_frame(demo).filter(pl.col("customer_id") == customer)
    assert escalation["to_user"].to_list() == ["lena.lead"]
    log = list_contacts(demo, LEAD, customer)
    assert "INSOLVENCY" in set(log["reason"].drop_nulls())
    assert "legal review" in set(log["next_action"].drop_nulls())
    worklist, _ = board
    row = worklist.filter(pl.col("customer_id") == customer).row(0, named=True)
    assert row["dunning_level"] == 4
    assert row["disputed_amount"] == 0
    assert customer in escalated_to(demo, "lena.lead")


def test_big_dispute_heads_the_huddle_disputes_with_reason_codes(demo, stories, board):
    customer = stories["big dispute"]
    _, huddle = board
    assert huddle["top_disputed"]["customer_id"][0] == customer
    notes = list_contacts(demo, LEAD, customer).filter(pl.col("outcome") == "dispute raised")["notes"]
    assert notes.len() >= 1 and all("PRICE" in n or "QUANTITY" in n for n in notes)


def test_credit_balance_customer_heads_the_huddle_credit_balances(demo, stories, board):
    customer = stories["credit balance"]
    worklist, huddle = board
    assert huddle["credit_balances"]["customer_id"][0] == customer
    assert worklist.filter(pl.col("customer_id") == customer)["open_amount"][0] < 0
    assert list_contacts(demo, LEAD, customer).height == 1


def test_demo_users_need_no_password_change_and_weeks_are_whole_ledger(demo):
    from ar_core.access.users import must_change_password
    from ar_core.ledger.snapshot_scope import Scope

    assert not must_change_password(demo, "lena.lead")
    assert not must_change_password(demo, "c.meyer")
    scopes = {Scope.from_json(s) for s in list_snapshots(demo)["scope_json"]}
    assert scopes == {Scope.whole_ledger()}


def test_the_demo_team_has_a_letterhead_for_its_statements(demo):
    from ar_core.settings import get_letterhead

    letterhead = get_letterhead(demo)
    assert letterhead["company_name"].startswith("Nordwind Handel GmbH")
    assert letterhead["iban"] == "DE89 3704 0044 0532 0130 00"
