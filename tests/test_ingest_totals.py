"""Totals an auditor can sign: the file's own totals, what blocks a commit, what is left out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import ValidationFailed
from ar_core.ingest import ExtractResult, Problem, read_extract
from tests.conftest import LEAD

HEADER = "\t".join(
    [
        "",
        "",
        "Buchungskreis",
        "Konto",
        "Belegnummer",
        "Geschäftsjahr",
        "Position",
        "Belegdatum",
        "Nettofälligkeit",
        "Betrag in Hauswährung",
        "Hauswährung",
    ]
)
TITLE = "Kundeneinzelposten  Stichtag 20.11.2026"


def line(doc: str, amount: str, currency: str = "EUR", *, doc_date: str = "01.10.2026") -> str:
    return "\t".join(["", "", "1000", "4711", doc, "2026", "1", doc_date, "31.10.2026", amount, currency])


def total(amount: str, currency: str) -> str:
    return "\t".join(["", "*", "", "", "", "", "", "", "", amount, currency])


def extract(*rows: str) -> bytes:
    """Title on line 1, header on line 2: the first data row is physical line 3."""
    return "\n".join([TITLE, HEADER, *rows]).encode()


#: Line 3 good EUR 100,00; lines 4 and 5 the same item twice (EUR 7.060,94 each); line 6 a USD item
#: with an unreadable date (USD 50,00); line 7 an item without currency (5,00); lines 8-9 the totals.
#: Hand-computed: EUR 100,00 + 2 x 7.060,94 = 14.221,88; USD 50,00.
MIXED = extract(
    line("1800000001", "100,00"),
    line("1800000002", "7.060,94"),
    line("1800000002", "7.060,94"),
    line("1800000003", "50,00", "USD", doc_date="31.02.2026"),
    line("1800000004", "5,00", ""),
    total("14.221,88", "EUR"),
    total("50,00", "USD"),
)


def test_file_totals_are_the_files_own_total_rows() -> None:
    result = read_extract(MIXED, "fbl5n.txt")
    assert result.file_totals() == {"EUR": Decimal("14221.88"), "USD": Decimal("50.00")}
    assert result.totals() == {"EUR": Decimal("100.00")}


def test_file_without_total_rows_has_no_file_totals() -> None:
    result = read_extract(extract(line("1800000001", "100,00")), "fbl5n.txt")
    assert result.file_totals() == {}
    assert result.excluded_summary() == {}
    assert result.blocking_errors == []


def test_excluded_summary_counts_both_copies_of_a_duplicate_and_unreadable_currency_as_question_mark() -> (
    None
):
    result = read_extract(MIXED, "fbl5n.txt")
    assert result.excluded_summary() == {
        "EUR": {"rows": 2, "amount": Decimal("14121.88")},
        "USD": {"rows": 1, "amount": Decimal("50.00")},
        "?": {"rows": 1, "amount": Decimal("5.00")},
    }


def test_row_problems_that_reconcile_do_not_block() -> None:
    result = read_extract(MIXED, "fbl5n.txt")
    assert {p.row for p in result.errors} == {4, 5, 6, 7}
    assert result.blocking_errors == []


def test_committed_plus_excluded_is_the_files_total_to_the_cent() -> None:
    result = read_extract(MIXED, "fbl5n.txt")
    committed, excluded = result.totals(), result.excluded_summary()
    for currency, stated in result.file_totals().items():
        assert committed.get(currency, Decimal(0)) + excluded[currency]["amount"] == stated


def test_a_reconciliation_difference_blocks_even_commit_valid_rows() -> None:
    data = extract(line("1800000001", "100,00"), line("1800000002", "100,00"), total("150,00", "EUR"))
    result = read_extract(data, "fbl5n.txt")
    (error,) = result.blocking_errors
    assert (error.file, error.row, error.column) == ("fbl5n.txt", 5, "Betrag in Hauswährung")
    assert error.message == (
        "the items in EUR add up to 200,00 but the file's total row says 150,00 (difference 50,00)"
    )
    assert str(error).startswith("fbl5n.txt, row 5, column 'Betrag in Hauswährung': the items in EUR")
    assert result.excluded_summary() == {}  # nothing left out: the file is wrong as a whole
    assert result.rejected_rows == 0  # the total row is not an item


def test_an_unreadable_amount_under_a_total_row_blocks_and_says_why() -> None:
    data = extract(line("1800000001", "100,00"), line("1800000002", "1O0,00"), total("200,00", "EUR"))
    result = read_extract(data, "fbl5n.txt")
    (error,) = result.blocking_errors
    assert error.row == 5
    assert error.message == (
        "the items in EUR add up to 100,00 but the file's total row says 200,00 (difference -100,00); "
        "1 item row with an unreadable amount is not counted"
    )
    assert result.excluded_summary() == {"EUR": {"rows": 1, "amount": Decimal("0.00")}}


def test_file_level_errors_are_blocking() -> None:
    header = HEADER.replace("\tNettofälligkeit", "")
    data = "\n".join([header, "\t\t1000\t4711\t1\t2026\t1\t01.10.2026\t1,00\tEUR"]).encode()
    result = read_extract(data, "x.txt")
    assert result.blocking_errors == result.errors
    assert all(p.row is None for p in result.blocking_errors)


def test_blocking_errors_of_a_hand_built_result() -> None:
    whole = Problem("x.txt", None, None, "missing required column: amount")
    row = Problem("x.txt", 9, "Betrag", "cannot read '12,3x' as an amount")
    warning = Problem("x.txt", None, None, "total row without currency", "warning")
    blocking = Problem("x.txt", 12, "Betrag", "does not reconcile", blocking=True)
    result = ExtractResult("x.txt", "0" * 64, problems=[whole, row, warning, blocking])
    assert result.blocking_errors == [whole, blocking]


def test_the_old_mapping_access_to_file_totals_still_reads() -> None:
    """``file_totals`` is callable and still a mapping, for callers not yet moved to the call."""
    result = read_extract(MIXED, "fbl5n.txt")
    assert result.file_totals["EUR"] == Decimal("14221.88")
    assert dict(result.file_totals) == result.file_totals()


def test_import_refuses_a_file_that_does_not_reconcile_even_with_commit_valid_rows(engine) -> None:
    data = extract(line("1800000001", "100,00"), line("1800000002", "100,00"), total("150,00", "EUR"))
    result = read_extract(data, "fbl5n.txt")
    with pytest.raises(ValidationFailed):
        import_snapshot(engine, LEAD, result, as_of=date(2026, 11, 20), commit_valid_rows=True)
