"""Header names of an arbitrary CSV/XLSX, so the Upload page can offer them in the mapping builder."""

from __future__ import annotations

import fastexcel
import polars as pl

from ar_core.ingest import guard, xlsx
from ar_core.ingest.detect import TEXT, Unreadable, decode_to_utf8, sniff_kind, widest_line


def source_headers(data: bytes, file_name: str) -> list[str]:
    """The non-empty cells of the header row (the widest of the first lines); [] if unreadable."""
    try:
        if not data.strip():
            return []
        if sniff_kind(data, file_name) == TEXT:
            buf, _ = decode_to_utf8(data)
            return [c for c in widest_line(buf)[1] if c]
        sheet = xlsx.first_sheet_head(data)
    except (Unreadable, pl.exceptions.PolarsError, fastexcel.FastExcelError):
        return []
    except BaseException as exc:  # the mapping builder offers no headers; the log keeps the traceback
        if not guard.unexpected(exc):
            raise
        guard.incident(file_name, exc, "reading the headers of")
        return []
    widest = max(sheet.rows, key=lambda r: sum(1 for c in r if c), default=[])
    return [c for c in widest if c]
