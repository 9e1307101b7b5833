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
