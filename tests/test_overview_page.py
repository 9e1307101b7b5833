"""Overview page: old FX rates are flagged; the trend shows whole-ledger snapshots only (AppTest)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.rates import set_rate
from ar_core.ledger.snapshot_scope import Scope
from tests.app_support import SYSTEM, app_store, open_page
from tests.conftest import item


@pytest.fixture
def app_env(tmp_path, monkeypatch, make_result):
    with app_store(tmp_path, monkeypatch, {"lena": ["lead"]}, "correct-horse-42") as engine:
        rows = [item(doc_no="1", amount="100.00"), item(doc_no="2", amount="50.00", currency="CHF"),
                item(company_code="2000", customer_id="B", doc_no="3", amount="70.00")]  # fmt: skip
        import_snapshot(
            engine, SYSTEM, make_result(rows, as_of=date(2026, 11, 13)), scope=Scope.whole_ledger()
        )
        import_snapshot(engine, SYSTEM, make_result(rows[:2], as_of=date(2026, 11, 20)))  # company code 1000
        yield engine


def test_an_old_fx_rate_is_used_with_a_visible_warning(app_env):
    set_rate(app_env, SYSTEM, date(2026, 9, 1), "CHF", Decimal("1.05"))
    at = open_page("pages/home.py", "lena")
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    assert any("Old FX rates are in use: CHF of 01 Sept 2026 (80 days old)" in w for w in warnings), warnings
    # 100.00 + 50.00 × 1.05 + 70.00 (B, outside the partial extract, still open) = 222.50
    assert {m.label: m.value for m in at.metric}["Open (EUR)"] == "222.50"


def test_trend_leaves_out_partial_snapshots(app_env):
    at = open_page("pages/home.py", "lena")
    assert not any("Open balance per whole-ledger snapshot" in s.value for s in at.subheader)


def test_the_worklist_flags_an_old_fx_rate_too(app_env):
    set_rate(app_env, SYSTEM, date(2026, 9, 1), "CHF", Decimal("1.05"))
    at = open_page("pages/worklist.py", "lena")
    assert not at.exception, at.exception
    assert any("Old FX rates are in use: CHF" in w.value for w in at.warning)
