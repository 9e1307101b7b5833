"""``python -m ar_core allocate|reconcile``: the JSON and CSV contracts with hand-computed values."""

from __future__ import annotations

import io
import json
from datetime import date

import polars as pl
import pytest

from ar_core.cli.entry import main
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.snapshot_scope import Scope
from ar_core.store.db import make_engine, migrate
from tests.conftest import LEAD, item

W1, W2 = date(2026, 11, 6), date(2026, 11, 13)


@pytest.fixture
def db(tmp_path, monkeypatch, make_result):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("AR_DATABASE_URL", url)
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AR_TODAY", "2026-11-25")
    engine = make_engine(url)
    migrate(engine)
    rows = [
        item(doc_no="1800000001", customer_id="C1", amount="500.00"),
        item(doc_no="1600000001", customer_id="C1", amount="-500.00", doc_type="DG", reference="1800000001"),
        item(doc_no="1800000030", customer_id="C4", amount="100.00"),
        item(doc_no="1800000031", customer_id="C4", amount="100.00"),
        item(doc_no="1600000030", customer_id="C4", amount="-100.00", doc_type="DG"),
        item(doc_no="=HYPERLINK(1)", customer_id="C5", amount="-40.00", doc_type="DG"),
        item(doc_no="1800000040", customer_id="C5", amount="40.00"),
    ]
    import_snapshot(engine, LEAD, make_result(rows, as_of=W2), scope=Scope.whole_ledger())
    return engine


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_allocate_json_gives_one_row_per_suggestion(db, capsys):
    assert main(["allocate"]) == 0
    rows = _json(capsys)
    # the tie of two equal amounts: 0.60 shared by its two candidates
    assert rows == [
        {"credit_doc": "1600000001", "invoice_docs": ["1800000001"], "customer_id": "C1", "amount": "500.00",
         "rule": "reference", "confidence": 0.99},
        {"credit_doc": "1600000030", "invoice_docs": [], "customer_id": "C4", "amount": "0.00",
         "rule": "ambiguous", "confidence": 0.3, "candidates": [["1800000030"], ["1800000031"]]},
        {"credit_doc": "=HYPERLINK(1)", "invoice_docs": ["1800000040"], "customer_id": "C5",
         "amount": "40.00", "rule": "amount", "confidence": 0.75},
    ]  # fmt: skip


def test_allocate_csv_is_neutralised_and_as_of_picks_the_snapshot(db, capsys):
    assert main(["allocate", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    table = pl.read_csv(io.StringIO(text), infer_schema=False)
    assert table.columns == [
        "credit_doc", "invoice_docs", "customer_id", "amount", "rule", "confidence", "candidates",
    ]  # fmt: skip
    assert table["credit_doc"].to_list() == ["1600000001", "1600000030", "'=HYPERLINK(1)"]
    assert table["amount"].to_list() == ["500.00", "0.00", "40.00"]
    assert table["candidates"].to_list()[1] == "1800000030 | 1800000031"
    assert main(["allocate", "--as-of", W1.isoformat()]) == 0  # nothing before the first snapshot
    assert _json(capsys) == []


def test_reconcile_json_has_the_lists_and_the_three_balances(db, capsys, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text(
        "Rechnungsnummer;Datum;Betrag\n1800000001;01.09.2026;450,00\n1800000099;02.09.2026;25,00\n"
    )
    assert main(["reconcile", "C1", str(path), "--json"]) == 0
    out = _json(capsys)
    assert set(out) == {
        "matched", "only_ours", "only_theirs", "differences", "our_balance", "their_balance", "difference",
        "explained", "unexplained",
    }  # fmt: skip
    # ours 500.00 - 500.00 = 0.00, theirs 450 + 25 = 475.00: -475 = -500 (credit only ours) + 50 - 25
    assert (out["our_balance"], out["their_balance"], out["difference"], out["unexplained"]) == (
        "0.00", "475.00", "-475.00", "0.00"
    )  # fmt: skip
    assert [
        (d["doc_no"], d["our_amount"], d["their_amount"], d["difference"]) for d in out["differences"]
    ] == [("1800000001", "500.00", "450.00", "50.00")]
    assert [(o["doc_no"], o["amount"], o["reason"]) for o in out["only_ours"]] == [
        ("1600000001", "-500.00", "credit_not_booked")
    ]
    assert [(t["their_reference"], t["amount"], t["doc_date"]) for t in out["only_theirs"]] == [
        ("1800000099", "25.00", "2026-09-02")
    ]
    assert out["matched"] == []


def test_reconcile_reports_an_unreadable_list(db, capsys, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert main(["reconcile", "C1", str(path), "--json"]) == 1
    assert "empty" in capsys.readouterr().err
    assert main(["reconcile", "NOPE", str(tmp_path / "missing.csv")]) == 2
