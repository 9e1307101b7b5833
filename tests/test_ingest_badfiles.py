"""Bad input of any kind: one clear file-level problem, no items, never an exception."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_core.ingest import read_extract
from ar_core.schema import ITEM_COLUMNS

HEADER = "Konto\tBelegnummer\tBelegdatum\tNettofälligkeit\tBetrag in Hauswährung\tHauswährung"
ROW = "4711\t1800000001\t01.10.2026\t31.10.2026\t100,00\tEUR"


def only_problem(data: bytes, name: str = "upload.txt", **kwargs) -> str:
    result = read_extract(data, name, **kwargs)
    assert result.items.is_empty()
    assert list(result.items.columns) == list(ITEM_COLUMNS)
    assert len(result.file_hash) == 64
    (problem,) = result.problems
    assert (problem.row, problem.severity) == (None, "error")
    return problem.message


def test_empty_file() -> None:
    assert only_problem(b"") == "the file is empty (0 bytes)"


def test_whitespace_only_file() -> None:
    assert only_problem(b"  \r\n\t\n ") == "the file holds only blank space, no data"


def test_pdf_renamed_xlsx() -> None:
    message = only_problem(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "FBL5N.xlsx")
    assert message.startswith("this is a PDF, not an Excel workbook")


def test_pdf_with_its_own_name() -> None:
    assert only_problem(b"%PDF-1.4\n", "FBL5N.pdf").startswith("this is a PDF document, not an extract")


def test_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("word/document.xml", "<w/>")
    assert only_problem(out.getvalue(), "x.xlsx") == "this is a ZIP archive, not an Excel workbook"


def test_undecodable_text() -> None:
    data = (HEADER + "\n" + ROW).encode() + b"\x81\x8d\xff\xfe\n"
    message = only_problem(data)
    assert message.startswith("cannot decode the text as UTF-8 or Windows-1252 (byte 0x81 at offset")


def test_binary_garbage() -> None:
    assert "binary data" in only_problem(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_file_over_the_size_limit() -> None:
    data = (HEADER + "\n" + ROW + "\n").encode() * 40_000  # about 2.6 MB
    message = only_problem(data, max_bytes=1024 * 1024)
    assert message == f"the file is {len(data) / 1024 / 1024:.1f} MB, over the upload limit of 1 MB"


def test_no_header_row_recognised_lists_what_was_seen() -> None:
    message = only_problem(b"Report of the day\n\nfoo;bar;baz\n1;2;3\n")
    assert message.startswith("no header row recognised")
    assert "headers seen: 'foo', 'bar', 'baz'" in message


def test_header_but_no_lines_is_not_an_error() -> None:
    result = read_extract((HEADER + "\n").encode(), "empty-list.txt")
    assert result.errors == []
    assert result.items.is_empty()
    assert result.lines_read == 0


def workbook(
    cells: dict[tuple[int, int], object], formulas: dict[tuple[int, int], str] | None = None
) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Export")
    for (r, c), value in cells.items():
        sheet.write(r, c, value)
    for (r, c), formula in (formulas or {}).items():
        sheet.write_formula(r, c, formula, None, 0)
    book.close()
    return out.getvalue()


XLSX_HEADER = {(0, i): h for i, h in enumerate(HEADER.split("\t"))}


def test_formula_cells_are_reported_with_their_cell() -> None:
    cells = {
        **XLSX_HEADER,
        (1, 0): "4711",
        (1, 1): "1800000001",
        (1, 2): "01.10.2026",
        (1, 3): "31.10.2026",
        (1, 5): "EUR",
        (2, 0): "4711",
        (2, 1): "1800000002",
        (2, 2): "01.10.2026",
        (2, 3): "31.10.2026",
        (2, 4): 5.0,
        (2, 5): "EUR",
    }
    result = read_extract(workbook(cells, {(1, 4): "=2*50"}), "formulas.xlsx")
    (error,) = result.errors
    assert (error.row, error.column) == (2, "Betrag in Hauswährung")
    assert error.message.startswith("cell E2 holds a formula (2*50): an extract must hold values only")
    assert result.items["doc_no"].to_list() == ["1800000002"]  # the row with the formula is held back


def test_sheet_filled_to_excels_last_row_is_truncated() -> None:
    cells = {
        **XLSX_HEADER,
        (1, 0): "4711",
        (1, 1): "1800000001",
        (1, 2): "01.10.2026",
        (1, 3): "31.10.2026",
        (1, 4): 1.5,
        (1, 5): "EUR",
        (1_048_575, 0): "4711",
    }
    result = read_extract(workbook(cells), "cut.xlsx")
    messages = [p.message for p in result.errors if p.row is None]
    assert messages == [
        "the file reaches 1,048,576 rows, Excel's row limit: the export was cut off "
        "(export as text, or split the selection)"
    ]


def test_workbook_without_a_header() -> None:
    message = only_problem(workbook({(0, 0): "hello", (1, 0): "world"}), "x.xlsx")
    assert message.startswith("no header row recognised")
    assert "'hello'" in message


@pytest.mark.parametrize("name", ["x.txt", "x.xlsx", "x.csv"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(name: str, data: bytes) -> None:
    result = read_extract(data, name)
    assert list(result.items.columns) == list(ITEM_COLUMNS)


@settings(max_examples=60, deadline=None)
@given(body=st.text(alphabet="\t;,|*-.0123456789 Xx\nabcäö", max_size=300))
def test_arbitrary_text_below_a_real_header_never_raises(body: str) -> None:
    result = read_extract((HEADER + "\n" + body).encode(), "fuzz.txt")
    assert result.lines_read >= result.items.height
