"""The demo's insolvency and external information on a small demo store: the story customer in
receivership (held), ratings for every customer, its announcement waiting for review."""

from __future__ import annotations

from datetime import date

import bcrypt
import pytest

from ar_core.demo.build import load_demo_if_empty
from ar_core.demo.late_payment import load_demo_late_payment
from ar_core.demo.stories import story_customers
from ar_core.ledger import all_customers
from ar_core.recovery import list_insolvency_cases, list_ratings, review_queue
from ar_core.recovery.insolvency import customers_in_insolvency
from tests.conftest import LEAD


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from ar_core.store.db import make_engine, migrate

    folder = tmp_path_factory.mktemp("demo_law")
    engine = make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")
    migrate(engine)
    cheap = bcrypt.gensalt(rounds=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            "ar_core.access.users.hash_password", lambda pw: bcrypt.hashpw(pw.encode(), cheap).decode()
        )
        assert load_demo_if_empty(engine, folder, items=3_000, seed=7) is True
    load_demo_late_payment(engine)
    load_demo_late_payment(engine)  # twice: nothing doubles
    yield engine
    engine.dispose()


def test_the_insolvency_story_customer_is_in_receivership(demo):
    brandt = story_customers(demo)["insolvency"]
    cases = list_insolvency_cases(demo, LEAD)
    assert cases["customer_id"].to_list() == [brandt]
    case = cases.row(0, named=True)
    assert case["status"] == "receivership" and case["claim"] > 0
    assert brandt in customers_in_insolvency(demo, date(2026, 11, 20))


def test_every_customer_is_rated_and_the_story_customers_announcement_waits(demo):
    brandt = story_customers(demo)["insolvency"]
    ratings = list_ratings(demo, LEAD)
    assert ratings.height == all_customers(demo).height
    assert ratings.filter(ratings["customer_id"] == brandt)["score"].to_list() == [590]
    queue = review_queue(demo, LEAD)
    assert queue["customer_id"].to_list() == [brandt]
