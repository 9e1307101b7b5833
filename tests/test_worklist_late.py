"""The worklist reason "paying later than usual": a reason from the payment history, no points."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from ar_core import settings
from ar_core.collections import snapshot_for
from ar_core.collections.lifecycle import import_snapshot
from ar_core.collections.team import late_payers, team_worklist
from ar_core.ledger import Scope
from tests.conftest import LEAD
from tests.test_performance_cash import W1, W2, W3, A, B, C, E, F, G, X, Y, _i
from tests.test_worklist import _build
from tests.workflow_setup import seed


def _row(frame: pl.DataFrame, customer: str) -> dict:
    return frame.filter(pl.col("customer_id") == customer).row(0, named=True)


def test_a_late_payer_gets_the_reason_and_keeps_its_score_and_rank():
    plain = _build()
    late = _build(late_payers=pl.DataFrame({"customer_id": ["K1"], "trend_days": [12.4]}))
    assert _row(late, "K1")["reasons"] == [
        *_row(plain, "K1")["reasons"],
        "paying later than usual (+12 days)",
    ]
    assert late.select("customer_id", "rank", "score").equals(plain.select("customer_id", "rank", "score"))
    assert _row(late, "K4")["reasons"] == _row(plain, "K4")["reasons"]  # not flagged: nothing added


# Paid on the due date in June (3 x 1000), then 3 to 24 days late since November.
OLD = [_i(f"J{n}", "C1", "1000.00", date(2026, 6, 1), clearing_date=date(2026, 6, 1)) for n in range(3)]


@pytest.fixture
def snaps(engine, make_result):
    seed(engine)
    for as_of, rows in (
        (W1, [A, B, C, E]),
        (W2, [B, C, F]),
        (W3, [{**B, "clearing_date": date(2026, 11, 15)}, {**E, "clearing_date": date(2026, 11, 10)},
              F, G, X, Y, *OLD]),
    ):  # fmt: skip
        result = make_result(rows, as_of=as_of, file_name=f"FBL5N_{as_of:%Y%m%d}.txt")
        import_snapshot(engine, LEAD, result, scope=Scope.whole_ledger())
    return engine


def test_the_team_worklist_flags_a_customer_slipping_by_the_team_threshold(snaps):
    # last 90 days: 6070 / 490 = 12.39 days late; the year with June: 6070 / 3490 = 1.74 -> +10.65
    snapshot_id, as_of = snapshot_for(snaps)
    assert late_payers(snaps, snapshot_id, as_of).rows() == [("C1", 10.65)]
    frame, _ = team_worklist(snaps, snapshot_id, as_of)
    assert "paying later than usual (+11 days)" in _row(frame, "C1")["reasons"]
    assert not any("later than usual" in r for r in _row(frame, "C3")["reasons"])  # no history
    settings.set_later_than_usual_days(snaps, LEAD, 11)  # a stricter team: 10.65 is not enough
    frame, _ = team_worklist(snaps, snapshot_id, as_of)
    assert not any("later than usual" in r for r in _row(frame, "C1")["reasons"])
    assert settings.get_later_than_usual_days(snaps) == 11


def test_the_threshold_setting_is_checked():
    from ar_core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        settings.set_later_than_usual_days(None, LEAD, 0)  # type: ignore[arg-type]
    assert Decimal(settings.DEFAULT_LATER_THAN_USUAL_DAYS) == 10


def test_a_lead_sets_the_threshold_on_the_settings_page(tmp_path, monkeypatch):
    from tests.app_support import app_store, open_page

    with app_store(tmp_path, monkeypatch, {"lena": ["lead"]}, "correct-horse-42") as engine:
        at = open_page("pages/settings.py", "lena")
        assert at.number_input(key="later_than_usual_days").value == 10
        at.number_input(key="later_than_usual_days").set_value(14)
        at.form_submit_button(key="FormSubmitter:payment_behaviour_settings-Save").click().run()
        assert not at.exception, at.exception
        assert settings.get_later_than_usual_days(engine) == 14
