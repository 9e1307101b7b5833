"""A dunning run (pure): one letter per customer at the highest level, credits netted, interest and
compensation shown, the minimum amount and the days since the last letter respected, blocks held."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.recovery.dunning_run import (
    BLOCKED_SCHEMA,
    LEVEL_SCHEMA,
    letter_json,
    propose_run,
    rebuild,
)
from ar_core.recovery.procedure import default_procedure

AS_OF = date(2026, 12, 1)
SCHEMA = {
    "customer_id": pl.String(),
    "company_code": pl.String(),
    "_item_key": pl.String(),
    "doc_no": pl.String(),
    "doc_date": pl.Date(),
    "due_date": pl.Date(),
    "amount": pl.Decimal(18, 2),
    "currency": pl.String(),
}
CUSTOMERS = {"C1": {"country": "DE", "language": "de"}, "C2": {"country": "NL", "language": "nl"}}


def _interest(principal, due, as_of, country):
    """1 cent per euro and 10 days overdue, rounded down: easy to compute by hand."""
    return (principal * (as_of - due).days / 1000).quantize(Decimal("0.01"), rounding="ROUND_DOWN")


def _compensation(country, principals):
    return Decimal("40.00") * len(principals)


def _items(*rows):
    out = []
    for customer, doc, due, amount, *rest in rows:
        currency = rest[0] if rest else "EUR"
        out.append(
            (customer, "1000", f"1000|2026|{doc}|1", doc, date(2026, 8, 1), due, Decimal(amount), currency)
        )
    return pl.DataFrame(out, schema=SCHEMA, orient="row")


def _run(items, levels=(), blocked=(), procedures=None):
    return propose_run(
        items,
        CUSTOMERS,
        procedures or {"*": default_procedure()},
        pl.DataFrame(list(levels), schema=LEVEL_SCHEMA, orient="row"),
        pl.DataFrame(list(blocked), schema=BLOCKED_SCHEMA, orient="row"),
        AS_OF,
        _interest,
        _compensation,
    )


def test_one_letter_per_customer_at_the_highest_level_with_credits_netted():
    items = _items(
        ("C1", "A", date(2026, 11, 24), "100.00"),  # 7 days: level 1
        ("C1", "B", date(2026, 10, 22), "1000.00"),  # 40 days, reminded and level 2 before: level 3
        ("C1", "CR", date(2026, 11, 1), "-300.00"),  # a credit note: shown and netted
        ("C1", "N", date(2026, 12, 20), "500.00"),  # not due: not on the letter
        ("C1", "Y", date(2026, 11, 28), "50.00"),  # 3 days: no level yet, not on the letter
    )
    levels = [("C1", "1000|2026|B|1", 2, date(2026, 11, 10))]
    run = _run(items, levels)
    assert len(run.letters) == 1
    letter = run.letters[0]
    assert (letter.customer_id, letter.level, letter.kind, letter.language) == ("C1", 3, "dunning_3", "de")
    assert [(line.doc_no, line.level, line.is_credit) for line in letter.lines] == [
        ("B", 3, False),
        ("A", 1, False),
        ("CR", 0, True),
    ]
    # interest: B 1000 x 40 / 1000 = 40.00, A 100 x 7 / 1000 = 0.70; compensation 2 x 40
    assert [line.interest for line in letter.lines] == [Decimal("40.00"), Decimal("0.70"), Decimal("0.00")]
    assert letter.open == Decimal("1100.00")
    assert letter.credits == Decimal("-300.00")
    assert letter.interest_total == Decimal("40.70")
    assert letter.compensation == Decimal("80.00")
    assert letter.total == Decimal("920.70")  # 1100 - 300 + 40.70 + 80


def test_the_cli_json_of_a_letter():
    letter = _run(_items(("C2", "A", date(2026, 11, 1), "250.00"), ("C2", "CR", None, "-10.00"))).letters[0]
    out = letter_json(letter)
    assert list(out) == [
        "customer_id",
        "language",
        "level",
        "items",
        "interest_total",
        "compensation",
        "total",
    ]
    assert out["items"] == [
        {"doc_no": "A", "amount": "250.00", "due_date": "2026-11-01", "days_overdue": 30, "interest": "7.50"},
        {"doc_no": "CR", "amount": "-10.00", "due_date": None, "days_overdue": 0, "interest": "0.00"},
    ]
    assert (out["customer_id"], out["language"], out["level"]) == ("C2", "nl", 1)
    assert (out["interest_total"], out["compensation"], out["total"]) == ("7.50", "40.00", "287.50")


def test_the_minimum_amount_is_net_of_credits_at_its_edge():
    at_minimum = _items(("C1", "A", date(2026, 11, 1), "35.00"), ("C1", "CR", None, "-10.00"))
    assert len(_run(at_minimum).letters) == 1  # 25.00 net: exactly the minimum
    below = _items(("C1", "A", date(2026, 11, 1), "35.00"), ("C1", "CR", None, "-10.01"))
    run = _run(below)
    assert run.letters == ()
    assert run.held.row(0, named=True)["reason"] == "below minimum"
    credit_above = _items(("C1", "A", date(2026, 11, 1), "35.00"), ("C1", "CR", None, "-500.00"))
    assert _run(credit_above).letters == ()


def test_the_minimum_days_since_the_last_letter_at_its_edge():
    items = _items(("C1", "A", date(2026, 10, 1), "100.00"), ("C1", "B", date(2026, 11, 20), "100.00"))
    # A had its reminder; B is new (level 1 at 11 days): a letter is due unless the last was too recent
    recent = [("C1", "1000|2026|A|1", 1, date(2026, 11, 18))]  # 13 days ago
    run = _run(items, recent)
    assert run.letters == ()
    assert run.held.row(0, named=True)["reason"] == "too soon"
    enough = [("C1", "1000|2026|A|1", 1, date(2026, 11, 17))]  # 14 days ago
    letter = _run(items, enough).letters[0]
    assert letter.level == 2
    assert [line.level for line in letter.lines] == [2, 1]


def test_nothing_new_means_no_letter():
    items = _items(("C1", "A", date(2026, 11, 20), "100.00"))  # 11 days: level 1, and already reminded
    run = _run(items, [("C1", "1000|2026|A|1", 1, date(2026, 11, 1))])
    assert run.letters == ()
    assert run.held.row(0, named=True)["reason"] == "nothing new"


def test_final_notice_stays_the_last_level():
    items = _items(("C1", "A", date(2026, 8, 1), "100.00"))
    letter = _run(items, [("C1", "1000|2026|A|1", 3, date(2026, 11, 1))]).letters[0]
    assert (letter.level, letter.kind) == (4, "final_notice")
    assert _run(items, [("C1", "1000|2026|A|1", 4, date(2026, 11, 1))]).letters == ()


def test_blocked_items_and_customers_are_held_back():
    items = _items(
        ("C1", "A", date(2026, 11, 1), "100.00"),
        ("C1", "B", date(2026, 11, 1), "200.00"),
        ("C2", "C", date(2026, 11, 1), "300.00"),
    )
    blocked = [("C1", "1000|2026|A|1", "disputed", "case 7"), ("C2", None, "insolvency", "receivership")]
    run = _run(items, blocked=blocked)
    assert [(x.customer_id, [line.doc_no for line in x.lines]) for x in run.letters] == [("C1", ["B"])]
    assert run.held.select("customer_id", "reason", "detail").rows() == [("C2", "blocked", "insolvency")]


def test_a_second_currency_gets_its_own_letter():
    items = _items(("C1", "A", date(2026, 11, 1), "100.00"), ("C1", "B", date(2026, 11, 1), "100.00", "CHF"))
    assert sorted(x.currency for x in _run(items).letters) == ["CHF", "EUR"]


def test_removing_lines_recomputes_the_letter():
    items = _items(("C1", "A", date(2026, 11, 1), "100.00"), ("C1", "B", date(2026, 10, 1), "200.00"))
    letter = _run(items, [("C1", "1000|2026|B|1", 1, date(2026, 10, 15))]).letters[0]
    assert letter.level == 2
    kept = [line for line in letter.lines if line.doc_no == "A"]
    smaller = rebuild(letter, kept, "DE", _compensation)
    assert (smaller.level, smaller.open, smaller.compensation, smaller.total) == (
        1,
        Decimal("100.00"),
        Decimal("40.00"),
        Decimal("143.00"),
    )
    assert rebuild(letter, [], "DE", _compensation) is None
