"""XLSX workbooks: safety checks on the raw package, then typed reading with fastexcel (calamine).

Formulas are found by scanning the sheet XML: a cached formula value may be stale or depend on
other files, so an extract must hold values only. The scan is a streamed byte search (fast for the
normal, formula-free case); only when it hits is the XML parsed to name the cells. The title and
header rows are also read from the XML, stopping after the first rows: calamine parses a whole
sheet on every load, and it should do that once, for the data.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import fastexcel
import polars as pl

from ar_core.ingest import package as package_guard
from ar_core.ingest import parse
from ar_core.ingest.detect import EXCEL_MAX_ROWS, HEAD_LINES, Unreadable

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL = re.compile(r"^([A-Z]+)(\d+)$")
#: What a damaged package raises while a part is unpacked or parsed (NotImplementedError: an
#: unknown compression method; RuntimeError: an entry marked encrypted).
_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ET.ParseError,
    UnicodeError,
    NotImplementedError,
    RuntimeError,
)


@contextmanager
def _reading(part: str) -> Iterator[None]:
    """Turn damage met while reading one part (missing, cut off, not XML) into Unreadable."""
    try:
        yield
    except KeyError as exc:
        raise Unreadable(
            f"the workbook is damaged: its part '{part}' is missing (save or export it again)"
        ) from exc
    except ET.ParseError as exc:
        raise Unreadable(
            f"the workbook is damaged: its part '{part}' is cut off or not valid XML ({exc}); "
            "save or export it again"
        ) from exc
    except (*_DAMAGE, ValueError) as exc:  # ValueError: a cell reference or row number that is no number
        raise Unreadable(
            f"the workbook is damaged: its part '{part}' cannot be read ({exc}); save or export it again"
        ) from exc


@dataclass
class Sheet:
    """One worksheet's head (as text) and where its header row is."""

    reader: fastexcel.ExcelReader
    index: int
    name: str
    rows: list[list[str]]  # the first rows (rows[0] is Excel row 1), cells at their absolute column
    first_row: int = 1  # Excel row of rows[0]
    header_index: int = -1  # index into rows of the header row

    @property
    def header_row(self) -> int:
        return self.first_row + self.header_index

    @property
    def headers(self) -> list[str]:
        return self.rows[self.header_index]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def sheet_paths(data: bytes) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the package; Unreadable if this is not a workbook.

    The first look into a package: a zip bomb is refused here, before anything inflates a part.
    """
    package_guard.check_package(data)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
    except (*_DAMAGE, ValueError) as exc:
        raise Unreadable(f"the workbook is damaged and cannot be opened ({exc})") from exc
    if "xl/workbook.xml" not in names:
        raise Unreadable("this is a ZIP archive, not an Excel workbook")
    with _reading("xl/workbook.xml"):
        workbook = ET.fromstring(package.read("xl/workbook.xml"))  # noqa: S314 - tiny part of an uploaded file
    with _reading("xl/_rels/workbook.xml.rels"):
        rels = ET.fromstring(package.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    paths = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        paths[sheet.get("name", "")] = path
    return paths


def formula_cells(data: bytes, path: str) -> list[tuple[str, str]]:
    """(cell reference, formula text) of every formula in one sheet; [] quickly when there is none."""
    with _reading(path):
        return _formula_cells(data, path)


def _formula_cells(data: bytes, path: str) -> list[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if path not in package.namelist():
            return []
        with package.open(path) as part:
            tail, hit = b"", False
            while chunk := part.read(1 << 20):
                window = tail + chunk
                # plain substring tests run at memory speed; the regex only confirms a candidate
                if (b"<f" in window or b":f" in window) and _FORMULA.search(window):
                    hit = True
                    break
                tail = chunk[-16:]
        if not hit:
            return []
        found = []
        with package.open(path) as part:
            for _, element in ET.iterparse(part, events=("end",)):  # noqa: S314
                if element.tag == f"{_NS_MAIN}c":
                    formula = element.find(f"{_NS_MAIN}f")
                    if formula is not None:
                        found.append((element.get("r", "?"), formula.text or "shared formula"))
                    element.clear()
        return found


def head_rows(data: bytes, path: str, limit: int = HEAD_LINES) -> list[list[str]]:
    """The first ``limit`` rows of a sheet as text (index 0 = Excel row 1), read from the XML.

    Stops parsing after row ``limit``; shared strings are read only up to the highest one used.
    """
    with _reading(path):
        cells, shared = _head_cells(data, path, limit)
    width = max((c for _, c, _, _ in cells), default=-1) + 1
    rows = [[""] * width for _ in range(max((r for r, _, _, _ in cells), default=0))]
    for row, col, kind, value in cells:
        rows[row - 1][col] = (shared.get(int(value), "") if kind == "s" else value).strip()
    return rows


def _head_cells(data: bytes, path: str, limit: int) -> tuple[list[tuple[int, int, str, str]], dict[int, str]]:
    cells: list[tuple[int, int, str, str]] = []  # (row, column, type, value)
    with zipfile.ZipFile(io.BytesIO(data)) as package, package.open(path) as part:
        row_number = 0
        for _, element in ET.iterparse(part, events=("end",)):  # noqa: S314
            if element.tag == f"{_NS_MAIN}c":
                ref = element.get("r", "")
                match = _CELL.match(ref)
                row, col = (
                    (int(match.group(2)), _column_index(match.group(1))) if match else (row_number + 1, 0)
                )
                kind = element.get("t", "n")
                value = element.findtext(f"{_NS_MAIN}v")
                if kind == "inlineStr":
                    value = "".join(t.text or "" for t in element.iter(f"{_NS_MAIN}t"))
                if value is not None and row <= limit:
                    cells.append((row, col, kind, value))
            elif element.tag == f"{_NS_MAIN}row":
                row_number = int(element.get("r", row_number + 1))
                element.clear()
                if row_number >= limit:
                    break
        with _reading("xl/sharedStrings.xml"):
            shared = _shared_strings(package, {int(v) for _, _, k, v in cells if k == "s" and v.isdigit()})
    return cells, shared


def _shared_strings(package: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    if not wanted or "xl/sharedStrings.xml" not in package.namelist():
        return {}
    found, last = {}, max(wanted)
    with package.open("xl/sharedStrings.xml") as part:
        index = 0
        for _, element in ET.iterparse(part, events=("end",)):  # noqa: S314
            if element.tag != f"{_NS_MAIN}si":
                continue
            if index in wanted:
                found[index] = "".join(t.text or "" for t in element.iter(f"{_NS_MAIN}t"))
            element.clear()
            index += 1
            if index > last:
                break
    return found


def cell_position(ref: str) -> tuple[int | None, int | None]:
    """'C5' -> (Excel row 5, column index 2)."""
    match = _CELL.match(ref)
    if not match:
        return None, None
    return int(match.group(2)), _column_index(match.group(1))


def open_sheets(data: bytes) -> fastexcel.ExcelReader:
    try:
        return fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own error classes for any damage
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Unreadable(f"the workbook is damaged and cannot be opened ({first})") from exc


def head(
    reader: fastexcel.ExcelReader, index: int, data: bytes | None = None, path: str | None = None
) -> Sheet:
    """The first rows of a sheet as text: from the XML for XLSX, through calamine for old XLS."""
    name = reader.sheet_names[index]
    if data is not None and path:
        return Sheet(reader, index, name, head_rows(data, path))
    sheet = reader.load_sheet(index, header_row=None, skip_rows=0, n_rows=HEAD_LINES, dtypes="string")
    infos = sheet.available_columns()
    width = max((i.absolute_index for i in infos), default=-1) + 1
    rows = []
    for values in sheet.to_polars().iter_rows():
        cells = [""] * width
        for info, value in zip(infos, values, strict=True):
            cells[info.absolute_index] = (value or "").strip()
        rows.append(cells)
    return Sheet(reader, index, name, rows)


def first_sheet_head(data: bytes) -> Sheet:
    """The head of the first sheet of an XLSX or XLS (for customer masters and the mapping builder)."""
    paths = sheet_paths(data) if data.startswith(b"PK") else {}  # first: it refuses a zip bomb
    reader = open_sheets(data)
    return head(reader, 0, data, paths.get(reader.sheet_names[0]) if reader.sheet_names else None)


def find_header(
    sheet: Sheet, score: Callable[[list[str]], int], minimum: int, row: int | None = None
) -> bool:
    """Locate the best-scoring row (or check the given Excel ``row``) as the header."""
    best = (minimum - 1, -1)
    for i, cells in enumerate(sheet.rows):
        if row is not None and sheet.first_row + i != row:
            continue
        s = score(cells)
        if s > best[0]:
            best = (s, i)
    sheet.header_index = best[1]
    return best[1] >= 0


def read_body(
    sheet: Sheet, kinds: dict[int, str]
) -> tuple[pl.DataFrame, dict[int, list[str]], set[int], int]:
    """Typed data rows below the header as text columns ``c<absolute>``, with ``source_row``.

    ``kinds`` gives the parse kind of each used absolute column. Types are guessed from all rows
    (a column mixing types becomes text, nothing is dropped). Typed cells are turned into the text
    the parsers expect: floats in money columns by the one float-to-cents rule (read back in the
    TYPED style), dates into ISO text (their format returned as fixed), whole-number floats in
    identifier columns without ``.0``.
    Returns (frame, fixed date formats per column, typed money columns, last Excel row of the sheet).
    """
    wanted = dict(kinds)
    for marker in (0, 1):
        wanted.setdefault(marker, parse.TEXT)
    loaded = sheet.reader.load_sheet(
        sheet.index,
        header_row=None,
        skip_rows=sheet.header_row,  # rows 1..header_row are titles and the header
        schema_sample_rows=None,
        dtype_coercion="coerce",
        use_columns=lambda column: column.absolute_index in wanted,
    )
    names = {i.name: f"c{i.absolute_index}" for i in loaded.available_columns()}
    frame = loaded.to_polars().rename(names)
    fixed: dict[int, list[str]] = {}
    typed_money: set[int] = set()
    exprs = []
    for absolute, kind in wanted.items():
        name = f"c{absolute}"
        if name not in frame.columns:
            continue
        dtype = frame.schema[name]
        if kind == parse.MONEY_KIND and (dtype.is_float() or dtype.is_integer()):
            typed_money.add(absolute)
        expr, fmt = _as_text(pl.col(name), dtype, kind)
        exprs.append(expr.alias(name))
        if fmt:
            fixed[absolute] = fmt
    height = frame.height
    frame = frame.rechunk().with_columns(exprs).with_row_index("source_row", offset=sheet.header_row + 1)
    source_row = pl.col("source_row").cast(pl.Int64)
    return frame.with_columns(source_row), fixed, typed_money, sheet.header_row + height


def _as_text(col: pl.Expr, dtype: pl.DataType, kind: str) -> tuple[pl.Expr, list[str] | None]:
    """A typed column as the text the parsers read, and the date format of that text if fixed."""
    iso = ["%Y-%m-%d"]
    if dtype.is_temporal() and not isinstance(dtype, pl.Duration):
        return col.cast(pl.Date).cast(pl.String), iso if kind == parse.DATE else None
    if dtype.is_float() and kind == parse.MONEY_KIND:
        return parse.float_to_money_text(col), None
    if dtype.is_float() and kind == parse.DATE:  # a date typed as a plain number: Excel's day count
        days = col.floor().cast(pl.Int64, strict=False)
        return (pl.date(1899, 12, 30) + pl.duration(days=days)).cast(pl.String), iso
    if dtype.is_float():  # identifiers and counts typed as numbers: 4711.0 is "4711"
        whole = col.cast(pl.Int64, strict=False).cast(pl.String)
        return pl.when(col == col.floor()).then(whole).otherwise(col.cast(pl.String)), None
    if dtype == pl.Boolean:
        return pl.when(col).then(pl.lit("true")).when(~col).then(pl.lit("false")), None
    return (col if dtype == pl.String else col.cast(pl.String)), None


def too_many_rows(last_row: int) -> bool:
    """An export that fills Excel's last row was truncated by Excel."""
    return last_row >= EXCEL_MAX_ROWS
