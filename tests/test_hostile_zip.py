"""Zip bombs: a workbook whose parts inflate far beyond the upload is refused before any parsing.

The big test builds a real bomb (a 1 GiB shared-strings part in a ~1 MB upload, written in
streamed chunks) and reads it in a child process whose memory is sampled; a watchdog kills the
child above 1.5 GB, so an unguarded reader fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from ar_core.ingest import package, read_customer_master, read_extract, source_headers
from ar_core.ingest.result import MAX_MESSAGE, Problem
from tests.test_ingest_damaged import customer_workbook, fbl5n_workbook

GIB = 1024**3
MIB = 1024**2
SST_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def with_shared_strings(base: bytes, out, size: int) -> None:
    """Copy ``base`` into ``out`` with its sharedStrings.xml replaced by ~``size`` bytes of strings."""
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                dst.writestr(info.filename, src.read(info.filename))
                continue
            original = src.read(info.filename)
            body = original[original.index(b"<si>") : original.rindex(b"</sst>")]
            chunk = b"<si><t>" + b"A" * (MIB - 16) + b"</t></si>"
            with dst.open(info.filename, "w", force_zip64=True) as part:  # streamed: never 1 GiB in memory
                part.write(SST_HEAD + body)
                for _ in range(size // len(chunk)):
                    part.write(chunk)
                part.write(b"</sst>")


def small_bomb(base: bytes, size: int = 64 * MIB) -> bytes:
    out = io.BytesIO()
    with_shared_strings(base, out, size)
    return out.getvalue()


CHILD = r"""
import json, resource, sys
from pathlib import Path
from ar_core.ingest import read_extract
data = Path(sys.argv[1]).read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
result = read_extract(data, "bomb.xlsx")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"before": before, "after": after, "problems": [p.message for p in result.problems],
                  "rows": result.items.height}))
"""


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def test_a_real_gib_zip_bomb_is_refused_with_little_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with bomb.open("wb") as out:
        with_shared_strings(fbl5n_workbook(), out, GIB)
    assert bomb.stat().st_size < 5 * MIB  # the upload is small, well under the upload limit
    with zipfile.ZipFile(bomb) as z:
        assert z.getinfo("xl/sharedStrings.xml").file_size > GIB - 2 * MIB
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(bomb)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak, killed, started = 0, False, time.monotonic()
    while child.poll() is None:
        peak = max(peak, _rss(child.pid))
        if peak > 1500 * MIB or time.monotonic() - started > 120:
            child.kill()
            killed = True
            break
        time.sleep(0.01)
    out, err = child.communicate()
    assert not killed, f"the reader took {peak / MIB:.0f} MB (killed)"
    assert child.returncode == 0, err[-2000:]
    report = json.loads(out.strip().splitlines()[-1])
    assert report["rows"] == 0
    assert len(report["problems"]) == 1
    message = report["problems"][0]
    assert "sharedStrings.xml" in message and "100:1" in message
    assert len(message) <= MAX_MESSAGE
    assert report["after"] - report["before"] < 300 * MIB  # reading the bomb added (almost) nothing


@pytest.mark.parametrize("reader", ["extract", "customers", "headers"])
def test_every_workbook_reader_refuses_a_bomb(reader: str) -> None:
    if reader == "extract":
        problems = read_extract(small_bomb(fbl5n_workbook()), "b.xlsx").problems
    elif reader == "customers":
        problems = read_customer_master(small_bomb(customer_workbook()), "b.xlsx")[1]
    else:
        assert source_headers(small_bomb(fbl5n_workbook()), "b.xlsx") == []
        return
    assert [p.row for p in problems] == [None]
    assert "compressed" in problems[0].message and "(limit 100:1)" in problems[0].message


def _lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """Patch the uncompressed size in the local and central header of part ``name``."""
    buf = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<L", buf, info.header_offset + 22, declared)  # local header
    entry = buf.rindex(b"PK\x01\x02", 0, buf.rindex(name.encode()) + 1)
    struct.pack_into("<L", buf, entry + 24, declared)  # central directory
    return bytes(buf)


def test_a_part_that_inflates_beyond_its_declared_size_is_refused() -> None:
    real = small_bomb(fbl5n_workbook(), 4 * MIB)  # under the ratio threshold: only the lie betrays it
    lying = _lie_about_size(real, "xl/sharedStrings.xml", 5000)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("xl/sharedStrings.xml").file_size == 5000
    result = read_extract(lying, "lie.xlsx")
    assert [p.row for p in result.problems] == [None]
    assert "inflates to more than the 5,000 bytes its header declares" in result.problems[0].message


def test_the_limits_follow_the_upload_limit(monkeypatch) -> None:
    assert package.inflate_cap(200 * MIB) == 2000 * MIB
    assert package.inflate_cap(1000 * MIB) == 4 * GIB  # the absolute cap
    monkeypatch.setenv("AR_UPLOAD_LIMIT_MB", "1")
    # 64 MiB inflated > 10 x 1 MB upload limit: refused by size before the ratio is looked at
    problems = read_extract(small_bomb(fbl5n_workbook()), "b.xlsx").problems
    assert "would inflate to 64 MB (limit 10 MB)" in problems[0].message


def test_an_honest_workbook_still_reads() -> None:
    result = read_extract(fbl5n_workbook(), "ok.xlsx")
    assert result.errors == [] and result.items.height == 3


def test_every_problem_message_is_bounded() -> None:
    problem = Problem("f.csv", 3, "x" * 1000, "y" * 10_000_000)
    assert len(problem.message) == MAX_MESSAGE and problem.message.endswith("…")
    assert len(problem.column) <= 200
    assert Problem("f.csv", None, None, "short").message == "short"
