"""``read_extract``: sniff, locate the table, read it, stage, validate — bad input becomes problems."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import fastexcel
import polars as pl

from ar_core.ingest import fbl5n, generic, guard, parse, text, xlsx
from ar_core.ingest.build import choose_file_totals, stage, to_items
from ar_core.ingest.detect import (
    DELIMITER_NAMES,
    EXCEL_MAX_ROWS,
    TEXT,
    XLSX,
    Unreadable,
    decode_to_utf8,
    find_header,
    from_cp1252,
    key_dates,
    sniff_kind,
    widest_line,
)
from ar_core.ingest.mapping import Mapping
from ar_core.ingest.plan import REQUIRED, ColumnPlan, apply_fallbacks, missing_required
from ar_core.ingest.result import ERROR, EXCLUDED_SCHEMA, ExtractResult, FileTotals, Problem
from ar_core.ingest.validate import Context, validate

MB = 1024 * 1024


def read_extract(
    data: bytes,
    file_name: str,
    *,
    mapping: Mapping | None = None,
    as_of: date | None = None,
    max_bytes: int | None = None,
) -> ExtractResult:
    """Read an ERP extract (FBL5N text/CSV/XLSX, or any CSV/XLSX through ``mapping``).

    Never raises for bad input: an unreadable file comes back with one file-level problem and no
    items; row problems leave the valid rows in ``items``. Anything unexpected (a bug, a panic in
    a Rust reader) also comes back as one file-level problem, with an incident id that names its
    traceback in the log. The content hash is computed alongside.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:  # sha256 releases the GIL: hash while parsing
        digest = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        result = ExtractResult(file_name, "")
        try:
            _read(result, data, mapping, as_of, max_bytes)
        except Unreadable as exc:
            result.problems = [Problem(file_name, None, None, str(exc))]
            result.as_of = as_of
        except BaseException as exc:  # the last resort, see guard.unexpected
            if not guard.unexpected(exc):
                raise
            # a fresh result: nothing half-read may travel on with the problem
            result = ExtractResult(
                file_name, "", as_of=as_of, problems=[guard.incident(file_name, exc, "reading")]
            )
        result.file_hash = digest.result()
    return result


def _read(
    result: ExtractResult, data: bytes, mapping: Mapping | None, as_of: date | None, max_bytes: int | None
) -> None:
    if max_bytes is not None and len(data) > max_bytes:
        raise Unreadable(
            f"the file is {len(data) / MB:.1f} MB, over the upload limit of {max_bytes / MB:g} MB"
        )
    if not data:
        raise Unreadable("the file is empty (0 bytes)")
    if not data[:4096].strip() and not data.strip():  # the head decides cheaply for real files
        raise Unreadable("the file holds only blank space, no data")
    kind = sniff_kind(data, result.file_name)
    try:
        if kind == TEXT:
            _read_text(result, data, mapping, as_of)
        else:
            _read_workbook(result, data, kind, mapping, as_of)
    except pl.exceptions.PolarsError as exc:
        raise Unreadable(f"the file cannot be read as a table ({exc})") from exc
    except fastexcel.FastExcelError as exc:
        raise Unreadable(f"the workbook cannot be read ({exc})") from exc


def _no_header(cells: list[str], mapping: Mapping | None) -> Unreadable:
    seen = ", ".join(f"'{c}'" for c in cells if c)[:600] or "(nothing)"
    if mapping is not None:
        wanted = ", ".join(f"'{h}'" for h in mapping.columns.values())
        return Unreadable(f"no header row with the mapped columns ({wanted}) found; headers seen: {seen}")
    return Unreadable(
        "no header row recognised: no line names at least three FBL5N fields (such as 'Belegnummer' or "
        f"'Document Number'); headers seen: {seen}. For other layouts, use a mapping."
    )


def _plan(headers: list[str], mapping: Mapping | None, file_name: str) -> tuple[ColumnPlan, list[Problem]]:
    """The column plan and fatal problems (a required column that cannot be found)."""
    if mapping is None:
        plan = fbl5n.plan(headers, file_name)
        apply_fallbacks(plan, file_name)
        return plan, missing_required(plan, file_name, headers)
    plan = generic.plan(headers, mapping, file_name)
    apply_fallbacks(plan, file_name)
    fatal = generic.unmapped_required(plan, mapping, file_name)
    if any(c not in plan.available and c not in plan.derived for c in REQUIRED):
        fatal += plan.problems
        plan.problems = []
    return plan, fatal


def _read_text(result: ExtractResult, data: bytes, mapping: Mapping | None, as_of: date | None) -> None:
    buf, encoding = decode_to_utf8(data, full=False)
    try:
        _read_text_as(result, buf, encoding, mapping=mapping, as_of=as_of)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower() or encoding != "UTF-8":
            raise
        # valid UTF-8 at the top, Windows-1252 further down (an umlaut in a customer name)
        _read_text_as(result, from_cp1252(data), "Windows-1252", mapping=mapping, as_of=as_of)


def _read_text_as(
    result: ExtractResult, buf: bytes, encoding: str, *, mapping: Mapping | None, as_of: date | None
) -> None:
    if mapping is None:
        layout = find_header(buf, fbl5n.score, minimum=fbl5n.MIN_HEADER_SCORE)
    else:
        line = None if mapping.skip_rows is None else mapping.skip_rows + 1
        layout = find_header(buf, generic.scorer(mapping), minimum=1, delimiter=mapping.delimiter, line=line)
    if layout is None:
        raise _no_header(widest_line(buf)[1], mapping)
    name = DELIMITER_NAMES.get(layout.delimiter, repr(layout.delimiter))
    plan, fatal = _plan(layout.headers, mapping, result.file_name)
    if mapping is None:
        container = "text export" if layout.delimiter in "\t|" else "CSV"
        result.source_format = fbl5n.describe(container, plan.language, name, encoding)
    else:
        result.source_format = f"Generic CSV via mapping ({name}, {encoding})"
    if fatal:
        result.problems, result.as_of = plan.problems + fatal, as_of
        return
    frame = text.read_body(buf, layout, set(plan.positions.values()))
    extra = []
    if layout.header_line + frame.height == EXCEL_MAX_ROWS:
        extra.append(_truncated(result.file_name, "lines"))
    _finish(
        result,
        frame,
        plan,
        fixed={},
        title_dates=key_dates(layout.title_lines),
        as_of=as_of,
        extra=extra,
        may_hold_nul=b"\x00" in buf,  # a memchr: cheaper than searching every column
    )


def _read_workbook(
    result: ExtractResult, data: bytes, kind: str, mapping: Mapping | None, as_of: date | None
) -> None:
    paths = xlsx.sheet_paths(data) if kind == XLSX else {}
    reader = xlsx.open_sheets(data)
    score, minimum = (
        (fbl5n.score, fbl5n.MIN_HEADER_SCORE) if mapping is None else (generic.scorer(mapping), 1)
    )
    sheet = _pick_sheet(reader, mapping, (score, minimum), data, paths)
    plan, fatal = _plan(sheet.headers, mapping, result.file_name)
    where = f"sheet '{sheet.name}'"
    if mapping is None:
        result.source_format = fbl5n.describe("XLSX" if kind == XLSX else "XLS", plan.language, where)
    else:
        result.source_format = f"Generic {'XLSX' if kind == XLSX else 'XLS'} via mapping ({where})"
    with ThreadPoolExecutor(max_workers=1) as pool:  # inflating the XML runs beside calamine's parse
        formulas = pool.submit(_formula_problems, data, paths.get(sheet.name), sheet, result.file_name)
        if fatal:
            result.problems, result.as_of = plan.problems + fatal + formulas.result(), as_of
            return
        kinds = {p: parse.KIND.get(c, parse.TEXT) for c, p in plan.positions.items()}
        frame, fixed_at, typed_at, last_row = xlsx.read_body(sheet, kinds)
        extra = formulas.result()
    fixed = {c: fixed_at[p] for c, p in plan.positions.items() if p in fixed_at}
    typed = {c for c, p in plan.positions.items() if p in typed_at}
    if xlsx.too_many_rows(last_row):
        extra.append(_truncated(result.file_name, "rows"))
    titles = [
        (sheet.first_row + i, " ".join(c for c in cells if c))
        for i, cells in enumerate(sheet.rows[: sheet.header_index])
    ]
    _finish(
        result, frame, plan, fixed=fixed, typed=typed, title_dates=key_dates(titles), as_of=as_of, extra=extra
    )


def _pick_sheet(
    reader, mapping: Mapping | None, scoring: tuple, data: bytes, paths: dict[str, str]
) -> xlsx.Sheet:
    """The mapping's sheet, else the first sheet with a recognisable header row."""
    score, minimum = scoring
    names = reader.sheet_names
    if mapping is not None and mapping.sheet is not None:
        if isinstance(mapping.sheet, int) or str(mapping.sheet) not in names:
            if not (isinstance(mapping.sheet, int) and 0 <= mapping.sheet < len(names)):
                raise Unreadable(f"the workbook has no sheet {mapping.sheet!r}; sheets: {', '.join(names)}")
            candidates = [mapping.sheet]
        else:
            candidates = [names.index(str(mapping.sheet))]
    else:
        candidates = list(range(len(names)))
    first = None
    for index in candidates:
        sheet = xlsx.head(reader, index, data, paths.get(names[index]))
        first = first or sheet
        fixed_row = None if mapping is None or mapping.skip_rows is None else mapping.skip_rows + 1
        if xlsx.find_header(sheet, score, minimum, fixed_row):
            return sheet
    widest = max(first.rows, key=lambda r: sum(1 for c in r if c), default=[]) if first else []
    raise _no_header(widest, mapping)


def _formula_problems(data: bytes, path: str | None, sheet: xlsx.Sheet, file_name: str) -> list[Problem]:
    if not path:
        return []
    problems = []
    for ref, formula in xlsx.formula_cells(data, path):
        row, col = xlsx.cell_position(ref)
        header = sheet.headers[col] if col is not None and col < len(sheet.headers) else ""
        problems.append(
            Problem(
                file_name,
                row,
                header or (xlsx.column_letter(col) if col is not None else None),
                f"cell {ref} holds a formula ({formula[:60]}): an extract must hold values only "
                "(paste as values or export again)",
            )
        )
    return problems


def _truncated(file_name: str, unit: str) -> Problem:
    return Problem(
        file_name,
        None,
        None,
        f"the file reaches {EXCEL_MAX_ROWS:,} {unit}, Excel's row limit: the export was cut off "
        "(export as text, or split the selection)",
    )


def _finish(
    result: ExtractResult,
    frame: pl.DataFrame,
    plan: ColumnPlan,
    *,
    fixed: dict[str, list[str]],
    typed: set[str] | None = None,
    title_dates: list[tuple[int, date]],
    as_of: date | None,
    extra: list[Problem],
    may_hold_nul: bool = True,
) -> None:
    staged = stage(frame, plan, fixed, typed)
    staged.key_dates = title_dates + staged.key_dates
    file_totals, total_rows, total_problems = choose_file_totals(staged, result.file_name)
    stated = {d for _, d in staged.key_dates}
    result.as_of = next(iter(stated)) if len(stated) == 1 else as_of
    ctx = Context(
        result.file_name, staged, plan.language, plan.derived, file_totals, total_rows, as_of, may_hold_nul
    )
    problems = plan.problems + extra + total_problems + validate(ctx)
    bad_rows = {p.row for p in problems if p.severity == ERROR and p.row is not None and not p.blocking}
    items = staged.items
    if bad_rows:
        left_out = pl.col("source_row").is_in(sorted(bad_rows))
        result.excluded = _excluded(items.filter(left_out))
        items = items.filter(~left_out)
    result.items = to_items(items)
    result.lines_read = staged.items.height
    result.file_totals = FileTotals(file_totals)
    result.problems = sorted(problems, key=lambda p: (p.row is not None, p.row or 0))


def _excluded(rows: pl.DataFrame) -> pl.DataFrame:
    """The left-out item rows in EXCLUDED_SCHEMA (a column the file lacks is null)."""
    return rows.select(
        (pl.col(c) if c in rows.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in EXCLUDED_SCHEMA.items()
    )
