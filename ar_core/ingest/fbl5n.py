"""SAP FBL5N exports: header row found and mapped through the EN/DE/NL label dictionary."""

from __future__ import annotations

from ar_core.ingest.labels import LANGUAGE_NAMES, header_score, match_headers
from ar_core.ingest.plan import ColumnPlan
from ar_core.ingest.result import WARNING, Problem

#: A line naming at least this many known fields is the header row (titles name at most one).
MIN_HEADER_SCORE = 3


def score(cells: list[str]) -> int:
    return header_score(cells)


def plan(headers: list[str], file_name: str) -> ColumnPlan:
    """Map the header row to canonical columns; a field shown twice is read from its first column."""
    positions, duplicates, language = match_headers(headers)
    result = ColumnPlan(positions, {c: headers[p] for c, p in positions.items()}, language)
    for position, canonical in duplicates:
        result.problems.append(
            Problem(
                file_name,
                None,
                headers[position],
                f"this column holds the same field as '{headers[positions[canonical]]}', which is used",
                WARNING,
            )
        )
    return result


def describe(container: str, language: str, where: str, encoding: str | None = None) -> str:
    """Human-readable source format, e.g. 'SAP FBL5N text export (tab, German headers, UTF-8)'."""
    parts = [where, f"{LANGUAGE_NAMES[language]} headers"] + ([encoding] if encoding else [])
    return f"SAP FBL5N {container} ({', '.join(parts)})"
