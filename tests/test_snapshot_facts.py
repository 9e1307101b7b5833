"""Facts counted at import (open items, open customers, unique identities) and what they speed up.

The coverage check and "cleared between two snapshots" read them instead of the previous
snapshot's items; a snapshot without them (imported before migration 0009) is counted as before.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from polars.testing import assert_frame_equal

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.clearing import cleared_between
from ar_core.ledger.items import snapshot_facts
from ar_core.ledger.snapshot_scope import Scope
from ar_core.ledger.snapshots import cleared_between_snapshots, load_items, preview_import
from tests.conftest import LEAD, item, items_frame

W1, W2 = date(2026, 11, 6), date(2026, 11, 13)


def _rows(n: int, **changed: dict) -> list[dict]:
    out = []
    for i in range(n):
        values = {"doc_no": f"{1800000000 + i}", "customer_id": f"C{i % 4}", "amount": f"{i + 1}.25",
                  "source_row": i + 3}  # fmt: skip
        values.update(changed.get(str(i), {}))
        out.append(item(**values))
    return out


def test_facts_count_open_items_and_customers_and_see_a_repeated_identity():
    rows = [
        item(doc_no="1", customer_id="A"),
        item(doc_no="2", customer_id="A", clearing_date=date(2026, 11, 1)),  # cleared before: not open
        item(doc_no="3", customer_id="B", clearing_date=date(2026, 11, 30)),  # cleared after: open
    ]
    assert snapshot_facts(items_frame(rows), date(2026, 11, 20)) == {
        "open_items": 2, "open_customers": 2, "unique_identities": True,
    }  # fmt: skip
    # "0001" and "1" are one document (leading zeros): the same identity twice
    twice = [*rows, item(doc_no="0001", customer_id="C")]
    assert snapshot_facts(items_frame(twice), date(2026, 11, 20))["unique_identities"] is False


def _facts(engine, sid):
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT open_items, open_customers, unique_identities FROM snapshots WHERE id = :i"),
            {"i": sid},
        ).one()


def test_the_import_stores_the_facts(store, make_result):
    rows = _rows(10, **{"2": {"clearing_date": date(2026, 11, 1), "clearing_doc": "14"}})
    sid = import_snapshot(store, LEAD, make_result(rows, as_of=W1)).snapshot_id
    open_items, open_customers, unique = _facts(store, sid)
    assert (open_items, open_customers, bool(unique)) == (9, 4, True)


def test_the_coverage_check_uses_the_stored_counts_and_counts_when_they_are_missing(store, make_result):
    import_snapshot(store, LEAD, make_result(_rows(20), as_of=W1), scope=Scope.whole_ledger())
    small = make_result(_rows(5), as_of=W2)
    counted = preview_import(store, LEAD, small, scope=Scope.whole_ledger())
    assert counted.previous["items_before"] == 20 and counted.previous["customers_before"] == 4
    assert any("covers 5 items" in w for w in counted.warnings)
    with store.begin() as conn:  # as if imported before migration 0009
        conn.execute(sa.text("UPDATE snapshots SET open_items = NULL, open_customers = NULL"))
    again = preview_import(store, LEAD, small, scope=Scope.whole_ledger())
    assert again.previous == counted.previous and again.warnings == counted.warnings


def _spy_on_the_rule(monkeypatch) -> list[int]:
    """The sizes of the two frames the one clearing rule is given (prev, now)."""
    from ar_core.ledger import clearing

    sizes, real = [], clearing.cleared_between
    monkeypatch.setattr(
        clearing,
        "cleared_between",
        lambda p, n, *a, **k: sizes.extend([p.height, n.height]) or real(p, n, *a, **k),
    )
    return sizes


def _two_weeks(store, make_result, w2_rows):
    w1 = _rows(30, **{"7": {"clearing_date": date(2026, 11, 10), "clearing_doc": "15"}})  # open at W1
    whole = Scope.whole_ledger()  # weekly full extracts: the case the shortcut is for
    s1 = import_snapshot(store, LEAD, make_result(w1, as_of=W1), scope=whole).snapshot_id
    s2 = import_snapshot(store, LEAD, make_result(w2_rows, as_of=W2), scope=whole).snapshot_id
    return s1, s2


def test_cleared_between_skips_the_versions_open_in_both_and_gives_the_same_items(
    store, make_result, monkeypatch
):
    # week 2: items 0-2 gone, item 5 changed, item 7 listed again unchanged (cleared on 10.11. by
    # then: a shared version with a clearing date), one new item
    changed = {"7": {"clearing_date": date(2026, 11, 10), "clearing_doc": "15"}, "5": {"dunning_level": 2}}
    w2 = [*_rows(30, **changed)[3:], item(doc_no="1899999999", source_row=99)]
    s1, s2 = _two_weeks(store, make_result, w2)
    read = _spy_on_the_rule(monkeypatch)
    got = cleared_between_snapshots(store, s1, s2)
    want = cleared_between(load_items(store, s1), load_items(store, s2), W2, prev_as_of=W1)
    assert_frame_equal(got, want.sort("customer_id", "source_row"))
    assert sorted(got["doc_no"].to_list()) == ["1800000000", "1800000001", "1800000002", "1800000007"]
    assert got.filter(doc_no="1800000007")["cleared_on"].item() == date(2026, 11, 10)
    # week 1: 3 gone + item 5 (old version) + item 7 (clearing date); week 2: 5, 7 and the new one
    assert read[:2] == [5, 3]


def test_a_repeated_identity_reads_every_version_and_gives_the_same_items(store, make_result, monkeypatch):
    w2 = [*_rows(30)[3:], item(doc_no="0001800000010", customer_id="C2", source_row=98, amount="9.99")]
    s1, s2 = _two_weeks(store, make_result, w2)
    assert not _facts(store, s2)[2]
    read = _spy_on_the_rule(monkeypatch)
    got = cleared_between_snapshots(store, s1, s2)
    want = cleared_between(load_items(store, s1), load_items(store, s2), W2, prev_as_of=W1)
    assert_frame_equal(got, want.sort("customer_id", "source_row"))
    assert read[:2] == [30, 28]


def test_snapshots_without_facts_are_read_in_full(store, make_result, monkeypatch):
    w2 = _rows(30)[3:]
    s1, s2 = _two_weeks(store, make_result, w2)
    with store.begin() as conn:
        conn.execute(sa.text("UPDATE snapshots SET unique_identities = NULL"))
    read = _spy_on_the_rule(monkeypatch)
    got = cleared_between_snapshots(store, s1, s2)
    assert sorted(got["doc_no"].to_list()) == ["1800000000", "1800000001", "1800000002"]
    assert read[:2] == [30, 27]


def test_migration_0009_keeps_every_snapshot_and_leaves_older_ones_uncounted(engine, make_result):
    from ar_core.store.db import downgrade, migrate

    s1, s2 = _two_weeks(engine, make_result, _rows(30)[3:])
    before = {s: load_items(engine, s) for s in (s1, s2)}
    cleared = cleared_between_snapshots(engine, s1, s2)
    downgrade(engine, "0008")  # rebuilding the snapshots table must not cascade into its members
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM snapshot_members")).scalar_one() > 0
    migrate(engine)
    assert _facts(engine, s1) == (None, None, None)
    for sid, frame in before.items():
        assert_frame_equal(load_items(engine, sid), frame)
    assert_frame_equal(cleared_between_snapshots(engine, s1, s2), cleared)
