"""Bank statements in the store (ar_core.credit.bank): import with duplicates skipped, the match
by reference / IBAN / name, refusals, the portfolio rule, confirmation teaching the IBAN, and cash
not yet applied in the ERP. Statements are small camt.053 strings; expected values by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
import sqlalchemy as sa

from ar_core.access import Actor
from ar_core.collections.lifecycle import import_snapshot
from ar_core.credit.bank import (
    PAYMENT_SCHEMA,
    UNAPPLIED_SCHEMA,
    bank_payments,
    confirm_payment,
    import_bank_statement,
    known_ibans,
    unapplied_payments,
)
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.ledger import upsert_customer_master
from ar_core.ledger.snapshot_scope import Scope
from tests.conftest import COLLECTOR, CONTROLLER, LEAD, item
from tests.test_bank_camt import PAYER, PAYER_BAD, camt, entry, statement, tx

S1, S2 = date(2024, 2, 28), date(2024, 3, 5)
C1, C2 = "0000100001", "0000200002"
NEW_PAYER = "DE02120300000000202051"  # valid, known to nobody
K17, K18, K90 = "1000|2024|1800000017|1", "1000|2024|1800000018|1", "1000|2024|1800000090|1"
OTHER = Actor("c.other", "Otto Other", frozenset({"collector"}))
TABLES = ("bank_statements", "bank_payments", "customer_ibans")


def inv(doc: str, amount: str, customer: str = C1, **kw):
    name, collector = (
        ("Müller Maschinenbau GmbH", "c.meyer") if customer == C1 else ("Bakker Handel B.V.", "c.other")
    )
    days = {
        "doc_date": date(2024, 1, 15),
        "posting_date": date(2024, 1, 15),
        "baseline_date": date(2024, 1, 15),
    }
    return item(doc_no=doc, amount=amount, customer_id=customer, customer_name=name, collector=collector,
                fiscal_year=2024, due_date=date(2024, 2, 14), **days, **kw)  # fmt: skip


LEDGER = [inv("1800000017", "1190.00"), inv("1800000018", "500.00"), inv("1800000090", "2000.00", C2)]


def day_one() -> bytes:
    """Four entries: a reference (C1), a name with a bad IBAN check digit (C2), nobody, a fee."""
    entries = [
        entry("1190.00", [tx("1190.00", name="Somebody", iban=PAYER, ustrd=("RE 1800000017",))]),
        entry("2000.00", [tx("2000.00", name="Bakker Handel BV", iban=PAYER_BAD, ustrd=("Zahlung",))]),
        entry("55.55", [tx("55.55", name="Xyz Corp", iban=NEW_PAYER, ustrd=("misc",), e2e="E2E-3")]),
        entry("10.00", [tx("10.00", name="Bank", iban=None, ustrd=("fee",), debit=True)], direction="DBIT"),
    ]
    return camt([statement(entries, stmt_id="STMT-1", seq="1", opening=None)])


def day_two(amount: str = "300.00", iban: str = NEW_PAYER) -> bytes:
    entries = [entry(amount, [tx(amount, name="Nobody Known", iban=iban, ustrd=("thanks",), e2e="E2E-9")])]
    return camt([statement(entries, stmt_id="STMT-2", seq="2", opening=None)])


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2024-03-06")


@pytest.fixture
def ledger(store, make_result):
    import_snapshot(store, LEAD, make_result(LEDGER, as_of=S1), scope=Scope.whole_ledger())
    return store


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def audit(engine, action: str) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT actor, entity_id, after FROM audit_log WHERE action = :a ORDER BY id"),
            {"a": action},
        ).all()


def by_payer(engine, actor=LEAD) -> dict[str, dict]:
    return {r["counterparty_name"]: r for r in bank_payments(engine, actor).iter_rows(named=True)}


def test_import_matches_by_reference_and_flagged_name_and_keeps_a_bad_iban(ledger):
    report = import_bank_statement(ledger, LEAD, day_one(), "day1.xml")
    warnings = report.pop("warnings")
    assert report == {
        "file": "day1.xml", "format": "camt.053.001.02", "statements": 1, "duplicates_skipped": 0,
        "entries": 4, "transactions": 4, "incoming_credits": 3, "matched": 2, "ambiguous": 0, "unmatched": 1,
    }  # fmt: skip
    assert len(warnings) == 1 and "STMT-1" in warnings[0] and "IBAN" in warnings[0]
    assert counts(ledger) == {"bank_statements": 1, "bank_payments": 4, "customer_ibans": 0}
    frame = bank_payments(ledger, LEAD)
    assert frame.schema == PAYMENT_SCHEMA and frame.height == 3  # the fee is no customer payment
    rows = by_payer(ledger)
    ref = rows["Somebody"]
    assert (ref["customer_id"], ref["invoice_docs"], ref["rule"], ref["status"]) == (
        C1, ["1800000017"], "reference", "matched"
    )  # fmt: skip
    assert (ref["amount"], ref["booking_date"], ref["statement_key"]) == (
        Decimal("1190.00"), date(2024, 3, 1), "STMT-1"
    )  # fmt: skip
    assert ref["name_flag"] is False and ref["applied"] is False
    name = rows["Bakker Handel BV"]  # the bad check digit is kept, the name decides (flagged)
    assert (name["customer_id"], name["invoice_docs"], name["status"], name["name_flag"]) == (
        C2, ["1800000090"], "matched", True
    )  # fmt: skip
    assert name["counterparty_iban"] == PAYER_BAD and name["confidence"] < ref["confidence"]
    nobody = rows["Xyz Corp"]
    assert (nobody["customer_id"], nobody["invoice_docs"], nobody["rule"], nobody["status"]) == (
        None, [], "unmatched", "unmatched"
    )  # fmt: skip
    assert [
        r["counterparty_name"] for r in bank_payments(ledger, LEAD, status="unmatched").iter_rows(named=True)
    ] == ["Xyz Corp"]
    assert bank_payments(ledger, LEAD, status="matched").height == 2
    assert bank_payments(ledger, LEAD, status="ambiguous").height == 0
    entries = audit(ledger, "import_bank_statement")
    assert len(entries) == 1 and entries[0][:2] == ("lena.lead", "day1.xml")
    assert '"matched": 2' in entries[0][2] and '"incoming_credits": 3' in entries[0][2]


def test_the_same_file_twice_adds_nothing(ledger):
    import_bank_statement(ledger, LEAD, day_one(), "day1.xml")
    before = counts(ledger)
    report = import_bank_statement(ledger, LEAD, day_one(), "day1-again.xml")
    assert (report["statements"], report["duplicates_skipped"], report["entries"]) == (0, 1, 0)
    assert (report["transactions"], report["incoming_credits"], report["matched"]) == (0, 0, 0)
    assert counts(ledger) == before
    assert len(audit(ledger, "import_bank_statement")) == 1


def test_a_malformed_file_is_refused_and_stores_nothing(ledger):
    with pytest.raises(InvalidInput) as caught:
        import_bank_statement(ledger, LEAD, b"<Document><BkToCstmrStmt><Stmt>", "broken.xml")
    assert caught.value.field == "file" and caught.value.message.startswith("broken.xml: ")
    with pytest.raises(InvalidInput, match=r"^x\.txt: .*neither"):
        import_bank_statement(ledger, LEAD, b"hello", "x.txt")
    assert counts(ledger) == {"bank_statements": 0, "bank_payments": 0, "customer_ibans": 0}
    assert audit(ledger, "import_bank_statement") == []


def test_collectors_and_controllers_may_not_import_and_a_collector_reads_only_their_customers(ledger):
    for actor in (COLLECTOR, CONTROLLER):
        with pytest.raises(PermissionDenied):
            import_bank_statement(ledger, actor, day_one(), "day1.xml")
    assert counts(ledger)["bank_statements"] == 0
    import_bank_statement(ledger, LEAD, day_one(), "day1.xml")
    assert list(by_payer(ledger, COLLECTOR)) == ["Somebody"]  # C1 only; never the unmatched one
    assert list(by_payer(ledger, OTHER)) == ["Bakker Handel BV"]
    assert bank_payments(ledger, COLLECTOR, status="unmatched").height == 0
    assert bank_payments(ledger, CONTROLLER).height == 3
    with pytest.raises(InvalidInput) as caught:
        bank_payments(ledger, LEAD, status="cleared")
    assert caught.value.field == "status"


def test_confirming_learns_the_iban_and_the_next_payment_matches_by_it(ledger):
    import_bank_statement(ledger, LEAD, day_one(), "day1.xml")
    pid = by_payer(ledger)["Xyz Corp"]["payment_id"]
    with pytest.raises(PermissionDenied):  # an unmatched payment is nobody's portfolio yet
        confirm_payment(ledger, COLLECTOR, pid, customer_id=C1)
    with pytest.raises(PermissionDenied):
        confirm_payment(ledger, CONTROLLER, pid, customer_id=C2)
    with pytest.raises(NotFound):
        confirm_payment(ledger, LEAD, 999_999, customer_id=C2)
    after = confirm_payment(ledger, LEAD, pid, customer_id=C2)
    assert (after["customer_id"], after["invoice_keys"], after["iban_learned"], after["iban_was"]) == (
        C2, [], NEW_PAYER, None
    )  # fmt: skip
    row = by_payer(ledger)["Xyz Corp"]
    assert (row["customer_id"], row["rule"], row["status"], row["confidence"]) == (
        C2,
        "confirmed",
        "matched",
        1.0,
    )
    with ledger.connect() as conn:
        learned = conn.execute(
            sa.text("SELECT iban, customer_id, source, learned_by FROM customer_ibans")
        ).all()
    assert [tuple(r) for r in learned] == [(NEW_PAYER, C2, "confirmed", "lena.lead")]
    assert len(audit(ledger, "confirm_bank_payment")) == 1
    report = import_bank_statement(ledger, LEAD, day_two(), "day2.xml")
    assert (report["statements"], report["matched"], report["unmatched"]) == (1, 1, 0)
    nxt = by_payer(ledger)["Nobody Known"]
    # C2's one open invoice of 2000.00, paid in part: the customer came from the learned IBAN
    assert (nxt["customer_id"], nxt["invoice_docs"], nxt["rule"], nxt["status"]) == (
        C2, ["1800000090"], "partial", "matched"
    )  # fmt: skip
    assert "IBAN" in nxt["evidence"] and nxt["name_flag"] is False


def test_a_correction_names_open_invoices_of_that_customer_only(ledger):
    import_bank_statement(ledger, LEAD, day_one(), "day1.xml")
    pid = by_payer(ledger)["Bakker Handel BV"]["payment_id"]
    with pytest.raises(PermissionDenied):  # C2 is not c.meyer's
        confirm_payment(ledger, COLLECTOR, pid, customer_id=C1)
    with pytest.raises(InvalidInput) as caught:
        confirm_payment(ledger, OTHER, pid, customer_id=C2, invoice_keys=[K17])
    assert caught.value.field == "invoice_keys"
    confirm_payment(ledger, OTHER, pid, customer_id=C2, invoice_keys=[K90])
    row = by_payer(ledger)["Bakker Handel BV"]
    assert (row["invoice_docs"], row["rule"], row["name_flag"]) == (["1800000090"], "confirmed", False)


def test_master_ibans_match_and_a_learned_one_overrides_the_master(ledger):
    master = pl.DataFrame({"customer_id": [C1, C2], "ibans": [f"{NEW_PAYER[:4]} {NEW_PAYER[4:]}; ", None]})
    upsert_customer_master(ledger, LEAD, master)
    assert known_ibans(ledger).rows() == [(NEW_PAYER, C1)]
    import_bank_statement(ledger, LEAD, day_two("500.00"), "day2.xml")
    row = by_payer(ledger)["Nobody Known"]
    assert (row["customer_id"], row["invoice_docs"], row["rule"]) == (C1, ["1800000018"], "amount")
    confirm_payment(ledger, LEAD, row["payment_id"], customer_id=C2)
    assert known_ibans(ledger).rows() == [(NEW_PAYER, C2)]


def test_unapplied_until_a_later_snapshot_clears_the_invoice(ledger, make_result):
    import_bank_statement(ledger, LEAD, day_one(), "day1.xml")
    pid = by_payer(ledger)["Xyz Corp"]["payment_id"]
    confirm_payment(ledger, LEAD, pid, customer_id=C2)  # customer only: 55.55 without invoices
    s1 = _snapshot_id(ledger, S1)
    first = unapplied_payments(ledger, LEAD, s1)
    assert first.schema == UNAPPLIED_SCHEMA
    assert first.rows() == [
        (C1, "EUR", Decimal("1190.00"), 1, [K17]),
        (C2, "EUR", Decimal("2055.55"), 2, [K90]),
    ]
    assert unapplied_payments(ledger, COLLECTOR, s1).rows() == [(C1, "EUR", Decimal("1190.00"), 1, [K17])]
    # the ERP applied 1190.00 to invoice 17 by 5 March; invoice 90 is still open
    later = [inv("1800000018", "500.00"), inv("1800000090", "2000.00", C2)]
    import_snapshot(ledger, LEAD, make_result(later, as_of=S2), scope=Scope.whole_ledger())
    s2 = _snapshot_id(ledger, S2)
    # the customer-only payment counts as applied once a snapshot dated after its booking exists
    assert unapplied_payments(ledger, LEAD, s2).rows() == [(C2, "EUR", Decimal("2000.00"), 1, [K90])]
    assert unapplied_payments(ledger, LEAD, s1).height == 2  # the older snapshot still says unapplied
    applied = {
        r["counterparty_name"]: r["applied"] for r in bank_payments(ledger, LEAD).iter_rows(named=True)
    }
    assert applied == {"Somebody": True, "Bakker Handel BV": False, "Xyz Corp": True}
    entries = audit(ledger, "apply_bank_payments")
    assert len(entries) == 1 and entries[0][1] == str(s2) and '"payments": 2' in entries[0][2]
    with pytest.raises(NotFound):
        unapplied_payments(ledger, LEAD, 999_999)


def _snapshot_id(engine, as_of: date) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT id FROM snapshots WHERE as_of = :d"), {"d": as_of}).scalar_one()


def test_the_team_worklist_leaves_cash_not_yet_applied_out_of_the_collectable_amount(ledger):
    from ar_core.collections.queries import shared_team_worklist
    from ar_core.ledger import list_snapshots

    sid = list_snapshots(ledger)["snapshot_id"].max()
    before, _ = shared_team_worklist(ledger, sid, S1, today=date(2024, 3, 6))
    row = before.filter(pl.col("customer_id") == C1).row(0, named=True)
    assert (row["overdue_collectable"], row["paid_unapplied"]) == (Decimal("1690.00"), Decimal("0.00"))
    import_bank_statement(ledger, LEAD, day_one(), "day1.xml")  # 1,190.00 for 1800000017 of C1
    after, _ = shared_team_worklist(ledger, sid, S1, today=date(2024, 3, 6))
    row = after.filter(pl.col("customer_id") == C1).row(0, named=True)
    # 1,190.00 + 500.00 overdue, 1,190.00 of it paid at the bank: 500.00 left to collect
    assert (row["overdue_collectable"], row["paid_unapplied"]) == (Decimal("500.00"), Decimal("1190.00"))
    assert "EUR 1,190 paid, not yet applied" in row["reasons"]


def test_the_account_page_says_paid_not_yet_applied(tmp_path, monkeypatch):
    import streamlit as st

    from ar_core.ingest import ExtractResult
    from tests.app_support import app_store
    from tests.conftest import items_frame
    from tests.test_account_page import page

    with app_store(tmp_path, monkeypatch, {"lena": ["lead"]}, "long-enough-pw") as engine:
        result = ExtractResult(file_name="w.csv", file_hash="w", as_of=S1, items=items_frame(LEDGER))
        import_snapshot(engine, LEAD, result, scope=Scope.whole_ledger())
        monkeypatch.setenv("AR_TODAY", "2024-03-06")
        at = page("lena", C1)
        assert not [s for s in at.success if "Paid, not yet applied" in s.value]
        import_bank_statement(engine, LEAD, day_one(), "day1.xml")
        st.cache_resource.clear()  # what the Bank payments tab's save does (ui.data.refresh)
        at = page("lena", C1)
        paid = [s.value for s in at.success if "Paid, not yet applied" in s.value]
        assert paid and "EUR 1,190.00" in paid[0]
