"""Sniff what an uploaded file really is, how its text is encoded, and where its header row sits.

Users rename files, Excel saves CSV in Windows-1252, SAP writes title lines above the header:
nothing about a file's name can be trusted, so everything is decided from the bytes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

try:
    import numpy as np
except ImportError:  # pragma: no cover
    np = None

#: Kinds of input the readers know.
XLSX, XLS, TEXT = "xlsx", "xls", "text"
#: Delimiters tried on text exports, in order of preference on a tie.
DELIMITERS = ("\t", ";", ",", "|")
DELIMITER_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "pipe"}
#: Lines looked at to find the header row (SAP puts it around line 4; be generous).
HEAD_LINES = 60
#: Bytes of the head decoded for sniffing.
HEAD_BYTES = 256 * 1024
#: Excel's row limit: an export that reaches it was cut off.
EXCEL_MAX_ROWS = 1_048_576


class Unreadable(Exception):
    """The file cannot be read at all; the message is shown to the user as it is."""


def sniff_kind(data: bytes, file_name: str) -> str:
    """Decide from the magic bytes whether this is a workbook or text; raise Unreadable otherwise."""
    name = file_name.lower()
    wants_excel = name.endswith((".xlsx", ".xlsm", ".xls"))
    head = data[:512].lstrip()
    if data.startswith(b"%PDF"):
        if wants_excel:
            raise Unreadable("this is a PDF, not an Excel workbook: export the list again as XLSX or text")
        raise Unreadable("this is a PDF document, not an extract: export the list as XLSX, CSV or text")
    if data.startswith(b"PK\x03\x04"):
        return XLSX
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return XLS
    if head[:5].lower() in (b"<html", b"<!doc") or head.startswith(b"MIME-Version"):
        raise Unreadable("this is a web page (HTML), not an extract: export the list as XLSX, CSV or text")
    return TEXT


def decode_to_utf8(data: bytes, *, full: bool = True) -> tuple[bytes, str]:
    """Return the text as UTF-8 bytes (what polars reads) and the name of the source encoding.

    UTF-8 is kept as is so a large file is not copied (a BOM is harmless: the header line is
    always skipped when polars reads the body); UTF-16 with a BOM and Windows-1252 (Excel's "CSV"
    in Western Europe) are transcoded. With ``full=False`` only the head is checked and the caller
    must fall back to :func:`from_cp1252` when polars meets invalid UTF-8 further down (this
    saves decoding a large file twice). Raises Unreadable when no encoding fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data, "UTF-8 with BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise Unreadable(f"the file claims UTF-16 but byte {exc.start} cannot be decoded") from exc
    if b"\x00" in data[:HEAD_BYTES]:
        raise Unreadable("the file contains binary data (NUL bytes): it is not a text export")
    checked = data if full or len(data) <= HEAD_BYTES else data[:HEAD_BYTES]
    try:
        checked.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut_at_end = checked is not data and exc.start >= len(checked) - 3  # a character split by the cut
        if not cut_at_end:
            return from_cp1252(data), "Windows-1252"
    return data, "UTF-8"


def from_cp1252(data: bytes) -> bytes:
    """Windows-1252 text as UTF-8; Unreadable when even that does not fit (then it is not text).

    cp1252 and Latin-1 differ only in bytes 0x80-0x9F; without those, CPython's Latin-1 decoder
    (a near memcpy) gives the same text twice as fast as the cp1252 codec — it matters at 150 MB.
    """
    if not _has_c1_bytes(data):
        _refuse_mixed(data)
        return data.decode("latin-1").encode("utf-8")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"cannot decode the text as UTF-8 or Windows-1252 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}): save the export as UTF-8 or Windows-1252 text"
        ) from exc
    _refuse_mixed(data)
    return text.encode("utf-8")


#: Lead bytes of the UTF-8 sequences of Western and Central European text (Latin-1 Supplement,
#: Latin Extended-A, and E2 for € „ “ ” – …). Followed by continuation bytes, they are
#: mojibake in Windows-1252 ("Ã¼", "â‚¬"), so their presence in a non-UTF-8 file means UTF-8 lines.
_UTF8_LEADS: tuple[tuple[bytes, int], ...] = (
    (b"\xc2", 1),
    (b"\xc3", 1),
    (b"\xc4", 1),
    (b"\xc5", 1),
    (b"\xe2", 2),
)
#: Lines named per encoding in the message.
_LINES_NAMED = 10


def _looks_like_utf8_somewhere(data: bytes) -> bool:
    """Whether a UTF-8 multi-byte sequence occurs: a few memchr scans, no pass in Python."""
    for lead, continuations in _UTF8_LEADS:
        at = data.find(lead)
        while at >= 0:
            tail = data[at + 1 : at + 1 + continuations]
            if len(tail) == continuations and all(0x80 <= b <= 0xBF for b in tail):
                return True
            at = data.find(lead, at + 1)
    return False


def _refuse_mixed(data: bytes) -> None:
    """Raise Unreadable naming the lines when a file that is not UTF-8 also holds UTF-8 lines.

    Such a file (an export edited in two programs, or two exports pasted together) would be
    stored with half its names as "MÃ¼ller" whichever encoding is chosen. Only when the quick
    scan finds a UTF-8 sequence are the lines classified (the file is refused then anyway).
    """
    if not _looks_like_utf8_somewhere(data):
        return
    utf8, cp1252 = [], []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            cp1252.append(number)
        else:
            utf8.append(number)
    if not utf8 or not cp1252:
        return

    def named(lines: list[int], encoding: str) -> str:
        shown = ", ".join(str(n) for n in lines[:_LINES_NAMED])
        more = f" and {len(lines) - _LINES_NAMED:,} more" if len(lines) > _LINES_NAMED else ""
        noun, verb = ("line", "is") if len(lines) == 1 else ("lines", "are")
        return f"{noun} {shown}{more} {verb} {encoding}"

    raise Unreadable(
        f"the file mixes text encodings: {named(utf8, 'UTF-8')}, {named(cp1252, 'Windows-1252')}; "
        "nothing was read — save the whole export again in one encoding (UTF-8 or Windows-1252)"
    )


#: Bytes scanned at a time for cp1252's own bytes (4 MB: a slice and its temporaries stay in cache).
_C1_SLICE = 1 << 22


def _has_c1_bytes(data: bytes) -> bool:
    """Whether any byte is in 0x80-0x9F (cp1252's € „ “ ” … and its undefined bytes)."""
    if np is None:  # pragma: no cover - numpy comes with the app's dependencies
        return True
    octets = np.frombuffer(data, dtype=np.uint8)
    # in slices that stay in the cache, stopping at the first: one pass over a whole 160 MB file
    # allocated twice its size and took 0.3-0.9 s of an import, the slices take 0.08 s
    for start in range(0, octets.size, _C1_SLICE):
        part = octets[start : start + _C1_SLICE]
        if ((part - np.uint8(0x80)) < np.uint8(0x20)).any():  # wraps below 0x80
            return True
    return False


@dataclass
class TextLayout:
    """Where the table of a text export is: delimiter, header line and what is written above it."""

    delimiter: str
    header_line: int  # 1-based physical line of the header row
    headers: list[str]
    title_lines: list[tuple[int, str]] = field(default_factory=list)


def head_lines(buf: bytes, limit: int = HEAD_LINES) -> list[tuple[int, int, str]]:
    """First lines as (1-based line number, byte offset just after the line, text)."""
    out: list[tuple[int, int, str]] = []
    offset = 0
    for number in range(1, limit + 1):
        end = buf.find(b"\n", offset)
        stop = len(buf) if end < 0 else end + 1
        raw = buf[offset : stop if end < 0 else end]
        text = raw.rstrip(b"\r").decode("utf-8", errors="replace")
        out.append((number, stop, text.lstrip("\ufeff") if number == 1 else text))
        if end < 0:
            break
        offset = stop
    return out


def split_line(line: str, delimiter: str) -> list[str]:
    """Split one line as polars will: quotes honoured for ';' and ',', literal for tab and pipe."""
    if delimiter in "\t|":
        return [c.strip() for c in line.split(delimiter)]
    try:
        return [c.strip() for c in next(csv.reader([line], delimiter=delimiter, quotechar='"'), [])]
    except csv.Error:  # a stray CR inside the line: not a header anyway
        return [c.strip() for c in line.split(delimiter)]


def find_header(
    buf: bytes,
    score: Callable[[list[str]], int],
    *,
    minimum: int,
    delimiter: str | None = None,
    line: int | None = None,
) -> TextLayout | None:
    """The (line, delimiter) whose cells score best as a header; ``None`` if nothing reaches ``minimum``.

    ``line`` (1-based) fixes the header line, as a mapping's ``skip_rows`` does.
    """
    lines = head_lines(buf, max(HEAD_LINES, line or 0))
    best: tuple[int, int, str] | None = None  # (score, index, delimiter)
    for index, (number, _, text) in enumerate(lines):
        if not text.strip() or (line is not None and number != line):
            continue
        for delim in (delimiter,) if delimiter else DELIMITERS:
            if delim not in text:
                continue
            s = score(split_line(text, delim))
            if s >= minimum and (best is None or s > best[0]):
                best = (s, index, delim)
    if best is None:
        return None
    _, index, delim = best
    number, _, text = lines[index]
    titles = [(n, t.strip()) for n, _, t in lines[:index] if t.strip()]
    return TextLayout(delim, number, split_line(text, delim), titles)


def widest_line(buf: bytes) -> tuple[str, list[str]]:
    """The head line with the most non-empty cells (what a generic header probably is)."""
    best: tuple[int, str, list[str]] = (0, ",", [])
    for _, _, text in head_lines(buf):
        for delim in DELIMITERS:
            cells = split_line(text, delim)
            filled = sum(1 for c in cells if c)
            if filled > best[0]:
                best = (filled, delim, cells)
    return best[1], best[2]


_DATE = r"(\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})"
#: Title-line wording SAP uses before the list's key date (DE, EN, NL).
KEY_DATE = re.compile(
    r"(?:Stichtag|Key\s*date|Offene\s+Posten\s+zum|Open\s+items\s+at|Peildatum)\s*:?\s*" + _DATE,
    re.IGNORECASE,
)


def parse_key_date(text: str) -> date | None:
    """Read a date as written after "Stichtag"/"Key date"; ``None`` if it is not a real date."""
    for fmt in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    return None


def key_dates(lines: list[tuple[int, str]]) -> list[tuple[int, date]]:
    """The key dates stated in title lines, with the line each was found on."""
    found = []
    for number, text in lines:
        for match in KEY_DATE.finditer(text):
            parsed = parse_key_date(match.group(1))
            if parsed is not None:
                found.append((number, parsed))
    return found
