"""Zip-bomb guard: an XLSX package is checked before anything inflates or parses one of its parts.

A workbook is a ZIP archive; a 1 MB upload can hold a part that inflates to gigabytes. Before any
reader (zipfile, calamine) touches the package, every part's declared uncompressed size and its
compression ratio are checked against limits derived from the upload limit, and every compressed
part is then inflated once, in 1 MiB steps that are counted and thrown away, to confirm that it
really inflates to no more than it declares (a header may lie; calamine trusts the stream).
Memory stays at a few MiB whatever the archive holds.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from io import BytesIO

from ar_core.config import settings
from ar_core.ingest.detect import Unreadable

MIB = 1024 * 1024
#: A part (and all parts together) may inflate to at most this many times the upload limit ...
PART_FACTOR = 10
#: ... and never beyond this, whatever the upload limit.
ABSOLUTE_CAP = 4 * 1024 * MIB
#: Largest compression ratio accepted for a part that inflates beyond RATIO_FROM bytes: real
#: sheet XML compresses 5-20:1; only a bomb reaches 100:1 at that size.
RATIO_CAP = 100
RATIO_FROM = 8 * MIB
_STEP = MIB
_LOCAL_HEADER = struct.Struct("<4s5HL2L2H")


def inflate_cap(upload_limit: int | None = None) -> int:
    """Most bytes one part, or the whole package, may inflate to."""
    limit = settings().upload_limit_bytes if upload_limit is None else upload_limit
    return min(PART_FACTOR * max(limit, MIB), ABSOLUTE_CAP)


def _refuse(part: str, why: str) -> Unreadable:
    return Unreadable(
        f"the workbook is refused: its part '{part[:80]}' {why}; this is not a normal Excel file "
        "(save or export it again)"
    )


def check_package(data: bytes, upload_limit: int | None = None) -> None:
    """Raise Unreadable if any part of the ZIP package would inflate beyond the limits.

    Checks the declared sizes and ratios first (no inflating at all), then the actual sizes.
    Damage that is no bomb (a part cut off, a bad header) is left to the readers to report.
    """
    cap = inflate_cap(upload_limit)
    try:
        infos = zipfile.ZipFile(BytesIO(data)).infolist()
    # NotImplementedError: a damaged header claims an unknown zip version or method
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return  # not openable: sheet_paths/open_sheets report the damage
    total = 0
    for info in infos:
        size = info.file_size
        if size > cap:
            raise _refuse(info.filename, f"would inflate to {size / MIB:,.0f} MB (limit {cap / MIB:,.0f} MB)")
        if size > RATIO_FROM and size > RATIO_CAP * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise _refuse(info.filename, f"is compressed {ratio:,.0f}:1 (limit {RATIO_CAP}:1)")
        total += size
        if total > cap:
            raise _refuse(info.filename, f"brings the workbook to over {cap / MIB:,.0f} MB inflated")
    for info in infos:
        if info.compress_type == zipfile.ZIP_DEFLATED:  # stored parts cannot grow; others are damage
            _check_inflated(data, info)


def _check_inflated(data: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate one deflated part in bounded steps; refuse it if it yields more than it declares."""
    offset = info.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        return  # damaged: reported by the readers
    name_len, extra_len = _LOCAL_HEADER.unpack(header)[-2:]
    start = offset + _LOCAL_HEADER.size + name_len + extra_len
    view = memoryview(data)[start:]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced, allowed, position = 0, info.file_size, 0
    try:
        while not inflater.eof:
            pending = inflater.unconsumed_tail
            if not pending:
                if position >= len(view):
                    return  # cut off: reported by the readers
                pending = view[position : position + _STEP]
                position += len(pending)
            produced += len(inflater.decompress(pending, _STEP))
            if produced > allowed:
                raise _refuse(
                    info.filename,
                    f"inflates to more than the {allowed:,} bytes its header declares",
                )
    except zlib.error:
        return  # not valid deflate data: reported by the readers
