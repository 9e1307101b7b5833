"""The demo's insolvency and external information on a small demo store: the story customer in
receivership (held), ratings for every customer, its announcement waiting for review."""

from __future__ import annotations

from datetime import date

import pytest

from ar_core.demo.late_payment import load_demo_late_payment
from ar_core.demo.stories import story_customers
from ar_core.ledger import all_customers
from ar_core.recovery import list_insolvency_cases, list_ratings, review_queue
from ar_core.recovery.insolvency import customers_in_insolvency
from tests.conftest import LEAD


@pytest.fixture(scope="module")
def demo(demo_team):
    load_demo_late_payment(demo_team)  # a second load (the build ran it): nothing doubles
    return demo_team


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
