"""The demo's dunning: the procedure stored, two blocks (a customer, an item), one run released a
few weeks back whose letters are in the contact log; today's run proposes the next levels."""

from __future__ import annotations

import time
from datetime import date

import polars as pl
import pytest

from ar_core.demo.dunning import load_demo_dunning
from ar_core.recovery import (
    dunning_levels,
    dunning_procedures,
    list_blocks,
    list_runs,
    preview_run,
    run_letters,
)
from tests.conftest import LEAD

LAST = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(demo_team):
    return demo_team  # the demo build runs load_demo_dunning last


def test_the_demo_run_blocks_and_levels(demo):
    runs = list_runs(demo, LEAD)
    assert runs.select("as_of", "status").rows() == [(date(2026, 10, 30), "released")]
    assert runs["letter_date"].to_list() == [date(2026, 11, 2)]
    letters = run_letters(demo, LEAD, runs["run_id"][0])
    removed = letters.filter(pl.col("removed_reason").is_not_null())
    assert removed["removed_reason"].to_list() == ["key account: the account manager calls first"]
    assert letters.height - removed.height > 5
    levels = dunning_levels(demo, LEAD)
    assert levels["last_letter_on"].unique().to_list() == [date(2026, 11, 2)]
    blocks = list_blocks(demo, LEAD, as_of=LAST)
    assert blocks.select("reason", "status").sort("reason").rows() == [
        ("agreement", "active"),
        ("clarification", "active"),
    ]
    assert blocks.filter(pl.col("reason") == "agreement")["note"].to_list() == [
        "customer pays after month end"
    ]
    assert dunning_procedures(demo, LEAD)["*"].level_days == (7, 21, 35, 49)
    load_demo_dunning(demo)  # a second load adds nothing
    assert list_runs(demo, LEAD).height == 1


def test_todays_run_proposes_the_next_level_for_those_dunned(demo):
    started = time.perf_counter()
    proposal = preview_run(demo, LEAD, LAST)
    print(f"preview_run: {time.perf_counter() - started:.1f} s, {len(proposal.letters)} letters")
    assert max(x.level for x in proposal.letters) == 2
    blocked = list_blocks(demo, LEAD, as_of=LAST).filter(pl.col("_item_key").is_null())["customer_id"][0]
    assert blocked not in {x.customer_id for x in proposal.letters}
    assert {x.language for x in proposal.letters} >= {"de", "nl"}
