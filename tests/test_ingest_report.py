"""The validation report workbook: complete, and safe to open (no formula injection)."""

from __future__ import annotations

import io
import zipfile

import fastexcel

from ar_core.ingest import ExtractResult, Problem, read_extract, validation_report_xlsx
from ar_core.spreadsheet import neutralise

HEADER = "Konto\tName 1\tBelegnummer\tBelegdatum\tNettofälligkeit\tBetrag in Hauswährung\tHauswährung"


def sheet(data: bytes, name: str):
    return fastexcel.read_excel(data).load_sheet(name, header_row=None, dtypes="string").to_polars()


def test_neutralise_formula_triggers() -> None:
    for text in ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\0x"]:
        assert neutralise(text) == "'" + text
    assert neutralise("Müller GmbH") == "Müller GmbH"
    assert neutralise(12) == 12


def test_report_lists_summary_and_every_problem() -> None:
    rows = [
        '4711\t=HYPERLINK("http://evil","x")\t1800000001\t01.10.2026\t31.10.2026\t=1+2\tEUR',
        "4711\tMüller\t1800000002\t01.10.2026\t31.10.2026\t10,00\tEUR",
    ]
    result = read_extract("\n".join([HEADER, *rows]).encode(), "extract.txt")
    data = validation_report_xlsx(result)

    summary = {r[0]: r[1] for r in sheet(data, "Summary").iter_rows() if r[0]}
    assert summary["File"] == "extract.txt"
    assert summary["Item lines read"] == "2"
    assert summary["Valid items"] == "1"
    assert summary["Rejected rows"] == "1"
    problems = sheet(data, "Problems")
    assert problems.row(0) == ("Severity", "Row", "Column", "Problem")
    assert problems.row(1) == ("error", "2", "Betrag in Hauswährung", "cannot read '=1+2' as an amount")


def test_report_cells_never_become_formulas() -> None:
    evil = '=HYPERLINK("http://evil","click")'
    result = ExtractResult("=cmd|' /C calc'!A0", "0" * 64, problems=[Problem("f", 3, evil, "-2+3", "error")])
    data = validation_report_xlsx(result)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))
        strings = package.read("xl/sharedStrings.xml").decode()
    assert b"<f>" not in xml
    assert "'=HYPERLINK" in strings
    assert "'-2+3" in strings
    assert "'=cmd|" in strings
    problems = sheet(data, "Problems")
    assert problems.row(1) == ("error", "3", "'" + evil, "'-2+3")


def test_report_states_file_totals_and_what_commit_valid_rows_leaves_out() -> None:
    rows = [
        "4711\tMüller\t1800000001\t01.10.2026\t31.10.2026\t100,00\tEUR",
        "4711\tMüller\t1800000002\t01.10.2026\t31.10.2026\t7.060,94\tEUR",
        "4711\tMüller\t1800000002\t01.10.2026\t31.10.2026\t7.060,94\tEUR",
        "*\t\t\t\t\t14.221,88\tEUR",
    ]
    result = read_extract("\n".join([HEADER, *rows]).encode(), "extract.txt")
    table = list(sheet(validation_report_xlsx(result), "Summary").iter_rows())
    start = next(i for i, r in enumerate(table) if r[0] == "Currency")
    assert table[start] == (
        "Currency",
        "Items total",
        "File total",
        "Open total",
        "Left out: rows",
        "Left out: amount",
    )
    # hand-computed: 100,00 committed + 2 x 7.060,94 left out = 14.221,88 stated by the file
    assert table[start + 1] == ("EUR", "100.00", "14,221.88", "100.00", "2", "14,121.88")
    blocking = {r[0]: r[1] for r in table if r[0]}
    assert blocking["Blocking errors"] == "0"


def test_report_marks_a_blocking_problem() -> None:
    rows = ["4711\tMüller\t1800000001\t01.10.2026\t31.10.2026\t100,00\tEUR", "*\t\t\t\t\t150,00\tEUR"]
    result = read_extract("\n".join([HEADER, *rows]).encode(), "extract.txt")
    data = validation_report_xlsx(result)
    summary = {r[0]: r[1] for r in sheet(data, "Summary").iter_rows() if r[0]}
    assert summary["Blocking errors"] == "1"
    problems = sheet(data, "Problems")
    assert problems.row(1)[:3] == ("blocking error", "3", "Betrag in Hauswährung")
