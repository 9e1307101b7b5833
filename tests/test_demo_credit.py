"""Demo credits and cash: the demo load imports a camt.053 statement of the next bank day, whose
payments settle real open invoices (matched, one unknown payer unmatched) and show on the team
worklist as paid but not yet applied; the demo ledger has credits with clear suggestions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import bcrypt
import polars as pl
import pytest

from ar_core.collections.queries import shared_team_worklist
from ar_core.credit import (
    allocation_suggestions,
    bank_payments,
    import_bank_statement,
    net_credit_customers,
)
from ar_core.demo.bank import CASES, demo_bank_file, nl_payment_reference, statement_day
from ar_core.demo.build import DEMO_FOLDER, load_demo_if_empty
from ar_core.demo.stories import story_customers
from ar_core.ingest.bank import read_bank_file
from ar_core.ingest.bank.checks import iban_valid, nl_payment_reference_valid
from ar_core.ledger import all_customers, ledger_items, list_snapshots
from tests.conftest import LEAD

LAST = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from ar_core.store.db import make_engine, migrate

    folder = tmp_path_factory.mktemp("demo_credit")
    engine = make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")
    migrate(engine)
    cheap = bcrypt.gensalt(rounds=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            "ar_core.access.users.hash_password", lambda pw: bcrypt.hashpw(pw.encode(), cheap).decode()
        )
        assert load_demo_if_empty(engine, folder, items=3_000, seed=7) is True
    yield engine, folder
    engine.dispose()


@pytest.fixture(scope="module")
def latest(demo):
    engine, _ = demo
    snaps = list_snapshots(engine).sort("as_of")
    return int(snaps["snapshot_id"][-1]), snaps["as_of"][-1]


def test_the_statement_is_booked_on_the_monday_after_the_friday_extract():
    assert LAST.weekday() == 4
    assert statement_day(LAST) == date(2026, 11, 23)
    assert statement_day(date(2026, 11, 18)) == date(2026, 11, 19)


def test_a_dutch_payment_reference_has_a_valid_check_digit():
    ref = nl_payment_reference("9000004217")
    assert len(ref) == 16 and ref.endswith("9000004217")
    assert nl_payment_reference_valid(ref)


def test_the_bank_file_is_a_clean_camt053_day_statement_of_the_team_account(demo):
    _, folder = demo
    [path] = (folder / DEMO_FOLDER).glob("camt053_*.xml")
    assert path.name == "camt053_DE89370400440532013000_20261123.xml"
    bank = read_bank_file(path.read_bytes(), path.name)
    assert bank.format == "camt.053.001.02"
    assert bank.errors == [] and bank.warnings == []  # balances add up, every IBAN checks
    stmt = bank.statements.row(0, named=True)
    assert stmt["account_iban"] == "DE89370400440532013000" and iban_valid(stmt["account_iban"])
    assert stmt["from_date"] == stmt["to_date"] == date(2026, 11, 23)
    txs = bank.transactions
    assert set(txs["booking_date"]) == {date(2026, 11, 23)}
    credits = txs.filter((pl.col("direction") == "CRDT") & ~pl.col("reversal"))
    assert credits.height == len(CASES) + 1  # every case found its customer, plus the unknown payer
    assert txs.filter(pl.col("batch_size") == 2).height == 2  # one collective credit of two transfers
    assert txs.filter("reversal").height == 1
    fee = txs.filter((pl.col("direction") == "DBIT") & ~pl.col("reversal")).row(0, named=True)
    assert fee["amount"] == Decimal("38.50") and fee["bank_tx_code"] == "ACMT/MDOP/CHRG"
    assert credits.filter(pl.col("reference_type") == "CUR")["reference_valid"].to_list() == [True]
    texts = " | ".join(credits["remittance"].drop_nulls())
    for typed in ("RE 18", "Rechnung ", " u. ", "factuur ", "Teilzahlung", "Skonto", "Rg.-Nr. ", "Facture"):
        assert typed in texts, typed
    opening, closing = stmt["opening_balance"], stmt["closing_balance"]
    signed = txs.select(
        pl.when(pl.col("direction") == "CRDT").then(pl.col("amount")).otherwise(-pl.col("amount")).sum()
    ).item()
    assert opening + signed == closing


def test_same_seed_gives_the_same_statement(demo, latest):
    engine, _ = demo
    items = ledger_items(engine, latest[0])
    skip = set(story_customers(engine).values())
    first = demo_bank_file(items, latest[1], seed=7, skip=skip)
    assert first == demo_bank_file(items, latest[1], seed=7, skip=skip)
    assert first[1] != demo_bank_file(items, latest[1], seed=8, skip=skip)[1]


def test_payments_are_matched_to_real_open_invoices_and_the_unknown_payer_is_not(demo, latest):
    engine, _ = demo
    payments = bank_payments(engine, LEAD)
    assert payments.height == len(CASES) + 1
    unmatched = payments.filter(pl.col("status") == "unmatched")
    assert unmatched["counterparty_name"].to_list() == ["Okonkwo, Adaeze"]
    matched = payments.filter(pl.col("status") == "matched")
    assert matched.height == len(CASES)
    assert {"reference", "partial", "amount"} <= set(matched["rule"])
    assert matched.filter(pl.col("rule") == "reference")["confidence"].max() >= 0.95
    stories = set(story_customers(engine).values())
    assert not set(matched["customer_id"]) & stories  # each story tells its own story only
    open_docs = (
        ledger_items(engine, latest[0])
        .filter(pl.col("clearing_date").is_null(), pl.col("amount") > 0)
        .select("customer_id", "doc_no")
    )
    paid = matched.select("customer_id", pl.col("invoice_docs").alias("doc_no")).explode("doc_no")
    assert paid.join(open_docs, on=["customer_id", "doc_no"], how="anti").is_empty()
    assert set(payments["booking_date"]) == {date(2026, 11, 23)}


def test_the_statement_is_imported_once(demo):
    engine, folder = demo
    [path] = (folder / DEMO_FOLDER).glob("camt053_*.xml")
    again = import_bank_statement(engine, LEAD, path.read_bytes(), path.name)
    assert (again["statements"], again["duplicates_skipped"]) == (0, 1)


def test_the_team_worklist_shows_cash_paid_but_not_yet_applied(demo, latest):
    engine, _ = demo
    worklist, _ = shared_team_worklist(engine, *latest, today=LAST)
    paid = worklist.filter(pl.col("paid_unapplied") > 0)
    assert paid.height >= 5
    matched = bank_payments(engine, LEAD, status="matched")
    assert set(paid["customer_id"]) <= set(matched["customer_id"])


def test_the_demo_ledger_has_credits_with_clear_suggestions_and_a_refund_candidate(demo, latest):
    engine, _ = demo
    suggestions = allocation_suggestions(engine, LEAD)
    by_rule = suggestions.group_by("rule").agg(pl.col("confidence").max())
    best = dict(by_rule.iter_rows())
    assert best["reference"] == pytest.approx(0.99)  # a credit memo quoting the invoice it credits
    assert best["amount"] == pytest.approx(0.75)  # a payment on account for exactly one invoice
    memo = suggestions.filter(pl.col("rule") == "reference").row(0, named=True)
    assert memo["credit_amount"] == memo["amount"] and memo["residual"] == 0
    items = ledger_items(engine, latest[0])
    refunds = net_credit_customers(items, latest[1], all_customers(engine))
    assert story_customers(engine)["credit balance"] in set(refunds["customer_id"])
