"""The statement of account and the reconciliation statement as letters and PDFs."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import polars as pl
import pypdf

from ar_core import settings
from ar_core.credit.reconcile import reconcile
from ar_core.ingest.customer_list import THEIR_SCHEMA
from ar_core.ledger import upsert_customer_master
from ar_core.recovery import (
    Letter,
    letter_eml,
    reconciliation_letter,
    reconciliation_pdf,
    render_text,
    statement_attachment,
    statement_letters,
    statement_pdf,
)
from tests.conftest import LEAD, item, items_frame
from tests.letters_support import LETTERHEAD

AS_OF = date(2026, 12, 2)
CUSTOMER = {
    "customer_id": "0000100001",
    "name": "Müller Maschinenbau GmbH",
    "country": "DE",
    "language": "de",
}
ITEMS = items_frame(
    [
        item(doc_no="1800000001", amount="1234.56", due_date=date(2026, 11, 2)),
        item(doc_no="1800000002", amount="-200.00", doc_type="DG", due_date=date(2026, 11, 20)),
        item(doc_no="1800000003", amount="900.00", amount_doc="1000.00", doc_currency="CHF"),
        item(doc_no="1800000004", amount="50.00", clearing_date=date(2026, 11, 30)),  # cleared: not listed
    ]
)


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text().replace("\u00a0", " ").split()) for p in reader.pages)


def test_one_statement_letter_per_document_currency():
    letters = statement_letters(CUSTOMER, ITEMS, AS_OF, LETTERHEAD, letter_date=AS_OF)
    assert [(lt.context["totals"]["currency"], lt.language) for lt in letters] == [
        ("CHF", "de"),
        ("EUR", "de"),
    ]
    chf, eur = letters
    assert [i["doc_no"] for i in eur.context["items"]] == ["1800000001", "1800000002"]
    assert eur.context["items"][0]["days_overdue"] == 30  # 2 Nov to 2 Dec
    # 1234.56 - 200.00; no interest, no compensation on a statement
    assert eur.context["totals"]["total"] == Decimal("1034.56")
    assert chf.context["totals"]["total"] == Decimal("1000.00")
    assert eur.context["reference"] == "0000100001-20261202-EUR"
    assert "Saldo                       1.034,56 €" in render_text(eur)


def test_a_statement_without_open_items_says_so():
    (letter,) = statement_letters(CUSTOMER, ITEMS.clear(), AS_OF, LETTERHEAD, language="en")
    assert "Your account shows no open items as at 2 December 2026." in render_text(letter)


def test_the_reconciliation_letter_explains_the_difference_to_the_cent():
    ours = items_frame(
        [
            item(doc_no="1800000001", amount="1234.56"),
            item(doc_no="1800000005", amount="300.00"),
        ]
    )
    theirs = pl.DataFrame(
        [
            {"source_row": 1, "their_reference": "1800000001", "doc_date": date(2026, 9, 1),
             "amount": Decimal("1230.00"), "currency": "EUR", "text": None},
            {"source_row": 2, "their_reference": "GS-77", "doc_date": date(2026, 11, 5),
             "amount": Decimal("-50.00"), "currency": "EUR", "text": "Gutschrift erwartet"},
        ],
        schema=THEIR_SCHEMA,
    )  # fmt: skip
    rec = reconcile(ours, theirs, AS_OF)
    letter = reconciliation_letter(rec, CUSTOMER, LETTERHEAD, language="nl")
    lines = letter.context["reconciliation"]["lines"]
    # ours 1534.56, theirs 1180.00: 300.00 only ours + 50.00 only theirs (deducted, so plus) + 4.56
    assert rec.difference == Decimal("354.56")
    assert sum(line["amount"] for line in lines) == rec.difference
    text = render_text(letter)
    assert "Verschil: € 354,56" in text
    assert "Factuur ontbreekt bij u: kopie bijgevoegd" in text and "Verschil in bedrag" in text


def test_statement_and_reconciliation_pdfs_carry_letterhead_and_address(engine):
    master = pl.DataFrame(
        [
            {
                **CUSTOMER,
                "street": "Werkstraße 4",
                "postcode": "20457",
                "city": "Hamburg",
                "collector": "c.meyer",
            }
        ]
    )
    upsert_customer_master(engine, LEAD, master)
    settings.set_letterhead(engine, LEAD, LETTERHEAD)
    text = text_of(statement_pdf(engine, LEAD, CUSTOMER, ITEMS, AS_OF, letter_date=AS_OF))
    assert "Werkstraße 4" in text and "20457 Hamburg" in text and "Nordwind Handels GmbH" in text
    assert "Kontoauszug zum 2. Dezember 2026" in text and "1.034,56 €" in text and "1.000,00 CHF" in text
    rec = reconcile(items_frame([item(amount="10.00")]), pl.DataFrame(schema=THEIR_SCHEMA), AS_OF)
    text = text_of(reconciliation_pdf(engine, LEAD, rec, CUSTOMER, language="fr", letter_date=AS_OF))
    assert "Rapprochement de compte au 2 décembre 2026" in text and "Écart : 10,00 €" in text


def test_the_statement_rides_along_with_the_e_mail_draft(engine):
    upsert_customer_master(engine, LEAD, pl.DataFrame([{**CUSTOMER, "collector": "c.meyer"}]))
    name, data, mime = statement_attachment(engine, LEAD, CUSTOMER, ITEMS, AS_OF)
    assert name == "statement-0000100001-2026-12-02-de.xlsx" and data.startswith(b"PK")
    letter = statement_letters(CUSTOMER, ITEMS, AS_OF, LETTERHEAD)[1]
    raw = letter_eml(letter, b"%PDF-1.4", [(name, data, mime)])
    assert isinstance(letter, Letter) and name.encode() in raw
