"""The training-plan spreadsheet: one row per person and module, read into plan rows (pure parser).

A CSV (``;``, tab or ``,`` separated, UTF-8 or Windows-1252) or an XLSX (first sheet, read with
fastexcel) with a header row. Its columns are found by a mapping (YAML)::

    columns:            # canonical key: the header as the file writes it
      person: Mitarbeiter
      module: Modul
      start: Beginn
      due: Fällig
      expected_hours: Sollstunden
      hours_done: Iststunden
      completed_on: Abgeschlossen am

(the keys may also stand at the top level, without ``columns:``). Without a mapping the headers
are the canonical keys themselves — ``person, module, start, due, expected_hours, hours_done,
completed_on`` — compared without case and surrounding blanks. ``person``, ``module``, ``start``
and ``due`` are required columns; ``expected_hours`` (needed for a module that does not exist
yet — the service checks that), ``hours_done`` (default 0) and ``completed_on`` may be absent.

Dates as ``31.12.2026`` or ``2026-12-31`` (or an Excel date cell); hours as ``12.5`` or ``12,5``,
at most two decimals, not negative, below 1,000,000. Every problem names the file, the row (the
line in the file, the Excel row) and the column as its header is written.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from ar_core.errors import FileProblem

#: The canonical columns, in the order the CLI's JSON names them.
PLAN_FIELDS: tuple[str, ...] = (
    "person",
    "module",
    "start",
    "due",
    "expected_hours",
    "hours_done",
    "completed_on",
)
REQUIRED: tuple[str, ...] = ("person", "module", "start", "due")
MAX_FILE_BYTES = 5_000_000
MAX_HOURS = Decimal("999999.99")
MAX_TITLE = 200
_PLACES = Decimal("0.01")
_EXCEL_EPOCH = date(1899, 12, 30)


#: One thing wrong with a plan file (or its mapping) (the shared located problem of every uploaded file).
PlanProblem = FileProblem


@dataclass(frozen=True)
class PlanRow:
    """One person's module from the file, with the row it came from and its headers."""

    row: int
    person: str
    module: str
    start: date
    due: date
    expected_hours: Decimal | None
    hours_done: Decimal
    completed_on: date | None


def parse_date(value: object) -> date | None:
    """``31.12.2026``, ``2026-12-31`` (with or without a time after it), an Excel serial day or a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if match := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        day, month, year = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?", text):
        year, month, day = (int(g) for g in match.groups())
    elif re.fullmatch(r"\d{5}(?:\.0+)?", text):  # an Excel date cell read as its serial number
        serial = int(float(text))
        return _EXCEL_EPOCH + timedelta(days=serial) if 20_000 <= serial <= 80_000 else None
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_hours(value: object) -> Decimal | None:
    """Hours as an exact decimal (``12.5``, ``12,5``, a number cell), or ``None`` when unreadable."""
    if isinstance(value, bool):
        return None
    text = str(value if value is not None else "").strip().replace(" ", "")
    if isinstance(value, float):
        text = repr(value)
    if re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return None
    return hours if hours.is_finite() else None


def read_mapping(filename: str, text: str | bytes | None) -> tuple[dict[str, str], list[PlanProblem]]:
    """The mapping YAML as ``{canonical key: header}``; problems name the mapping file."""
    import yaml

    if text is None:
        return {f: f for f in PLAN_FIELDS}, []
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return {}, [PlanProblem(filename, None, None, f"not a YAML mapping: {exc}")]
    if isinstance(raw, dict) and isinstance(raw.get("columns"), dict):
        raw = raw["columns"]
    if not isinstance(raw, dict):
        return {}, [
            PlanProblem(filename, None, None, "the mapping names the columns: 'person: <header>', ...")
        ]
    mapping, problems = {}, []
    for key, header in raw.items():
        if key not in PLAN_FIELDS:
            problems.append(
                PlanProblem(filename, None, str(key), f"unknown key; use {', '.join(PLAN_FIELDS)}")
            )
        elif not isinstance(header, str | int) or not str(header).strip():
            problems.append(PlanProblem(filename, None, str(key), "give the header of the file's column"))
        else:
            mapping[key] = str(header).strip()
    if missing := [f for f in REQUIRED if f not in mapping and not problems]:
        problems.append(PlanProblem(filename, None, None, f"the mapping lacks {', '.join(missing)}"))
    return mapping, problems


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[tuple[int, list[object]]]:
    text = _decode(data)
    first = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, [c.strip() for c in cells]) for cells in reader]


def _xlsx_rows(data: bytes) -> list[tuple[int, list[object]]]:
    import fastexcel

    sheet = fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string")
    frame = sheet.to_polars()
    return [
        (n, ["" if c is None else c for c in cells]) for n, cells in enumerate(frame.iter_rows(), start=1)
    ]


def _lines(filename: str, data: bytes) -> tuple[list[tuple[int, list[object]]], list[PlanProblem]]:
    if len(data) > MAX_FILE_BYTES:
        return [], [PlanProblem(filename, None, None, f"file too large for a plan ({len(data):,} bytes)")]
    try:
        lines = _xlsx_rows(data) if data[:2] == b"PK" else _csv_rows(data)
    except Exception as exc:
        return [], [PlanProblem(filename, None, None, f"cannot read the file as XLSX: {exc}")]
    lines = [(n, cells) for n, cells in lines if any(str(c or "").strip() for c in cells)]
    if not lines:
        return [], [PlanProblem(filename, None, None, "the file is empty")]
    return lines, []


def _hours(cell: object, header: str, wrong: list[tuple[str, str]]) -> Decimal | None:
    hours = parse_hours(cell)
    if hours is None:
        wrong.append((header, f"cannot read {cell!r} as hours"))
    elif hours != hours.quantize(_PLACES):
        wrong.append((header, f"{cell!r} has more than two decimals"))
    elif hours < 0 or hours > MAX_HOURS:
        wrong.append((header, f"hours are between 0 and {MAX_HOURS} ({cell!r})"))
    else:
        return hours.quantize(_PLACES)
    return None


def _read_row(row_no: int, cell: dict[str, object], titles: dict[str, str]) -> tuple[PlanRow | None, list]:
    wrong: list[tuple[str, str]] = []
    person, module = str(cell["person"] or "").strip(), str(cell["module"] or "").strip()
    if not person:
        wrong.append((titles["person"], "no person"))
    if not module:
        wrong.append((titles["module"], "no module"))
    elif len(module) > MAX_TITLE:
        wrong.append((titles["module"], f"a module title has at most {MAX_TITLE} characters"))
    days = {}
    for field in ("start", "due", "completed_on"):
        text = str(cell.get(field) or "").strip()
        if field == "completed_on" and not text:
            days[field] = None
            continue
        days[field] = parse_date(text)
        if days[field] is None:
            message = f"cannot read {text!r} as a date (31.12.2026 or 2026-12-31)" if text else "no date"
            wrong.append((titles[field], message))
    if days["start"] and days["due"] and days["due"] < days["start"]:
        wrong.append(
            (titles["due"], f"due {days['due']:%d.%m.%Y} is before the start {days['start']:%d.%m.%Y}")
        )
    expected = None
    if str(cell.get("expected_hours") or "").strip():
        expected = _hours(cell["expected_hours"], titles["expected_hours"], wrong)
        if expected == 0:
            wrong.append((titles["expected_hours"], "a module takes more than 0 hours"))
    done = Decimal("0.00")
    if str(cell.get("hours_done") or "").strip():
        done = _hours(cell["hours_done"], titles["hours_done"], wrong) or Decimal("0.00")
    if wrong:
        return None, wrong
    return PlanRow(
        row_no, person, module, days["start"], days["due"], expected, done, days["completed_on"]
    ), []


def parse_plan_file(
    filename: str, data: bytes, mapping: dict[str, str] | None = None
) -> tuple[list[PlanRow], list[PlanProblem]]:
    """The rows of a plan file and its problems (none: every row is good).

    ``mapping`` is :func:`read_mapping`'s result (``None``: the headers are the canonical keys).
    A person and module given twice is a problem (which row is right?).
    """
    mapping = mapping or {f: f for f in PLAN_FIELDS}
    lines, unreadable = _lines(filename, data)
    if unreadable:
        return [], unreadable
    header_row, header = lines[0]
    folded = {str(h or "").strip().casefold(): i for i, h in reversed(list(enumerate(header)))}
    columns = {f: folded[h.casefold()] for f, h in mapping.items() if h.casefold() in folded}
    if missing := [mapping.get(f, f) for f in REQUIRED if f not in columns]:
        named = ", ".join(repr(m) for m in missing)
        return [], [PlanProblem(filename, header_row, None, f"no column {named} in the header")]
    titles = {f: mapping.get(f, f) for f in PLAN_FIELDS}
    rows: list[PlanRow] = []
    problems: list[PlanProblem] = []
    seen: dict[tuple[str, str], int] = {}
    for row_no, cells in lines[1:]:
        cell = {f: (cells[i] if i < len(cells) else None) for f, i in columns.items()}
        row, wrong = _read_row(row_no, cell, titles)
        problems += [PlanProblem(filename, row_no, column, message) for column, message in wrong]
        if row is None:
            continue
        key = (row.person.casefold(), row.module.casefold())
        if key in seen:
            message = f"{row.person} and {row.module!r} already in row {seen[key]}"
            problems.append(PlanProblem(filename, row_no, titles["module"], message))
            continue
        seen[key] = row_no
        rows.append(row)
    return rows, problems
