"""The huddle board: top cases from the worklist, broken promises since the last huddle, escalations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest

from ar_core.collections.contacts import record_step
from ar_core.collections.huddle import default_step_date, huddle_board
from ar_core.collections.worklist import build_worklist
from ar_core.errors import ArDeskError
from ar_core.schema import ITEM_SCHEMA, empty_items

AS_OF = date(2026, 11, 20)


def _items(rows: list[tuple]) -> pl.DataFrame:
    """rows: (customer, amount, days overdue, disputed)."""
    base = dict.fromkeys(ITEM_SCHEMA)
    recs = [
        {
            **base,
            "customer_id": c,
            "doc_no": str(i),
            "amount": Decimal(a),
            "currency": "EUR",
            "due_date": AS_OF - timedelta(days=d),
            "disputed": disp,
            "collector": "c.meyer",
        }
        for i, (c, a, d, disp) in enumerate(rows)
    ]
    return pl.concat([empty_items(), pl.DataFrame(recs, schema=ITEM_SCHEMA)])


ITEMS = _items(
    [
        ("A", "5000", 40, False),
        ("B", "9000", 10, False),
        ("B", "-300", 10, False),
        ("C", "7000", 50, True),
        ("D", "-1200", 0, False),
        ("E", "100", 5, False),
    ]
)
PROMISES = pl.DataFrame(
    {
        "promise_id": [1, 2, 3, 4],
        "customer_id": ["A", "B", "E", "Z"],  # Z: not in the worklist's scope
        "amount": [Decimal(100)] * 4,
        "currency": ["EUR"] * 4,
        "promised_date": [date(2026, 11, 10)] * 4,
        "status": ["broken", "broken", "kept", "broken"],
        "status_decided_on": [date(2026, 11, 20), date(2026, 11, 13), date(2026, 11, 20), date(2026, 11, 20)],
    }
)
ESCALATIONS = pl.DataFrame(
    {
        "escalation_id": [7],
        "customer_id": ["C"],
        "from_user": ["c.meyer"],
        "to_user": ["lead"],
        "reason": ["dispute stuck"],
        "created_at": [date(2026, 11, 18)],
    }
)


def test_board():
    wl = build_worklist(ITEMS, AS_OF)
    board = huddle_board(wl, PROMISES, ESCALATIONS, since=date(2026, 11, 14), top_n=2)
    assert set(board) == {
        "top_collectable",
        "top_disputed",
        "credit_balances",
        "broken_promises",
        "escalations",
        "disputes_past_due",
    }
    assert board["disputes_past_due"].is_empty()  # no cases handed over
    top = board["top_collectable"]
    assert top.select("customer_id", "overdue_collectable").rows() == [
        ("B", Decimal("9000.00")),
        ("A", Decimal("5000.00")),
    ]
    assert top.columns[:4] == ["customer_id", "customer_name", "collector", "currency"]
    assert "reasons" in top.columns and "next_action" in top.columns
    assert board["top_disputed"].select("customer_id", "disputed_amount").rows() == [
        ("C", Decimal("7000.00"))
    ]
    # D's items net to a credit; B is a debtor (EUR 8,700 net) with one credit memo: not listed
    assert board["credit_balances"].select("customer_id", "credit_balance", "open_amount").rows() == [
        ("D", Decimal("1200.00"), Decimal("-1200.00"))
    ]
    broken = board["broken_promises"]
    assert broken.select("customer_id", "promise_id", "status_decided_on").rows() == [
        ("A", 1, date(2026, 11, 20))  # B's was decided before the last huddle, Z is out of scope
    ]
    esc = board["escalations"]
    assert esc.select("customer_id", "to_user", "escalation_reason", "collector").rows() == [
        ("C", "lead", "dispute stuck", "c.meyer")
    ]
    # to whom and how much: C's EUR 7,000 is all in dispute
    assert esc.select("from_user", "open_amount", "overdue_collectable", "disputed_amount").rows() == [
        ("c.meyer", Decimal("7000.00"), Decimal("0.00"), Decimal("7000.00"))
    ]


def test_board_without_workflow_data():
    board = huddle_board(build_worklist(ITEMS, AS_OF), None, None, since=AS_OF, top_n=10)
    assert board["broken_promises"].height == 0 and board["escalations"].height == 0
    assert board["top_collectable"].height == 3  # A, B, E


def test_credit_balances_are_net_credits_largest_first():
    items = _items(
        [("P", "-50", 0, False), ("Q", "-900", 0, False), ("Q", "100", 5, False), ("R", "10", 1, False)]
    )
    board = huddle_board(build_worklist(items, AS_OF), None, None, since=AS_OF, top_n=10)
    assert board["credit_balances"].select("customer_id", "credit_balance").rows() == [
        ("Q", Decimal("800.00")),
        ("P", Decimal("50.00")),
    ]


def _cases(rows: list[tuple]) -> pl.DataFrame:
    """rows: (case id, customer, status, due, level, amount) in the frame of ``disputes.analysis_cases``."""
    return pl.DataFrame(
        [
            {
                "case_id": n, "type": "dispute", "customer_id": c, "customer_name": f"Customer {c}",
                "collector": "c.owner", "resolver_department": "sales",
                "resolver": "R. Esolver" if n == 1 else None,
                "reason": "PRICE", "category": "pricing", "status": status, "opened": date(2026, 10, 1),
                "due": due, "level": level, "amount": Decimal(amount), "currency": "EUR",
            }
            for n, c, status, due, level, amount in rows
        ],
        schema_overrides={"level": pl.Int8(), "amount": pl.Decimal(18, 2)},
    )  # fmt: skip


TODAY = date(2026, 11, 25)
CASES = _cases(
    [
        (1, "A", "open", date(2026, 11, 15), 0, "100.00"),  # 10 days late: 1,000 amount-days
        (2, "C", "with resolver", date(2026, 11, 24), 0, "2000.00"),  # 1 day late: 2,000
        (3, "C", "awaiting customer", date(2026, 12, 10), 2, "50.00"),  # escalated, not yet due: 0
        (4, "B", "open", date(2026, 11, 25), 0, "9000.00"),  # due today: not late
        (5, "A", "resolved", date(2026, 11, 1), 0, "500.00"),  # resolved: off the board
        (6, "Z", "open", date(2026, 11, 1), 1, "700.00"),  # not in the worklist's scope
        (7, "E", "open", date(2026, 11, 20), 0, "10.00"),  # 5 days late: 50
    ]
)


def test_disputes_past_due_costliest_delay_first_with_every_escalated_case():
    board = huddle_board(build_worklist(ITEMS, AS_OF), None, None, since=AS_OF, top_n=10, cases=CASES,
                         today=TODAY)["disputes_past_due"]  # fmt: skip
    assert board.select("case_id", "days_late", "priority").rows() == [
        (2, 1, Decimal("2000.00")),
        (1, 10, Decimal("1000.00")),
        (7, 5, Decimal("50.00")),
        (3, -15, Decimal("0.00")),
    ]
    first = board.row(1, named=True)
    assert (first["customer_id"], first["collector"], first["resolver_department"], first["resolver"]) == (
        "A", "c.owner", "sales", "R. Esolver",
    )  # fmt: skip
    assert board.filter(case_id=3).select("level", "level_label").row(0) == (2, "resolver's manager")
    assert first["reasons"] == ["EUR 5,000 overdue (collectable)", "never contacted"]  # the customer's
    assert set(board["next_action"]) == {"dispute follow-up"}
    assert board.columns[:4] == ["customer_id", "customer_name", "collector", "currency"]


def test_disputes_past_due_keeps_the_top_n_late_ones_and_all_escalated_ones():
    board = huddle_board(build_worklist(ITEMS, AS_OF), None, None, since=AS_OF, top_n=1, cases=CASES,
                         today=TODAY)["disputes_past_due"]  # fmt: skip
    assert board["case_id"].to_list() == [2, 3]
    # the collector group of the room narrows the worklist, and with it the board
    only_a = build_worklist(ITEMS, AS_OF).filter(pl.col("customer_id") == "A")
    board = huddle_board(only_a, None, None, since=AS_OF, cases=CASES, today=TODAY)["disputes_past_due"]
    assert board["case_id"].to_list() == [1]


def test_disputes_board_needs_the_day_it_judges_delays_at():
    with pytest.raises(ArDeskError, match="today"):
        huddle_board(build_worklist(ITEMS, AS_OF), None, None, since=AS_OF, cases=CASES)
    empty = huddle_board(build_worklist(ITEMS, AS_OF), None, None, since=AS_OF, cases=CASES.clear())
    assert empty["disputes_past_due"].is_empty()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 20), date(2026, 11, 23)),  # Friday -> Monday
        (date(2026, 11, 23), date(2026, 11, 24)),  # Monday -> Tuesday
        (date(2026, 11, 22), date(2026, 11, 23)),  # Sunday -> Monday
    ],
)
def test_the_agreed_step_defaults_to_the_next_working_day_after_today(today, expected):
    assert default_step_date(today) == expected


def test_a_step_cannot_be_due_in_the_past(engine):
    from ar_core.collections.contacts import list_contacts
    from tests.conftest import LEAD
    from tests.workflow_setup import seed

    seed(engine)
    today = date(2026, 11, 27)
    with pytest.raises(ArDeskError, match="past"):
        record_step(engine, LEAD, "C1", action="call", by=date(2026, 11, 26), today=today)
    assert list_contacts(engine, LEAD, "C1").is_empty()
    record_step(engine, LEAD, "C1", action="call", by=today, note=" call the CFO ", today=today)
    entry = list_contacts(engine, LEAD, "C1").row(0, named=True)
    assert (entry["channel"], entry["outcome"], entry["next_action"], entry["next_action_date"]) == (
        "meeting",
        "internal note",
        "call",
        today,
    )
    assert entry["notes"] == "Huddle: call the CFO"
