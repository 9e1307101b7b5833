"""A validated extract parked on disk between Validate and Commit.

A lead validates, looks at the report, picks the scope, and commits minutes later — or never. A
session that kept the read extract would hold every item in the server's memory for that long
(2.1 GB after a 5M-line file), once per lead. So the items, the rows left out and the problems go
to a private Parquet folder per upload; the session keeps only this small handle with the facts
the report shows, and :meth:`SpooledExtract.load` reads the whole result back for the commit.
The folder is removed after commit or cancel, and folders older than :data:`MAX_AGE_S` are
removed whenever another upload is parked.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import time
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from ar_core.ingest.result import ERROR, ExtractResult, FileTotals, Problem

#: Folder names of parked uploads start with this (and nothing else in the spool folder does).
PREFIX = "upload-"
#: A parked upload older than this is abandoned (the lead closed the tab): removed at the next park.
MAX_AGE_S = 6 * 3600
#: Problems the handle keeps for the report on screen; the download reads them all from disk.
SHOWN_PROBLEMS = 5_000

_PROBLEM_SCHEMA = {
    "file": pl.String(),
    "row": pl.Int64(),
    "column": pl.String(),
    "message": pl.String(),
    "severity": pl.String(),
    "blocking": pl.Boolean(),
}


def _problems_frame(problems: list[Problem]) -> pl.DataFrame:
    rows = [(p.file, p.row, p.column, p.message, p.severity, p.blocking) for p in problems]
    return pl.DataFrame(rows, schema=_PROBLEM_SCHEMA, orient="row")


def _problems(frame: pl.DataFrame) -> list[Problem]:
    return [Problem(f, r, c, m, s, blocking=b) for f, r, c, m, s, b in frame.iter_rows()]


@dataclass(frozen=True)
class SpooledExtract:
    """What the Upload page keeps of a validated file: a few facts, and where the rest is."""

    folder: Path
    file_name: str
    file_hash: str
    source_format: str
    as_of: date | None
    lines_read: int
    item_count: int
    totals: dict[str, Decimal]
    file_totals: dict[str, Decimal]
    error_count: int
    warning_count: int
    rejected_rows: int
    blocking_errors: list[Problem]
    problem_count: int
    #: The first :data:`SHOWN_PROBLEMS` problems, in the report's order.
    shown_problems: list[Problem]
    excluded_summary: dict[str, dict]
    company_codes: list[str | None] = field(default_factory=list)
    collectors: list[str] = field(default_factory=list)

    def load(self) -> ExtractResult:
        """The whole validated extract again, exactly as read."""
        items = pl.read_parquet(self.folder / "items.parquet")
        excluded = pl.read_parquet(self.folder / "excluded.parquet")
        problems = _problems(pl.read_parquet(self.folder / "problems.parquet"))
        return ExtractResult(
            file_name=self.file_name,
            file_hash=self.file_hash,
            source_format=self.source_format,
            as_of=self.as_of,
            items=items,
            problems=problems,
            lines_read=self.lines_read,
            file_totals=FileTotals(self.file_totals),
            excluded=excluded,
        )

    def discard(self) -> None:
        """Remove the parked files (after commit, or when the lead drops the file)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def with_as_of(self, as_of: date | None) -> SpooledExtract:
        return replace(self, as_of=as_of)


def _sweep(spool_dir: Path, now: float) -> None:
    for old in spool_dir.glob(f"{PREFIX}*"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > MAX_AGE_S:
                shutil.rmtree(old, ignore_errors=True)


def spool(result: ExtractResult, spool_dir: Path) -> SpooledExtract:
    """Park ``result`` under ``spool_dir`` (created private) and return its handle."""
    from ar_core.store.db import private_dir

    private_dir(spool_dir)
    _sweep(spool_dir, time.time())
    folder = spool_dir / f"{PREFIX}{secrets.token_hex(8)}"
    private_dir(folder)
    result.items.write_parquet(folder / "items.parquet")
    result.excluded.write_parquet(folder / "excluded.parquet")
    _problems_frame(result.problems).write_parquet(folder / "problems.parquet")
    (folder / "meta.json").write_text(json.dumps({"file_name": result.file_name, "hash": result.file_hash}))
    items = result.items
    return SpooledExtract(
        folder=folder,
        file_name=result.file_name,
        file_hash=result.file_hash,
        source_format=result.source_format,
        as_of=result.as_of,
        lines_read=result.lines_read,
        item_count=items.height,
        totals=result.totals(),
        file_totals=result.file_totals(),
        error_count=sum(p.severity == ERROR for p in result.problems),
        warning_count=sum(p.severity != ERROR for p in result.problems),
        rejected_rows=result.rejected_rows,
        blocking_errors=list(result.blocking_errors),
        problem_count=len(result.problems),
        shown_problems=result.problems[:SHOWN_PROBLEMS],
        excluded_summary=result.excluded_summary(),
        company_codes=items["company_code"].unique().sort(nulls_last=True).to_list() if items.height else [],
        collectors=sorted(items["collector"].drop_nulls().unique().to_list()) if items.height else [],
    )
