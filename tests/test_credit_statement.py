"""The reconciliation statement: read back with fastexcel (calamine; openpyxl is not in the venv) —
translated sheets and headings, typed money and dates, totals that add up to the difference."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import fastexcel
import polars as pl
import pytest

from ar_core.credit.reconcile import reconcile
from ar_core.credit.statement import LABELS, reconciliation_xlsx
from ar_core.errors import ArDeskError
from tests.test_credit_reconcile import AS_OF, OURS, _their_list

CUSTOMER = {"customer_id": "C1", "name": '=HYPERLINK("x")', "language": "de"}
LETTERHEAD = {
    "company_name": "AR Desk Services GmbH",
    "address": "Hafenstraße 1\n20457 Hamburg",
    "email": "ar@example.com",
    "iban": "DE02 1203 0000 0000 2020 51",
}


def _rec():
    return reconcile(OURS, _their_list(), AS_OF)


def _cents(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def _sheet(xlsx: bytes, name: str, header: int | None = 0) -> pl.DataFrame:
    return fastexcel.read_excel(xlsx).load_sheet(name, header_row=header).to_polars()


_MONEY_LINES = ("our_balance", "their_balance", "difference", "only_ours", "only_theirs", "differences")


def _summary_amounts(xlsx: bytes, name: str, language: str) -> dict[str, Decimal]:
    """The summary's money lines by label (calamine may type the mixed column as text: both are read)."""
    labels = LABELS[language]
    wanted = {labels[k] for k in (*_MONEY_LINES, "explained", "unexplained")}
    rows = _sheet(xlsx, name, header=None).rows()
    return {r[0]: _cents(float(r[1])) for r in rows if r[0] in wanted}


def test_german_statement_summary_adds_up():
    xlsx = reconciliation_xlsx(_rec(), CUSTOMER, AS_OF, letterhead=LETTERHEAD)  # the customer's language
    de = LABELS["de"]
    assert fastexcel.read_excel(xlsx).sheet_names == de["sheets"]
    head = [r[0] for r in _sheet(xlsx, "Übersicht", header=None).rows()]
    assert head[0] == "AR Desk Services GmbH"
    assert 'Kontenabstimmung =HYPERLINK("x")' in head
    assert "Abstimmung Ihrer Saldenbestätigung zum 31. Dezember 2025" in head
    assert "IBAN: DE02 1203 0000 0000 2020 51" in head
    amounts = _summary_amounts(xlsx, "Übersicht", "de")
    assert amounts[de["our_balance"]] == Decimal("3856.00")
    assert amounts[de["their_balance"]] == Decimal("2760.99")
    assert amounts[de["difference"]] == Decimal("1095.01")
    assert amounts[de["only_ours"]] == Decimal("595.00")
    assert amounts[de["only_theirs"]] == Decimal("500.00")  # their -500.00 payment, deducted
    assert amounts[de["differences"]] == Decimal("0.01")
    assert amounts[de["explained"]] == Decimal("1095.01")
    assert amounts[de["unexplained"]] == Decimal("0.00")
    parts = amounts[de["only_ours"]] + amounts[de["only_theirs"]] + amounts[de["differences"]]
    assert parts == amounts[de["difference"]]


def test_list_sheets_have_translated_headings_dates_and_totals():
    xlsx = reconciliation_xlsx(_rec(), CUSTOMER, AS_OF, language="nl")
    nl = LABELS["nl"]
    matched = _sheet(xlsx, "Afgestemd")
    assert matched.columns == nl["matched_columns"]
    assert matched["Afgestemd op"].to_list()[:2] == ["Referentie", "Bedrag en datum"]
    assert matched["Documentdatum"][0] == dt.datetime(2025, 11, 10)  # a date cell, not text
    assert matched[-1, "Afgestemd op"] == "Totaal"
    assert _cents(matched[-1, "Ons bedrag"]) == Decimal("2261.00")  # 2380.00 - 119.00
    assert _cents(matched[-1, "Uw bedrag"]) == Decimal("2261.00")
    ours = _sheet(xlsx, "Alleen bij ons")
    assert ours.columns == nl["ours_columns"]
    assert ours["Opmerking"][0] == nl["reasons"]["invoice_not_booked"]
    assert [_cents(v) for v in ours["Bedrag"]] == [Decimal("595.00"), Decimal("595.00")]
    theirs = _sheet(xlsx, "Alleen bij u")
    assert theirs.columns == nl["theirs_columns"]
    assert theirs["Opmerking"][0] == nl["reasons"]["payment_not_applied"]
    assert _cents(theirs[-1, "Bedrag"]) == Decimal("-500.00")
    differences = _sheet(xlsx, "Verschillen")
    assert differences["Afgestemd op"][0] == "Documentnummer"
    assert _cents(differences[-1, "Verschil"]) == Decimal("0.01")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_english_and_french(language):
    xlsx = reconciliation_xlsx(_rec(), CUSTOMER, AS_OF, language=language)
    labels = LABELS[language]
    assert fastexcel.read_excel(xlsx).sheet_names == labels["sheets"]
    amounts = _summary_amounts(xlsx, labels["sheets"][0], language)
    assert amounts[labels["difference"]] == amounts[labels["explained"]] == Decimal("1095.01")


def test_customer_text_never_becomes_a_formula():
    theirs = _their_list().with_columns(
        pl.lit("=1+1").alias("text"), pl.lit("@SUM(A1)").alias("their_reference")
    )
    xlsx = reconciliation_xlsx(reconcile(OURS, theirs, AS_OF), {"customer_id": "=C1"}, AS_OF, language="en")
    with zipfile.ZipFile(io.BytesIO(xlsx)) as package:
        sheets = [package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml for xml in sheets)
    only = _sheet(xlsx, "Only yours")
    assert set(only["Text"].drop_nulls()) == {"'=1+1"}
    assert _sheet(xlsx, "Summary", header=None)[2, 1] == "'=C1"


def test_empty_lists_and_unknown_language():
    empty = reconcile(OURS.head(0), _their_list().head(0), AS_OF)
    xlsx = reconciliation_xlsx(empty, {"customer_id": "C9"}, AS_OF, language="en")
    assert _sheet(xlsx, "Matched")["Matched by"].to_list() == ["No items."]
    assert _summary_amounts(xlsx, "Summary", "en")["Difference (our balance − your balance)"] == Decimal(
        "0.00"
    )
    with pytest.raises(ArDeskError):
        reconciliation_xlsx(empty, CUSTOMER, AS_OF, language="es")
