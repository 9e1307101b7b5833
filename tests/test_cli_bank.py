"""``python -m ar_core bank import|payments``: the JSON contract, human text, refusals (exit 2)."""

from __future__ import annotations

import json

import pytest

from ar_core.cli.bank import PAYMENT_KEYS
from ar_core.cli.entry import main
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.snapshot_scope import Scope
from ar_core.store.db import make_engine, migrate
from tests.conftest import LEAD
from tests.test_credit_bank import C1, C2, LEDGER, NEW_PAYER, PAYER, PAYER_BAD, S1, day_one


@pytest.fixture
def db(tmp_path, monkeypatch, make_result):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("AR_DATABASE_URL", url)
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AR_TODAY", "2024-03-06")
    engine = make_engine(url)
    migrate(engine)
    import_snapshot(engine, LEAD, make_result(LEDGER, as_of=S1), scope=Scope.whole_ledger())
    (tmp_path / "day1.xml").write_bytes(day_one())
    return tmp_path


def test_import_prints_the_counts_and_skips_the_same_file_again(db, capsys):
    assert main(["bank", "import", str(db / "day1.xml")]) == 0
    out = capsys.readouterr().out
    assert "1 statements, 4 entries, 3 incoming credits (2 matched, 0 ambiguous, 1 unmatched)" in out
    assert "0 duplicates skipped" in out and "warning: " in out  # the bad IBAN check digit
    assert main(["bank", "import", str(db / "day1.xml"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["statements"] == 0 and report["duplicates_skipped"] == 1 and report["matched"] == 0
    assert set(report) == {
        "file", "format", "statements", "duplicates_skipped", "entries", "transactions",
        "incoming_credits", "matched", "ambiguous", "unmatched", "warnings",
    }  # fmt: skip


def test_a_malformed_or_missing_file_exits_with_2_and_the_reason_on_stderr(db, capsys):
    (db / "broken.xml").write_bytes(b"<Document><BkToCstmrStmt>")
    assert main(["bank", "import", str(db / "broken.xml")]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("broken.xml: ") and captured.out == ""
    assert main(["bank", "import", str(db / "nowhere.xml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["bank", "payments", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_payments_give_one_object_per_incoming_payment_with_exactly_the_contract_keys(db, capsys):
    main(["bank", "import", str(db / "day1.xml"), "--json"])
    capsys.readouterr()
    assert main(["bank", "payments", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and all(set(r) == set(PAYMENT_KEYS) for r in rows)
    assert set(PAYMENT_KEYS) == {
        "payment_id", "booking_date", "amount", "currency", "counterparty_name", "counterparty_iban",
        "remittance", "creditor_reference", "end_to_end_id", "customer_id", "invoice_docs", "rule",
        "confidence",
    }  # fmt: skip
    by_name = {r["counterparty_name"]: r for r in rows}
    ref = by_name["Somebody"]
    assert (ref["amount"], ref["booking_date"], ref["currency"], ref["counterparty_iban"]) == (
        "1190.00", "2024-03-01", "EUR", PAYER
    )  # fmt: skip
    assert (ref["customer_id"], ref["invoice_docs"], ref["rule"]) == (C1, ["1800000017"], "reference")
    assert (ref["remittance"], ref["end_to_end_id"]) == ("RE 1800000017", "E2E-1")
    assert by_name["Bakker Handel BV"]["customer_id"] == C2
    assert by_name["Bakker Handel BV"]["counterparty_iban"] == PAYER_BAD
    assert main(["bank", "payments", "--status", "unmatched", "--json"]) == 0
    facts = ("amount", "counterparty_iban", "customer_id", "invoice_docs", "confidence")
    unmatched = [tuple(r[k] for k in facts) for r in json.loads(capsys.readouterr().out)]
    assert unmatched == [("55.55", NEW_PAYER, None, [], 0.0)]
    assert main(["bank", "payments", "--status", "matched"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "1190.00 EUR" in lines[0] + lines[1]
