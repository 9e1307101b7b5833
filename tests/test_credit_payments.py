"""Bank payments matched to a customer and its invoices (ar_core.credit.payments)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.credit.payments import MATCH_SCHEMA, match_payments, normalise_name
from tests.test_credit_allocation import AS_OF, frame, item

PAYMENT_SCHEMA = {
    "payment_id": pl.Int64,
    "amount": pl.Decimal(18, 2),
    "currency": pl.String,
    "counterparty_name": pl.String,
    "counterparty_iban": pl.String,
    "remittance": pl.String,
    "creditor_reference": pl.String,
    "reference_type": pl.String,
    "end_to_end_id": pl.String,
    "booking_date": pl.Date,
}


def pay(  # noqa: PLR0917
    pid, amount, name=None, iban=None, remit=None, cref=None, e2e=None
):
    return {
        "payment_id": pid,
        "amount": Decimal(amount),
        "currency": "EUR",
        "counterparty_name": name,
        "counterparty_iban": iban,
        "remittance": remit,
        "creditor_reference": cref,
        "reference_type": "SCOR" if cref else None,
        "end_to_end_id": e2e,
        "booking_date": date(2025, 3, 10),
    }


LEDGER = frame(
    item("1800000017", "1190.00", cust="C1", day=2),
    item("1800000018", "500.00", cust="C1", day=3, ref="PO-4711"),
    item("1800000019", "700.00", cust="C1", day=4),
    item("1800000090", "1190.00", cust="C2", day=2),
    item("1800000091", "2000.00", cust="C2", day=2),
)
IBANS = pl.DataFrame({"iban": ["DE89 3704 0044 0532 0130 00"], "customer_id": ["C1"]})
CUSTOMERS = pl.DataFrame({"customer_id": ["C1", "C2"], "name": ["Müller Maschinenbau GmbH", "Bakker B.V."]})


def match(*payments, **kw):
    return match_payments(
        pl.DataFrame(list(payments), schema=PAYMENT_SCHEMA), LEDGER, CUSTOMERS, IBANS, AS_OF, **kw
    )


def test_iban_then_reference_rule():
    row = match(pay(1, "1190.00", iban="DE89370400440532013000", remit="RE 1800000017")).row(0, named=True)
    assert (row["customer_id"], row["customer_rule"], row["rule"]) == ("C1", "iban", "reference")
    assert row["invoice_docs"] == ["1800000017"] and row["amount"] == Decimal("1190.00")
    assert row["confidence"] == 0.99 and row["name_flag"] is False


def test_reference_decides_the_customer_and_structured_reference():
    row = match(pay(2, "2000.00", remit="Rechnung 1800000091")).row(0, named=True)
    assert (row["customer_id"], row["customer_rule"], row["rule"]) == ("C2", "reference", "reference")
    row = match(pay(3, "500.00", cref="PO-4711")).row(0, named=True)
    assert (row["customer_id"], row["rule"], row["invoice_docs"]) == ("C1", "reference", ["1800000018"])


def test_name_similarity_is_flagged_and_amount_stays_at_that_customer():
    row = match(pay(4, "1200.00", name="MUELLER MASCHINENBAU GMBH & CO. KG")).row(0, named=True)
    assert (row["customer_id"], row["name_flag"]) == (
        "C1",
        True,
    )  # "mueller" ~ "müller", for a human to check
    assert match(pay(4, "1200.00", name="Bakkerij Jansen")).row(0, named=True)["customer_id"] is None
    row = match(pay(5, "1200.00", name="Müller Maschinenbau")).row(0, named=True)
    assert (row["customer_id"], row["customer_rule"], row["name_flag"]) == ("C1", "name", True)
    assert (row["rule"], row["invoice_docs"]) == ("many_to_one", ["1800000018", "1800000019"])
    assert row["confidence"] == round(0.85 * 0.8, 4)


def test_exact_amount_at_another_customer_is_not_a_suggestion():
    row = match(pay(6, "2000.00", iban="DE89370400440532013000")).row(0, named=True)
    assert (row["customer_id"], row["rule"], row["invoice_docs"]) == ("C1", "unmatched", [])
    assert row["residual"] == Decimal("2000.00")


def test_unknown_payer_is_unmatched_and_one_row_per_payment():
    result = match(pay(8, "10.00", name="Nobody"), pay(7, "1190.00", iban="DE89370400440532013000"))
    assert result.schema == pl.Schema(MATCH_SCHEMA)
    assert result["payment_id"].to_list() == [7, 8]
    assert result["rule"].to_list() == ["amount", "unmatched"]
    assert result.row(1, named=True)["customer_id"] is None


def test_partial_payment_and_tolerance():
    row = match(pay(9, "300.00", iban="DE89370400440532013000", remit="RE 1800000019")).row(0, named=True)
    assert (row["rule"], row["amount"], row["residual"]) == ("partial", Decimal("300.00"), Decimal("400.00"))
    row = match(pay(10, "699.99", iban="DE89370400440532013000"), tolerance=Decimal("0.01")).row(
        0, named=True
    )
    assert (row["rule"], row["invoice_docs"], row["amount"]) == ("amount", ["1800000019"], Decimal("699.99"))


def test_normalise_name_drops_legal_forms():
    assert normalise_name("Bakker B.V.") == "bakker"
    assert normalise_name("Müller GmbH & Co. KG") == "müller"
