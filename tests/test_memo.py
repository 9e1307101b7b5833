"""What derives from a snapshot is computed once and shared; a workflow write only re-ranks."""

from __future__ import annotations

from datetime import date

import pytest

from ar_core import memo as memo_module
from ar_core.collections import log_contact, worklist_for
from ar_core.collections.lifecycle import import_snapshot
from ar_core.memo import memo
from tests.conftest import LEAD, item
from tests.workflow_setup import MEYER, seed


def test_memo_computes_once_per_key_and_keeps_the_latest_few():
    calls = []
    eng_a, eng_b = object.__new__(type("E", (), {})), object.__new__(type("E", (), {}))

    def compute(value):
        calls.append(value)
        return value * 2

    assert memo(eng_a, "k", 1, lambda: compute(1), keep=2) == 2
    assert memo(eng_a, "k", 1, lambda: compute(1), keep=2) == 2
    assert memo(eng_b, "k", 1, lambda: compute(10), keep=2) == 20  # another store never shares
    memo(eng_a, "k", 2, lambda: compute(2), keep=2)
    memo(eng_a, "k", 3, lambda: compute(3), keep=2)  # 1 drops out
    memo(eng_a, "k", 1, lambda: compute(1), keep=2)
    assert calls == [1, 10, 2, 3, 1]


def test_a_failed_computation_is_not_kept():
    eng = object.__new__(type("E", (), {}))

    def boom():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        memo(eng, "k", 1, boom)
    assert memo(eng, "k", 1, lambda: "ok") == "ok"


def test_a_call_re_ranks_without_recomputing_the_snapshot_base(engine, make_result, monkeypatch):
    seed(engine)
    memo_module.forget(engine)
    rows = [item(customer_id="C1", doc_no="1", amount="100.00", collector=None),
            item(customer_id="C3", doc_no="2", amount="300.00", collector=None)]  # fmt: skip
    snap = import_snapshot(engine, LEAD, make_result(rows)).snapshot_id
    from ar_core.collections import team

    built = []
    real = team.customer_base
    monkeypatch.setattr(team, "customer_base", lambda *a, **k: built.append(1) or real(*a, **k))
    as_of = date(2026, 11, 20)
    first, _ = worklist_for(engine, MEYER, snap, as_of, today=as_of)
    assert first.filter(first["customer_id"] == "C1")["days_since_contact"].to_list() == [None]
    log_contact(engine, MEYER, "C1", channel="phone", outcome="no answer")
    second, _ = worklist_for(engine, LEAD, snap, as_of, today=as_of)
    assert built == [1]  # the base of the snapshot was built once, for both users
    assert second.filter(second["customer_id"] == "C1")["days_since_contact"].to_list() != [None]
    later = import_snapshot(engine, LEAD, make_result(rows[:1], as_of=date(2026, 11, 27))).snapshot_id
    worklist_for(engine, LEAD, later, date(2026, 11, 27))
    assert built == [1, 1]  # a new snapshot is a new base
