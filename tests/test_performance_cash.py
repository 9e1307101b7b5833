"""Expected cash and the backtest read from the store: the portfolio rule and the chain of snapshots."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger import Scope
from ar_core.performance import expected_cash, expected_payments, payment_backtest
from tests.conftest import LEAD, item
from tests.workflow_setup import MEYER, seed

W1, W2, W3 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)


def _i(doc, customer, amount, due, **more):
    return item(doc_no=doc, customer_id=customer, amount=amount, due_date=due, collector=None, **more)


A = _i("1", "C1", "100.00", date(2026, 10, 20))  # vanishes by W2: 24 days late
B = _i("2", "C1", "200.00", date(2026, 11, 1))  # cleared 15 Nov: 14 days late
C = _i("3", "C2", "300.00", date(2026, 10, 25))  # vanishes by W3: 26 days late
E = _i("5", "C1", "150.00", date(2026, 11, 5))  # cleared 10 Nov: 5 days late
F = _i("6", "C3", "80.00", date(2026, 11, 10))  # open; C3 has no history: the segment
G = _i("7", "C1", "40.00", date(2026, 10, 30), clearing_date=date(2026, 11, 2))  # 3 days late
X = _i("9", "C1", "500.00", date(2026, 11, 20))  # open: C1 pays 6070 / 490 = 12.4 -> 12 days late
Y = _i("10", "C2", "300.00", date(2026, 11, 23))  # open: C2 one invoice; segment 13870 / 790 -> 18


@pytest.fixture
def snaps(engine, make_result):
    seed(engine)
    for as_of, rows in (
        (W1, [A, B, C, E]),
        (W2, [B, C, F]),
        (W3, [{**B, "clearing_date": date(2026, 11, 15)}, {**E, "clearing_date": date(2026, 11, 10)},
              F, G, X, Y]),
    ):  # fmt: skip
        result = make_result(rows, as_of=as_of, file_name=f"FBL5N_{as_of:%Y%m%d}.txt")
        import_snapshot(engine, LEAD, result, scope=Scope.whole_ledger())
    return engine


def test_expected_dates_from_the_history_of_the_snapshot_chain(snaps):
    rows = expected_payments(snaps, LEAD).sort("doc_no")
    assert rows.select("doc_no", "collector", "expected_date", "basis").rows() == [
        ("10", "j.schneider", date(2026, 12, 11), "segment"),
        ("6", "c.meyer", date(2026, 11, 28), "segment"),
        ("9", "c.meyer", date(2026, 12, 2), "customer"),
    ]


def test_expected_cash_per_week_for_the_lead_and_only_the_own_portfolio_for_a_collector(snaps):
    lead = expected_cash(snaps, LEAD)
    assert (lead.as_of, lead.currency) == (W3, "EUR")
    weeks = lead.totals.filter(pl.col("expected") > 0).select("week_start", "expected").rows()
    assert weeks == [
        (date(2026, 11, 23), Decimal("80.00")),
        (date(2026, 11, 30), Decimal("500.00")),
        (date(2026, 12, 7), Decimal("300.00")),
    ]
    assert lead.totals.height == 8
    own = expected_cash(snaps, MEYER)
    assert set(own.weekly["collector"].to_list()) == {"c.meyer"}
    assert own.totals["expected"].sum() == Decimal("580.00")
    assert expected_payments(snaps, MEYER)["customer_id"].unique().sort().to_list() == ["C1", "C3"]
    assert expected_cash(snaps, LEAD, collector="j.schneider").totals["expected"].sum() == Decimal("300.00")


def test_backtest_counts_only_readable_customers(snaps):
    # nothing was cleared before the cutoff (21 Aug): every prediction is the due date
    lead = payment_backtest(snaps, LEAD)
    assert (lead.invoices, lead.mae_days, lead.naive_mae_days) == (5, 14.4, 14.4)  # (3+5+24+14+26) / 5
    own = payment_backtest(snaps, MEYER)
    assert (own.invoices, own.naive_mae_days) == (4, 11.5)  # C2's 26 days are not hers


def test_cash_command_prints_the_weeks_and_the_backtest(snaps, monkeypatch, capsys):
    import json

    from ar_core.cli import cash
    from ar_core.cli.entry import main

    monkeypatch.setattr(cash, "open_store", lambda: snaps)
    assert main(["cash", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["currency"] == "EUR" and len(out["weeks"]) == 8
    assert out["weeks"][1] == {"week_start": "2026-11-23", "expected": "80.00", "promised": "0.00",
                               "predicted": "80.00"}  # fmt: skip
    assert out["backtest"] == {
        "invoices": 5,
        "mae_days": 14.4,
        "naive_mae_days": 14.4,
        "cutoff": "2026-08-21",
        "bases": {"due date": 5},
    }
    assert out["later"] == "0.00"
    assert main(["cash", "--collector", "j.schneider", "--as-of", "2026-11-20"]) == 0
    table = capsys.readouterr().out
    assert "2026-12-07" in table and "300.00" in table and "500.00" not in table
    assert "model error 14.4 days vs 14.4 days" in table
    assert main(["cash", "--as-of", "2020-01-01"]) == 1  # no snapshot yet then
