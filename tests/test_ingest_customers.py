"""Customer master files: schema keys or German labels, German or English credit limits."""

from __future__ import annotations

import io
from decimal import Decimal

import polars as pl
import pytest
import xlsxwriter

from ar_core.ingest import read_customer_master
from ar_core.schema import CUSTOMER_SCHEMA


def test_schema_keys_with_semicolons_and_german_numbers() -> None:
    text = (
        "customer_id;name;country;language;collector;risk_class;credit_limit;payment_terms;company_code;"
        "contact_name;contact_phone;contact_email\n"
        "0000004711;Müller GmbH;de;DE;c.meyer;B;25.000,00;ZB30;1000;Frau Müller;+49 30 1234;ap@mueller.de\n"
        "0000000815;Jansen B.V.;NL;nl;j.smit;A;1.500;ZB14;2000;;;\n"
    )
    frame, problems = read_customer_master(text.encode(), "customers.csv")
    assert problems == []
    assert frame.schema == pl.Schema(CUSTOMER_SCHEMA)
    assert frame["customer_id"].to_list() == ["0000004711", "0000000815"]
    assert frame["country"].to_list() == ["DE", "NL"]
    assert frame["language"].to_list() == ["de", "nl"]
    assert frame["credit_limit"].to_list() == [Decimal("25000.00"), Decimal("1500.00")]
    assert frame["contact_phone"].to_list() == ["+49 30 1234", None]


def test_german_labels_english_numbers_and_problems() -> None:
    text = (
        "Kundennummer,Name,Land,Sprache,Sachbearbeiter,Kreditlimit\n"
        '4711,Smith Ltd,GB,en,c.meyer,"25,000.00"\n'
        ",No Id,DE,de,c.meyer,1.00\n"
        "4712,Bad Limit,DE,de,c.meyer,lots\n"
        "004711,Twice,DE,de,c.meyer,2.00\n"
    )
    frame, problems = read_customer_master(text.encode(), "kunden.csv")
    assert [(p.row, p.column, p.message) for p in problems] == [
        (2, "Kundennummer", "customer number also on row 5"),
        (3, "Kundennummer", "no customer number"),
        (4, "Kreditlimit", "cannot read 'lots' as an amount"),
        (5, "Kundennummer", "customer number also on row 2"),
    ]
    assert frame.is_empty()


def test_missing_customer_id_column() -> None:
    frame, problems = read_customer_master(b"name;country\nX;DE\n", "c.csv")
    assert frame.is_empty()
    assert [p.message for p in problems] == ["missing required column: customer_id (or 'Kundennummer')"]


@pytest.mark.parametrize(
    "label",
    ["credit_limit_currency", "Kreditlimit Währung", "Währung Kreditlimit", "Credit limit currency",
     "Limit currency", "Valuta kredietlimiet"],
)  # fmt: skip
def test_credit_limit_currency_under_any_label(label: str) -> None:
    text = f"Kundennummer;Kreditlimit;{label}\n4711;25.000,00;chf\n4712;1.000,00;\n4713;5,00;EURO\n"
    frame, problems = read_customer_master(text.encode(), "kunden.csv")
    assert [(p.row, p.column, p.message) for p in problems] == [(4, label, "unknown currency 'EURO'")]
    assert frame.select("customer_id", "credit_limit", "credit_limit_currency").rows() == [
        ("4711", Decimal("25000.00"), "CHF"),
        ("4712", Decimal("1000.00"), None),  # blank: the reporting currency
    ]


def test_credit_limit_currency_is_not_mistaken_for_the_credit_limit() -> None:
    text = "Währung Kreditlimit;Kundennummer;Kreditlimit\nGBP;4711;2.500,00\n"
    frame, problems = read_customer_master(text.encode(), "kunden.csv")
    assert problems == []
    assert frame.select("credit_limit", "credit_limit_currency").row(0) == (Decimal("2500.00"), "GBP")


def test_credit_limit_currency_from_xlsx() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Customer ID", "Credit limit", "Limit currency"])
    sheet.write_row(1, 0, ["4711", 12500.5, "usd"])
    book.close()
    frame, problems = read_customer_master(out.getvalue(), "customers.xlsx")
    assert problems == []
    assert frame.select("credit_limit", "credit_limit_currency").row(0) == (Decimal("12500.50"), "USD")
