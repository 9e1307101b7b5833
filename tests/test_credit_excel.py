"""The clearing proposal and the reconciliation statement open in Excel's own reader (openpyxl) with
the right sheets, headings and totals: amounts are numbers in a two-decimal format, dates are dates.

A small store (one snapshot of 20.11.2026, worked on 25.11.), every figure worked out by hand:

* C1 (Meyer): invoice 1800000001 1,190.00 and credit memo 1600000001 −1,190.00 quoting it
  (reference); invoice 1800000002 250.55 and payment on account 1400000002 −250.55 (amount);
  invoice 1800000003 480.20 that nothing settles.
* C2 (Meyer): invoice 1800000010 4,321.09 and credit memo 1600000010 −4,321.09 (amount).

Accepting the three suggestions gives a clearing proposal of 1,190.00 + 250.55 + 4,321.09 =
5,761.64 EUR pending. C1's own list shows 1800000001 1.190,00, 1800000003 480,20 and an invoice
1800000099 75,00 we do not have: our balance 480.20, theirs 1,745.20, difference −1,265.00 =
only ours (−1,190.00 + 250.55 − 250.55 = −1,190.00) − only theirs (75.00), nothing unexplained.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from ar_core.access import Actor
from ar_core.access.users import create_user
from ar_core.collections.lifecycle import import_snapshot
from ar_core.credit import (
    accept_suggestion,
    allocation_suggestions,
    clearing_proposal_files,
    reconcile_customer,
    reconciliation_xlsx,
)
from ar_core.ledger import Scope
from tests.conftest import ADMIN, LEAD, item

AS_OF = date(2026, 11, 20)
MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
MONEY_FORMAT = "#,##0.00"
CUSTOMER = {"customer_id": "C1", "name": "Müller Maschinenbau GmbH"}
THEIR_LIST = (
    "Rechnungsnummer;Datum;Betrag;Währung;Text\n"
    "1800000001;01.09.2026;1.190,00;EUR;Rechnung\n"
    "1800000003;15.10.2026;480,20;EUR;Rechnung\n"
    "1800000099;02.11.2026;75,00;EUR;Rechnung Fracht\n"
).encode()


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2026-11-25")


@pytest.fixture
def db(engine, make_result):
    for actor in (ADMIN, LEAD, MEYER):
        create_user(engine, ADMIN, username=actor.username, name=actor.name, password="x" * 12,
                    roles=sorted(actor.roles))  # fmt: skip
    memo, on_account = {"doc_type": "DG"}, {"doc_type": "DZ"}
    rows = [
        item(doc_no="1800000001", customer_id="C1", amount="1190.00"),
        item(doc_no="1600000001", customer_id="C1", amount="-1190.00", reference="RE 1800000001",
             doc_date=date(2026, 10, 5), due_date=date(2026, 10, 5), **memo),
        item(doc_no="1800000002", customer_id="C1", amount="250.55", doc_date=date(2026, 9, 10)),
        item(doc_no="1400000002", customer_id="C1", amount="-250.55", doc_date=date(2026, 10, 12),
             due_date=date(2026, 10, 12), **on_account),
        item(doc_no="1800000003", customer_id="C1", amount="480.20", doc_date=date(2026, 10, 15),
             due_date=date(2026, 11, 14)),
        item(doc_no="1800000010", customer_id="C2", amount="4321.09", doc_date=date(2026, 9, 20)),
        item(doc_no="1600000010", customer_id="C2", amount="-4321.09", doc_date=date(2026, 10, 20),
             due_date=date(2026, 10, 20), **memo),
    ]  # fmt: skip
    import_snapshot(engine, LEAD, make_result(rows, as_of=AS_OF), scope=Scope.whole_ledger())
    return engine


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _money(cell) -> float:
    """A money cell: a number (never text) shown with two decimals; its value to the cent."""
    assert cell.data_type == "n" and isinstance(cell.value, int | float), (cell.coordinate, cell.value)
    assert cell.number_format == MONEY_FORMAT, (cell.coordinate, cell.number_format)
    return round(cell.value, 2)


def _rows(sheet) -> list[tuple]:
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def _accept_all(db) -> None:
    suggestions = allocation_suggestions(db, LEAD)
    assert sorted(suggestions.select("credit_doc", "rule").rows()) == [
        ("1400000002", "amount"), ("1600000001", "reference"), ("1600000010", "amount"),
    ]  # fmt: skip
    for credit_key in suggestions["credit_key"]:
        accept_suggestion(db, MEYER, credit_key)


# --- the clearing proposal -----------------------------------------------------------------------


def test_the_clearing_proposal_opens_with_its_rows_and_the_total_to_the_cent(db):
    _accept_all(db)
    xlsx, _ = clearing_proposal_files(db, LEAD)
    book = _book(xlsx)
    assert book.sheetnames == ["Clearing proposal"]
    sheet = book["Clearing proposal"]
    assert [c.value for c in sheet[1]] == [
        "Company code", "Customer", "Credit document", "Invoices", "Amount", "Currency", "Status",
        "Decided by", "Decided at (UTC)",
    ]  # fmt: skip
    assert all(c.font.bold for c in sheet[1])
    body = [r for r in sheet.iter_rows(min_row=2) if r[2].value]
    assert [(r[1].value, r[2].value, r[3].value, _money(r[4]), r[5].value, r[6].value, r[7].value)
            for r in body] == [
        ("C1", "1400000002", "1800000002", 250.55, "EUR", "pending", "c.meyer"),
        ("C1", "1600000001", "1800000001", 1190.00, "EUR", "pending", "c.meyer"),
        ("C2", "1600000010", "1800000010", 4321.09, "EUR", "pending", "c.meyer"),
    ]  # fmt: skip
    totals = [r for r in sheet.iter_rows(min_row=2) if str(r[0].value or "").startswith("Total")]
    assert [(r[0].value, _money(r[4]), r[5].value) for r in totals] == [("Total pending", 5761.64, "EUR")]
    assert totals[0][4].font.bold and totals[0][4].border.top.style == "thin"
    assert sum(_money(r[4]) for r in body) == pytest.approx(5761.64, abs=0.001)
    assert sheet.max_row == totals[0][0].row  # nothing below the totals


def test_the_clearing_proposal_writes_the_decision_time_as_a_date(db):
    _accept_all(db)
    sheet = _book(clearing_proposal_files(db, LEAD)[0])["Clearing proposal"]
    decided = sheet.cell(row=2, column=9)
    assert isinstance(decided.value, datetime), repr(decided.value)


# --- the reconciliation statement ----------------------------------------------------------------


@pytest.fixture
def statement(db) -> openpyxl.Workbook:
    rec, problems = reconcile_customer(db, MEYER, "C1", THEIR_LIST, "mueller.csv")
    assert rec is not None, problems
    letterhead = {"company_name": "Nordwind Handel GmbH", "iban": "DE89 3704 0044 0532 0130 00"}
    return _book(reconciliation_xlsx(rec, CUSTOMER, language="en", letterhead=letterhead))


def _summary(sheet) -> dict[str, float]:
    """Label -> amount of the summary's money lines (the rows with a number in column B)."""
    return {
        r[0].value: _money(r[1])
        for r in sheet.iter_rows()
        if r[0].value and isinstance(r[1].value, int | float)
    }


def test_the_reconciliation_statement_opens_with_five_sheets_and_the_balances(statement):
    assert statement.sheetnames == ["Summary", "Matched", "Only ours", "Only yours", "Differences"]
    summary = statement["Summary"]
    texts = [r[0] for r in _rows(summary) if r[0]]
    assert texts[0] == "Nordwind Handel GmbH"
    assert "Account reconciliation Müller Maschinenbau GmbH" in texts
    assert "Reconciliation of your balance confirmation as of 20 November 2026" in texts
    assert ("Customer number", "C1") in [r[:2] for r in _rows(summary)]
    assert _summary(summary) == {
        "Balance in our books": 480.20,
        "Balance in your list": 1745.20,
        "Difference (our balance − your balance)": -1265.00,
        "Items open only in our books": -1190.00,
        "Items only in your list (deducted)": -75.00,
        "Amount differences on matched documents": 0.00,
        "Explained difference": -1265.00,
        "Unexplained difference": 0.00,
    }
    currencies = {
        r[0].value: r[2].value
        for r in summary.iter_rows()
        if r[0].value and isinstance(r[1].value, int | float)
    }
    assert set(currencies.values()) == {"EUR"}


def test_the_reconciliation_lists_have_dates_as_dates_and_their_totals(statement):
    matched = statement["Matched"]
    assert [c.value for c in matched[1]] == [
        "Matched by", "Our document", "Type", "Document date", "Reference", "Our amount",
        "Your reference", "Your date", "Your amount", "Difference", "Currency",
    ]  # fmt: skip
    rows = list(matched.iter_rows(min_row=2))
    assert [(r[1].value, _money(r[5]), _money(r[8]), _money(r[9])) for r in rows[:-1]] == [
        ("1800000001", 1190.00, 1190.00, 0.00),
        ("1800000003", 480.20, 480.20, 0.00),
    ]
    first = rows[0]
    assert first[3].value == datetime(2026, 9, 1) and first[3].is_date
    assert first[3].number_format == "dd.mm.yyyy"
    assert first[7].value == datetime(2026, 9, 1) and first[7].is_date
    assert (rows[-1][0].value, _money(rows[-1][5]), _money(rows[-1][8])) == ("Total", 1670.20, 1670.20)

    ours = statement["Only ours"]
    assert [c.value for c in ours[1]] == [
        "Document", "Type", "Document date", "Due date", "Reference", "Amount", "Currency", "Note",
    ]  # fmt: skip
    lines = list(ours.iter_rows(min_row=2))
    assert sorted((r[0].value, _money(r[5])) for r in lines[:-1]) == [
        ("1400000002", -250.55), ("1600000001", -1190.00), ("1800000002", 250.55),
    ]  # fmt: skip
    assert all(r[2].is_date and isinstance(r[2].value, datetime) for r in lines[:-1])
    assert (lines[-1][0].value, _money(lines[-1][5])) == ("Total", -1190.00)

    theirs = statement["Only yours"]
    assert [c.value for c in theirs[1]] == [
        "Your reference", "Date", "Amount", "Currency", "Text", "Note", "Row in your list",
    ]  # fmt: skip
    row, total = list(theirs.iter_rows(min_row=2))
    assert (row[0].value, row[1].value, _money(row[2]), row[3].value) == (
        "1800000099", datetime(2026, 11, 2), 75.00, "EUR",
    )  # fmt: skip
    assert (total[0].value, _money(total[2])) == ("Total", 75.00)
    assert [r[0] for r in _rows(statement["Differences"])] == ["Matched by", "No items."]
