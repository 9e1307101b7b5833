"""Each validation rule: what it reports (row, column, message) and which rows it keeps out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ar_core.ingest import Problem, read_extract

HEADER = "\t".join(
    [
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


def extract(*rows: str, header: str = HEADER, titles: tuple[str, ...] = ()) -> bytes:
    return "\n".join([*titles, header, *rows]).encode()


GOOD = "1000\t4711\t1800000001\t2026\t1\t01.10.2026\t31.10.2026\t100,00\tEUR"


def test_missing_required_column_is_a_file_level_error() -> None:
    header = "Konto\tBelegnummer\tBelegdatum\tBetrag in Hauswährung\tHauswährung"
    result = read_extract(extract("4711\t1800000001\t01.10.2026\t100,00\tEUR", header=header), "x.txt")
    (error,) = result.errors
    assert error.row is None
    assert error.message.startswith(
        "missing required column: net due date (expected a header such as 'Nettofälligkeit'"
    )
    assert "headers seen: 'Konto', 'Belegnummer'" in error.message
    assert result.items.is_empty()


def test_missing_required_value() -> None:
    result = read_extract(
        extract(GOOD, "1000\t\t1800000002\t2026\t1\t01.10.2026\t31.10.2026\t5,00\tEUR"), "x.txt"
    )
    assert result.errors == [Problem("x.txt", 3, "Konto", "no customer")]
    assert str(result.errors[0]) == "x.txt, row 3, column 'Konto': no customer"
    assert result.items["doc_no"].to_list() == ["1800000001"]
    assert result.rejected_rows == 1


def test_unparsable_amount_and_date() -> None:
    bad = "1000\t4711\t1800000002\t2026\t1\t32.10.2026\t31.10.2026\t12,3x\tEUR"
    result = read_extract(extract(GOOD, bad), "extract.csv")
    assert [str(p) for p in result.errors] == [
        "extract.csv, row 3, column 'Belegdatum': cannot read '32.10.2026' as a date",
        "extract.csv, row 3, column 'Betrag in Hauswährung': cannot read '12,3x' as an amount",
    ]
    assert result.rejected_rows == 1
    assert result.lines_read == 2
    assert result.items.height == 1


def test_unparsable_whole_number_and_flag() -> None:
    header = HEADER + "\tMahnstufe\tStreitfall"
    rows = [
        GOOD + "\t1\tX",
        "1000\t4711\t1800000002\t2026\t1\t01.10.2026\t31.10.2026\t5,00\tEUR\teins\tvielleicht",
    ]
    result = read_extract(extract(*rows, header=header), "x.txt")
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        (3, "Mahnstufe", "cannot read 'eins' as a whole number"),
        (3, "Streitfall", "cannot read 'vielleicht' as yes/no (use X/blank, Yes/No, Y/N, true/false or 1/0)"),
    ]


def test_duplicate_item_identity_names_both_rows() -> None:
    result = read_extract(extract(GOOD, GOOD.replace("100,00", "7,00")), "dup.txt")
    assert [(p.row, p.message) for p in result.errors] == [
        (
            2,
            "duplicate item (company code 1000, fiscal year 2026, document 1800000001, line item 1): "
            "the same item is on row 3",
        ),
        (
            3,
            "duplicate item (company code 1000, fiscal year 2026, document 1800000001, line item 1): "
            "the same item is on row 2",
        ),
    ]
    assert result.items.is_empty()
    assert result.rejected_rows == 2


def test_duplicates_compare_missing_parts_as_equal_and_ignore_leading_zeros() -> None:
    header = "Konto\tBelegnummer\tBelegdatum\tNettofälligkeit\tBetrag in Hauswährung\tHauswährung"
    rows = [
        "4711\t0001800000001\t01.10.2026\t31.10.2026\t1,00\tEUR",
        "4711\t1800000001\t01.10.2026\t31.10.2026\t2,00\tEUR",
        "4711\t1800000009\t01.10.2026\t31.10.2026\t3,00\tEUR",
    ]
    result = read_extract(extract(*rows, header=header), "dup.txt")
    assert [p.row for p in result.errors] == [2, 3]
    assert result.errors[0].message == "duplicate item (document 1800000001): the same item is on row 3"
    assert result.items["doc_no"].to_list() == ["1800000009"]


def test_duplicates_with_empty_identity_parts() -> None:
    blank = "\t4711\t1800000001\t\t1\t01.10.2026\t31.10.2026\t1,00\tEUR"
    result = read_extract(extract(blank, blank.replace("1,00", "2,00")), "dup.txt")
    assert [p.row for p in result.errors] == [2, 3]
    assert result.errors[0].message.startswith(
        "duplicate item (company code (empty), fiscal year (empty), document 1800000001, line item 1)"
    )


def test_same_document_with_two_line_items_is_fine() -> None:
    second = GOOD.replace("\t2026\t1\t", "\t2026\t2\t")
    assert read_extract(extract(GOOD, second), "x.txt").errors == []


def test_unknown_currency() -> None:
    result = read_extract(
        extract(GOOD, GOOD.replace("1800000001", "1800000002").replace("EUR", "EUX")), "x.txt"
    )
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        (3, "Hauswährung", "unknown currency 'EUX'")
    ]


def test_due_date_before_document_date_is_only_a_warning() -> None:
    early = GOOD.replace("31.10.2026", "30.09.2026")
    result = read_extract(extract(early), "x.txt")
    assert result.errors == []
    assert result.warnings == [
        Problem(
            "x.txt",
            2,
            "Nettofälligkeit",
            "due date 30.09.2026 is before the document date 01.10.2026",
            "warning",
        )
    ]
    assert str(result.warnings[0]).startswith("x.txt, row 2, column 'Nettofälligkeit': warning: due date")
    assert result.items.height == 1


def test_mixed_as_of_dates() -> None:
    data = extract(
        GOOD,
        "Kundeneinzelposten Stichtag 27.11.2026",
        GOOD.replace("1800000001", "1800000002"),
        titles=("Kundeneinzelposten Stichtag 20.11.2026", ""),
    )
    result = read_extract(data, "two.txt", as_of=date(2026, 11, 27))
    (error,) = result.errors
    assert error.row is None
    assert (
        error.message
        == "mixed as-of dates: the file states several key dates: 20.11.2026 (row 1), 27.11.2026 (row 5)"
    )
    assert result.as_of == date(2026, 11, 27)  # the caller's choice, since the file is contradictory


def test_key_date_in_the_file_wins_over_the_chosen_one() -> None:
    data = extract(GOOD, titles=("Offene Posten zum 20.11.2026",))
    result = read_extract(data, "x.txt", as_of=date(2026, 11, 21))
    assert result.as_of == date(2026, 11, 20)
    assert [w.message for w in result.warnings] == [
        "the file's key date 20.11.2026 is used, not the chosen 21.11.2026"
    ]


def test_as_of_argument_used_when_file_has_no_key_date() -> None:
    assert read_extract(extract(GOOD), "x.txt", as_of=date(2026, 11, 21)).as_of == date(2026, 11, 21)


def test_items_not_adding_up_to_the_files_total() -> None:
    total = "*\t\t\t\t\t\t\t150,00\tEUR"
    result = read_extract(extract(GOOD, GOOD.replace("1800000001", "1800000002"), total), "x.txt")
    (error,) = result.errors
    assert (error.row, error.column) == (4, "Betrag in Hauswährung")
    assert error.message == (
        "the items in EUR add up to 200,00 but the file's total row says 150,00 (difference 50,00)"
    )
    assert result.file_totals == {"EUR": Decimal("150.00")}
    assert result.items.height == 2  # the items themselves are fine
