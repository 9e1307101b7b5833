"""Invoice numbers as DE/NL customers type them (ar_core.credit.references)."""

from __future__ import annotations

import polars as pl
import pytest

from ar_core.credit.references import (
    document_numbers,
    match_documents,
    normalise_reference,
    normalise_reference_expr,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RE 1800000017", ["1800000017"]),
        ("Re. 0018000123", ["18000123"]),
        ("RE1800000017", ["1800000017"]),
        ("Rechnung 18000123 u. 18000124", ["18000123", "18000124"]),
        ("Rechnungsnr.: 18000125", ["18000125"]),
        ("Rg.-Nr. 18 000 123", ["18000123"]),
        ("INV 1800000017/1800000018", ["1800000017", "1800000018"]),
        ("Invoice No. 2024-0815", ["20240815"]),
        ("factuur 2016Q3-0004", ["2016Q30004"]),
        ("fact. 77123", ["77123"]),
        ("faktuur nr 0077124", ["77124"]),
        ("#18000128 vom 31.12.2025", ["18000128"]),
        ("Zahlung 2025-12-31 1.234,56 EUR RE 18000129", ["18000129"]),
        ("IBAN DE89 3704 0044 0532 0130 00 Rechnung 18000126", ["18000126"]),
        ("NL91ABNA0417164300 factuur 123456", ["123456"]),
        ("Musterstr. 1, 10115 Berlin", []),
        ("Damrak 1, 1012 AB Amsterdam", []),
        ("betalingskenmerk 1234 5678 9012 3456", []),
        ("1234567890123456", []),
        ("RF18 5390 0754 7034", []),
        ("Gutschrift", []),
        (None, []),
    ],
)
def test_document_numbers(text, expected):
    assert document_numbers(text) == expected


def test_normalise_reference_and_its_expression_agree():
    texts = ["Rg.-Nr. 0018-000123", "RE 1800000017", "2016Q3-0004", "REWE 1", "", "000", "Rechnung 4711"]
    expected = ["18000123", "1800000017", "2016Q30004", "REWE1", "", "", "4711"]
    assert [normalise_reference(t) for t in texts] == expected
    frame = pl.DataFrame({"r": texts}).select(normalise_reference_expr("r"))
    assert frame["r"].to_list() == expected


def test_match_documents_in_text_order_and_both_readings():
    known = {"1800000017": "A", "1800000018": "B", "20240815": "C"}
    assert match_documents("INV 1800000017/1800000018", known) == [("1800000017", "A"), ("1800000018", "B")]
    assert match_documents("Rechnung 1800000018 und RE 0001800000017", known) == [
        ("1800000018", "B"),
        ("0001800000017", "A"),
    ]
    assert match_documents("2024-0815", known) == [("2024-0815", "C")]
    assert match_documents("31.12.2025 1.234,56", known) == []


def test_payment_reference_only_when_it_is_a_known_document():
    text = "betalingskenmerk 1234 5678 9012 3456"
    assert match_documents(text, {"1234567890123456": "X"}) == [("1234 5678 9012 3456", "X")]
    assert match_documents(text, {"12345678": "Y"}) == []


def test_a_date_or_amount_equal_to_a_known_number_is_not_matched():
    assert match_documents("31.12.2025", {"31122025": "D"}) == []
    assert match_documents("1.234,56", {"123456": "E"}) == []
