"""Order-to-cash KPIs (CRF definitions) on a hand-computed ledger, and the published worked examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from ar_core.errors import InvalidInput
from ar_core.performance import (
    KPI_SCHEMA,
    Kpi,
    add,
    ar_at,
    best_possible_dso,
    cei,
    credit_sales,
    days_late,
    dso_count_back,
    dso_simple,
    kpi_frame,
    monthly_sales,
    percent_of,
)
from ar_core.schema import ITEM_SCHEMA

D = Decimal
START, END = date(2026, 9, 1), date(2026, 11, 30)  # D = 30 + 31 + 30 = 91 days, N = 3 months


def _items(rows: list[tuple]) -> pl.DataFrame:
    base = dict.fromkeys(ITEM_SCHEMA)
    cols = ("doc_no", "company_code", "doc_date", "due_date", "amount", "clearing_date")
    records = [{**base, **dict(zip(cols, r, strict=True))} for r in rows]
    for r in records:
        r["amount"] = D(r["amount"])
        r["collector"] = {"1000": "anna", "2000": "ben"}[r["company_code"]]
        r["country"] = {"1000": "DE", "2000": "NL"}[r["company_code"]]
        r["currency"] = "EUR"
    return pl.DataFrame(records, schema=ITEM_SCHEMA, orient="row")


LEDGER = _items(
    [
        # open at 31.08 (beginning AR)
        ("A1", "1000", date(2026, 7, 15), date(2026, 8, 14), "1000.00", date(2026, 9, 10)),  # 27 days late
        ("Z1", "1000", date(2026, 9, 10), date(2026, 9, 10), "-1000.00", date(2026, 9, 10)),  # its payment
        ("A2", "1000", date(2026, 5, 1), date(2026, 5, 31), "500.00", None),  # 183 days past due at 30.11
        ("A5", "1000", date(2026, 8, 10), date(2026, 9, 9), "6000.00", date(2026, 9, 30)),  # 21 days late
        ("A3", "2000", date(2026, 8, 20), date(2026, 9, 19), "2000.00", date(2026, 9, 19)),  # on time
        ("A4", "2000", date(2026, 8, 25), date(2026, 8, 25), "-300.00", None),  # credit note, 97 days
        # invoices of the period
        ("S1", "1000", date(2026, 9, 5), date(2026, 10, 5), "3000.00", date(2026, 10, 20)),  # 15 days late
        ("S2", "2000", date(2026, 9, 10), date(2026, 10, 10), "1000.00", date(2026, 10, 8)),  # 2 days early
        ("S3", "1000", date(2026, 10, 15), date(2026, 11, 14), "2500.00", None),  # 16 days past due
        ("S4", "2000", date(2026, 10, 20), date(2026, 11, 19), "1500.00", date(2026, 12, 9)),  # cleared after
        ("S5", "1000", date(2026, 11, 10), date(2026, 12, 10), "4000.00", None),  # current
        ("S6", "2000", date(2026, 11, 20), date(2026, 12, 20), "2000.00", None),  # current
        ("P1", "2000", date(2026, 11, 25), date(2026, 11, 25), "-500.00", None),  # payment on account
        # after the period: nowhere
        ("X1", "1000", date(2026, 12, 5), date(2027, 1, 4), "999.00", None),
    ]
)


# --- the published worked examples (issue 11, "Done when") ----------------------------------------


def test_worked_examples():
    # AR 15,000, current 4,000, sales 10,000 over 30 days: 15000/10000*30 = 45; 4000/10000*30 = 12
    assert dso_simple(D(15000), D(10000), 30) == Kpi(D("45.00"))
    assert best_possible_dso(D(4000), D(10000), 30) == Kpi(D("12.00"))
    assert add(D("45.00"), D("12.00")) == Kpi(D("33.00"))
    # CEI: (6200 + 10890/3 − 6340) / (6200 + 3630 − 3590) × 100 = 3490 / 6240 × 100 = 55.929..
    assert cei(D(6200), D(10890), 3, D(6340), D(3590)) == Kpi(D("55.93"))
    # count-back, newest first 100,000 / 80,000 / 70,000: 212000 − 100000 − 80000 = 32000 → 30 + 30
    # + 32000/70000 × 30 = 73.714..
    assert dso_count_back(D(212000), [(30, D(100000)), (30, D(80000)), (30, D(70000))]) == Kpi(D("73.71"))
    # $10 paid 5 days late and $100 10 days late: (5 + 10)/2 = 7.5; (50 + 1000)/110 = 9.545..
    assert days_late(2, 15, D(110), D(1050)) == (Kpi(D("7.50")), Kpi(D("9.55")))


def test_zero_denominators_give_none_with_a_reason():
    assert dso_simple(D(100), D(0), 30) == Kpi(None, "no credit sales in the period")
    assert best_possible_dso(D(100), D(0), 30).value is None
    assert add(None, D(3)).value is None and add(dso_simple(D(1), D(0), 30), D(3)).reason
    assert cei(D(0), D(0), 0, D(0), D(0)).value is None
    assert cei(D(100), D(0), 1, D(50), D(100)).reason.startswith("nothing was collectible")
    assert percent_of(D(5), D(0)) == Kpi(None, "no AR at the end of the period")
    assert days_late(0, 0, D(0), D(0)) == (Kpi(None, "no invoices cleared in the period"),) * 2
    assert dso_count_back(D(100), [(30, D(0))]).value is None  # no months' sales to count back
    assert dso_count_back(D(-1), [(30, D(10))]).reason == "ending AR is negative"


def test_count_back_edges():
    assert dso_count_back(D(0), [(30, D(500))]) == Kpi(D("0.00"))
    # exactly the last two months' sales: 30 + 31 days, nothing of the month before
    assert dso_count_back(D(300), [(30, D(100)), (31, D(200)), (31, D(999))]) == Kpi(D("61.00"))
    assert dso_count_back(D(300), [(30, D(100)), (31, D(200))]) == Kpi(D("61.00"))
    assert dso_count_back(D(301), [(30, D(100)), (31, D(200))]).value is None


def test_count_back_without_sales_is_none_and_with_no_ar_is_zero():
    # no credit sales at all: nothing to count back over, whatever ending AR (as DSO simple)
    assert dso_count_back(D(0), [(30, D(0)), (31, D(0))]) == Kpi(None, "no credit sales in the period")
    assert dso_count_back(D(0), []) == Kpi(None, "no credit sales in the period")
    assert dso_count_back(D(100), [(30, D(0))]) == Kpi(None, "no credit sales in the period")
    # no AR and sales: 0 days, also when the newest month sold nothing
    assert dso_count_back(D(0), [(30, D(0)), (31, D(200))]) == Kpi(D("0.00"))
    # AR older than a month without sales still counts that month's days: 30 + 50/200 × 31 = 37.75
    assert dso_count_back(D(50), [(30, D(0)), (31, D(200))]) == Kpi(D("37.75"))
    empty = kpi_frame(pl.DataFrame(schema=ITEM_SCHEMA), START, END).row(0, named=True)
    assert empty["dso_count_back"] is None
    assert "dso_count_back: no credit sales in the period" in empty["notes"]


# --- the inputs from an extract with cleared items --------------------------------------------------


def _docs(frame: pl.DataFrame) -> list[str]:
    return sorted(frame.get_column("doc_no"))


def test_ar_at_reconstructs_the_open_items_of_a_date():
    assert _docs(ar_at(LEDGER, date(2026, 8, 31))) == ["A1", "A2", "A3", "A4", "A5"]
    # 10.09: A1 and its payment Z1 cleared that day; S1 (05.09) and S2 (10.09) dated by then
    assert _docs(ar_at(LEDGER, date(2026, 9, 10))) == ["A2", "A3", "A4", "A5", "S1", "S2"]
    assert _docs(ar_at(LEDGER, END)) == ["A2", "A4", "P1", "S3", "S4", "S5", "S6"]
    assert ar_at(LEDGER, END).columns == list(ITEM_SCHEMA)
    # 500 − 300 + 2500 + 1500 + 4000 + 2000 − 500 = 9700
    assert ar_at(LEDGER, END).get_column("amount").sum() == D("9700.00")


def test_credit_sales_are_the_invoices_dated_in_the_period():
    # S1 3000 + S2 1000 + S3 2500 + S4 1500 + S5 4000 + S6 2000 (not Z1, P1: negative; not X1: December)
    assert credit_sales(LEDGER, START, END) == D("14000.00")
    assert monthly_sales(LEDGER, START, END) == [
        (2026, 9, 30, D("4000.00")),  # S1 + S2
        (2026, 10, 31, D("4000.00")),  # S3 + S4
        (2026, 11, 30, D("6000.00")),  # S5 + S6
    ]
    # a period starting mid-month counts only its days of that month
    assert monthly_sales(LEDGER, date(2026, 9, 10), date(2026, 10, 14)) == [
        (2026, 9, 21, D("1000.00")),  # S2 (10.09); S1 (05.09) is before
        (2026, 10, 14, D("0.00")),
    ]
    with pytest.raises(InvalidInput):
        credit_sales(LEDGER, END, START)


# --- everything at once -----------------------------------------------------------------------------


def test_kpis_in_total_with_their_inputs():
    frame = kpi_frame(LEDGER, START, END)
    assert frame.schema == pl.Schema(KPI_SCHEMA)
    row = frame.row(0, named=True)
    assert row | {"monthly_sales": None} == {
        "start": START,
        "end": END,
        "days": 91,
        "months": 3,
        "beginning_ar": D("9200.00"),  # A1 1000 + A2 500 + A5 6000 + A3 2000 − A4 300
        "ending_ar": D("9700.00"),
        "ending_current_ar": D("6000.00"),  # S5 + S6, due after 30.11
        "ending_over_90_ar": D("200.00"),  # A2 500 (183 days) − A4 300 (97 days)
        "credit_sales": D("14000.00"),
        "monthly_sales": None,
        "cleared_count": 5,  # A1, A5, A3, S1, S2 (S4 cleared 09.12; Z1 is a payment)
        "cleared_amount": D("13000.00"),  # 1000 + 6000 + 2000 + 3000 + 1000
        "dso_simple": D("63.05"),  # 9700 / 14000 × 91 = 63.05
        # count-back: 9700 − Nov 6000 = 3700 → 30 days; 3700 < Oct 4000 → 3700/4000 × 31 = 28.675
        "dso_count_back": D("58.68"),  # 30 + 28.675
        "best_possible_dso": D("39.00"),  # 6000 / 14000 × 91
        "add": D("24.05"),  # 63.05 − 39.00
        # (9200 + 14000/3 − 9700) / (9200 + 14000/3 − 6000) × 100 = 12500/23600 × 100 = 52.966
        "cei": D("52.97"),
        "pct_current": D("61.86"),  # 6000 / 9700 × 100 = 61.8556
        "pct_over_90": D("2.06"),  # 200 / 9700 × 100 = 2.0618
        "avg_days_late": D("12.60"),  # (27 + 21 + 0 + 15 + 0) / 5 = 63 / 5
        # (1000×27 + 6000×21 + 2000×0 + 3000×15 + 1000×0) / 13000 = 198000 / 13000 = 15.2307
        "weighted_days_late": D("15.23"),
        "source": "invoices",
        "notes": None,
        "note_list": [],
    }
    assert row["monthly_sales"] == [
        {"year": 2026, "month": 9, "days": 30, "sales": D("4000.00")},
        {"year": 2026, "month": 10, "days": 31, "sales": D("4000.00")},
        {"year": 2026, "month": 11, "days": 30, "sales": D("6000.00")},
    ]


def _inputs(row: dict) -> tuple:
    return row["beginning_ar"], row["ending_ar"], row["ending_current_ar"], row["credit_sales"]


def test_kpis_per_company_code_sum_to_the_total():
    frame = kpi_frame(LEDGER, START, END, by="company_code")
    assert frame.columns == ["company_code", *KPI_SCHEMA]
    rows = {r["company_code"]: r for r in frame.iter_rows(named=True)}
    first, second = rows["1000"], rows["2000"]
    # 1000: beginning A1 1000 + A2 500 + A5 6000; ending A2 500 + S3 2500 + S5 4000; sales 3000/2500/4000
    assert _inputs(first) == (D("7500.00"), D("7000.00"), D("4000.00"), D("9500.00"))
    assert first["dso_simple"] == D("67.05")  # 7000 / 9500 × 91 = 67.0526
    # 7000 − Nov 4000 = 3000 (30 d); − Oct 2500 = 500 (31 d); 500 / Sep 3000 × 30 = 5 → 66
    assert first["dso_count_back"] == D("66.00")
    assert first["best_possible_dso"] == D("38.32")  # 4000 / 9500 × 91 = 38.3158
    assert first["add"] == D("28.73")  # 67.05 − 38.32
    assert first["cei"] == D("55.00")  # (7500 + 9500/3 − 7000) / (7500 + 9500/3 − 4000) = 11000/20000
    assert (first["pct_current"], first["pct_over_90"]) == (D("57.14"), D("7.14"))  # 4000, 500 of 7000
    assert (first["avg_days_late"], first["weighted_days_late"]) == (
        D("21.00"),
        D("19.80"),
    )  # 63/3; 198000/10000
    # 2000: beginning A3 2000 − A4 300; ending −300 + 1500 + 2000 − 500; sales 1000/1500/2000
    assert _inputs(second) == (D("1700.00"), D("2700.00"), D("2000.00"), D("4500.00"))
    assert second["dso_simple"] == D("54.60")  # 2700 / 4500 × 91
    assert second["dso_count_back"] == D("44.47")  # 2700 − 2000 = 700 → 30 + 700/1500 × 31 = 44.4667
    assert second["best_possible_dso"] == D("40.44")  # 2000 / 4500 × 91 = 40.444
    assert second["add"] == D("14.16")
    assert second["cei"] == D("41.67")  # (1700 + 1500 − 2700) / (1700 + 1500 − 2000) = 500 / 1200
    assert (second["pct_current"], second["pct_over_90"]) == (D("74.07"), D("-11.11"))  # 2000, −300 of 2700
    assert (second["avg_days_late"], second["weighted_days_late"]) == (D("0.00"), D("0.00"))  # A3, S2 on time

    total = kpi_frame(LEDGER, START, END).row(0, named=True)
    for column in ("beginning_ar", "ending_ar", "ending_current_ar", "ending_over_90_ar", "credit_sales",
                   "cleared_count", "cleared_amount"):  # fmt: skip
        assert first[column] + second[column] == total[column], column
    for i in range(3):
        assert (
            first["monthly_sales"][i]["sales"] + second["monthly_sales"][i]["sales"]
            == (total["monthly_sales"][i]["sales"])
        )


def test_kpis_by_collector_and_country_and_unknown_groupings():
    by_collector = kpi_frame(LEDGER, START, END, by="collector")
    assert by_collector.get_column("collector").to_list() == ["anna", "ben"]
    assert by_collector.get_column("ending_ar").to_list() == [D("7000.00"), D("2700.00")]
    assert kpi_frame(LEDGER, START, END, by="country").get_column("country").to_list() == ["DE", "NL"]
    with pytest.raises(InvalidInput):
        kpi_frame(LEDGER, START, END, by="customer_name")


def test_a_period_without_sales_gives_none_with_reasons():
    row = kpi_frame(LEDGER, date(2027, 1, 1), date(2027, 1, 31)).row(0, named=True)
    # open at 31.01.2027: A2 500, A4 −300, S3 2500, S5 4000, S6 2000, P1 −500, X1 999 (S4 cleared 09.12)
    assert (row["days"], row["months"], row["credit_sales"], row["ending_ar"]) == (
        31,
        1,
        D("0.00"),
        D("9199.00"),
    )
    assert row["dso_simple"] is row["dso_count_back"] is row["best_possible_dso"] is row["add"] is None
    assert row["avg_days_late"] is row["weighted_days_late"] is None
    assert row["cei"] == D("0.00")  # (9199 + 0 − 9199) / (9199 − 0) — nothing collected
    assert "dso_simple: no credit sales in the period" in row["notes"]
    assert "avg_days_late: no invoices cleared in the period" in row["notes"]
    assert row["note_list"] == [
        "dso_simple: no credit sales in the period",
        "dso_count_back: no credit sales in the period",
        "best_possible_dso: no credit sales in the period",
        "add: needs DSO (simple) and best possible DSO",
        "avg_days_late: no invoices cleared in the period",
        "weighted_days_late: no invoices cleared in the period",
    ]
    assert row["notes"] == "; ".join(row["note_list"])


def test_an_empty_extract_gives_an_empty_frame_per_group_and_a_row_in_total():
    empty = pl.DataFrame(schema=ITEM_SCHEMA)
    assert kpi_frame(empty, START, END, by="company_code").is_empty()
    row = kpi_frame(empty, START, END).row(0, named=True)
    assert row["ending_ar"] == D("0.00") and row["dso_simple"] is None and row["pct_current"] is None


# --- read from the store: a collector's KPIs are their own figures -----------------------------------


@pytest.fixture
def stored(engine, make_result, monkeypatch):
    """The period test's store: the open items of 31.08, the all-items extract of 30.11 (clearing
    dates from 20.09 on); C1, C3: Meyer's; C2: Schneider's. Today 02.12.2026."""
    from ar_core.collections.lifecycle import import_snapshot
    from tests.conftest import LEAD
    from tests.test_performance_period import ALL_ITEMS, AUG31, AUGUST, NOV30
    from tests.workflow_setup import seed

    monkeypatch.setenv("AR_TODAY", "2026-12-02")
    seed(engine)
    for rows, as_of in ((AUGUST, AUG31), (ALL_ITEMS, NOV30)):
        import_snapshot(engine, LEAD, make_result(rows, as_of=as_of, file_name=f"extract_{as_of}.txt"))
    return engine


@pytest.fixture
def covered(stored):
    """:func:`stored`, and today Schneider is away and Meyer covers his portfolio."""
    from ar_core.knowledge import assess_skill, record_absence, set_backup
    from tests.conftest import LEAD

    engine = stored
    assess_skill(engine, LEAD, "c.meyer", "german", "C2", "native")
    set_backup(engine, LEAD, "j.schneider", "c.meyer")
    record_absence(engine, LEAD, "j.schneider", date(2026, 11, 30), date(2026, 12, 11))
    return engine


def test_a_collectors_kpis_leave_out_the_portfolio_they_cover_today(covered):
    from ar_core.access import collector_scope
    from ar_core.performance import period_kpis
    from tests.conftest import LEAD
    from tests.workflow_setup import MEYER

    assert collector_scope(covered, "c.meyer") == {"C1", "C2", "C3"}  # Meyer works Schneider's C2 today
    period = (date(2026, 9, 1), date(2026, 11, 30))
    rows = period_kpis(covered, LEAD, *period, by="collector").iter_rows(named=True)
    mine = next(r for r in rows if r["collector"] == "c.meyer")
    # C1, C3: beginning I1 1000; ending I4 1500 + I6 500 — never C2's I2 2000 or I5 2500
    assert (mine["beginning_ar"], mine["ending_ar"]) == (D("1000.00"), D("2000.00"))
    as_lead = period_kpis(covered, LEAD, *period, collector="c.meyer").row(0, named=True)
    own = period_kpis(covered, MEYER, *period).row(0, named=True)
    own_group = period_kpis(covered, MEYER, *period, by="collector").row(0, named=True)
    for row in (as_lead, own, own_group):
        for column in ("beginning_ar", "ending_ar", "ending_current_ar", "credit_sales", "dso_simple"):
            assert row[column] == mine[column], column


def test_a_collectors_view_says_when_escalations_make_it_differ_from_their_team_row(covered):
    from ar_core.collections import escalate
    from ar_core.performance import period_kpis
    from tests.conftest import LEAD
    from tests.workflow_setup import MEYER, SCHNEIDER

    period = (date(2026, 9, 1), date(2026, 11, 30))
    assert "escalated" not in (period_kpis(covered, MEYER, *period).row(0, named=True)["notes"] or "")
    escalate(covered, SCHNEIDER, "C2", to_username=MEYER.username, reason="needs a senior")
    own = period_kpis(covered, MEYER, *period).row(0, named=True)
    assert own["ending_ar"] == D("4500.00")  # C1, C3 and the escalated C2 (I5 2500)
    assert (
        "1 customer escalated to c.meyer from another portfolio counts here (per collector, the team's "
        "figures keep it with its portfolio owner)"
    ) in own["notes"]
    team = period_kpis(covered, LEAD, *period, by="collector")
    assert team.select("collector", "ending_ar").rows() == [
        ("c.meyer", D("2000.00")),
        ("j.schneider", D("2500.00")),
    ]


def test_days_late_say_which_days_the_clearing_dates_cover(stored):
    from ar_core.performance import period_kpis
    from tests.conftest import LEAD

    def days_late_notes(start: date, end: date) -> list[str]:
        row = period_kpis(stored, LEAD, start, end).row(0, named=True)
        return [n for n in row["note_list"] if n.startswith("days late:")]

    # 01.09.–30.11.: the extract's clearing dates start on 20.09 (I1): 01.09.–19.09. is not covered
    assert days_late_notes(date(2026, 9, 1), date(2026, 11, 30)) == [
        "days late: the extract of 30.11.2026 lists clearing dates from 20.09.2026 on only: the days late "
        "are of the invoices cleared 20.09.2026–30.11.2026, not of the whole period 01.09.2026–30.11.2026"
    ]
    # December: ending AR from the nearest earlier extract (30.11.), whose clearing dates end there
    assert days_late_notes(date(2026, 12, 1), date(2026, 12, 31)) == [
        "days late: the extract of 30.11.2026 lists clearing dates up to 30.11.2026 only: no invoice "
        "cleared in the period is known from it"
    ]
    assert days_late_notes(date(2026, 9, 1), date(2026, 12, 31)) == [
        "days late: the extract of 30.11.2026 lists clearing dates from 20.09.2026 on and up to 30.11.2026 "
        "only: the days late are of the invoices cleared 20.09.2026–30.11.2026, not of the whole period "
        "01.09.2026–31.12.2026"
    ]
    # from 20.09. on the clearing dates cover the whole period: no note
    assert days_late_notes(date(2026, 9, 20), date(2026, 11, 30)) == []
    assert days_late_notes(date(2026, 10, 1), date(2026, 10, 31)) == []
