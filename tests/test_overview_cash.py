"""Overview: the expected-cash chart and the backtest line; a lead picks a collector, a collector
sees their own customers only (AppTest)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger import Scope
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import SYSTEM, app_store, open_page
from tests.test_performance_cash import W1, W2, W3, A, B, C, E, F, G, X, Y
from tests.workflow_setup import CUSTOMERS
from ui import keys


@pytest.fixture
def app_env(tmp_path, monkeypatch, make_result):
    with app_store(tmp_path, monkeypatch, {"lena": ["lead"]}, "correct-horse-42") as engine:
        for name in ("c.meyer", "j.schneider"):
            create_user(engine, SYSTEM, username=name, name=name.title(), email=f"{name}@example.com",
                        password="correct-horse-42", roles=["collector"],
                        must_change_password=False)  # fmt: skip
        master = pl.DataFrame({"customer_id": list(CUSTOMERS), "name": [f"Customer {c}" for c in CUSTOMERS],
                               "collector": list(CUSTOMERS.values()), "country": ["DE"] * 3})  # fmt: skip
        upsert_customer_master(engine, SYSTEM, master)
        for as_of, rows in (
            (W1, [A, B, C, E]),
            (W2, [B, C, F]),
            (W3, [{**B, "clearing_date": date(2026, 11, 15)}, {**E, "clearing_date": date(2026, 11, 10)},
                  F, G, X, Y]),
        ):  # fmt: skip
            import_snapshot(engine, SYSTEM, make_result(rows, as_of=as_of), scope=Scope.whole_ledger())
        yield engine


def _chart_amounts(at) -> dict[tuple[str, str], float]:
    import io

    proto = at.get("vega_lite_chart")[0].proto  # the first chart of the page; its data beside the spec
    bars = pl.read_ipc_stream(io.BytesIO(proto.datasets[0].data.data))
    return {
        (str(r["week_start"])[:10], r["kind"]): r["amount"] for r in bars.iter_rows(named=True) if r["amount"]
    }


def test_the_lead_sees_the_team_and_can_pick_a_collector(app_env):
    at = open_page("pages/home.py", "lena")
    assert not at.exception, at.exception
    assert any(s.value == "Expected cash, next 8 weeks" for s in at.subheader)
    assert _chart_amounts(at) == {
        ("2026-11-23", "Predicted"): 80.0,
        ("2026-11-30", "Predicted"): 500.0,
        ("2026-12-07", "Predicted"): 300.0,
    }
    captions = " ".join(c.value for c in at.caption)
    assert "EUR 880.00 expected in these weeks, EUR 0.00 of it promised; EUR 0.00 expected later" in captions
    assert (
        "Predicted clearing dates were off by 14.4 days on average, against 14.4 days for "
        "'pays on the due date' (5 invoices cleared in the last quarter)"
    ) in captions
    table = at.dataframe[0].value
    assert list(table.columns) == ["Week of (Monday)", "Promised (EUR)", "Predicted (EUR)", "Expected (EUR)"]
    assert table.iloc[2].tolist() == ["30 Nov 2026", "0.00", "500.00", "500.00"]
    assert len(table) == 8
    at.selectbox(key=keys.CASH_COLLECTOR).select("j.schneider").run()
    assert _chart_amounts(at) == {("2026-12-07", "Predicted"): 300.0}


def test_a_collector_sees_only_their_own_customers(app_env):
    at = open_page("pages/home.py", "c.meyer")
    assert not at.exception, at.exception
    assert not [s for s in at.selectbox if s.key == keys.CASH_COLLECTOR]
    assert _chart_amounts(at) == {("2026-11-23", "Predicted"): 80.0, ("2026-11-30", "Predicted"): 500.0}
    captions = " ".join(c.value for c in at.caption)
    assert "(4 invoices cleared in the last quarter)" in captions and "j.schneider" not in captions
    assert "EUR 580.00 expected in these weeks" in captions


def test_no_history_says_so(tmp_path, monkeypatch, make_result):
    with app_store(tmp_path, monkeypatch, {"lena": ["lead"]}, "correct-horse-42") as engine:
        import_snapshot(engine, SYSTEM, make_result([F], as_of=W3), scope=Scope.whole_ledger())
        at = open_page("pages/home.py", "lena")
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "No payment history for the last quarter yet" in captions
