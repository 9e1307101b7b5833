"""KPIs page through AppTest: the last full month by default, each KPI with its definition and inputs,
per collector with the chart, a collector's own portfolio only, presets, an empty store."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import ROOT, SYSTEM, app_store
from tests.test_performance_period import ALL_ITEMS, AUG31, AUGUST, NOV30
from ui import keys

USERS = {"lena": ["lead"], "colin": ["collector"], "dora": ["collector"]}


@pytest.fixture
def ledger(tmp_path, monkeypatch, make_result):
    """31.08 open items and the all-items extract of 30.11 (C1, C3: Colin's; C2: Dora's); today 20.11."""
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        master = pl.DataFrame({"customer_id": ["C1", "C2", "C3"], "collector": ["colin", "dora", "colin"]})
        upsert_customer_master(engine, SYSTEM, master)
        for rows, as_of in ((AUGUST, AUG31), (ALL_ITEMS, NOV30)):
            import_snapshot(engine, SYSTEM, make_result(rows, as_of=as_of, file_name=f"x_{as_of}.txt"))
        yield engine


def page(username: str = "lena", **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/kpis.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _table(at: AppTest, first_column: str):
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def _text(at: AppTest) -> str:
    return "\n".join(
        [*(c.value for c in at.caption), *(m.value for m in at.markdown), *(m.value for m in at.metric)]
    )


def test_the_last_full_month_with_each_kpi_its_definition_and_inputs(ledger):
    at = page()
    assert at.title[0].value == "KPIs"
    assert at.selectbox(key=keys.KPI_MONTH).value == (date(2026, 10, 1), date(2026, 10, 31))  # today 20.11.
    metrics = {m.label: m.value for m in at.metric}
    # October: beginning I2 2000 + I3 3000 (reconstructed), ending I4 1500 current, sales I4 1500
    assert metrics["DSO (simple)"] == "31.00 days"
    assert metrics["Average days delinquent (ADD)"] == "0.00 days"
    assert metrics["Collection effectiveness index (CEI)"] == "100.00 %"
    kpis = _table(at, "kpi")
    assert kpis["definition"][kpis["kpi"] == "DSO (simple)"].item() == "ending AR ÷ credit sales × D"
    assert kpis["value"][kpis["kpi"] == "Promises kept"].item() == "—"
    inputs = _table(at, "input").set_index("input")
    assert inputs.loc["Beginning AR", "value"] == "EUR 5,000.00"
    assert "reconstructed from the all-items extract of 30.11.2026" in inputs.loc["Beginning AR", "source"]
    assert inputs.loc["Ending AR", "value"] == "EUR 1,500.00"
    assert inputs.loc["Credit sales", "value"] == "EUR 1,500.00"
    assert (inputs.loc["D (days)", "value"], inputs.loc["N (months)", "value"]) == ("31", "1")
    assert _table(at, "month")["sales"].tolist() == ["EUR 1,500.00"]
    assert "no promise to pay fell due in the period" in _text(at)
    assert at.expander and "Monthly sales file" in at.expander[-1].label  # a lead may upload one


def test_per_collector_side_by_side_with_the_chart(ledger):
    at = page(**{keys.KPI_PRESET: "quarter", keys.KPI_BY: "collector"})
    assert at.selectbox(key=keys.KPI_QUARTER).value == (date(2026, 7, 1), date(2026, 9, 30))
    at.session_state[keys.KPI_PRESET] = "custom"
    at.session_state[keys.KPI_RANGE] = (date(2026, 9, 1), NOV30)
    at.run()
    assert not at.exception, at.exception
    table = _table(at, "collector")
    assert table["collector"].tolist() == ["colin", "dora"]
    assert [float(v) for v in table["ending_ar"]] == [2000.0, 2500.0]  # I4 + I6; I5
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["xOffset"]["field"] == "measure"


def test_a_collector_sees_their_own_portfolio_only(ledger):
    at = page("colin", **{keys.KPI_PRESET: "custom", keys.KPI_RANGE: (date(2026, 9, 1), NOV30)})
    inputs = _table(at, "input").set_index("input")
    # C1, C3: beginning I1 1000, ending I4 1500 + I6 500 — never Dora's I2 2000 or I5 2500
    assert inputs.loc["Beginning AR", "value"] == "EUR 1,000.00"
    assert inputs.loc["Ending AR", "value"] == "EUR 2,000.00"
    assert "The KPIs of your own portfolio." in _text(at)
    assert not any("Monthly sales file" in e.label for e in at.expander)
    at.session_state[keys.KPI_BY] = "collector"
    at.run()
    assert _table(at, "collector")["collector"].tolist() == ["colin"]


def test_a_collector_covering_a_colleague_sees_their_own_kpis_only(ledger):
    from ar_core.knowledge import assess_skill, record_absence, set_backup

    assess_skill(ledger, SYSTEM, "colin", "german", "C2", "native")
    set_backup(ledger, SYSTEM, "dora", "colin")
    record_absence(ledger, SYSTEM, "dora", date(2026, 11, 16), date(2026, 11, 27))  # today 20.11.
    at = page("colin", **{keys.KPI_PRESET: "custom", keys.KPI_RANGE: (date(2026, 9, 1), NOV30)})
    inputs = _table(at, "input").set_index("input")
    # Colin works Dora's C2 while she is away, but his KPIs stay C1, C3: I1 1000; I4 1500 + I6 500
    assert (inputs.loc["Beginning AR", "value"], inputs.loc["Ending AR", "value"]) == (
        "EUR 1,000.00",
        "EUR 2,000.00",
    )
    at.session_state[keys.KPI_BY] = "collector"
    at.run()
    table = _table(at, "collector")
    assert table["collector"].tolist() == ["colin"] and [float(v) for v in table["ending_ar"]] == [2000.0]


def test_a_lead_looks_at_one_collectors_portfolio(ledger):
    at = page(**{keys.KPI_PRESET: "custom", keys.KPI_RANGE: (date(2026, 9, 1), NOV30)})
    assert _table(at, "input").set_index("input").loc["Ending AR", "value"] == "EUR 4,500.00"
    at.selectbox(key=keys.KPI_COLLECTOR).select("colin").run()
    inputs = _table(at, "input").set_index("input")
    assert (inputs.loc["Beginning AR", "value"], inputs.loc["Ending AR", "value"]) == (
        "EUR 1,000.00",
        "EUR 2,000.00",
    )


def test_each_note_is_one_line_even_with_a_semicolon_in_it(ledger):
    # August: ending AR from the open items of 31.08 (no clearing dates), whose note holds a "; "
    at = page(**{keys.KPI_MONTH: (date(2026, 8, 1), AUG31)})
    notes = [c.value for c in at.caption if c.value.startswith("ℹ️ ")]
    days_late = [n for n in notes if n.startswith("ℹ️ days late")]  # ":" shown escaped
    assert len(days_late) == 1 and "; an all-items extract gives the days late" in days_late[0]
    assert not any(n.startswith("ℹ️ an all-items extract") for n in notes)


def test_an_empty_store_says_why_there_are_no_kpis(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw"):
        at = page()
        assert "No KPIs for 01 Oct 2026 – 31 Oct 2026" in at.info[0].value
        assert "30.09.2026" in at.info[0].value
