"""The demo ledger looks like a healthy B2B ledger, measured on the last snapshot (20.11.2026).

Measured on the default demo (what ``python -m ar_core init`` loads: seed 7, about 30,000 open
lines), simulated in memory without writing files (well under a second). Amounts are integer
cents in EUR (the company codes keep their books in EUR; foreign-currency lines carry their EUR
amount), so every figure below is a sum of integers divided by another.

Definitions (also in the README's demo paragraph):

- *open AR*: the open debit items (amount > 0) on the key date; a share is a sum of amounts over it;
- *not yet due*: due date on or after the key date; *over 90*: more than 90 days past due;
- *DSO* (average-sales method): net open receivables (debits and credits) on the key date divided
  by the invoices and debit memos (RV, DR) posted in the 84 days after the first snapshot
  (29.08.–20.11.2026), times 84;
- *within the credit limit*: the customer's net open balance is at most its credit limit, among
  customers with open items on the key date.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest

from ar_core.demo.build import build_ledger
from ar_core.demo.customers import STORIES, story_customers
from ar_core.demo.ledger import day, snapshot

LAST = date(2026, 11, 20)
DAYS_OVERDUE = (pl.lit(LAST) - pl.col("due_date")).dt.total_days()


@pytest.fixture(scope="module")
def demo():
    book, ledger, dates = build_ledger()
    return book, ledger, dates


@pytest.fixture(scope="module")
def last(demo) -> pl.DataFrame:
    book, ledger, dates = demo
    assert dates[-1] == LAST
    return snapshot(ledger, book, LAST)


@pytest.fixture(scope="module")
def stories(demo) -> dict[str, str]:
    return story_customers(demo[0])


def _share(debits: pl.DataFrame, condition: pl.Expr) -> float:
    return debits.filter(condition)["amount"].sum() / debits["amount"].sum()


def test_most_open_ar_is_not_yet_due_and_little_is_over_90_days(last):
    debits = last.filter(pl.col("amount") > 0)
    assert 0.55 <= _share(debits, DAYS_OVERDUE <= 0) <= 0.65
    assert 0.05 <= _share(debits, DAYS_OVERDUE > 90) <= 0.10
    assert 0.0 < _share(debits, DAYS_OVERDUE > 360) < 0.01  # a thin tail of very old items remains


def test_dso_is_between_40_and_60_days(demo, last):
    _, ledger, dates = demo
    window = (LAST - dates[0]).days
    assert window == 84
    sales = ledger.filter(
        (pl.col("kind") < 2) & (pl.col("post") > day(dates[0])) & (pl.col("post") <= day(LAST))
    )["amount"].sum()
    dso = last["amount"].sum() / sales * window
    assert 40 <= dso <= 60


def test_most_customers_are_within_their_credit_limit_in_eur(demo, last):
    book = demo[0]
    assert set(book.master["credit_limit_currency"]) == {"EUR"}  # no Swiss customers in the demo
    assert book.master["credit_limit"].min() >= Decimal(5_000)
    balances = (
        last.group_by("customer_id")
        .agg(pl.col("amount").sum().alias("cents"))
        .join(book.master.select("customer_id", "credit_limit"), on="customer_id")
    )
    within = balances.filter(pl.col("cents") <= pl.col("credit_limit").cast(pl.Int64) * 100)
    assert within.height / balances.height >= 0.85


def test_the_largest_overdue_accounts_are_late_not_ancient(last):
    """The issue's complaint: the top eleven were all 700+ days overdue at ten times their limit."""
    top = (
        last.filter((pl.col("amount") > 0) & (DAYS_OVERDUE > 0) & ~pl.col("disputed"))
        .group_by("customer_id")
        .agg(pl.col("amount").sum(), DAYS_OVERDUE.max().alias("oldest"))
        .sort("amount", "customer_id", descending=[True, False])
        .head(20)
    )
    assert top.filter(pl.col("oldest") > 180).height <= 5
    assert top.filter(pl.col("oldest") > 360).height <= 3  # a few chronic payers, not the whole top


def test_every_story_is_cast_once_with_its_name(demo, stories):
    master = demo[0].master
    assert set(stories) == {s.key for s in STORIES}
    names = dict(master.select("customer_id", "name").iter_rows())
    assert {names[stories[s.key]] for s in STORIES} == {s.name for s in STORIES}
    assert master["name"].n_unique() == master.height


def test_stories_cast_in_place_leave_the_rest_of_the_ledger_as_it_was(demo):
    """The pricing group and the hub change only their own lines: every other line (and its amount,
    number and clearing) is what the same seed draws without them, so the calibration stays."""
    from dataclasses import replace

    import numpy as np

    from ar_core.demo.customers import IN_PLACE
    from ar_core.demo.ledger import documents_needed, enrich, simulate

    book, ledger, dates = demo
    plain = replace(
        book, story=np.where(np.isin(book.story, IN_PLACE), 0, book.story).astype(book.story.dtype)
    )
    first, last = day(dates[0]), day(dates[-1])
    n_docs = documents_needed(book, 30_000, first, last, 7)
    assert n_docs == documents_needed(plain, 30_000, first, last, 7)
    without = enrich(simulate(plain, n_docs, np.random.default_rng([7, 2]), first, last), plain,
                     np.random.default_rng([7, 3]))  # fmt: skip
    cast = np.flatnonzero(np.isin(book.story, IN_PLACE)).tolist()
    assert len(cast) == len(IN_PLACE)
    others = ~pl.col("cust").is_in(cast) & ~pl.col("special")
    columns = [c for c in without.columns if c not in ("story_reason", "case_no")]
    assert ledger.filter(others).select(columns).equals(without.filter(others).select(columns))
    mine = ledger.filter(pl.col("cust").is_in(cast))
    assert set(mine.filter(pl.col("dispute_day") < 2**30)["reason"]) == {"PRICE_LIST", "QUANTITY"}


def _weekly(demo, customer: str) -> list[pl.DataFrame]:
    book, ledger, dates = demo
    return [snapshot(ledger, book, d).filter(pl.col("customer_id") == customer) for d in dates]


def test_insolvency_overdue_and_dunning_grow_and_nothing_is_paid(demo, stories):
    weeks = _weekly(demo, stories["insolvency"])
    dates = demo[2]
    overdue = [
        w.filter((pl.col("amount") > 0) & (pl.col("due_date") < d))["amount"].sum()
        for w, d in zip(weeks, dates, strict=True)
    ]
    assert overdue == sorted(overdue) and overdue[-1] > 2 * overdue[0]
    dunning = [w["dunning_level"].max() for w in weeks]
    assert dunning == sorted(dunning) and dunning[0] <= 2 and dunning[-1] == 4
    for before, after in itertools.pairwise(weeks):  # no item ever leaves the account
        assert set(before["doc_no"]) <= set(after["doc_no"])
    assert weeks[-1].filter(pl.col("doc_type") == "DZ").is_empty()  # no payment on account either
    assert weeks[-1]["disputed"].sum() == 0


def test_big_dispute_is_the_largest_disputed_account_with_several_reasons(last, stories):
    disputed = last.filter(pl.col("disputed")).group_by("customer_id").agg(pl.col("amount").sum())
    ranked = disputed.sort("amount", descending=True)
    assert ranked["customer_id"][0] == stories["big dispute"]
    assert ranked["amount"][0] >= 200_000 * 100
    assert ranked["amount"][0] >= 1.2 * ranked["amount"][1]
    mine = last.filter(pl.col("disputed") & (pl.col("customer_id") == stories["big dispute"]))
    assert mine["dispute_reason"].n_unique() >= 3


def test_credit_balance_customer_is_in_credit_every_week_and_the_largest(demo, last, stories):
    weeks = _weekly(demo, stories["credit balance"])
    assert all(w["amount"].sum() < 0 for w in weeks)
    net = last.group_by("customer_id").agg(pl.col("amount").sum()).sort("amount")
    assert net["customer_id"][0] == stories["credit balance"]


def test_serial_payer_has_old_enough_overdue_items_to_promise(demo, stories):
    """Promises are made 8, 6, 4 and 2 weeks back: each week has overdue items still open 2 weeks on."""
    weeks, dates = _weekly(demo, stories["serial payer"]), demo[2]
    for back in (8, 6, 4, 2):
        k = len(dates) - 1 - back
        overdue = weeks[k].filter((pl.col("amount") > 0) & (pl.col("due_date") < dates[k]))
        later = weeks[k + 2].filter(
            pl.col("clearing_date").is_null() | (pl.col("clearing_date") > dates[k + 2])
        )
        assert overdue.join(later, on=["company_code", "fiscal_year", "doc_no", "line_item"]).height >= 2
    assert dates[-1] - dates[0] == timedelta(weeks=12)
