"""Snapshot scopes: a partial extract never passes for the whole ledger (issue 6, first section)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest
import sqlalchemy as sa

from ar_core.access.audit import list_audit
from ar_core.collections.lifecycle import import_snapshot, remove_snapshot
from ar_core.collections.promises import create_promise, list_promises
from ar_core.errors import OverlappingSnapshot
from ar_core.ledger.clearing import cleared_between
from ar_core.ledger.customers import all_customers, upsert_customer_master
from ar_core.ledger.snapshot_scope import Scope, compose
from ar_core.ledger.snapshots import (
    customer_items_history,
    list_snapshots,
    load_customer_items,
    load_items,
    preview_import,
)
from tests.conftest import LEAD, item, items_frame

W1, W2 = date(2026, 11, 13), date(2026, 11, 20)
#: The whole ledger on 13.11.: A in company code 1000; B and C in 2000.
FULL = [
    item(company_code="1000", customer_id="A", doc_no="1", amount="100.00"),
    item(company_code="1000", customer_id="A", doc_no="2", amount="250.00"),
    item(company_code="2000", customer_id="B", doc_no="3", amount="1000.00"),
    item(company_code="2000", customer_id="C", doc_no="4", amount="40.00"),
]
#: On 20.11. only company code 1000 is exported: A paid document 1, a new invoice 5 appeared.
PARTIAL_1000 = [
    item(company_code="1000", customer_id="A", doc_no="2", amount="250.00"),
    item(company_code="1000", customer_id="A", doc_no="5", amount="70.00"),
]


def _docs(frame: pl.DataFrame) -> list[tuple[str, str]]:
    return sorted(frame.select("customer_id", "doc_no").iter_rows())


# --- pure rules -----------------------------------------------------------------------------


def test_scope_rules_contain_overlap_and_cover():
    codes = Scope.partial(["1000"])
    some = Scope.partial(["1000"], customers=["A"])
    frame = items_frame(FULL)
    assert frame.filter(codes.contains())["doc_no"].to_list() == ["1", "2"]
    assert frame.filter(some.contains())["doc_no"].to_list() == ["1", "2"]
    assert frame.filter(Scope.whole_ledger().contains()).height == 4
    assert codes.overlaps(some) and some.overlaps(Scope.whole_ledger())
    assert not codes.overlaps(Scope.partial(["2000"]))
    assert not some.overlaps(Scope.partial(["1000"], customers=["B"]))
    assert codes.covers(some) and not some.covers(codes)
    assert Scope.from_json(some.to_json()) == some
    assert Scope.of_items(frame) == Scope.partial(["1000", "2000"])
    assert Scope.of_items(frame.with_columns(pl.lit(None, pl.String).alias("company_code"))).full
    assert some.describe() == "company code 1000; 1 customer (A)"


def test_compose_replaces_only_the_partial_scope():
    base = items_frame(FULL)
    out = compose(base, [(Scope.partial(["1000"]), items_frame(PARTIAL_1000))])
    assert _docs(out) == [("A", "2"), ("A", "5"), ("B", "3"), ("C", "4")]
    # a later full snapshot replaces everything
    assert _docs(compose(base, [(Scope.whole_ledger(), items_frame(PARTIAL_1000))])) == [
        ("A", "2"),
        ("A", "5"),
    ]


# --- the ledger composed from snapshots ------------------------------------------------------


def test_partial_extract_leaves_other_company_codes_as_they_were(store, make_result):
    full = import_snapshot(store, LEAD, make_result(FULL, as_of=W1), scope=Scope.whole_ledger())
    part = import_snapshot(store, LEAD, make_result(PARTIAL_1000, as_of=W2))
    assert part.scope == Scope.partial(["1000"])  # the default: the company codes the file lists
    ledger = load_items(store, part.snapshot_id)
    assert _docs(ledger) == [("A", "2"), ("A", "5"), ("B", "3"), ("C", "4")]
    # only A's document 1 (EUR 100.00) was cleared; B and C are not "cleared" by their absence
    cleared = cleared_between(load_items(store, full.snapshot_id), ledger, W2, prev_as_of=W1)
    assert cleared.select("customer_id", "doc_no", "amount").rows() == [("A", "1", Decimal("100.00"))]
    assert _docs(load_customer_items(store, part.snapshot_id, ["B", "A"])) == [
        ("A", "2"), ("A", "5"), ("B", "3"),
    ]  # fmt: skip
    listing = list_snapshots(store)
    assert listing.select("snapshot_id", "scope").rows() == [
        (part.snapshot_id, "company code 1000"),
        (full.snapshot_id, "whole ledger"),
    ]
    # B's account history shows its invoice open in both weeks, never cleared
    history = customer_items_history(store, LEAD, "B")
    assert history.select("snapshot_as_of", "doc_no").rows() == [(W1, "3"), (W2, "3")]


def test_without_a_full_snapshot_the_ledger_is_what_the_partials_showed(store, make_result):
    import_snapshot(store, LEAD, make_result(FULL[2:], as_of=W1))  # company code 2000 only
    part = import_snapshot(store, LEAD, make_result(PARTIAL_1000, as_of=W2))
    assert _docs(load_items(store, part.snapshot_id)) == [("A", "2"), ("A", "5"), ("B", "3"), ("C", "4")]


def test_customer_scope_replaces_only_those_customers(store, make_result):
    import_snapshot(store, LEAD, make_result(FULL, as_of=W1), scope=Scope.whole_ledger())
    only_b = [item(company_code="2000", customer_id="B", doc_no="6", amount="10.00")]
    part = import_snapshot(store, LEAD, make_result(only_b, as_of=W2), scope=Scope.partial(["2000"], ["B"]))
    assert _docs(load_items(store, part.snapshot_id)) == [("A", "1"), ("A", "2"), ("B", "6"), ("C", "4")]


def test_collector_scope_is_fixed_into_customers_at_upload(store, make_result):
    upsert_customer_master(
        store, LEAD, pl.DataFrame({"customer_id": ["B", "C"], "collector": ["s.dejong", "t.becker"]})
    )
    import_snapshot(store, LEAD, make_result(FULL, as_of=W1), scope=Scope.whole_ledger())
    rows = [item(company_code="2000", customer_id="B", doc_no="3", amount="1000.00", collector="s.dejong")]
    part = import_snapshot(
        store, LEAD, make_result(rows, as_of=W2), scope=Scope.partial(["2000"], collectors=["s.dejong"])
    )
    assert part.scope.customers == ("B",) and part.scope.collectors == ("s.dejong",)
    assert _docs(load_items(store, part.snapshot_id)) == [("A", "1"), ("A", "2"), ("B", "3"), ("C", "4")]


def test_items_outside_the_chosen_scope_are_a_problem_at_validate(store, make_result):
    preview = preview_import(store, LEAD, make_result(FULL, as_of=W1), scope=Scope.partial(["1000"]))
    assert preview.problems == [
        "FBL5N_20261120.txt: 2 item(s) lie outside the chosen scope (company code 1000) (rows 5, 5)"
    ]


def test_promises_of_customers_outside_the_scope_stay_open(store, make_result):
    full = import_snapshot(store, LEAD, make_result(FULL, as_of=W1), scope=Scope.whole_ledger())
    made = datetime(2026, 11, 13, 10, tzinfo=UTC)
    for customer in ("A", "B"):  # both promised by 16.11. (+ 3 days' grace: decided by 20.11.)
        create_promise(
            store,
            LEAD,
            customer,
            amount=Decimal("100.00"),
            currency="EUR",
            promised_date=date(2026, 11, 16),
            snapshot_id=full.snapshot_id,
            created_at=made,
        )
    part = import_snapshot(store, LEAD, make_result(PARTIAL_1000, as_of=W2))
    assert part.promises_decided == 1
    status = dict(list_promises(store, LEAD).select("customer_id", "status").iter_rows())
    assert status == {"A": "kept", "B": "open"}  # B is outside the extract: no evidence either way


# --- checks before commit --------------------------------------------------------------------


def test_same_day_overlapping_scope_must_be_replaced_explicitly(store, make_result):
    first = import_snapshot(store, LEAD, make_result(PARTIAL_1000, as_of=W2))
    again = [item(company_code="1000", customer_id="A", doc_no="2", amount="250.00")]
    preview = preview_import(store, LEAD, make_result(again, as_of=W2))
    assert [o["snapshot_id"] for o in preview.overlapping] == [first.snapshot_id]
    with pytest.raises(OverlappingSnapshot, match=r"replace it explicitly"):
        import_snapshot(store, LEAD, make_result(again, as_of=W2))
    # another company code on the same day does not overlap
    other = import_snapshot(store, LEAD, make_result(FULL[2:], as_of=W2))
    assert other.replaced == []
    replaced = import_snapshot(store, LEAD, make_result(again, as_of=W2), replace_existing=True)
    assert replaced.replaced == [first.snapshot_id]
    in_force = list_snapshots(store)["snapshot_id"].to_list()
    assert first.snapshot_id not in in_force and replaced.snapshot_id in in_force
    retired = list_snapshots(store, include_retired=True).filter(pl.col("snapshot_id") == first.snapshot_id)
    assert retired["retire_reason"][0] == "replaced by FBL5N_20261120.txt"


def test_far_fewer_customers_than_the_previous_snapshot_of_the_scope_is_flagged(store, make_result):
    import_snapshot(store, LEAD, make_result(FULL, as_of=W1), scope=Scope.whole_ledger())
    # a "whole ledger" claim with 1 of 3 customers and 2 of 4 items: both under 70 %
    preview = preview_import(store, LEAD, make_result(PARTIAL_1000, as_of=W2), scope=Scope.whole_ledger())
    assert len(preview.warnings) == 2
    assert "covers 1 customers where the snapshot of 13.11.2026 had 3" in preview.warnings[0]
    assert "covers 2 items where the snapshot of 13.11.2026 had 4" in preview.warnings[1]
    assert preview.previous == {"snapshot_id": 1, "as_of": W1, "customers": 1, "customers_before": 3,
                                "items": 2, "items_before": 4}  # fmt: skip
    # the same file as what it is, company code 1000: 1 of 1 customers, 2 of 2 items: no warning
    assert preview_import(store, LEAD, make_result(PARTIAL_1000, as_of=W2)).warnings == []


def test_missing_as_of_date_is_a_problem_at_validate(store, make_result):
    preview = preview_import(store, LEAD, make_result(FULL, as_of=None))
    assert preview.as_of is None
    assert preview.problems[0].startswith("FBL5N_20261120.txt: no as-of (key) date")
    old = preview_import(store, LEAD, make_result(FULL, as_of=None), as_of=date(2013, 6, 30))
    assert (old.as_of, old.problems) == (date(2013, 6, 30), [])


# --- removal undoes what a snapshot did ------------------------------------------------------


def test_removing_a_snapshot_undoes_customers_it_created_and_blanks_it_filled(store, make_result):
    upsert_customer_master(store, LEAD, pl.DataFrame({"customer_id": ["A"], "country": ["DE"]}))
    rows = [item(customer_id="A", doc_no="1", customer_name="Alpha GmbH", collector="c.meyer"),
            item(customer_id="N", doc_no="2", customer_name="Neu AG")]  # fmt: skip
    snap = import_snapshot(store, LEAD, make_result(rows, as_of=W2))
    before = {r["customer_id"]: r for r in all_customers(store).iter_rows(named=True)}
    assert (before["A"]["name"], before["A"]["collector"]) == ("Alpha GmbH", "c.meyer")
    assert "N" in before
    remove_snapshot(store, LEAD, snap.snapshot_id, "wrong file")
    after = {r["customer_id"]: r for r in all_customers(store).iter_rows(named=True)}
    assert set(after) == {"A"}  # N was created by the removed snapshot
    assert (after["A"]["name"], after["A"]["collector"], after["A"]["country"]) == (None, None, "DE")
    actions = list_audit(store, LEAD, entity="customer")["action"].to_list()
    # newest first: the undo (remove N, restore A), the import (fill A, create N), the master (create A)
    assert actions == [
        "remove_customer",
        "change_customer",
        "change_customer",
        "create_customer",
        "create_customer",
    ]
    removal = list_audit(store, LEAD, entity="snapshot").row(0, named=True)
    assert json.loads(removal["after"])["customers"] == {"restored": 1, "removed": 1, "kept": 0}


def test_a_later_change_is_not_undone_by_removing_an_earlier_snapshot(store, make_result):
    snap = import_snapshot(
        store, LEAD, make_result([item(customer_id="A", customer_name="Alpha GmbH")], as_of=W1)
    )
    upsert_customer_master(store, LEAD, pl.DataFrame({"customer_id": ["A"], "name": ["Alpha Holding GmbH"]}))
    remove_snapshot(store, LEAD, snap.snapshot_id, "mistake")
    assert all_customers(store)["name"].to_list() == ["Alpha Holding GmbH"]


def test_removing_the_deciding_snapshot_reopens_and_redecides_promises_audited(store, make_result):
    full = import_snapshot(store, LEAD, make_result(FULL, as_of=W1), scope=Scope.whole_ledger())
    made = datetime(2026, 11, 13, 10, tzinfo=UTC)
    pid = create_promise(
        store,
        LEAD,
        "A",
        amount=Decimal("100.00"),
        currency="EUR",
        promised_date=date(2026, 11, 16),
        snapshot_id=full.snapshot_id,
        created_at=made,
    )
    # a mistaken same-day partial for 1000 (A paid) next to a correct full one for 20.11.
    wrong = import_snapshot(store, LEAD, make_result(PARTIAL_1000, as_of=W2))
    assert list_promises(store, LEAD)["status"].to_list() == ["kept"]
    remove_snapshot(store, LEAD, wrong.snapshot_id, "A did not pay: wrong extract")
    # no snapshot after the deadline remains: the promise is open again
    assert list_promises(store, LEAD)["status"].to_list() == ["open"]
    entries = list_audit(store, LEAD, entity="promise", entity_id=pid)["action"].to_list()
    assert entries[:2] == ["reopen_promise", "decide_promise"]
    # a later full extract in which A still owes document 1 breaks it
    still = [*FULL]
    import_snapshot(store, LEAD, make_result(still, as_of=date(2026, 11, 27)), scope=Scope.whole_ledger())
    assert list_promises(store, LEAD)["status"].to_list() == ["broken"]


def test_removed_snapshot_items_stay_readable_but_do_not_count(store, make_result):
    full = import_snapshot(store, LEAD, make_result(FULL, as_of=W1), scope=Scope.whole_ledger())
    wrong = import_snapshot(store, LEAD, make_result(PARTIAL_1000, as_of=W2), scope=Scope.whole_ledger())
    remove_snapshot(store, LEAD, wrong.snapshot_id, "partial file committed as whole ledger")
    with store.connect() as conn:
        kept = conn.execute(sa.text("SELECT sum(n) FROM snapshot_members WHERE snapshot_id = :s"),
                            {"s": wrong.snapshot_id}).scalar_one()  # fmt: skip
    assert kept == 2
    assert list_snapshots(store)["snapshot_id"].to_list() == [full.snapshot_id]
    assert _docs(load_items(store, wrong.snapshot_id)) == [("A", "2"), ("A", "5")]  # as imported


def test_a_scope_covers_a_customer_only_through_its_company_codes_and_customers():
    assert Scope.whole_ledger().covers_customer("B", [])
    assert Scope.partial(["1000"]).covers_customer("A", ["1000", "2000"])
    assert not Scope.partial(["1000"]).covers_customer("B", ["2000"])
    assert not Scope.partial(["2000"], customers=["C"]).covers_customer("B", ["2000"])
    assert Scope.partial([""]).covers_customer("X", [None])


def test_a_promise_is_made_against_the_latest_snapshot_in_force(store, make_result, monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2026-11-20")
    full = import_snapshot(store, LEAD, make_result(FULL, as_of=W1), scope=Scope.whole_ledger())
    wrong = import_snapshot(store, LEAD, make_result(FULL, as_of=W2), scope=Scope.whole_ledger())
    remove_snapshot(store, LEAD, wrong.snapshot_id, "wrong key date")
    pid = create_promise(
        store, LEAD, "A", amount=Decimal("50.00"), currency="EUR", promised_date=date(2026, 11, 27)
    )
    made = list_promises(store, LEAD).filter(pl.col("promise_id") == pid)
    assert made["snapshot_id"].to_list() == [full.snapshot_id]
