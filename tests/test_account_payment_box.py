"""Account page, Item history tab: the "Payment behaviour" box (AppTest)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger import Scope
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import SYSTEM, app_store, open_page, open_tab
from tests.test_performance_cash import W1, W2, W3, A, B, C, E, F, G, X, Y
from tests.test_worklist_late import OLD
from tests.workflow_setup import CUSTOMERS


@pytest.fixture
def app_env(tmp_path, monkeypatch, make_result):
    with app_store(tmp_path, monkeypatch, {"lena": ["lead"]}, "correct-horse-42") as engine:
        create_user(engine, SYSTEM, username="c.meyer", name="C. Meyer", email="cm@example.com",
                    password="correct-horse-42", roles=["collector"], must_change_password=False)  # fmt: skip
        master = pl.DataFrame({"customer_id": list(CUSTOMERS), "name": [f"Customer {c}" for c in CUSTOMERS],
                               "collector": list(CUSTOMERS.values()), "country": ["DE"] * 3})  # fmt: skip
        upsert_customer_master(engine, SYSTEM, master)
        for as_of, rows in (
            (W1, [A, B, C, E]),
            (W2, [B, C, F]),
            (W3, [{**B, "clearing_date": date(2026, 11, 15)}, {**E, "clearing_date": date(2026, 11, 10)},
                  F, G, X, Y, *OLD]),
        ):  # fmt: skip
            import_snapshot(engine, SYSTEM, make_result(rows, as_of=as_of), scope=Scope.whole_ledger())
        yield engine


def _box(customer: str, user: str = "c.meyer"):
    at = open_page("pages/account.py", user)
    at.selectbox(key="acct_pick").select(customer).run()
    return open_tab(at, "Item history")


def test_the_box_shows_days_late_the_trend_and_the_flag(app_env):
    at = _box("C1")
    metrics = {m.label: (m.value, m.proto.body) for m in at.metric}
    # 7 invoices in the year: 3 on time in June, then 3, 5, 24 and 14 days late
    assert metrics["Avg. days late"][0] == "6.6"  # 46 / 7
    assert metrics["Weighted days late"][0] == "1.7"  # 6070 / 3490
    assert metrics["Paid on time"][0] == "43 %"  # 3 of 7
    assert metrics["Last 90 days"][0] == "12.4"  # 6070 / 490
    captions = " ".join(c.value for c in at.caption)
    assert "Based on 7 paid invoices, 4 of them in the last 90 days" in captions
    assert any("Paying later than usual: +10.7 days" in w.value for w in at.warning)
    assert at.get("vega_lite_chart")  # days late per month: June and November


def test_a_customer_without_paid_invoices_says_so(app_env):
    at = _box("C3")
    assert any("No paid invoice known yet" in c.value for c in at.caption)
    assert not at.warning
