"""Root causes page through AppTest: the Pareto chart and table, the drill-down to the cases behind a
key with links to the Disputes page, the trend, cycle time and credit-note views; an empty store."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.disputes import list_cases, resolve_case
from ar_core.ledger import Scope
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import ROOT, SYSTEM, app_store
from tests.conftest import item, items_frame

USERS = {"lena": ["lead"], "carl": ["controller"], "colin": ["collector"]}
W1, W2 = date(2026, 11, 6), date(2026, 11, 13)


@pytest.fixture
def ledger(tmp_path, monkeypatch, make_result):
    """Two weekly snapshots with five disputed items; one case resolved by a partial credit.

    Open on 20.11.: PRICE 4,000 (Müller) + 2,000 (Bakker), QUANTITY 1,500, ZZ9 (unmapped) 500;
    DAMAGED 1,000 was resolved on 18.11. with a credit of 400.
    """
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": ["C1", "C2"],
                    "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."],
                    "collector": ["colin", "colin"],
                }
            ),
        )
        disputed = [
            ("1800000001", "C1", "4000.00", "PRICE"),
            ("1800000002", "C2", "2000.00", "PRICE"),
            ("1800000003", "C1", "1500.00", "QUANTITY"),
            ("1800000004", "C2", "500.00", "ZZ9"),
            ("1800000005", "C1", "1000.00", "DAMAGED"),
        ]
        rows = [
            item(doc_no=d, customer_id=c, amount=a, disputed=True, dispute_reason=r, collector="colin")
            for d, c, a, r in disputed
        ]
        for as_of in (W1, W2):
            import_snapshot(
                engine, SYSTEM, make_result(items_frame(rows), as_of=as_of), scope=Scope.whole_ledger()
            )
        damaged = list_cases(engine, SYSTEM).filter(pl.col("reason") == "DAMAGED")["case_id"].item()
        resolve_case(
            engine, SYSTEM, damaged, "partial credit", resolved=date(2026, 11, 18), credited="400.00"
        )
        yield engine


def page(username: str = "lena") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/root_causes.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.run()
    assert not at.exception, at.exception
    return at


def _spec(at: AppTest, i: int = 0) -> dict:
    return json.loads(at.get("vega_lite_chart")[i].proto.spec)


def _marks(spec: dict) -> list[str]:
    """Every mark type of a (layered) chart, in drawing order."""
    if "layer" in spec:
        return [m for layer in spec["layer"] for m in _marks(layer)]
    mark = spec.get("mark")
    return [mark["type"] if isinstance(mark, dict) else mark]


def _behind(at: AppTest):
    """The table of the cases behind the chosen key (the one with links to the Disputes page)."""
    return next(d.value for d in at.dataframe if "link" in d.value.columns)


def test_the_pareto_chart_draws_ranked_bars_the_cumulative_line_and_the_80_percent_rule(ledger):
    at = page()
    spec = _spec(at)
    assert _marks(spec) == ["bar", "line", "rule", "text"]
    assert spec["resolve"] == {"scale": {"y": "independent"}}  # the share has its own axis
    bars = spec["layer"][0]
    assert bars["encoding"]["x"]["sort"] == ["PRICE", "QUANTITY", "ZZ9"]  # largest amount first
    assert bars["encoding"]["y"]["title"] == "Disputed amount (EUR)"
    assert spec["params"][0]["name"] == "pick" and spec["params"][0]["select"]["fields"] == ["key"]
    table = at.dataframe[0].value
    assert table["label"].tolist() == ["PRICE", "QUANTITY", "ZZ9"]
    assert [float(a) for a in table["amount"]] == [6000.0, 1500.0, 500.0]
    assert table["cumulative_share"].tolist() == [0.75, 0.9375, 1.0]
    assert table["within_80"].tolist() == [True, True, False]
    assert "Disputes open on 20 Nov 2026: 3 keys; the first 2 (dark) hold 80 %" in at.caption[0].value


def test_choosing_a_key_lists_the_cases_behind_it_with_links_to_the_disputes_page(ledger):
    at = page()
    at.selectbox(key="rc_key_reason").select("PRICE").run()
    behind = _behind(at)
    ids = list_cases(ledger, SYSTEM).filter(pl.col("reason") == "PRICE").sort("amount", descending=True)
    assert behind["link"].tolist() == [f"disputes?case={i}" for i in ids["case_id"]]
    assert behind["customer"].tolist() == ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."]
    assert [float(a) for a in behind["amount"]] == [4000.0, 2000.0]
    assert "**2 cases** behind PRICE" in "\n".join(m.value for m in at.markdown)


def test_a_click_on_a_bar_chooses_its_key(ledger):
    at = page()
    at.session_state["rc_chart_reason"] = {"selection": {"pick": [{"key": "QUANTITY"}]}}
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="rc_key_reason").value == "QUANTITY"
    assert _behind(at)["reason"].tolist() == ["QUANTITY"]
    at.selectbox(key="rc_key_reason").select("ZZ9").run()  # the box decides after the click
    assert _behind(at)["reason"].tolist() == ["ZZ9"]


def test_by_customer_and_by_category_with_the_unmapped_code(ledger):
    at = page()
    at.radio(key="rc_by").set_value("customer").run()
    assert at.dataframe[0].value["label"].tolist() == [
        "Müller Maschinenbau GmbH (C1)",
        "Bakker Logistiek B.V. (C2)",
    ]
    at.radio(key="rc_by").set_value("category").run()
    table = at.dataframe[0].value
    assert table["label"].tolist() == ["pricing", "quantity/delivery", "unmapped"]
    at.selectbox(key="rc_key_category").select("unmapped").run()
    assert _behind(at)["reason"].tolist() == ["ZZ9"]


def test_a_period_counts_the_cases_opened_in_it_whatever_their_status(ledger):
    at = page()
    at.segmented_control(key="rc_basis").set_value("period").run()
    at.date_input(key="rc_period").set_value((date(2026, 11, 1), date(2026, 11, 10))).run()
    table = at.dataframe[0].value
    assert table["label"].tolist() == ["PRICE", "QUANTITY", "DAMAGED", "ZZ9"]  # the resolved one too
    at.date_input(key="rc_period").set_value((date(2026, 11, 7), date(2026, 11, 10))).run()
    assert "No disputes opened 07 Nov 2026 – 10 Nov 2026: nothing to rank." in [i.value for i in at.info]


def test_trend_cycle_time_and_credit_notes(ledger):
    at = page()
    trend = next(d.value for d in at.dataframe if "as_of" in d.value.columns)
    assert trend["open"].tolist() == [5, 5]  # 13.11. and 06.11.: DAMAGED was resolved on 18.11.
    assert [float(a) for a in trend["open_amount"]] == [9000.0, 9000.0]
    assert trend["median_age_days"].tolist() == [7.0, 0.0]
    cycle = next(d.value for d in at.dataframe if "p90_days" in d.value.columns)
    assert cycle.to_dict("records") == [
        {
            "reason": "DAMAGED",
            "n": 1,
            "median_days": 12.0,
            "p90_days": 12.0,
            "mean_days": 12.0,
            "past_sla": 0.0,
        }
    ]
    credit = next(d.value for d in at.dataframe if "credit_notes" in d.value.columns)
    assert credit["category"].tolist() == ["quality/damage"]
    assert (credit["share"].tolist(), [float(c) for c in credit["credited"]]) == ([1.0], [400.0])
    charts = [_marks(_spec(at, i)) for i in range(len(at.get("vega_lite_chart")))]
    assert charts == [["bar", "line", "rule", "text"], ["line"], ["bar", "line"], ["bar"], ["bar"]]
    histogram = _spec(at, 3)
    assert histogram["encoding"]["x"]["title"] == "Days to resolve"
    assert at.get("download_button")[-1].proto.label == "Download the analysis (XLSX)"


def test_inquiries_alone_and_both_together(ledger):
    at = page()
    at.segmented_control(key="rc_type").set_value("inquiry").run()
    assert "No inquiries open on 20 Nov 2026: nothing to rank." in [i.value for i in at.info]
    at.segmented_control(key="rc_type").set_value("both").run()
    assert at.dataframe[0].value["count"].sum() == 4


def test_without_cases_the_page_says_where_they_come_from(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw"):
        at = page()
        assert at.info[0].value.startswith("No dispute or inquiry case yet, so there is nothing to analyse.")
        assert not at.get("vega_lite_chart") and not at.dataframe


def test_the_controller_reads_the_analysis_and_a_collector_is_refused(ledger):
    assert page("carl").get("vega_lite_chart")
    at = page("colin")
    assert "not available for your role" in at.error[0].value
    assert not at.dataframe
