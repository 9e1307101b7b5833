"""``python -m ar_core disputes list|pareto|cycle-time``: the JSON contract with hand-computed values."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ar_core.cli.entry import main
from ar_core.collections.lifecycle import import_snapshot
from ar_core.disputes import list_cases, resolve_case
from ar_core.ledger.snapshot_scope import Scope
from ar_core.store.db import make_engine, migrate
from tests.conftest import LEAD, item

AS_OF = date(2026, 11, 6)


@pytest.fixture
def db(tmp_path, monkeypatch, make_result):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("AR_DATABASE_URL", url)
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AR_TODAY", "2026-11-25")
    engine = make_engine(url)
    migrate(engine)
    rows = [
        item(doc_no="1800000001", customer_id="C1", amount="500.00", disputed=True, dispute_reason="PRICE"),
        item(
            doc_no="1800000002", customer_id="C2", amount="300.00", disputed=True, dispute_reason="QUANTITY"
        ),
        item(doc_no="1800000003", customer_id="C1", amount="150.00", disputed=True, dispute_reason="PRICE"),
        item(doc_no="1800000004", customer_id="C3", amount="50.00", disputed=True, dispute_reason="DAMAGED"),
        item(doc_no="1800000005", customer_id="C3", amount="70.00"),
    ]
    import_snapshot(engine, LEAD, make_result(rows, as_of=AS_OF), scope=Scope.whole_ledger())
    return engine


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_disputes_list_gives_one_object_per_case(db, capsys):
    assert main(["disputes", "list", "--json"]) == 0
    cases = _json(capsys)
    assert [(c["customer_id"], c["amount"], c["reason"], c["category"], c["status"]) for c in cases] == [
        ("C1", "500.00", "PRICE", "pricing", "open"),
        ("C2", "300.00", "QUANTITY", "quantity/delivery", "open"),
        ("C1", "150.00", "PRICE", "pricing", "open"),
        ("C3", "50.00", "DAMAGED", "quality/damage", "open"),
    ]
    first = cases[0]
    assert first["items"] == [{"doc_no": "1800000001", "amount": "500.00"}]
    facts = ("type", "currency", "opened", "due", "resolved", "level", "owner", "resolution")
    expected = ("dispute", "EUR", "2026-11-06", "2026-11-16", None, 0, "c.meyer", None)
    assert tuple(first[k] for k in facts) == expected
    assert set(first) == {
        "case_id", "type", "customer_id", "items", "amount", "currency", "reason", "category",
        "status", "resolution", "opened", "due", "resolved", "level", "owner",
    }  # fmt: skip


def test_pareto_by_reason_and_by_customer_with_shares(db, capsys):
    assert main(["disputes", "pareto", "--by", "reason", "--json"]) == 0
    assert _json(capsys) == [
        {"reason": "PRICE", "count": 2, "amount": "650.00", "share": 0.65, "cumulative_share": 0.65},
        {"reason": "QUANTITY", "count": 1, "amount": "300.00", "share": 0.3, "cumulative_share": 0.95},
        {"reason": "DAMAGED", "count": 1, "amount": "50.00", "share": 0.05, "cumulative_share": 1.0},
    ]
    assert main(["disputes", "pareto", "--by", "customer", "--json"]) == 0
    assert [(r["customer"], r["amount"], r["share"]) for r in _json(capsys)] == [
        ("C1", "650.00", 0.65), ("C2", "300.00", 0.3), ("C3", "50.00", 0.05),
    ]  # fmt: skip


def test_resolved_cases_leave_the_open_pareto_and_give_the_cycle_time(db, capsys):
    ids = dict(list_cases(db, LEAD).select("amount", "case_id").rows())
    resolve_case(
        db, LEAD, ids[500], "credit note issued", resolved=date(2026, 11, 10), credited="500.00"
    )  # 4 d
    resolve_case(db, LEAD, ids[150], "rejected — customer pays", resolved=date(2026, 11, 20))  # 14 d, late
    assert main(["disputes", "pareto", "--by", "category", "--json"]) == 0
    assert [(r["category"], r["amount"]) for r in _json(capsys)] == [
        ("quantity/delivery", "300.00"), ("quality/damage", "50.00"),
    ]  # fmt: skip
    assert main(["disputes", "cycle-time", "--json"]) == 0
    # PRICE: 4 and 14 days -> median 9, p90 4 + 0.9 x 10 = 13; one of two after its due date 16.11.
    assert _json(capsys) == [
        {"reason": "PRICE", "n": 2, "median_days": 9.0, "p90_days": 13.0, "past_sla": 0.5}
    ]
    assert main(["disputes", "list", "--status", "closed", "--json"]) == 0
    assert sorted(c["amount"] for c in _json(capsys)) == ["150.00", "500.00"]


def test_the_period_selects_cases_opened_in_it(db, capsys):
    assert main(["disputes", "pareto", "--from", "2026-11-07", "--to", "2026-11-30", "--json"]) == 0
    assert _json(capsys) == []
    assert main(["disputes", "pareto", "--from", "2026-11-01", "--to", "2026-11-06", "--json"]) == 0
    assert len(_json(capsys)) == 3
    assert main(["disputes", "pareto", "--from", "2026-11-01", "--json"]) == 2
