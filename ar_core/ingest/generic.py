"""Generic CSV/XLSX extracts read through a Mapping (any ERP, any header names)."""

from __future__ import annotations

from ar_core.ingest.mapping import Mapping
from ar_core.ingest.parse import NumberStyle
from ar_core.ingest.plan import REQUIRED, ColumnPlan
from ar_core.ingest.result import Problem


def _key(header: str) -> str:
    return header.strip().casefold()


def scorer(mapping: Mapping):
    """Score a line by how many of the mapping's source headers it contains."""
    wanted = {_key(h) for h in mapping.columns.values()}

    def score(cells: list[str]) -> int:
        return len(wanted & {_key(c) for c in cells if c})

    return score


def plan(headers: list[str], mapping: Mapping, file_name: str) -> ColumnPlan:
    """Locate each mapped source header; unknown headers and unmapped required columns are errors."""
    where = {}
    for position, header in enumerate(headers):
        where.setdefault(_key(header), position)
    positions, problems = {}, []
    seen = ", ".join(f"'{h}'" for h in headers if h)[:600]
    for canonical, source in mapping.columns.items():
        if _key(source) in where:
            positions[canonical] = where[_key(source)]
        else:
            problems.append(
                Problem(
                    file_name,
                    None,
                    None,
                    f"column '{source}' (mapped to {canonical}) is not in the file; headers seen: {seen}",
                )
            )
    return ColumnPlan(
        positions,
        {c: headers[p] for c, p in positions.items()},
        "en",
        constants=dict(mapping.constants),
        number_style=NumberStyle(mapping.decimal, mapping.thousands),
        date_formats=[mapping.date_format] if mapping.date_format else None,
        problems=problems,
    )


def unmapped_required(plan: ColumnPlan, mapping: Mapping, file_name: str) -> list[Problem]:
    """Required columns the mapping neither maps nor gives as a constant."""
    missing = [
        c
        for c in REQUIRED
        if c not in mapping.columns and c not in mapping.constants and c not in plan.derived
    ]
    return [
        Problem(
            file_name, None, None, f"the mapping gives no source for the required column {c} ({REQUIRED[c]})"
        )
        for c in missing
    ]
