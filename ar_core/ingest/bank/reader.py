"""Which bank file is this, and reading it whole: one camt XML, one MT940 text, or a zip of them.

Everything is decided from the bytes (a bank's file names mean nothing). A zip is checked like a
workbook package (:mod:`ar_core.ingest.package`) before anything inflates: declared sizes and
compression ratios first, then every member is inflated in bounded steps; member names that
climb out of the archive or are absolute are refused, though nothing is ever written to disk.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from io import BytesIO

from ar_core.config import settings
from ar_core.ingest.bank.camt import read_camt
from ar_core.ingest.bank.common import Rows
from ar_core.ingest.bank.mt940 import decode, looks_like_mt940, read_mt940
from ar_core.ingest.bank.result import BankFile, finish
from ar_core.ingest.package import MIB, RATIO_CAP, RATIO_FROM, inflate_cap
from ar_core.ingest.result import ERROR, WARNING, Problem

#: Most members a zip of statements may hold (a bank's daily export has a handful).
MAX_MEMBERS = 1000
_STEP = MIB
_UNSAFE_NAME = re.compile(r"(^|[/\\])\.\.([/\\]|$)|^[/\\]|^[A-Za-z]:|\x00")


def read_bank_file(data: bytes, filename: str) -> BankFile:
    """Read a camt.053/054 XML, an MT940 text or a zip of such files; problems are values, never raised.

    Any ERROR refuses the file as a whole: ``statements`` and ``transactions`` are then empty.
    """
    limit = settings().upload_limit_bytes
    if len(data) > limit:
        return _refused(
            filename,
            f"the file has {len(data) / MIB:,.1f} MB, over the upload limit of {limit / MIB:,.0f} MB",
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(data, filename, limit)
    rows = read_document(data, filename)
    return finish(rows.format, rows.statements, rows.transactions, rows.problems)


def _refused(source: str, message: str, fmt: str = "unknown") -> BankFile:
    return BankFile(fmt, problems=[Problem(source, None, None, message, ERROR)])


def _is_xml(data: bytes) -> bool:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:2] in (b"<\x00", b"\x00<")


def read_document(data: bytes, source: str) -> Rows:
    """One statement document (not a zip) read into rows; a file of neither format is an ERROR."""
    if _is_xml(data):
        return read_camt(data, source)
    text = decode(data)
    if looks_like_mt940(text):
        return read_mt940(text, source)
    rows = Rows("unknown")
    rows.problems.append(
        Problem(
            source, None, None, "this is neither a camt.053/054 XML statement nor an MT940 statement", ERROR
        )
    )
    return rows


def _read_zip(data: bytes, filename: str, limit: int) -> BankFile:
    """Every statement in a zip; refused whole when a member is unsafe, damaged or in error."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:
        return _refused(filename, f"the zip file is damaged and cannot be opened ({exc})", "zip")
    refusal = _unsafe_zip(infos, filename, limit)
    if refusal is not None:
        return _refused(*refusal, "zip")
    parts: list[Rows] = []
    skipped: list[Problem] = []
    for info in infos:
        base = info.filename.rsplit("/", 1)[-1]
        if info.is_dir() or info.filename.startswith("__MACOSX/") or base.startswith("._"):
            continue
        source = f"{filename}/{info.filename}"
        try:
            member = _inflate(archive, info)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            return _refused(source, f"the member cannot be unpacked ({exc})", "zip")
        if member is None:
            return _refused(source, "the member inflates to more than its header declares: refused", "zip")
        if member.startswith(b"PK\x03\x04"):
            skipped.append(
                Problem(source, None, None, "a zip inside the zip is not opened: unpack it first", WARNING)
            )
        elif not _is_xml(member) and not looks_like_mt940(decode(member[:200_000])):
            skipped.append(Problem(source, None, None, "not a bank statement: skipped", WARNING))
        else:
            parts.append(read_document(member, source))
    if not parts:
        return BankFile(
            "zip",
            problems=[*skipped, Problem(filename, None, None, "the zip holds no bank statement", ERROR)],
        )
    problems = [p for part in parts for p in part.problems] + skipped
    statements = [s for part in parts for s in part.statements]
    for key, count in Counter(s["statement_key"] for s in statements).items():
        if count > 1:
            problems.append(
                Problem(filename, None, None, f"statement {key} is in the zip {count} times", WARNING)
            )
    fmt = ", ".join(sorted({part.format for part in parts}))
    return finish(fmt, statements, [t for part in parts for t in part.transactions], problems)


def _unsafe_zip(infos: list[zipfile.ZipInfo], filename: str, limit: int) -> tuple[str, str] | None:
    """(where, why) when the zip's directory alone shows a bomb, a path trick or encryption."""
    if len(infos) > MAX_MEMBERS:
        return filename, f"the zip holds {len(infos):,} files (at most {MAX_MEMBERS:,} are read)"
    cap = inflate_cap(limit)
    total = 0
    for info in infos:
        total += info.file_size
        why = _member_risk(info, limit) or (
            f"the zip would inflate to over {cap / MIB:,.0f} MB" if total > cap else None
        )
        if why:
            return f"{filename}/{info.filename[:80]}", why
    return None


def _member_risk(info: zipfile.ZipInfo, limit: int) -> str | None:
    size = info.file_size
    if _UNSAFE_NAME.search(info.filename):
        return "the zip refers to a path outside itself (absolute or '..'): refused"
    if info.flag_bits & 0x1:
        return "the member is encrypted: export the statements without a password"
    if size > limit:
        return f"the member would inflate to {size / MIB:,.0f} MB, over the upload limit"
    if size > RATIO_FROM and size > RATIO_CAP * max(info.compress_size, 1):
        return f"the member is compressed over {RATIO_CAP}:1: not a normal statement"
    return None


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The member's bytes, read in bounded steps; None when it yields more than its header declares."""
    chunks: list[bytes] = []
    produced = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_STEP):
            produced += len(chunk)
            if produced > info.file_size:
                return None
            chunks.append(chunk)
    return b"".join(chunks)
