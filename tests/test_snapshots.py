"""Committing extracts as snapshots: all or nothing, exact totals, duplicates, roles, as-of dates."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from ar_core.access.audit import list_audit
from ar_core.collections.lifecycle import import_snapshot, remove_snapshot
from ar_core.errors import ArDeskError, DuplicateImport, NotFound, PermissionDenied, ValidationFailed
from ar_core.ingest.result import Problem
from ar_core.ledger import snapshots
from ar_core.ledger.customers import all_customers, upsert_customer_master
from ar_core.ledger.snapshots import (
    find_snapshot_by_hash,
    list_snapshots,
    load_items,
    snapshot_totals,
    totals_history,
)
from ar_core.store import bulk
from tests.conftest import ADMIN, COLLECTOR, CONTROLLER, LEAD, item

#: Hand-computed: EUR 1234.56 - 234.50 + 10000.00 + 0.10 = 11000.16, of which 10000.00 was cleared
#: on 15.11. (before the as-of date) -> open 1000.16; the one cleared after the as-of date stays open.
ROWS = [
    item(customer_id="0000100001", doc_no="1", amount="1234.56", source_row=5),
    item(customer_id="0000100001", doc_no="2", amount="-234.50", doc_type="DG", source_row=6),
    item(customer_id="0000100002", customer_name="Bakker Logistiek B.V.", country="NL", collector="s.dejong",
         doc_no="3", amount="10000.00", clearing_date=date(2026, 11, 15), clearing_doc="14", source_row=7),
    item(customer_id="0000100002", customer_name="Bakker Logistiek B.V.", country="NL", collector="s.dejong",
         doc_no="4", amount="0.10", clearing_date=date(2026, 11, 25), clearing_doc="15", source_row=8),
    item(customer_id="0000100003", doc_no="5", amount="10.00", currency="USD", source_row=9),
]  # fmt: skip


def _count(engine: sa.Engine, table: str) -> int:
    """Rows of a table; ``items``: the items of all snapshots (members of the version bitmaps)."""
    sql = (
        "SELECT coalesce(sum(n), 0) FROM snapshot_members"
        if table == "items"
        else f"SELECT count(*) FROM {table}"
    )
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar_one()


def test_import_commits_items_totals_customers_and_audit(store, make_result):
    result = make_result(ROWS)
    outcome = import_snapshot(store, LEAD, result)
    assert outcome.snapshot_id is not None
    assert (outcome.as_of, outcome.rows, outcome.customers) == (date(2026, 11, 20), 5, 3)
    assert outcome.totals == {"EUR": Decimal("11000.16"), "USD": Decimal("10.00")}
    assert outcome.open_totals == {"EUR": Decimal("1000.16"), "USD": Decimal("10.00")}
    assert outcome.customers_added == 3

    assert_frame_equal(load_items(store, outcome.snapshot_id), result.items)
    assert snapshot_totals(store, outcome.snapshot_id) == {
        "totals": outcome.totals,
        "open_totals": outcome.open_totals,
        "file_totals": {},
    }
    listing = list_snapshots(store)
    assert listing.select("snapshot_id", "rows", "customers", "created_by", "totals").rows() == [
        (outcome.snapshot_id, 5, 3, "lena.lead", "EUR 11,000.16; USD 10.00")
    ]
    assert find_snapshot_by_hash(store, result.file_hash) == outcome.snapshot_id

    entry = list_audit(store, ADMIN).row(0, named=True)
    assert (entry["actor"], entry["action"], entry["entity_id"]) == (
        "lena.lead",
        "import_snapshot",
        str(outcome.snapshot_id),
    )
    after = json.loads(entry["after"])
    assert after["totals"] == {"EUR": "11000.16", "USD": "10.00"} and after["rows"] == 5

    customers = all_customers(store).select("customer_id", "name", "country", "collector").rows()
    assert ("0000100002", "Bakker Logistiek B.V.", "NL", "s.dejong") in customers


def test_totals_history_gives_exact_open_balances_per_snapshot(store, make_result):
    first = import_snapshot(store, LEAD, make_result(ROWS, as_of=date(2026, 11, 13)))
    second = import_snapshot(store, LEAD, make_result(ROWS[:1]))
    history = totals_history(store).filter(pl.col("currency") == "EUR")
    assert history.select("snapshot_id", "open_total").rows() == [
        (first.snapshot_id, Decimal("11000.16")),  # as of 13.11. nothing was cleared yet
        (second.snapshot_id, Decimal("1234.56")),
    ]


@pytest.mark.parametrize("step", ["items", "customers", "audit"])
def test_a_failure_midway_leaves_nothing_behind(store, make_result, monkeypatch, step):
    """All or nothing: the snapshot row, items, totals, customers and audit row roll back together."""

    def boom(*args, **kwargs):
        raise RuntimeError(f"disk on fire during {step}")

    if step == "items":  # the bulk loader writes the rows, then fails
        original = bulk.ImportTransaction.insert_items

        def insert_then_fail(self, snapshot_id):
            assert original(self, snapshot_id) == 5
            boom()

        monkeypatch.setattr(bulk.ImportTransaction, "insert_items", insert_then_fail)
    elif step == "customers":
        monkeypatch.setattr(snapshots, "merge_customers", boom)
    else:
        monkeypatch.setattr(snapshots, "record", boom)

    with pytest.raises(RuntimeError, match="disk on fire"):
        import_snapshot(store, LEAD, make_result(ROWS))
    for table in (
        "snapshots",
        "snapshot_totals",
        "snapshot_members",
        "version_blocks",
        "customers",
        "audit_log",
    ):
        assert _count(store, table) == 0, table


def test_same_file_twice_is_refused(store, make_result):
    result = make_result(ROWS)
    first = import_snapshot(store, LEAD, result)
    with pytest.raises(DuplicateImport, match=f"snapshot {first.snapshot_id}"):
        import_snapshot(store, LEAD, result)
    with pytest.raises(DuplicateImport):
        import_snapshot(store, LEAD, result, dry_run=True)
    assert _count(store, "snapshots") == 1


def test_duplicate_racing_past_the_check_is_caught_by_the_unique_constraint(store, make_result, monkeypatch):
    result = make_result(ROWS)
    import_snapshot(store, LEAD, result)
    real = snapshots.find_snapshot_by_hash
    calls = iter([None])  # the pre-check misses (another session committed in between)
    monkeypatch.setattr(snapshots, "find_snapshot_by_hash", lambda e, h: next(calls, real(e, h)))
    monkeypatch.setattr(snapshots, "_overlapping", lambda *a: [])  # the racer saw no same-day snapshot
    with pytest.raises(DuplicateImport):
        import_snapshot(store, LEAD, result)
    assert _count(store, "items") == 5


def test_errors_reject_the_file_unless_the_lead_commits_valid_rows(engine, make_result):
    bad_row = Problem("x.txt", 9, "Betrag", "cannot read '12,3x' as an amount")
    result = make_result(ROWS[:2], problems=[bad_row])
    with pytest.raises(ValidationFailed, match="1 problem"):
        import_snapshot(engine, LEAD, result)
    assert _count(engine, "snapshots") == 0
    outcome = import_snapshot(engine, LEAD, result, commit_valid_rows=True)
    assert (outcome.rows, outcome.rejected_rows) == (2, 1)


def test_file_level_errors_or_no_valid_rows_cannot_be_committed(engine, make_result):
    whole = Problem("x.txt", None, None, "missing required column: amount")
    with pytest.raises(ValidationFailed, match="as a whole"):
        import_snapshot(engine, LEAD, make_result(ROWS, problems=[whole]), commit_valid_rows=True)
    row = Problem("x.txt", 5, None, "bad")
    with pytest.raises(ValidationFailed, match="no valid items"):
        import_snapshot(engine, LEAD, make_result([], problems=[row]), commit_valid_rows=True)


def test_warnings_do_not_block_and_are_reported(engine, make_result):
    warning = Problem("x.txt", 3, None, "total row without currency", "warning")
    outcome = import_snapshot(engine, LEAD, make_result(ROWS, problems=[warning]))
    assert outcome.warnings == ["x.txt, row 3: warning: total row without currency"]


@pytest.mark.parametrize("actor", [COLLECTOR, CONTROLLER], ids=lambda a: a.username)
def test_only_leads_and_admins_import(engine, make_result, actor):
    with pytest.raises(PermissionDenied):
        import_snapshot(engine, actor, make_result(ROWS))
    assert import_snapshot(engine, ADMIN, make_result(ROWS)).snapshot_id


def test_as_of_date_rules(engine, make_result):
    with pytest.raises(ArDeskError, match=r"no as-of \(key\) date"):
        import_snapshot(engine, LEAD, make_result(ROWS, as_of=None))
    with pytest.raises(ArDeskError, match=r"as of 20\.11\.2026 but 19\.11\.2026 was chosen"):
        import_snapshot(engine, LEAD, make_result(ROWS), as_of=date(2026, 11, 19))
    chosen = import_snapshot(engine, LEAD, make_result(ROWS, as_of=None), as_of=date(2026, 11, 13))
    assert chosen.as_of == date(2026, 11, 13)
    assert chosen.open_totals["EUR"] == Decimal("11000.16")  # nothing cleared by 13.11.
    same = import_snapshot(engine, LEAD, make_result(ROWS), as_of=date(2026, 11, 20))
    assert same.as_of == date(2026, 11, 20)


def test_dry_run_reports_and_stores_nothing(engine, make_result):
    outcome = import_snapshot(engine, LEAD, make_result(ROWS), dry_run=True)
    assert outcome.snapshot_id is None
    assert outcome.totals["EUR"] == Decimal("11000.16")
    for table in ("snapshots", "snapshot_members", "version_blocks", "customers", "audit_log"):
        assert _count(engine, table) == 0


def test_extract_never_blanks_or_overrides_master_data(store, make_result):
    master = pl.DataFrame({
        "customer_id": ["0000100001"], "name": ["Müller Maschinenbau GmbH"], "country": ["DE"],
        "language": ["de"], "collector": ["c.meyer"], "risk_class": ["B"],
        "credit_limit": [Decimal("50000.00")],
    }, schema_overrides={"credit_limit": pl.Decimal(18, 2)})  # fmt: skip
    upsert_customer_master(store, LEAD, master)
    rows = [item(customer_name="  ", country=None, collector="j.schneider", doc_no="9")]
    outcome = import_snapshot(store, LEAD, make_result(rows))
    assert (outcome.customers_added, outcome.customers_updated) == (0, 0)
    customer = all_customers(store).row(0, named=True)
    assert customer["name"] == "Müller Maschinenbau GmbH"  # blank in the extract: kept
    assert customer["country"] == "DE"  # missing in the extract: kept
    assert customer["collector"] == "c.meyer"  # the master wins: an extract never re-assigns
    assert (customer["language"], customer["risk_class"], customer["credit_limit"]) == (
        "de",
        "B",
        Decimal("50000.00"),
    )


def test_removing_a_snapshot_retires_it_keeps_its_items_and_is_audited(store, make_result):
    keep = import_snapshot(store, LEAD, make_result(ROWS, as_of=date(2026, 11, 13), file_hash="cd" * 32))
    gone = import_snapshot(store, LEAD, make_result(ROWS[:2], file_hash="ab" * 32))
    with pytest.raises(PermissionDenied):
        remove_snapshot(store, COLLECTOR, gone.snapshot_id)
    remove_snapshot(store, LEAD, gone.snapshot_id, "wrong company code")
    assert list_snapshots(store)["snapshot_id"].to_list() == [keep.snapshot_id]
    # soft delete: the auditor still sees what was removed, by whom and why
    retired = list_snapshots(store, include_retired=True).filter(pl.col("snapshot_id") == gone.snapshot_id)
    assert retired.select("retired_by", "retire_reason").row(0) == ("lena.lead", "wrong company code")
    assert retired["retired_at"][0] is not None
    assert _count(store, "items") == 7 and _count(store, "snapshot_totals") == 3
    assert snapshots.load_snapshot_items(store, gone.snapshot_id).height == 2
    entry = list_audit(store, LEAD, entity="snapshot", entity_id=gone.snapshot_id).row(0, named=True)
    assert entry["action"] == "delete_snapshot"
    assert json.loads(entry["before"])["totals"] == {"EUR": "1000.06"}
    assert json.loads(entry["after"])["reason"] == "wrong company code"
    with pytest.raises(NotFound):
        remove_snapshot(store, LEAD, gone.snapshot_id)
    # the same file may come back once its snapshot is removed
    with pytest.raises(DuplicateImport):
        import_snapshot(store, LEAD, make_result(ROWS[:2], file_hash="cd" * 32))
    again = import_snapshot(store, LEAD, make_result(ROWS[:2], file_hash="ab" * 32))
    assert again.snapshot_id not in (keep.snapshot_id, gone.snapshot_id)


def test_list_snapshots_is_empty_with_schema(engine):
    assert list_snapshots(engine).is_empty()
    assert list_snapshots(engine).columns[:3] == ["snapshot_id", "as_of", "file_name"]
    assert totals_history(engine).is_empty()


def test_file_totals_difference_and_left_out_rows_are_stored_and_audited(store):
    from ar_core.ingest import read_extract
    from tests.samples import fbl5n_german_text

    bad = fbl5n_german_text().replace(b"01.09.2026", b"31.02.2026")  # row 5 (EUR 1,234.56) unreadable date
    result = read_extract(bad, "bad.txt")
    outcome = import_snapshot(store, LEAD, result, commit_valid_rows=True)
    # 11,000.16 in the file's total row; 11,000.16 - 1,234.56 = 9,765.60 committed
    assert snapshot_totals(store, outcome.snapshot_id)["file_totals"] == {"EUR": Decimal("11000.16")}
    assert outcome.totals == {"EUR": Decimal("9765.60")}
    assert outcome.excluded == {"EUR": {"rows": 1, "amount": Decimal("1234.56")}}
    after = json.loads(list_audit(store, LEAD, entity="snapshot").row(0, named=True)["after"])
    assert after["file_totals"] == {"EUR": "11000.16"}
    assert after["totals"] == {"EUR": "9765.60"}
    assert after["difference"] == {"EUR": "-1234.56"}
    assert after["excluded"] == {"EUR": {"rows": 1, "amount": "1234.56"}}
    assert [(r["source_row"], r["amount"]) for r in after["excluded_rows"]] == [(5, "1234.56")]
