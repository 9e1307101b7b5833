"""The worklist: per-customer figures, ranking, parking by dates, filters and paging."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest

from ar_core.collections.worklist import (
    EXTRA_COLUMNS,
    WORKLIST_COLUMNS,
    build_worklist,
    filter_worklist,
    page,
    unrated_limit_currencies,
)
from ar_core.schema import CUSTOMER_SCHEMA, ITEM_SCHEMA, empty_items

AS_OF = date(2026, 11, 20)


def _item(cust: str, doc: str, amount: str, days: int, **more) -> dict:
    return {
        "customer_id": cust,
        "doc_no": doc,
        "amount": Decimal(amount),
        "currency": "EUR",
        "due_date": AS_OF - timedelta(days=days),
        "company_code": "1000",
        "collector": "c.meyer",
        "country": "DE",
        "customer_name": f"Name {cust}",
        **more,
    }


def _items(rows: list[dict]) -> pl.DataFrame:
    base = dict.fromkeys(ITEM_SCHEMA)
    return pl.concat([empty_items(), pl.DataFrame([{**base, **r} for r in rows], schema=ITEM_SCHEMA)])


ITEMS = [
    _item("K1", "1", "1000", 10, dunning_level=1),
    _item("K1", "2", "3000", 100, dunning_level=2),
    _item("K1", "3", "-500", 200),  # a credit: never overdue
    _item("K1", "4", "700", -5),  # not due
    _item("K2", "5", "2000", 40, disputed=True),  # only disputed overdue
    _item("K3", "6", "100", 5, currency="CHF", collector="j.vos", country="NL"),  # 100 CHF x 1.05
    _item("K3", "7", "50", 400, currency="USD", collector="j.vos", country="NL"),  # no USD rate
    _item("K4", "8", "9000", 35),  # promise not yet due: parked
    _item("K5", "9", "800", 20),  # call-back agreed next week: parked
    _item("K6", "10", "5", 1, clearing_date=AS_OF),  # cleared on the as-of date: not in the list
]
CUSTOMERS = pl.DataFrame(
    [
        {
            "customer_id": "K1",
            "name": "Müller GmbH",
            "risk_class": "C",
            "credit_limit": Decimal("3000"),
            "collector": "a.smit",
        }
    ],
    schema=CUSTOMER_SCHEMA,
)
RATES = pl.DataFrame({"currency": ["CHF"], "rate": [Decimal("1.05")]})
PROMISES = pl.DataFrame(
    {
        "promise_id": [1, 2, 3],
        "customer_id": ["K4", "K1", "K1"],
        "amount": [Decimal("9000"), Decimal("100"), Decimal("100")],
        "currency": ["EUR"] * 3,
        "promised_date": [date(2026, 11, 27), date(2026, 11, 6), date(2026, 12, 1)],
        "created_at": [date(2026, 11, 18), date(2026, 11, 1), date(2026, 11, 21)],  # #3 after as_of
        "status": ["open", "broken", "open"],
        "status_decided_on": [None, date(2026, 11, 13), None],
    }
)
CONTACTS = pl.DataFrame(
    {
        "customer_id": ["K5", "K1", "K2"],
        "last_contact_at": [date(2026, 11, 19), date(2026, 11, 1), date(2026, 11, 19)],
        "last_outcome": ["reached", "no answer", "reached"],
        "next_action": ["dunning letter", None, "dispute follow-up"],
        "next_action_date": [date(2026, 11, 27), None, AS_OF],
    }
)
ESCALATIONS = pl.DataFrame(
    {
        "escalation_id": [1],
        "customer_id": ["K2"],
        "from_user": ["c.meyer"],
        "to_user": ["lead"],
        "reason": ["stuck dispute"],
        "created_at": [date(2026, 11, 19)],
    }
)


def _build(items=ITEMS, **kw) -> pl.DataFrame:
    args = {
        "customers": CUSTOMERS,
        "contacts_summary": CONTACTS,
        "promises": PROMISES,
        "escalations": ESCALATIONS,
        "rates": RATES,
    }
    return build_worklist(_items(items), AS_OF, **{**args, **kw})


def test_columns_and_customer_figures():
    wl = _build()
    assert wl.columns == [*WORKLIST_COLUMNS, *EXTRA_COLUMNS]
    assert sorted(wl.get_column("customer_id").to_list()) == ["K1", "K2", "K3", "K4", "K5"]
    k1 = wl.filter(pl.col("customer_id") == "K1").row(0, named=True)
    assert (k1["customer_name"], k1["collector"], k1["risk_class"]) == ("Müller GmbH", "a.smit", "C")
    assert k1["open_amount"] == Decimal("4200.00")  # 1000 + 3000 - 500 + 700
    assert k1["overdue_amount"] == Decimal("4000.00")
    assert k1["credit_amount"] == Decimal("-500.00")
    assert k1["currency"] == "EUR"
    assert k1["max_days_overdue"] == 100 and k1["worst_bucket"] == "91-180"
    assert k1["weighted_days"] == 77.5  # (1000 x 10 + 3000 x 100) / 4000
    assert k1["dunning_level"] == 2
    assert k1["broken_promises"] == 1 and k1["open_promise_date"] is None  # promise 3 made after as_of
    assert k1["days_since_contact"] == 19
    assert k1["reasons"] == [
        "EUR 4,000 overdue (collectable), EUR 3,000 over 60 days",
        "promise of 06.11. broken",
        "no contact for 19 days",
        "dunning level 2",
        "credit limit exceeded by EUR 1,200",
        "risk class C",
    ]
    assert (k1["next_action"], k1["due_today"], k1["next_action_date"]) == ("call", True, AS_OF)


def test_disputes_currencies_and_escalation():
    wl = _build()
    k2 = wl.filter(pl.col("customer_id") == "K2").row(0, named=True)
    assert k2["disputed_amount"] == Decimal("2000.00") and k2["overdue_collectable"] == Decimal("0.00")
    assert k2["overdue_amount"] == Decimal("2000.00")  # shown, but not collectable
    # the escalation rule stays although the latest contact agreed a dispute follow-up for today
    assert (k2["next_action"], k2["escalated_to"], k2["due_today"]) == (
        "second-voice escalation",
        "lead",
        True,
    )
    k3 = wl.filter(pl.col("customer_id") == "K3").row(0, named=True)
    assert k3["open_amount"] == Decimal("105.00") and k3["unconverted_items"] == 1
    assert (k3["max_days_overdue"], k3["worst_bucket"]) == (400, ">360")  # age needs no rate
    assert k3["next_action"] == "dunning letter"  # EUR 105 < call_min_amount


def test_parked_customers_stay_visible():
    wl = _build()
    k4 = wl.filter(pl.col("customer_id") == "K4").row(0, named=True)
    assert (k4["next_action"], k4["next_action_date"], k4["due_today"]) == (
        "promise follow-up",
        date(2026, 11, 27),
        False,
    )
    k5 = wl.filter(pl.col("customer_id") == "K5").row(0, named=True)
    # the agreed action replaces the rule's "call" (EUR 800 >= call_min_amount)
    assert (k5["next_action"], k5["next_action_date"], k5["due_today"]) == (
        "dunning letter",
        date(2026, 11, 27),
        False,
    )
    today = filter_worklist(wl, today_only=True).get_column("customer_id").to_list()
    assert "K4" not in today and "K5" not in today and "K1" in today
    # a week later both are due again
    later = build_worklist(
        _items(ITEMS), date(2026, 11, 27), CUSTOMERS, CONTACTS, PROMISES, None, None, RATES
    )
    assert (
        later.filter(pl.col("customer_id").is_in(["K4", "K5"])).get_column("due_today").to_list()
        == [True] * 2
    )


def test_work_is_judged_today_between_weekly_snapshots():
    """Items aged at the snapshot (20.11.); the call-back of 27.11. is due on 27.11., not a week later."""
    wl = _build(today=date(2026, 11, 27))
    k5 = wl.filter(pl.col("customer_id") == "K5").row(0, named=True)
    assert (k5["due_today"], k5["next_action_date"]) == (True, date(2026, 11, 27))
    assert k5["max_days_overdue"] == _build().filter(pl.col("customer_id") == "K5")["max_days_overdue"][0]
    # the promise made on 21.11. (after the snapshot) counts once it is made
    k1 = wl.filter(pl.col("customer_id") == "K1").row(0, named=True)
    assert k1["open_promise_date"] is not None
    assert _build(today=date(2026, 11, 19))["due_today"].to_list() == _build()["due_today"].to_list()


def test_rank_follows_score():
    wl = _build()
    assert wl.get_column("rank").to_list() == [1, 2, 3, 4, 5]
    assert wl.get_column("score").to_list() == sorted(wl.get_column("score").to_list(), reverse=True)


def test_more_overdue_never_ranks_lower():
    """Two customers, identical but for one extra overdue (or older) invoice: that one ranks first."""
    base = [_item("A", "1", "10000", 360), _item("B", "2", "10000", 360)]
    for extra in (_item("B", "3", "100", 1), _item("B", "3", "0.01", 1), _item("B", "3", "5000", 400)):
        wl = build_worklist(_items([*base, extra]), AS_OF)
        assert wl.get_column("customer_id").to_list()[0] == "B"
    older = build_worklist(_items([_item("A", "1", "500", 90), _item("B", "2", "500", 91)]), AS_OF)
    assert older.get_column("customer_id").to_list() == ["B", "A"]
    # a disputed invoice is not "more overdue"
    disputed = build_worklist(_items([*base, _item("A", "3", "50000", 400, disputed=True)]), AS_OF)
    a, b = disputed.sort("customer_id").get_column("overdue_collectable").to_list()
    assert a == b == Decimal("10000.00")


def test_filters():
    wl = _build()

    def ids(**kw) -> list[str]:
        return sorted(filter_worklist(wl, **kw).get_column("customer_id").to_list())

    assert ids() == ["K1", "K2", "K3", "K4", "K5"]
    assert ids(collectors=["j.vos"]) == ["K3"]
    assert ids(countries=["NL"], collectors=["j.vos", "c.meyer"]) == ["K3"]
    assert ids(company_codes=["2000"]) == []
    assert ids(buckets=["31-60"]) == ["K2", "K4"]
    assert ids(dispute_state="with dispute") == ["K2"]
    assert ids(dispute_state="without dispute") == ["K1", "K3", "K4", "K5"]
    assert ids(risk_classes=["C"]) == ["K1"]
    assert ids(today_only=True, dispute_state="without dispute") == ["K1", "K3"]
    with pytest.raises(ValueError, match="dispute_state"):
        filter_worklist(wl, dispute_state="disputed")


def test_paging():
    wl = _build()
    first, total = page(wl, 1, 2)
    assert total == 5 and first.get_column("rank").to_list() == [1, 2]
    assert page(wl, 3, 2)[0].get_column("rank").to_list() == [5]
    assert page(wl, 4, 2)[0].height == 0
    with pytest.raises(ValueError, match="page_no"):
        page(wl, 0, 10)


def test_empty_inputs():
    wl = build_worklist(empty_items(), AS_OF)
    assert wl.height == 0 and wl.columns == [*WORKLIST_COLUMNS, *EXTRA_COLUMNS]


def _legal_and_escalated() -> tuple[pl.DataFrame, ...]:
    """L: a legal-review case (EUR 2.35 M, 200 days, dunning 3); E: escalated to cora; N: ordinary.

    The huddle agreed a next step for next week on all three (the latest contact's date).
    """
    items = [
        _item("L", "1", "2350000", 200, dunning_level=3),
        _item("E", "2", "5000", 20),
        _item("N", "3", "5000", 20),
    ]
    week = AS_OF + timedelta(days=7)
    contacts = pl.DataFrame(
        {
            "customer_id": ["L", "E", "N"],
            "last_contact_at": [AS_OF] * 3,
            "last_outcome": ["internal note"] * 3,
            "next_action": ["call"] * 3,
            "next_action_date": [week] * 3,
        }
    )
    escalations = pl.DataFrame(
        {
            "escalation_id": [1],
            "customer_id": ["E"],
            "from_user": ["c.meyer"],
            "to_user": ["cora"],
            "reason": ["refuses to talk to me"],
            "created_at": [AS_OF],
        }
    )
    return _items(items), contacts, escalations


def test_a_next_action_date_never_hides_escalations_from_their_target_nor_legal_cases_from_a_lead():
    items, contacts, escalations = _legal_and_escalated()
    wl = build_worklist(items, AS_OF, None, contacts, None, escalations)
    rows = {r["customer_id"]: r for r in wl.iter_rows(named=True)}
    assert rows["L"]["next_action"] == "legal review"
    assert rows["E"]["next_action"] == "second-voice escalation"
    assert rows["N"]["next_action"] == "call" and rows["N"]["due_today"] is False

    def today(**who) -> list[str]:
        return sorted(filter_worklist(wl, today_only=True, **who)["customer_id"].to_list())

    assert today(viewer="c.meyer") == []  # the collector agreed next week for all three
    assert today(viewer="cora") == ["E"]  # the second voice still sees the case handed to her
    assert today(viewer="lena", lead=True) == ["L"]  # the lead never loses the legal case
    assert today(viewer="cora", lead=True) == ["E", "L"]
    assert today() == []
    assert sorted(filter_worklist(wl)["customer_id"].to_list()) == ["E", "L", "N"]


def test_credit_limit_is_converted_from_its_currency():
    """USD 3,000 at EUR 0.90 is EUR 2,700; a GBP limit without a rate is not judged but reported."""
    items = _items([_item("U", "1", "3000", 10), _item("G", "2", "9000", 10), _item("E", "3", "3000", 10)])
    master = pl.DataFrame(
        [
            {"customer_id": "U", "credit_limit": Decimal("3000"), "credit_limit_currency": " usd "},
            {"customer_id": "G", "credit_limit": Decimal("100"), "credit_limit_currency": "GBP"},
            {"customer_id": "E", "credit_limit": Decimal("3000"), "credit_limit_currency": ""},
        ],
        schema=CUSTOMER_SCHEMA,
    )
    rates = pl.DataFrame({"currency": ["USD"], "rate": [Decimal("0.90")]})
    wl = build_worklist(items, AS_OF, master, rates=rates)
    rows = {r["customer_id"]: r for r in wl.iter_rows(named=True)}
    assert rows["U"]["reasons"][-1] == "credit limit exceeded by EUR 300"  # 3,000 - 2,700
    assert rows["U"]["credit_limit_unrated"] is None
    assert not any("credit limit" in r for r in rows["G"]["reasons"])  # GBP 100: not judged
    assert rows["G"]["credit_limit_unrated"] == "GBP"
    assert not any("credit limit" in r for r in rows["E"]["reasons"])  # blank = EUR: 3,000 within
    assert unrated_limit_currencies(wl) == ["GBP"]
    # the excess is scored in EUR: the same customer with a EUR 2,700 limit scores alike
    eur = master.with_columns(
        pl.when(pl.col("customer_id") == "U").then(Decimal("2700")).otherwise(pl.col("credit_limit"))
        .cast(pl.Decimal(18, 2)).alias("credit_limit"),
        pl.when(pl.col("customer_id") == "U").then(pl.lit("EUR")).otherwise(pl.col("credit_limit_currency"))
        .alias("credit_limit_currency"),
    )  # fmt: skip
    same = build_worklist(items, AS_OF, eur, rates=rates).filter(pl.col("customer_id") == "U")
    assert same["score"][0] == rows["U"]["score"]


def test_the_reason_names_the_amount_of_the_collectable_column():
    """Gross overdue 7,000 with 2,000 in dispute: the reason says 5,000 and calls it collectable."""
    wl = build_worklist(
        _items([_item("K", "1", "5000", 10), _item("K", "2", "2000", 10, disputed=True)]), AS_OF
    )
    row = wl.row(0, named=True)
    assert (row["overdue_amount"], row["overdue_collectable"]) == (Decimal("7000.00"), Decimal("5000.00"))
    assert row["reasons"][0] == "EUR 5,000 overdue (collectable)"


# --- ranking again after a workflow write: only the changed customers are scored again ------------


def _rerank(previous, promises=PROMISES, contacts=CONTACTS, escalations=ESCALATIONS):
    from ar_core.collections.priority import PriorityConfig
    from ar_core.collections.worklist import customer_base, rerank

    config = PriorityConfig()
    base = customer_base(_items(ITEMS), AS_OF, config, RATES)
    return rerank(previous, base, AS_OF, CUSTOMERS, contacts, promises, escalations, config, RATES)


def test_ranking_again_after_a_call_equals_a_full_ranking_and_scores_only_that_customer(monkeypatch):
    from ar_core.collections import worklist

    first, held = _rerank(None)
    assert first.equals(_build())  # the full ranking, as build_worklist gives it
    scored: list[list[str]] = []
    real = worklist._scored
    monkeypatch.setattr(
        worklist, "_scored", lambda rows, *a: scored.append(rows["customer_id"].to_list()) or real(rows, *a)
    )
    # K3 was never contacted; a call today with a call-back on 27.11. parks it
    call = {"customer_id": ["K3"], "last_contact_at": [AS_OF], "last_outcome": ["reached"],
            "next_action": ["call"], "next_action_date": [date(2026, 11, 27)]}  # fmt: skip
    called = pl.concat([CONTACTS, pl.DataFrame(call)], how="vertical_relaxed")
    again, held = _rerank(held, contacts=called)
    assert scored == [["K3"]]
    assert again.equals(_build(contacts_summary=called))
    k3 = again.filter(pl.col("customer_id") == "K3").row(0, named=True)
    assert (k3["due_today"], k3["next_action_date"]) == (False, date(2026, 11, 27))
    assert k3["days_since_contact"] == 0
    # the escalation of K2 resolved: K2 alone again, and the ranks follow the new scores
    scored.clear()
    again, held = _rerank(held, contacts=called, escalations=ESCALATIONS.clear())
    assert scored == [["K2"]]
    assert again.equals(_build(contacts_summary=called, escalations=ESCALATIONS.clear()))
    assert again["rank"].to_list() == list(range(1, again.height + 1))
    # nothing changed: nothing scored
    scored.clear()
    same, _ = _rerank(held, contacts=called, escalations=ESCALATIONS.clear())
    assert scored == [[]] and same.equals(again)


def test_ranking_again_under_other_rules_scores_everyone():
    from ar_core.collections.priority import PriorityConfig
    from ar_core.collections.worklist import customer_base, rerank

    _, held = _rerank(None)
    heavier = PriorityConfig(amount_weight=PriorityConfig().amount_weight * 2)
    base = customer_base(_items(ITEMS), AS_OF, heavier, RATES)
    ranked, _ = rerank(held, base, AS_OF, CUSTOMERS, CONTACTS, PROMISES, ESCALATIONS, heavier, RATES)
    assert ranked.equals(_build(config=heavier))
    assert not ranked["score"].equals(_build()["score"])


def test_a_payment_not_yet_applied_leaves_the_collectable_amount_and_says_so():
    # K1 owes 4,000.00 overdue (collectable); the bank shows 1,500.00 paid, not yet applied by the ERP
    paid = pl.DataFrame({"customer_id": ["K1"], "paid_unapplied": [Decimal("1500.00")]})
    wl = _build(paid=paid)
    k1 = wl.filter(pl.col("customer_id") == "K1").row(0, named=True)
    assert (k1["overdue_collectable"], k1["paid_unapplied"]) == (Decimal("2500.00"), Decimal("1500.00"))
    assert k1["overdue_amount"] == Decimal("4000.00")  # the ERP's figure stays
    assert k1["reasons"][-1] == "EUR 1,500 paid, not yet applied"
    assert k1["score"] < _build().filter(pl.col("customer_id") == "K1")["score"].item()
    # a payment above the overdue amount leaves nothing collectable, never a negative amount
    paid_all = pl.DataFrame({"customer_id": ["K1"] * 2, "paid_unapplied": [Decimal("3000"), Decimal("2000")]})
    k1 = _build(paid=paid_all).filter(pl.col("customer_id") == "K1").row(0, named=True)
    assert (k1["overdue_collectable"], k1["paid_unapplied"]) == (Decimal("0.00"), Decimal("5000.00"))
    others = _build(paid=paid).filter(pl.col("customer_id") != "K1")
    assert others["paid_unapplied"].to_list() == [Decimal("0.00")] * others.height
