"""The demo SOP register: five SOPs with two versions each (v1 superseded by an approved v2), never
approved by their author, one review overdue and one due soon, acknowledgements done and pending."""

from __future__ import annotations

from datetime import date

import pytest

from ar_core.access import get_actor
from ar_core.access.users import create_user
from ar_core.demo import DEMO_USERS
from ar_core.demo.sops import load_demo_sops
from ar_core.knowledge import (
    acknowledgement_summary,
    current_sops,
    my_pending_acknowledgements,
    review_queue,
    reviews_due,
    sop_titles,
    version_history,
)
from tests.app_support import SYSTEM

TITLES = ["Allocation of unapplied cash", "Dispute escalation", "Dunning run and blocks",
          "Handling a broken promise to pay", "Write-off request"]  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from ar_core.store.db import make_engine, migrate

    folder = tmp_path_factory.mktemp("demo_sops")
    engine = make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")
    migrate(engine)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("ar_core.access.users.BCRYPT_ROUNDS", 4)
        for u in DEMO_USERS:
            create_user(engine, SYSTEM, username=u["username"], name=u["name"], password=u["password"],
                        roles=u["roles"])  # fmt: skip
    load_demo_sops(engine)
    load_demo_sops(engine)  # a second load adds nothing
    yield engine
    engine.dispose()


def test_five_sops_each_with_an_approved_second_version(demo):
    lead = get_actor(demo, "lena.lead")
    assert sop_titles(demo, lead)["title"].to_list() == TITLES
    current = current_sops(demo, lead, as_of=date(2026, 12, 2))
    assert current["version_no"].to_list() == [2, 2, 2, 2, 2]
    assert all(a != b for a, b in zip(current["author"], current["approver"], strict=True))
    for sop_id in current["sop_id"]:
        assert version_history(demo, lead, sop_id)["status"].to_list() == ["approved", "superseded"]
    assert "F150" in current.filter(current["title"] == "Dunning run and blocks")["body"][0]
    assert review_queue(demo, lead).is_empty()


def test_one_review_overdue_and_one_due_soon(demo):
    lead = get_actor(demo, "lena.lead")
    due = reviews_due(demo, lead, date(2026, 12, 2))
    assert due.select("title", "next_review", "review").rows() == [
        ("Dunning run and blocks", date(2026, 11, 14), "overdue"),
        ("Write-off request", date(2026, 12, 10), "due soon"),  # 6-month area
    ]


def test_some_have_read_the_current_versions_others_not_yet(demo):
    lead = get_actor(demo, "lena.lead")
    summary = acknowledgement_summary(demo, lead)
    assert summary["confirmed"].sum() > 0 and summary["pending"].sum() > 0
    pending = my_pending_acknowledgements(demo, get_actor(demo, "m.wagner"))
    assert "Dunning run and blocks" in pending["title"].to_list()
