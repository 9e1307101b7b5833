"""The demo's write-offs: approved small balances, one rejected, one pending, one legal handover."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from ar_core.demo.write_offs import SMALL, load_demo_write_offs
from ar_core.recovery import items_in_legal, list_write_offs, write_off_items, write_off_register
from tests.conftest import LEAD


@pytest.fixture(scope="module")
def demo(demo_team):
    """The shared demo and what its build made: requests per outcome, read back from the store."""
    requests = list_write_offs(demo_team, LEAD)
    write_offs = requests.filter(pl.col("kind") == "write_off")
    counts = {
        status: write_offs.filter(pl.col("status") == status).height
        for status in ("approved", "rejected", "pending")
    }
    counts["legal_handover"] = requests.filter(pl.col("kind") == "legal_handover").height
    return demo_team, counts


def test_the_demo_has_each_outcome_once_or_more(demo):
    engine, counts = demo
    assert counts["approved"] >= 2 and counts["rejected"] == 1 and counts["pending"] == 1
    assert counts["legal_handover"] == 1
    requests = list_write_offs(engine, LEAD)
    assert requests.height == counts["approved"] + 3
    by_status = dict(requests.group_by("status").len().iter_rows())
    assert by_status == {"approved": counts["approved"] + 1, "rejected": 1, "pending": 1}
    assert load_demo_write_offs(engine) == {"approved": 0, "rejected": 0, "pending": 0, "legal_handover": 0}


def test_small_balances_are_small_and_approved_by_a_second_person(demo):
    engine, _ = demo
    small = list_write_offs(engine, LEAD, kind="write_off")
    for row in small.iter_rows(named=True):
        assert row["reason"] == "small_balance"
        assert row["requested_by"] != row["decided_by"] or row["status"] == "pending"
        assert write_off_items(engine, LEAD, row["request_id"])["amount"].max() <= SMALL
    approved = small.filter(pl.col("status") == "approved")
    register = write_off_register(engine, LEAD)
    assert register["amount"].sum() == approved["amount"].sum() > Decimal(0)


def test_the_legal_handover_is_approved_by_the_controller_and_blocks_dunning(demo):
    engine, _ = demo
    handover = list_write_offs(engine, LEAD, kind="legal_handover").row(0, named=True)
    assert (handover["status"], handover["decided_by"], handover["reason"]) == (
        "approved",
        "carl.controller",
        "insolvency",
    )
    keys = write_off_items(engine, LEAD, handover["request_id"])["item_key"].to_list()
    assert items_in_legal(engine) == frozenset(keys)


def test_the_demo_files_open_with_the_approved_requests(demo):
    from datetime import date

    from ar_core.recovery import handover_export, posting_export

    engine, counts = demo
    postings = posting_export(engine, LEAD)
    assert postings["request_id"].n_unique() == counts["approved"] + 1  # the write-offs and the handover
    handover = handover_export(engine, LEAD, date(2026, 11, 20))
    assert handover.height == list_write_offs(engine, LEAD, kind="legal_handover")["items"][0]
    assert handover["contact_log"][0].split(";")[0].endswith("contact(s)")
