"""Dispute cases in the worklist: follow-ups that have come (case due date or next-action date) are
counted, named and never snoozed; the part of an item a case covers is disputed, not collectable;
the shared per-snapshot base is not computed again when a case is opened."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from ar_core.collections import worklist_for
from ar_core.collections.lifecycle import import_snapshot
from ar_core.collections.priority import PriorityConfig
from ar_core.collections.worklist import build_worklist, customer_base, with_case_disputes
from ar_core.disputes import open_case, update_case
from ar_core.ledger.snapshot_scope import Scope
from tests.conftest import COLLECTOR, LEAD, item, items_frame
from tests.test_disputes import OTHER

AS_OF = date(2026, 11, 20)
TODAY = date(2026, 11, 25)
D = Decimal


def _cases(rows: list[tuple]) -> pl.DataFrame:
    """rows: (customer, due, next-action date), one case being worked each."""
    return pl.DataFrame(
        rows,
        schema={"customer_id": pl.String(), "due": pl.Date(), "next_action_date": pl.Date()},
        orient="row",
    )


def _case_items(rows: list[tuple]) -> pl.DataFrame:
    """rows: (customer, document, disputed amount, cleared on), as ``disputes.case_items`` gives them."""
    return pl.DataFrame(
        [
            {"case_id": i, "customer_id": c, "company_code": "1000", "fiscal_year": 2026, "doc_no": doc,
             "line_item": 1, "amount": D(amount), "cleared_on": cleared}
            for i, (c, doc, amount, cleared) in enumerate(rows, start=1)
        ],
        schema_overrides={"fiscal_year": pl.Int32(), "line_item": pl.Int32(), "amount": pl.Decimal(18, 2),
                          "cleared_on": pl.Date()},
    )  # fmt: skip


ITEMS = items_frame(
    [
        # A: EUR 1,000 50 days overdue and EUR 300 19 days overdue
        item(customer_id="A", doc_no="1800000001", amount="1000.00", amount_reporting="1000.00"),
        item(customer_id="A", doc_no="1800000002", amount="300.00", amount_reporting="300.00",
             due_date=date(2026, 11, 1)),
        # B: the ERP flags its invoice as disputed
        item(customer_id="B", doc_no="1800000003", amount="500.00", disputed=True),
        # C: EUR 800, 80 days overdue
        item(customer_id="C", doc_no="1800000004", amount="800.00", due_date=date(2026, 9, 1)),
        # E: only a credit
        item(customer_id="E", doc_no="1600000005", amount="-90.00"),
    ]
)  # fmt: skip


def _row(frame: pl.DataFrame, customer: str) -> dict:
    return frame.filter(pl.col("customer_id") == customer).row(0, named=True)


# --- follow-ups ---------------------------------------------------------------------------------


def test_follow_ups_count_the_cases_whose_due_or_next_action_date_has_come():
    cases = _cases(
        [
            ("A", date(2026, 11, 25), None),  # due today
            ("A", date(2026, 12, 10), date(2026, 11, 24)),  # not due, but the follow-up was yesterday
            ("A", date(2026, 12, 10), date(2026, 11, 26)),  # neither yet
            ("C", date(2026, 11, 1), date(2026, 12, 1)),  # past due (a later next action does not hide it)
        ]
    )
    wl = build_worklist(ITEMS, AS_OF, today=TODAY, cases=cases)
    assert dict(wl.select("customer_id", "dispute_followups").rows()) == {"A": 2, "B": 0, "C": 1, "E": 0}
    assert _row(wl, "A")["reasons"][-1] == "2 dispute follow-ups due"
    assert _row(wl, "C")["reasons"][-1] == "1 dispute follow-up due"
    assert not any("follow-up" in r for r in _row(wl, "B")["reasons"])
    # the score does not change: a follow-up is work to do, not risk
    plain = build_worklist(ITEMS, AS_OF, today=TODAY)
    assert wl.sort("customer_id")["score"].to_list() == plain.sort("customer_id")["score"].to_list()


def test_a_follow_up_that_has_come_is_never_snoozed():
    contacts = pl.DataFrame(
        {
            "customer_id": ["A", "C"],
            "last_contact_at": [date(2026, 11, 24)] * 2,
            "last_outcome": ["reached"] * 2,
            "next_action": ["call", "call"],
            "next_action_date": [date(2026, 11, 30)] * 2,  # both parked until Monday
        }
    )
    cases = _cases([("A", date(2026, 11, 25), None), ("E", date(2026, 11, 20), None)])
    wl = build_worklist(ITEMS, AS_OF, contacts_summary=contacts, today=TODAY, cases=cases)
    a, c, e = _row(wl, "A"), _row(wl, "C"), _row(wl, "E")
    assert (a["due_today"], a["next_action"], a["next_action_date"]) == (True, "dispute follow-up", TODAY)
    assert (c["due_today"], c["next_action"], c["next_action_date"]) == (False, "call", date(2026, 11, 30))
    # a customer with nothing else to do (a credit only) is asked for the follow-up
    assert (e["due_today"], e["next_action"]) == (True, "dispute follow-up")
    # a customer due today anyway keeps its own next action; the reason names the follow-up
    due = build_worklist(ITEMS, AS_OF, today=TODAY, cases=_cases([("C", date(2026, 11, 2), None)]))
    assert (_row(due, "C")["next_action"], _row(due, "C")["reasons"][-1]) == (
        "call",
        "1 dispute follow-up due",
    )


# --- the disputed part of an item ---------------------------------------------------------------


def test_the_part_of_an_item_a_case_covers_is_disputed_not_collectable():
    parts = _case_items(
        [
            ("A", "0001800000001", "400.00", None),  # 400 of A's 1,000 (another padding of the number)
            ("B", "1800000003", "200.00", None),  # the ERP flags B's invoice: disputed whole already
            ("C", "1800000004", "900.00", None),  # more than C's open 800 (partly paid since): 800
        ]
    )
    wl = build_worklist(ITEMS, AS_OF, case_items=parts)
    a, b, c = _row(wl, "A"), _row(wl, "B"), _row(wl, "C")
    # A: 600 x 50 days and 300 x 19 days stay collectable
    assert (a["overdue_collectable"], a["disputed_amount"], a["disputed_count"]) == (
        D("900.00"),
        D("400.00"),
        1,
    )
    assert (a["open_amount"], a["overdue_amount"], a["max_days_overdue"]) == (D("1300.00"), D("1300.00"), 50)
    assert a["weighted_days"] == pytest.approx((600 * 50 + 300 * 19) / 900, abs=0.05)
    assert (b["overdue_collectable"], b["disputed_amount"]) == (D("0.00"), D("500.00"))
    assert (c["overdue_collectable"], c["disputed_amount"], c["next_action"]) == (
        D("0.00"), D("800.00"), "dispute follow-up",
    )  # fmt: skip
    assert a["reasons"][0] == "EUR 900 overdue (collectable)" and "EUR 400 in dispute" in a["reasons"]


def test_only_the_customers_with_a_covered_item_are_computed_again():
    config = PriorityConfig()
    base = customer_base(ITEMS, AS_OF, config, None)
    parts = _case_items(
        [("A", "1800000002", "300.00", None), ("C", "1800000004", "800.00", date(2026, 11, 19))]
    )
    laid = with_case_disputes(base, ITEMS, parts, AS_OF, config, None)
    # C's case item was cleared: no longer open, C's row stays as it was (as do B's and E's)
    assert (
        laid.sort("customer_id")
        .filter(pl.col("customer_id") != "A")
        .equals(base.sort("customer_id").filter(pl.col("customer_id") != "A"))
    )
    a = _row(laid, "A")
    assert (a["overdue_collectable"], a["disputed_amount"], a["max_days_overdue"]) == (
        D("1000.00"),
        D("300.00"),
        50,
    )
    assert laid.schema == base.schema
    assert with_case_disputes(base, ITEMS, None, AS_OF, config, None) is base


# --- through the service ------------------------------------------------------------------------


@pytest.fixture
def ledger(engine, make_result, monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2026-11-25")
    rows = [
        item(customer_id="C1", doc_no="1800000001", amount="1000.00", source_row=3),
        item(customer_id="C2", doc_no="1800000002", amount="500.00", source_row=4, collector="c.other"),
    ]
    snap = import_snapshot(
        engine, LEAD, make_result(rows, as_of=AS_OF), scope=Scope.whole_ledger()
    ).snapshot_id
    return engine, snap


def test_a_case_opened_by_hand_shows_in_the_worklist_without_computing_the_base_again(ledger, monkeypatch):
    from ar_core.collections import team

    engine, snap = ledger
    before, _ = worklist_for(engine, COLLECTOR, snap, AS_OF, today=TODAY)
    assert _row(before, "C1")["overdue_collectable"] == D("1000.00")
    computed = []
    monkeypatch.setattr(team, "customer_base", lambda *a, **k: computed.append(1) or customer_base(*a, **k))
    doc = {"company_code": "1000", "fiscal_year": 2026, "doc_no": "1800000001", "line_item": 1}
    case = open_case(engine, COLLECTOR, "C1", reason="PRICE", items=[{**doc, "amount": "250.00"}])
    update_case(engine, COLLECTOR, case, next_action_date=TODAY)
    after, _ = worklist_for(engine, COLLECTOR, snap, AS_OF, today=TODAY)
    mine = _row(after, "C1")
    assert (mine["overdue_collectable"], mine["disputed_amount"], mine["dispute_followups"]) == (
        D("750.00"), D("250.00"), 1,
    )  # fmt: skip
    assert mine["reasons"][-1] == "1 dispute follow-up due"
    assert computed == []  # the shared base of the snapshot was reused
    # the lead's team view counts it too; another collector neither sees C1 nor its case
    assert _row(worklist_for(engine, LEAD, snap, AS_OF, today=TODAY)[0], "C1")["dispute_followups"] == 1
    theirs, _ = worklist_for(engine, OTHER, snap, AS_OF, today=TODAY)
    assert theirs["customer_id"].to_list() == ["C2"] and theirs["dispute_followups"].to_list() == [0]
