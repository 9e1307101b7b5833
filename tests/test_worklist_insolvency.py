"""An insolvent customer on the worklist: collections hold (no points, nothing to do, the reason says why)."""

from __future__ import annotations

from datetime import date

import polars as pl

from ar_core.collections import snapshot_for
from ar_core.collections.lifecycle import import_snapshot
from ar_core.collections.team import insolvent_customers, team_worklist
from ar_core.recovery import end_insolvency_case, open_insolvency_case
from tests.conftest import LEAD
from tests.test_payment_plan_service import WHOLE, _rows, db  # noqa: F401 - the fixture
from tests.test_worklist import _build


def _row(frame: pl.DataFrame, customer: str) -> dict:
    return frame.filter(pl.col("customer_id") == customer).row(0, named=True)


def test_an_insolvent_customer_is_held_with_its_reason_and_ranked_last():
    plain = _build()
    held = _build(insolvent=pl.DataFrame({"customer_id": ["K1"], "status": ["receivership"]}))
    k1 = _row(held, "K1")
    assert _row(plain, "K1")["score"] > 0
    assert k1["score"] == 0.0
    assert k1["next_action"] == "none" and k1["due_today"] is False
    assert k1["reasons"] == [
        "insolvency (receivership): collections on hold, the claim goes to the administrator"
    ]
    assert held["customer_id"][-1] == "K1"  # after every customer still to be worked
    assert _row(held, "K2")["score"] == _row(plain, "K2")["score"]


def test_the_team_worklist_reads_the_open_cases_on_the_as_of_date(db, make_result):  # noqa: F811
    import_snapshot(db, LEAD, make_result(_rows("100.00"), as_of=date(2026, 11, 20)), scope=WHOLE)
    sid, as_of = snapshot_for(db)
    case = open_insolvency_case(db, LEAD, "C1", "bankruptcy", date(2026, 11, 2), court="AG Köln")
    assert insolvent_customers(db, as_of)["customer_id"].to_list() == ["C1"]
    assert insolvent_customers(db, date(2026, 11, 1)).is_empty()  # not yet opened
    frame, _ = team_worklist(db, sid, as_of)
    assert _row(frame, "C1")["score"] == 0.0
    assert "insolvency (bankruptcy)" in _row(frame, "C1")["reasons"][0]
    end_insolvency_case(db, LEAD, case, date(2026, 11, 19))
    assert insolvent_customers(db, as_of).is_empty()  # ended before the snapshot's date
    assert insolvent_customers(db, date(2026, 11, 19))["customer_id"].to_list() == ["C1"]


def test_the_huddle_leaves_a_held_customer_off_the_collectable_board():
    from datetime import date as day

    from ar_core.collections import huddle_board

    held = _build(insolvent=pl.DataFrame({"customer_id": ["K1"], "status": ["bankruptcy"]}))
    assert _row(held, "K1")["collections_hold"] is True
    assert _row(held, "K2")["collections_hold"] is False
    top = huddle_board(held, None, None, day(2026, 11, 1), top_n=10)["top_collectable"]
    assert "K1" not in top["customer_id"].to_list()
    plain = huddle_board(_build(), None, None, day(2026, 11, 1), top_n=10)["top_collectable"]
    assert "K1" in plain["customer_id"]
