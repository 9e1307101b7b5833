"""Mixed encodings: UTF-8 lines in a Windows-1252 file (or the reverse) are refused, naming the lines.

Never stored as "MÃ¼ller", never misreported as a missing column. The sample extract has its
header on line 4 ("Geschäftsjahr", "Hauswährung") and items on lines 5-8: Müller on 5 and 6,
Bakker on 7 and 8 (see tests.samples).
"""

from __future__ import annotations

from ar_core.ingest import read_customer_master, read_extract
from tests.samples import LINES, fbl5n_german_text

#: 0,00 EUR items that push a line past the 256 KB head (the path where polars meets the bad byte).
FILLER = [("1000", "0000100003", "Filler KG", f"19{i:08d}", "2026", "1", "RV", "01.11.2026", "01.12.2026",
           "0,00", "EUR") for i in range(3500)]  # fmt: skip


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _replace_line(data: bytes, number: int, old: str, new: bytes) -> bytes:
    lines = _lines(data)
    lines[number - 1] = lines[number - 1].replace(old.encode("cp1252"), new)
    return b"\n".join(lines)


def test_a_utf8_line_in_a_windows_1252_file() -> None:
    data = fbl5n_german_text()  # Windows-1252
    assert b"M\xfcller" in data
    mixed = _replace_line(data, 7, "Bakker Logistiek", "Bäcker Lögistiek".encode())
    result = read_extract(mixed, "mixed.txt")
    assert [(p.row, p.message) for p in result.problems] == [
        (
            None,
            "the file mixes text encodings: line 7 is UTF-8, lines 4, 5, 6 are Windows-1252; nothing was "
            "read — save the whole export again in one encoding (UTF-8 or Windows-1252)",
        )
    ]
    assert result.items.height == 0


def test_windows_1252_lines_far_down_a_utf8_file() -> None:
    lines = [*LINES, *FILLER]
    data = fbl5n_german_text(lines=lines).decode("cp1252").encode("utf-8")
    last = 8 + len(FILLER)  # the last filler item
    mixed = _replace_line(data, last, "Filler KG", "Bäcker KG".encode("cp1252"))
    assert mixed.index(b"B\xe4cker") > 256 * 1024
    result = read_extract(mixed, "mixed.txt")
    assert len(result.problems) == 1
    message = result.problems[0].message
    assert f"lines 4, 5, 6 are UTF-8, line {last} is Windows-1252" in message
    assert not any("Ã" in str(v) for v in result.items["customer_name"].to_list())


def test_a_utf8_header_over_windows_1252_rows_is_no_missing_column() -> None:
    data = fbl5n_german_text()
    header = _lines(data)[3]
    mixed = _replace_line(data, 4, header.decode("cp1252"), header.decode("cp1252").encode("utf-8"))
    result = read_extract(mixed, "mixed.txt")
    assert len(result.problems) == 1
    assert "line 4 is UTF-8, lines 5, 6 are Windows-1252" in result.problems[0].message
    assert "missing" not in result.problems[0].message


def test_a_customer_master_with_mixed_encodings() -> None:
    data = "customer_id;name\n1;Müller\n".encode() + "2;Jäger\n".encode("cp1252")
    frame, problems = read_customer_master(data, "m.csv")
    assert frame.height == 0
    assert [p.message[:80] for p in problems] == [
        "the file mixes text encodings: line 2 is UTF-8, line 3 is Windows-1252; nothing "
    ]


def test_clean_files_in_either_encoding_still_read() -> None:
    data = fbl5n_german_text()
    for encoded in (data, data.decode("cp1252").encode("utf-8")):
        result = read_extract(encoded, "ok.txt")
        assert result.errors == []
        assert "Müller Maschinenbau GmbH" in result.items["customer_name"].to_list()


def test_a_windows_1252_sign_anywhere_in_a_large_file_is_read_as_windows_1252() -> None:
    """The scan for cp1252's own bytes (€ „ “ …) goes through the file in slices: a sign just
    before, on and after a slice's end is found, so "€" never becomes the control character
    Latin-1 would make of it."""
    from ar_core.ingest import detect

    size = detect._C1_SLICE
    for at in (size - 1, size, 2 * size + 5):
        data = b"a" * at + "Preis 5 € netto".encode("cp1252") + b"b" * 10
        text = detect.from_cp1252(data).decode("utf-8")
        assert text[at : at + 15] == "Preis 5 € netto"
    assert detect.from_cp1252(b"M\xfcller " * 3) == "Müller Müller Müller ".encode()
