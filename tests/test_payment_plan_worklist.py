"""A broken payment plan on the worklist: the reason "payment plan broken" and extra points."""

from __future__ import annotations

import polars as pl

from ar_core.collections import snapshot_for
from ar_core.collections.lifecycle import import_snapshot
from ar_core.collections.priority import PriorityConfig
from ar_core.collections.team import team_worklist
from ar_core.recovery import refresh_plan_statuses
from tests.conftest import LEAD
from tests.test_payment_plan_service import W2, W4, WHOLE, _propose, _rows, db  # noqa: F401 - the fixture
from tests.test_worklist import _build


def _row(frame: pl.DataFrame, customer: str) -> dict:
    return frame.filter(pl.col("customer_id") == customer).row(0, named=True)


def test_a_broken_plan_adds_its_reason_and_points():
    plain = _build()
    broken = _build(broken_plans=pl.DataFrame({"customer_id": ["K4"]}))
    points = PriorityConfig().broken_plan_points
    assert points == 15.0
    assert _row(broken, "K4")["reasons"] == [*_row(plain, "K4")["reasons"], "payment plan broken"]
    assert _row(broken, "K4")["score"] == round(_row(plain, "K4")["score"] + points, 1)
    assert _row(broken, "K1")["reasons"] == _row(plain, "K1")["reasons"]
    assert _row(broken, "K1")["score"] == _row(plain, "K1")["score"]


def test_the_weight_is_a_setting():
    config = PriorityConfig.from_dict({"broken_plan_points": 40})
    plain = _build(config=config)
    broken = _build(config=config, broken_plans=pl.DataFrame({"customer_id": ["K4"]}))
    assert _row(broken, "K4")["score"] == round(_row(plain, "K4")["score"] + 40.0, 1)


def test_the_team_worklist_reads_the_broken_plans_from_the_store(db, make_result):  # noqa: F811
    _propose(db)
    import_snapshot(db, LEAD, make_result(_rows("100.00"), as_of=W2), scope=WHOLE)
    sid, as_of = snapshot_for(db)
    frame, _ = team_worklist(db, sid, as_of)
    assert "payment plan broken" not in _row(frame, "C1")["reasons"]  # active, not broken
    import_snapshot(db, LEAD, make_result(_rows("100.00"), as_of=W4), scope=WHOLE)
    refresh_plan_statuses(db)
    sid, as_of = snapshot_for(db)
    frame, _ = team_worklist(db, sid, as_of)
    assert _row(frame, "C1")["reasons"][-1] == "payment plan broken"
    assert "payment plan broken" not in _row(frame, "C2")["reasons"]
