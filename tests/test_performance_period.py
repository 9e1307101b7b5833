"""KPIs of a period read from the store: AR at a date (snapshot, reconstructed, nearest earlier),
the credit sales source (invoices, monthly sales file), the portfolio rule, the reporting currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.performance import PERIOD_SCHEMA, ar_source, import_monthly_sales, period_kpis
from tests.conftest import LEAD, item
from tests.workflow_setup import MEYER, SCHNEIDER, seed

D = Decimal
AUG31, NOV30 = date(2026, 8, 31), date(2026, 11, 30)


def _row(doc, customer, doc_date, due, amount, cleared=None):  # noqa: PLR0917 - a table row
    return item(doc_no=doc, customer_id=customer, customer_name=f"Customer {customer}", doc_date=doc_date,
                posting_date=doc_date, baseline_date=doc_date, due_date=due, amount=amount,
                clearing_date=cleared, collector=None)  # fmt: skip


#: The all-items extract of 30.11.2026 (C1, C3: Meyer's; C2: Schneider's).
ALL_ITEMS = [
    _row("I1", "C1", date(2026, 8, 10), date(2026, 9, 9), "1000.00", date(2026, 9, 20)),  # 11 days late
    _row("P1", "C1", date(2026, 9, 20), date(2026, 9, 20), "-1000.00", date(2026, 9, 20)),
    _row("I2", "C2", date(2026, 8, 20), date(2026, 9, 19), "2000.00", date(2026, 10, 1)),  # 12 days late
    _row("P2", "C2", date(2026, 10, 1), date(2026, 10, 1), "-2000.00", date(2026, 10, 1)),
    _row("I3", "C1", date(2026, 9, 15), date(2026, 10, 15), "3000.00", date(2026, 10, 25)),  # 10 days late
    _row("P3", "C1", date(2026, 10, 25), date(2026, 10, 25), "-3000.00", date(2026, 10, 25)),
    _row("I4", "C3", date(2026, 10, 10), date(2026, 11, 9), "1500.00"),  # 21 days past due at 30.11
    _row("I5", "C2", date(2026, 11, 5), date(2026, 12, 5), "2500.00"),  # current
    _row("I6", "C3", date(2026, 11, 20), date(2026, 12, 20), "500.00"),  # current
]
#: The open items of 31.08.2026.
AUGUST = [
    _row("I1", "C1", date(2026, 8, 10), date(2026, 9, 9), "1000.00"),
    _row("I2", "C2", date(2026, 8, 20), date(2026, 9, 19), "2000.00"),
]
OPEN_NOV = [r for r in ALL_ITEMS if r["clearing_date"] is None]


@pytest.fixture
def team(engine):
    seed(engine)
    return engine


def _load(engine, make_result, *files):
    for rows, as_of in files:
        import_snapshot(engine, LEAD, make_result(rows, as_of=as_of, file_name=f"extract_{as_of}.txt"))


@pytest.fixture
def store_all_items(team, make_result):
    _load(team, make_result, (AUGUST, AUG31), (ALL_ITEMS, NOV30))
    return team


def test_a_quarter_from_a_snapshot_and_an_all_items_extract(store_all_items):
    frame = period_kpis(store_all_items, LEAD, date(2026, 9, 1), NOV30)
    assert frame.schema == __import__("polars").Schema(PERIOD_SCHEMA)
    row = frame.row(0, named=True)
    assert (row["days"], row["months"], row["currency"]) == (91, 3, "EUR")
    assert row["beginning_source"] == "snapshot of 31.08.2026"
    assert row["ending_source"] == "snapshot of 30.11.2026"
    assert (row["sales_source"], row["source"]) == ("invoices", "invoices")
    # beginning I1 1000 + I2 2000; ending I4 1500 + I5 2500 + I6 500; current I5 + I6
    assert (row["beginning_ar"], row["ending_ar"], row["ending_current_ar"]) == (
        D("3000"),
        D("4500"),
        D("3000"),
    )
    assert row["credit_sales"] == D("7500.00")  # I3 3000 (Sep), I4 1500 (Oct), I5 + I6 3000 (Nov)
    assert row["dso_simple"] == D("54.60")  # 4500 / 7500 × 91
    assert row["best_possible_dso"] == D("36.40")  # 3000 / 7500 × 91
    assert row["add"] == D("18.20")
    # 4500 − Nov 3000 = 1500 (30 d); 1500 not < Oct 1500: − 1500 = 0 (31 d); 0 / Sep 3000 → 61
    assert row["dso_count_back"] == D("61.00")
    assert row["cei"] == D("40.00")  # (3000 + 2500 − 4500) / (3000 + 2500 − 3000) = 1000 / 2500
    assert (row["pct_current"], row["pct_over_90"]) == (D("66.67"), D("0.00"))
    # I1 11, I2 12, I3 10 days late: 33 / 3; (11000 + 24000 + 30000) / 6000 = 10.833
    assert (row["avg_days_late"], row["weighted_days_late"]) == (D("11.00"), D("10.83"))
    assert row["promises_due"] == 0 and row["promise_kept_rate"] is None
    assert "promise_kept_rate: no promise to pay fell due in the period" in row["notes"]


def test_ar_at_a_date_between_snapshots_is_reconstructed_from_the_all_items_extract(store_all_items):
    row = period_kpis(store_all_items, LEAD, date(2026, 10, 1), date(2026, 10, 31)).row(0, named=True)
    assert row["beginning_source"] == "reconstructed from the all-items extract of 30.11.2026"
    assert row["ending_source"] == "reconstructed from the all-items extract of 30.11.2026"
    # 30.09: I2 (cleared 01.10) 2000 + I3 (cleared 25.10) 3000; 31.10: I4 1500, not yet due
    assert (row["beginning_ar"], row["ending_ar"], row["ending_current_ar"]) == (
        D("5000"),
        D("1500"),
        D("1500"),
    )
    assert row["credit_sales"] == D("1500.00")
    assert (row["dso_simple"], row["best_possible_dso"], row["add"]) == (D("31.00"), D("31.00"), D("0.00"))
    assert row["cei"] == D("100.00")
    # I2 cleared 01.10 (12 days late), I3 25.10 (10): 22 / 2; (24000 + 30000) / 5000
    assert (row["avg_days_late"], row["weighted_days_late"]) == (D("11.00"), D("10.80"))


def test_source_selection_exact_reconstructed_nearest_earlier_and_none(store_all_items, engine):
    src = ar_source(store_all_items, AUG31)
    assert (src.kind, src.as_of, src.text) == ("snapshot", AUG31, "snapshot of 31.08.2026")
    assert ar_source(store_all_items, date(2026, 9, 30)).kind == "reconstructed"
    later = ar_source(store_all_items, date(2026, 12, 31))
    assert (later.kind, later.as_of) == ("earlier", NOV30)
    assert later.text.startswith("nearest earlier snapshot of 30.11.2026")
    row = period_kpis(store_all_items, LEAD, date(2026, 12, 1), date(2026, 12, 31)).row(0, named=True)
    assert row["ending_source"].startswith("nearest earlier snapshot of 30.11.2026")
    assert "AR at 31.12.2026: nearest earlier snapshot of 30.11.2026" in row["notes"]
    assert row["ending_ar"] == D("4500.00")  # what 30.11 shows open


def test_no_snapshot_names_the_date(team):
    with pytest.raises(InvalidInput, match=r"31\.08\.2026"):
        period_kpis(team, LEAD, date(2026, 9, 1), NOV30)


def test_a_period_that_ends_before_it_starts_is_refused(store_all_items):
    with pytest.raises(InvalidInput):
        period_kpis(store_all_items, LEAD, NOV30, date(2026, 9, 1))


def test_a_collector_sees_their_portfolio_only(store_all_items):
    engine = store_all_items
    mine = period_kpis(engine, MEYER, date(2026, 9, 1), NOV30).row(0, named=True)
    # C1, C3 only: beginning I1 1000; ending I4 1500 + I6 500; sales I3 3000 + I4 1500 + I6 500
    assert (mine["beginning_ar"], mine["ending_ar"], mine["credit_sales"]) == (
        D("1000"),
        D("2000"),
        D("5000"),
    )
    as_lead = period_kpis(engine, LEAD, date(2026, 9, 1), NOV30, collector="c.meyer").row(0, named=True)
    assert (as_lead["beginning_ar"], as_lead["ending_ar"], as_lead["credit_sales"]) == (
        D("1000"), D("2000"), D("5000"))  # fmt: skip
    with pytest.raises(PermissionDenied):
        period_kpis(engine, MEYER, date(2026, 9, 1), NOV30, collector=SCHNEIDER.username)
    # grouped per collector, a collector's view is one group: their own (never a colleague's name)
    assert period_kpis(engine, MEYER, date(2026, 9, 1), NOV30, by="collector")["collector"].to_list() == [
        "c.meyer"
    ]
    assert period_kpis(engine, LEAD, date(2026, 9, 1), NOV30, by="collector", collector="c.meyer")[
        "ending_ar"
    ].to_list() == [D("2000.00")]
    theirs = period_kpis(engine, SCHNEIDER, date(2026, 9, 1), NOV30).row(0, named=True)
    assert (theirs["beginning_ar"], theirs["ending_ar"]) == (D("2000"), D("2500"))  # I2; I5


def test_groups_by_collector_company_code_and_country_sum_to_the_total(store_all_items):
    engine = store_all_items
    frame = period_kpis(engine, LEAD, date(2026, 9, 1), NOV30, by="collector")
    rows = {r["collector"]: r for r in frame.iter_rows(named=True)}
    assert sorted(rows) == ["c.meyer", "j.schneider"]
    assert (rows["c.meyer"]["ending_ar"], rows["j.schneider"]["ending_ar"]) == (D("2000"), D("2500"))
    assert (rows["c.meyer"]["beginning_ar"], rows["j.schneider"]["beginning_ar"]) == (D("1000"), D("2000"))
    by_code = period_kpis(engine, LEAD, date(2026, 9, 1), NOV30, by="company_code")
    assert by_code.select("company_code", "ending_ar").rows() == [("1000", D("4500.00"))]
    assert period_kpis(engine, LEAD, date(2026, 9, 1), NOV30, by="country")["country"].to_list() == ["DE"]
    only = period_kpis(engine, LEAD, date(2026, 9, 1), NOV30, company_code="2000").row(0, named=True)
    assert only["ending_ar"] == D("0.00") and only["dso_simple"] is None


# --- open-item extracts and the monthly sales file ---------------------------------------------


@pytest.fixture
def store_open_items(team, make_result):
    _load(team, make_result, (AUGUST, AUG31), (OPEN_NOV, NOV30))
    return team


def test_open_items_only_without_a_sales_file_use_the_visible_invoices_and_say_so(store_open_items):
    row = period_kpis(store_open_items, LEAD, date(2026, 9, 1), NOV30).row(0, named=True)
    assert row["sales_source"] == "invoices"
    assert row["credit_sales"] == D("4500.00")  # I4, I5, I6: I3 was paid and left the extract
    assert "understates sales" in row["notes"]
    assert row["avg_days_late"] is None  # no clearing dates in an open-item extract
    assert "days late: the extract used for ending AR holds open items only" in row["notes"]


def test_open_items_take_credit_sales_from_the_monthly_sales_file(store_open_items):
    engine = store_open_items
    data = b"Buchungskreis;Monat;Umsatz;W\xe4hrung\n1000;09.2026;3.000,00;EUR\n1000;2026-10;1.500,00;EUR\n"
    outcome = import_monthly_sales(engine, LEAD, "umsatz.csv", data)
    assert (outcome.stored, outcome.problems) == (2, [])
    row = period_kpis(engine, LEAD, date(2026, 9, 1), NOV30).row(0, named=True)
    assert row["sales_source"] == "sales_file"
    # Sep 3000 + Oct 1500 from the file; November not in the file: I5 2500 + I6 500 still visible
    assert row["credit_sales"] == D("7500.00")
    assert [m["sales"] for m in row["monthly_sales"]] == [D("3000.00"), D("1500.00"), D("3000.00")]
    assert "no figure for 1000 11.2026" in row["notes"]
    assert row["dso_simple"] == D("54.60")  # 4500 / 7500 × 91
    # a collector's portfolio is not a company code: the file cannot be split, visible invoices
    mine = period_kpis(engine, MEYER, date(2026, 9, 1), NOV30).row(0, named=True)
    assert mine["sales_source"] == "invoices" and "kept per company code" in mine["notes"]


# --- the reporting currency, promises and disputes --------------------------------------------


def test_amounts_in_the_reporting_currency_and_a_missing_rate_named(team, make_result):
    from ar_core.ledger import set_rate

    chf = [
        {**_row("F1", "C2", date(2026, 11, 2), date(2026, 12, 2), "1000.00"), "company_code": "2000",
         "currency": "CHF"},
        {**_row("F2", "C2", date(2026, 11, 3), date(2026, 12, 3), "500.00"), "company_code": "3000",
         "currency": "USD"},
    ]  # fmt: skip
    _load(team, make_result, (AUGUST, AUG31), ([*ALL_ITEMS, *chf], NOV30))
    set_rate(team, LEAD, date(2026, 11, 1), "CHF", D("1.05"))  # EUR per CHF, in force at 30.11
    frame = period_kpis(team, LEAD, date(2026, 9, 1), NOV30, by="company_code")
    rows = {r["company_code"]: r for r in frame.iter_rows(named=True)}
    assert rows["2000"]["ending_ar"] == D("1050.00") and rows["2000"]["currency"] == "EUR"  # 1000 CHF × 1.05
    assert rows["2000"]["credit_sales"] == D("1050.00")
    assert "3000" not in rows  # no USD rate: left out, and said
    assert "no EUR rate at 30.11.2026 for USD: those items are left out" in rows["1000"]["notes"]
    total = period_kpis(team, LEAD, date(2026, 9, 1), NOV30).row(0, named=True)
    assert total["ending_ar"] == D("5550.00")  # 4500 EUR + 1050


def test_promises_and_disputes_of_the_period_per_collector(store_all_items):
    import sqlalchemy as sa

    from ar_core.store.models import Promise

    engine = store_all_items
    promises = [  # (customer, promised date, amount, status)
        ("C1", date(2026, 10, 5), 1000_00, "kept"),  # Meyer's
        ("C3", date(2026, 10, 20), 500_00, "broken"),  # Meyer's
        ("C2", date(2026, 11, 10), 2500_00, "kept"),  # Schneider's
        ("C2", date(2026, 12, 10), 900_00, "open"),  # after the period
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(Promise), [
            {"customer_id": c, "promised_date": d, "amount_cents": a, "currency": "EUR", "status": s,
             "created_by": "c.meyer"} for c, d, a, s in promises
        ])  # fmt: skip
    frame = period_kpis(engine, LEAD, date(2026, 9, 1), NOV30, by="collector")
    rows = {r["collector"]: r for r in frame.iter_rows(named=True)}
    meyer, schneider = rows["c.meyer"], rows["j.schneider"]
    assert (meyer["promises_due"], meyer["promises_kept"], meyer["promise_kept_rate"]) == (2, 1, D("50.00"))
    assert meyer["promise_kept_rate_amount"] == D("66.67")  # 1000 of 1500
    assert (schneider["promises_due"], schneider["promise_kept_rate"]) == (1, D("100.00"))
    total = period_kpis(engine, LEAD, date(2026, 9, 1), NOV30).row(0, named=True)
    assert (total["promises_due"], total["promises_kept"], total["promise_kept_rate"]) == (3, 2, D("66.67"))
    assert period_kpis(engine, MEYER, date(2026, 9, 1), NOV30).row(0, named=True)["promises_due"] == 2
    # the items carry no dispute: no case, and the notes say so
    assert total["disputes_resolved"] == 0 and total["dispute_cycle_days"] is None
    assert "no dispute resolved in the period" in total["notes"]


def test_a_disputed_item_opens_a_case_that_counts_as_open_for_its_portfolio_owner(team, make_result):
    disputed = [
        {**r, "disputed": True, "dispute_reason": "PRICE"} if r["doc_no"] == "I4" else r for r in ALL_ITEMS
    ]
    _load(team, make_result, (AUGUST, AUG31), (disputed, NOV30))
    frame = period_kpis(team, LEAD, date(2026, 9, 1), NOV30, by="collector")
    rows = {r["collector"]: r for r in frame.iter_rows(named=True)}
    # the case opens with the snapshot of 30.11 (C3: Meyer's): open at the end, 0 days old
    assert (rows["c.meyer"]["open_disputes"], rows["c.meyer"]["open_dispute_age_days"]) == (1, D("0.00"))
    assert (rows["j.schneider"]["open_disputes"], rows["j.schneider"]["open_dispute_age_days"]) == (0, None)
    assert period_kpis(team, SCHNEIDER, date(2026, 9, 1), NOV30).row(0, named=True)["open_disputes"] == 0


def test_an_all_items_extract_reconstructs_only_the_days_its_cleared_lines_reach_back_to(team, make_result):
    # the 30.11 extract lists the lines cleared since 25.10 only (I3 and its payment), as extracts
    # pulled for a clearing period do: I1 and I2, cleared in September and October, are not in it
    late = [r for r in ALL_ITEMS if r["clearing_date"] is None or r["clearing_date"] >= date(2026, 10, 25)]
    _load(team, make_result, (AUGUST, AUG31), (late, NOV30))
    assert ar_source(team, date(2026, 10, 24)).kind == "reconstructed"  # every clearing after 24.10 is listed
    before = ar_source(team, date(2026, 9, 30))
    assert (before.kind, before.as_of) == ("earlier", AUG31)  # not 30.11: it would miss I2 (cleared 01.10)
    assert "reaches back" in before.text
    row = period_kpis(team, LEAD, date(2026, 10, 1), date(2026, 10, 31)).row(0, named=True)
    assert row["beginning_source"].startswith("nearest earlier snapshot of 31.08.2026")
    assert row["beginning_ar"] == D("3000.00")  # what 31.08 shows: I1 + I2
    # the extract cannot give all October invoices either: said, not hidden
    assert row["sales_source"] == "invoices" and "lines cleared from 25.10.2026 on only" in row["notes"]


def test_a_customer_escalated_to_a_collector_counts_in_their_view_under_their_name(store_all_items):
    from ar_core.collections import escalate

    engine = store_all_items
    escalate(engine, SCHNEIDER, "C2", to_username=MEYER.username, reason="needs a senior")
    frame = period_kpis(engine, MEYER, date(2026, 9, 1), NOV30, by="collector")
    # C1, C3 and the escalated C2: one group, Meyer's — Schneider's name is not shown to Meyer
    assert frame.select("collector", "ending_ar").rows() == [("c.meyer", D("4500.00"))]
    # the lead's team view keeps C2 with its owner
    team = period_kpis(engine, LEAD, date(2026, 9, 1), NOV30, by="collector")
    assert team.select("collector", "ending_ar").rows() == [
        ("c.meyer", D("2000.00")),
        ("j.schneider", D("2500.00")),
    ]


def test_the_last_full_months_and_quarters_the_page_offers():
    from ar_core.performance import last_full_periods

    assert last_full_periods(date(2026, 12, 1), "month", 2) == [
        (date(2026, 11, 1), NOV30), (date(2026, 10, 1), date(2026, 10, 31))]  # fmt: skip
    assert last_full_periods(date(2026, 1, 31), "month", 1) == [(date(2025, 12, 1), date(2025, 12, 31))]
    # 15.02.2026 is in Q1: the last full quarter is Q4 2025
    assert last_full_periods(date(2026, 2, 15), "quarter", 2) == [
        (date(2025, 10, 1), date(2025, 12, 31)), (date(2025, 7, 1), date(2025, 9, 30))]  # fmt: skip
    with pytest.raises(InvalidInput):
        last_full_periods(date(2026, 2, 15), "week", 1)
