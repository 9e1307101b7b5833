"""Account view rules: item timeline across snapshots, statement of account in the customer's language."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import fastexcel
import polars as pl
import pytest

from ar_core.ledger.account import item_timeline, statement_xlsx
from ar_core.schema import ITEM_SCHEMA

W1, W2, W3 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)


def _line(as_of: date, doc_no: str, amount: str, **extra) -> dict:
    base = dict.fromkeys(ITEM_SCHEMA)
    base.update(
        company_code="1000",
        fiscal_year=2026,
        line_item=1,
        doc_type="RV",
        doc_date=date(2026, 10, 1),
        due_date=date(2026, 11, 1),
        customer_id="C1",
        currency="EUR",
    )
    return {**base, "snapshot_as_of": as_of, "doc_no": doc_no, "amount": Decimal(amount), **extra}


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={**ITEM_SCHEMA, "snapshot_as_of": pl.Date})


def test_timeline_appeared_and_cleared():
    history = _frame(
        [
            _line(W1, "0001800001", "100.00"),  # listed in W1 and W2, gone in W3: cleared by W3
            _line(W2, "1800001", "100.00"),  # same item, leading zeros stripped by the ERP
            _line(W2, "1800002", "50.00"),  # appears in W2, still open in W3
            _line(W3, "1800002", "50.00"),
            _line(
                W3, "1800003", "70.00", clearing_date=date(2026, 11, 18)
            ),  # all-items extract: cleared in file
        ]
    )
    t = item_timeline(history, [W1, W2, W3]).sort("doc_no")
    assert t.select("doc_no", "first_seen", "last_seen", "cleared_on", "status").rows() == [
        ("1800001", W1, W2, W3, "cleared"),
        ("1800002", W2, W3, None, "open"),
        ("1800003", W3, W3, date(2026, 11, 18), "cleared"),
    ]


def test_statement_in_german_neutralises_formulas_and_totals():
    items = _frame(
        [
            _line(W3, "1800001", "1234.56", reference='=HYPERLINK("http://x")'),
            _line(W3, "1800002", "-234.50"),
            _line(W3, "1800003", "99.99", clearing_date=date(2026, 11, 19)),  # cleared: not on the statement
        ]
    ).drop("snapshot_as_of")
    data = statement_xlsx({"customer_id": "C1", "name": "=cmd|' /C calc'!A0", "language": "de"}, items, W3)
    sheet = fastexcel.read_excel(io.BytesIO(data).getvalue()).load_sheet(0, header_row=None).to_polars()
    cells = [str(v) for v in sheet.to_numpy().ravel() if v is not None]
    assert "Kontoauszug =cmd|' /C calc'!A0" in cells  # starts with text: no formula
    assert "Offene Posten zum 20. November 2026" in cells
    assert '\'=HYPERLINK("http://x")' in cells
    assert "1800003" not in cells
    # 1234.56 - 234.50 = 1000.06
    saldo_row = sheet.filter(pl.col(sheet.columns[0]) == "Saldo").row(0)
    assert float(saldo_row[6]) == 1000.06
    assert saldo_row[7] == "EUR"


def _cells(data: bytes) -> tuple[pl.DataFrame, list[str]]:
    sheet = fastexcel.read_excel(data).load_sheet(0, header_row=None).to_polars()
    return sheet, [str(v) for v in sheet.to_numpy().ravel() if v is not None]


LETTERHEAD = {
    "company_name": "=Acme Trading GmbH",
    "address": "Hafenstraße 1\n20457 Hamburg",
    "vat_id": "DE123456789",
    "phone": "+49 40 123456",
    "email": "ar@acme.example",
    "bank_name": "Hamburger Sparkasse",
    "iban": "DE02 2005 0550 1234 5678 90",
    "bic": "HASPDEHHXXX",
}


def test_statement_lists_items_per_own_currency_with_letterhead_bank_and_disputes():
    """A CHF invoice booked as EUR 90.00 local is listed as CHF 100.00 in its own section."""
    items = _frame(
        [
            _line(W3, "1800001", "1234.56"),
            _line(W3, "1800002", "-234.50", disputed=True),
            _line(W3, "1800003", "90.00", amount_doc=Decimal("100.00"), doc_currency="CHF"),
            _line(W3, "1800004", "45.00", amount_doc=Decimal("50.00"), doc_currency="CHF", disputed=True),
        ]
    ).drop("snapshot_as_of")
    data = statement_xlsx(
        {"customer_id": "C1", "name": "Müller", "language": "de"}, items, W3, letterhead=LETTERHEAD
    )
    sheet, cells = _cells(data)
    first = sheet.columns[0]
    # letterhead on top, neutralised; the address in lines; contact and VAT id
    assert cells[:4] == [
        "'=Acme Trading GmbH",
        "Hafenstraße 1",
        "20457 Hamburg",
        "Tel. +49 40 123456 · E-Mail ar@acme.example · USt-IdNr. DE123456789",
    ]
    # bank details at the end
    assert cells[-4:] == [
        "Unsere Bankverbindung",
        "Bank: Hamburger Sparkasse",
        "IBAN: DE02 2005 0550 1234 5678 90",
        "BIC: HASPDEHHXXX",
    ]
    # one section per currency (CHF before EUR), each with its balance in its own currency
    sections = sheet.filter(pl.col(first).str.starts_with("Posten in"))[first].to_list()
    assert sections == ["Posten in CHF", "Posten in EUR"]
    balances = sheet.filter(pl.col(first) == "Saldo").select(sheet.columns[6], sheet.columns[7]).rows()
    assert [(float(a), c) for a, c in balances] == [(150.00, "CHF"), (1000.06, "EUR")]
    # every item with its amount, currency and disputed flag
    lines = sheet.filter(pl.col(first).str.starts_with("18000")).select(first, *sheet.columns[6:9]).rows()
    assert [(d, float(a), c, f) for d, a, c, f in lines] == [
        ("1800003", 100.0, "CHF", "nein"),
        ("1800004", 50.0, "CHF", "ja"),
        ("1800001", 1234.56, "EUR", "nein"),
        ("1800002", -234.5, "EUR", "ja"),
    ]
    assert "Strittig" in cells


def test_statement_language_can_be_chosen_and_defaults_to_the_customers():
    from ar_core.errors import ArDeskError
    from ar_core.ledger.account import STATEMENT_LANGUAGES, statement_language

    items = _frame([_line(W3, "1800001", "10.00")]).drop("snapshot_as_of")
    customer = {"customer_id": "C1", "name": "Bakker", "language": "nl"}
    assert STATEMENT_LANGUAGES == ("de", "nl", "en", "fr")
    assert statement_language(customer) == "nl"
    assert statement_language({"customer_id": "C9", "language": "pl"}) == "en"  # no Polish statement
    assert "Rekeningoverzicht Bakker" in _cells(statement_xlsx(customer, items, W3))[1]
    titles = {
        lang: _cells(statement_xlsx(customer, items, W3, language=lang))[1][0] for lang in STATEMENT_LANGUAGES
    }
    assert titles == {
        "de": "Kontoauszug Bakker",
        "nl": "Rekeningoverzicht Bakker",
        "en": "Statement of account Bakker",
        "fr": "Relevé de compte Bakker",
    }
    fr = _cells(statement_xlsx(customer, items, W3, language="fr"))[1]
    assert "Postes ouverts au 20 novembre 2026" in fr
    assert "Postes en EUR" in fr
    with pytest.raises(ArDeskError, match="no statement in 'pl'"):
        statement_xlsx(customer, items, W3, language="pl")


def test_document_amount_beside_the_local_amount():
    from ar_core.ledger.account import with_document_amount

    items = _frame(
        [
            _line(W3, "1", "90.00", amount_doc=Decimal("100.00"), doc_currency="CHF"),
            _line(W3, "2", "10.00"),  # no document amount: its local amount is its own
        ]
    )
    out = with_document_amount(items).select("doc_no", "amount", "currency", "doc_amount", "doc_cur").rows()
    assert out == [
        ("1", Decimal("90.00"), "EUR", Decimal("100.00"), "CHF"),
        ("2", Decimal("10.00"), "EUR", Decimal("10.00"), "EUR"),
    ]
