"""The ``cash`` command's JSON and table from hand-made results (the store is in test_performance_cash)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.cli.cash import _table, cash_json
from ar_core.cli.entry import main
from ar_core.performance import Backtest, ExpectedCash
from ar_core.schema import MONEY


def _result() -> tuple[ExpectedCash, Backtest]:
    totals = pl.DataFrame(
        {
            "week_start": [date(2026, 11, 16), date(2026, 11, 23)],
            "promised": [Decimal("400.00"), Decimal("0.00")],
            "predicted": [Decimal("0.10"), Decimal("1234.56")],
            "expected": [Decimal("400.10"), Decimal("1234.56")],
        },
        schema_overrides={"promised": MONEY, "predicted": MONEY, "expected": MONEY},
    )
    cash = ExpectedCash(7, date(2026, 11, 20), "EUR", totals.clear(), totals, Decimal("70.00"))
    test = Backtest(date(2026, 8, 21), date(2026, 11, 20), 2, 8.0, 20.0, {"customer": 1, "due date": 1})
    return cash, test


def test_json_holds_the_weeks_later_and_the_backtest_as_decimal_strings():
    out = cash_json(*_result())
    assert out["weeks"] == [
        {"week_start": "2026-11-16", "expected": "400.10", "promised": "400.00", "predicted": "0.10"},
        {"week_start": "2026-11-23", "expected": "1234.56", "promised": "0.00", "predicted": "1234.56"},
    ]
    assert (out["later"], out["currency"], out["as_of"]) == ("70.00", "EUR", "2026-11-20")
    assert out["backtest"] == {"invoices": 2, "mae_days": 8.0, "naive_mae_days": 20.0, "cutoff": "2026-08-21",
                               "bases": {"customer": 1, "due date": 1}}  # fmt: skip


def test_table_names_every_week_later_and_both_errors():
    text = _table(cash_json(*_result()))
    assert "2026-11-23" in text and "1234.56" in text
    assert [line.split() for line in text.splitlines() if line.strip().startswith("later")] == [
        ["later", "70.00"]
    ]
    assert "model error 8.0 days vs 20.0 days for 'pays on the due date'" in text
    cash, _ = _result()
    empty = Backtest(date(2026, 8, 21), date(2026, 11, 20), 0, None, None)
    assert "no invoice cleared in the last quarter" in _table(cash_json(cash, empty))


def test_an_unknown_collector_exits_1_naming_it(tmp_path, monkeypatch, capsys):
    from tests.test_cli_kpis import CSV, MAPPING

    monkeypatch.setenv("AR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    (tmp_path / "ar.csv").write_text(CSV)
    (tmp_path / "m.yaml").write_text(MAPPING)
    assert main(["import", str(tmp_path / "ar.csv"), "--mapping", str(tmp_path / "m.yaml"), "--as-of",
                 "2013-12-31", "--scope", "full", "--json"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["cash", "--json"]) == 0
    capsys.readouterr()
    assert main(["cash", "--collector", "nobody", "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "'nobody'" in err
