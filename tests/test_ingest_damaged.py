"""Damaged files: real workbooks and FBL5N texts with parts cut off, dropped or swapped.

Every reader turns such damage into a file-level problem; a last-resort guard turns anything
unexpected into "could not be read (incident id …)" with the traceback in the log. Never a traceback.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from datetime import date

import pytest
import xlsxwriter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ar_core.ingest import customers as customer_module
from ar_core.ingest import read_customer_master, read_extract, reader, source_headers
from ar_core.ingest.result import ERROR, Problem
from ar_core.schema import ITEM_COLUMNS

HEADERS = ["", "", "Buchungskreis", "Konto", "Name 1", "Belegnummer", "Belegdatum", "Nettofälligkeit",
           "Betrag in Hauswährung", "Hauswährung"]  # fmt: skip
ROWS = [
    ("1000", "4711", "Müller GmbH", "1800000001", date(2026, 10, 1), date(2026, 10, 31), 1234.56, "EUR"),
    ("1000", "4711", "Müller GmbH", "1800000002", date(2026, 10, 2), date(2026, 11, 1), -234.5, "EUR"),
    ("1000", "815", "Jansen B.V.", "1800000003", date(2026, 10, 3), date(2026, 11, 2), 10000.0, "EUR"),
]


def fbl5n_workbook() -> bytes:
    """A real FBL5N spreadsheet export: title row, header, typed items, a total row; shared strings."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("FBL5N")
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_string(0, 0, "Kundeneinzelposten  Stichtag 20.11.2026")
    for col, header in enumerate(HEADERS):
        if header:
            sheet.write_string(2, col, header)
    for r, (cocd, customer, name, doc, doc_date, due, amount, currency) in enumerate(ROWS, start=3):
        sheet.write_row(r, 2, [cocd, customer, name, doc])
        sheet.write_datetime(r, 6, doc_date, day)
        sheet.write_datetime(r, 7, due, day)
        sheet.write_number(r, 8, amount)
        sheet.write_string(r, 9, currency)
    sheet.write_string(6, 1, "*")
    sheet.write_number(6, 8, 11000.06)
    sheet.write_string(6, 9, "EUR")
    book.add_worksheet("Notes").write_string(0, 0, "exported by SAP")
    book.close()
    return out.getvalue()


def customer_workbook() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Kundennummer", "Name", "Kreditlimit", "Kreditlimit Währung"])
    sheet.write_row(1, 0, ["4711", "Müller GmbH", 25000, "EUR"])
    sheet.write_row(2, 0, ["815", "Jansen B.V.", 1500.5, "EUR"])
    book.close()
    return out.getvalue()


def fbl5n_text() -> bytes:
    lines = ["20.11.2026   Dynamische Listenausgabe   1", "Kundeneinzelposten  Stichtag 20.11.2026", "",
             "\t".join(HEADERS)]  # fmt: skip
    for cocd, customer, name, doc, doc_date, due, amount, currency in ROWS:
        text = f"{abs(amount):,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
        text += "-" if amount < 0 else ""
        cells = ["", "", cocd, customer, name, doc, f"{doc_date:%d.%m.%Y}", f"{due:%d.%m.%Y}", text, currency]
        lines.append("\t".join(cells))
    lines.append("\t".join(["", "*", "", "", "", "", "", "", "11.000,06", "EUR"]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


WORKBOOK, CUSTOMERS, TEXT = fbl5n_workbook(), customer_workbook(), fbl5n_text()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def repack(contents: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in contents.items():
            package.writestr(name, content)
    return out.getvalue()


def read_all(data: bytes, name: str) -> list[Problem]:
    """Every public reader on the damaged file: values come back, never an exception."""
    result = read_extract(data, name)
    assert list(result.items.columns) == list(ITEM_COLUMNS)
    assert len(result.file_hash) == 64
    _, problems = read_customer_master(data, name)
    assert isinstance(source_headers(data, name), list)
    found = result.problems + problems
    assert all(isinstance(p, Problem) and p.file == name for p in found)
    # the readers name the damage themselves: the last-resort guard is not what catches it
    assert not [p for p in found if "incident id" in p.message]
    return found


def test_the_intact_files_read_cleanly() -> None:
    assert read_extract(WORKBOOK, "FBL5N.xlsx").errors == []
    assert read_extract(TEXT, "FBL5N.txt").errors == []
    assert read_customer_master(CUSTOMERS, "kunden.xlsx")[1] == []


@pytest.mark.parametrize("part", sorted(parts(WORKBOOK)))
def test_a_workbook_with_a_part_dropped(part: str) -> None:
    contents = parts(WORKBOOK)
    del contents[part]
    read_all(repack(contents), "FBL5N.xlsx")


def test_missing_sheet_part_is_a_file_level_problem() -> None:
    contents = parts(WORKBOOK)
    del contents["xl/worksheets/sheet1.xml"]
    result = read_extract(repack(contents), "FBL5N.xlsx")
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.severity) == (None, None, ERROR)
    assert problem.message.startswith("the workbook is damaged")
    assert result.items.is_empty()


def test_truncated_sheet_xml_is_a_file_level_problem() -> None:
    contents = parts(WORKBOOK)
    sheet = contents["xl/worksheets/sheet1.xml"]
    contents["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) * 2 // 3]
    result = read_extract(repack(contents), "FBL5N.xlsx")
    (problem,) = result.problems
    assert problem.row is None
    assert problem.message.startswith("the workbook is damaged")


def test_truncated_customer_master_sheet_is_a_file_level_problem() -> None:
    contents = parts(CUSTOMERS)
    sheet = contents["xl/worksheets/sheet1.xml"]
    contents["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    frame, problems = read_customer_master(repack(contents), "kunden.xlsx")
    assert frame.is_empty()
    (problem,) = problems
    assert problem.row is None
    assert problem.message.startswith("the workbook is damaged")


def test_unknown_compression_method_is_a_file_level_problem() -> None:
    """A flipped byte in a part's header names a compression method zipfile does not know."""
    data = bytearray(WORKBOOK)
    with zipfile.ZipFile(io.BytesIO(WORKBOOK)) as package:
        info = package.getinfo("xl/worksheets/sheet1.xml")
    data[info.header_offset + 8 : info.header_offset + 10] = (99).to_bytes(2, "little")  # local header
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(info.filename)] != info.filename.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 10 : central + 12] = (99).to_bytes(2, "little")  # its central directory entry
    (problem,) = read_extract(bytes(data), "FBL5N.xlsx").problems
    assert problem.row is None
    assert problem.message == (
        "the workbook is damaged and cannot be opened (calamine error: Cannot detect file format)"
    )


names = sorted(parts(WORKBOOK))
fuzz = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fuzz
@given(data=st.data(), keep=st.floats(min_value=0, max_value=1), base=st.sampled_from([WORKBOOK, CUSTOMERS]))
def test_workbooks_with_a_part_truncated(data, keep: float, base: bytes) -> None:
    contents = parts(base)
    part = data.draw(st.sampled_from(sorted(contents)))
    contents[part] = contents[part][: int(len(contents[part]) * keep)]
    read_all(repack(contents), "upload.xlsx")


@fuzz
@given(pair=st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
def test_workbooks_with_two_parts_swapped(pair: list[str]) -> None:
    contents = parts(WORKBOOK)
    a, b = pair
    contents[a], contents[b] = contents[b], contents[a]
    read_all(repack(contents), "FBL5N.xlsx")


@fuzz
@given(cut=st.integers(min_value=0, max_value=len(WORKBOOK)))
def test_workbook_package_cut_off(cut: int) -> None:
    read_all(WORKBOOK[:cut], "FBL5N.xlsx")


@fuzz
@given(at=st.integers(min_value=0, max_value=len(WORKBOOK) - 1), byte=st.integers(0, 255))
@example(at=6022, byte=64)  # found by this test: a header claiming zip version 6.4
def test_workbook_package_with_a_byte_changed(at: int, byte: int) -> None:
    read_all(WORKBOOK[:at] + bytes([byte]) + WORKBOOK[at + 1 :], "FBL5N.xlsx")


TEXT_LINES = TEXT.split(b"\r\n")


@fuzz
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["drop", "swap", "cut", "repeat", "swap-cells"]),
            st.integers(0, len(TEXT_LINES) - 1),
            st.integers(0, len(TEXT_LINES) - 1),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_fbl5n_text_with_lines_dropped_swapped_or_cut(ops) -> None:
    lines = list(TEXT_LINES)
    for op, first, second, frac in ops:
        i, j = first % len(lines), second % len(lines)
        if op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cut":
            lines[i] = lines[i][: int(len(lines[i]) * frac)]
        elif op == "repeat":
            lines.insert(j, lines[i])
        elif op == "swap-cells":
            cells = lines[i].split(b"\t")
            a, b = i % len(cells), j % len(cells)
            cells[a], cells[b] = cells[b], cells[a]
            lines[i] = b"\t".join(cells)
    read_all(b"\r\n".join(lines), "FBL5N.txt")


@fuzz
@given(cut=st.integers(min_value=1, max_value=len(TEXT)))
def test_fbl5n_text_cut_off_anywhere(cut: int) -> None:
    read_all(TEXT[:cut], "FBL5N.txt")


INCIDENT = re.compile(r"^the file could not be read \(incident id ([0-9A-F]{8})\); nothing was stored$")


def _boom(*args, **kwargs):
    raise RuntimeError("a bug nobody foresaw")


def test_last_resort_guard_in_read_extract(monkeypatch, caplog) -> None:
    monkeypatch.setattr(reader, "_read", _boom)
    with caplog.at_level(logging.ERROR, logger="ar_core.ingest"):
        result = read_extract(TEXT, "FBL5N.txt")
    (problem,) = result.problems
    match = INCIDENT.match(problem.message)
    assert match, problem.message
    assert (problem.file, problem.row, problem.column, problem.severity) == ("FBL5N.txt", None, None, ERROR)
    assert str(problem) == f"FBL5N.txt: {problem.message}"
    assert result.items.is_empty() and result.blocking_errors == [problem]
    assert len(result.file_hash) == 64
    (record,) = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert "FBL5N.txt" in record.getMessage()
    assert record.exc_info and "a bug nobody foresaw" in caplog.text


def test_last_resort_guard_in_read_customer_master(monkeypatch, caplog) -> None:
    monkeypatch.setattr(customer_module, "_read", _boom)
    with caplog.at_level(logging.ERROR, logger="ar_core.ingest"):
        frame, problems = read_customer_master(CUSTOMERS, "kunden.xlsx")
    assert frame.is_empty()
    (problem,) = problems
    match = INCIDENT.match(problem.message)
    assert match and problem.row is None
    assert any(match.group(1) in r.getMessage() and r.exc_info for r in caplog.records)


def test_guard_catches_a_rust_panic_but_not_an_interrupt(monkeypatch) -> None:
    class PanicException(BaseException):  # what pyo3 raises when a Rust reader panics
        pass

    def panic(*args, **kwargs):
        raise PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(reader, "_read", panic)
    assert INCIDENT.match(read_extract(TEXT, "FBL5N.txt").problems[0].message)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(reader, "_read", interrupt)
    with pytest.raises(KeyboardInterrupt):
        read_extract(TEXT, "FBL5N.txt")
