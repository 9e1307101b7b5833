"""Store limits are checked at validation, so SQLite and PostgreSQL accept and refuse the same files.

PostgreSQL refuses a NUL byte, a customer id over 40 characters or a name over 200 at commit
(SQLite stores them); the validator names each such value by row and column instead.
"""

from __future__ import annotations

import pytest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import ValidationFailed
from ar_core.ingest import read_customer_master, read_extract
from ar_core.schema import store_text_limits
from ar_core.store.models import Customer, OpenItem
from tests.conftest import LEAD
from tests.samples import LINES, fbl5n_german_text


def _with(index: int, field: int, value: str) -> list[tuple]:
    lines = [list(line) for line in LINES]
    lines[index][field] = value
    return [tuple(line) for line in lines]


def _line_of(data: bytes, needle: str) -> int:
    text = data.decode("utf-8", errors="replace") if b"\xc3" in data else data.decode("cp1252")
    return next(i for i, line in enumerate(text.split("\n"), start=1) if needle in line)


def test_the_limits_are_the_models_own() -> None:
    items, customers = store_text_limits("open_items"), store_text_limits("customers")
    assert items["customer_id"] == 40 and items["customer_name"] == 200 and items["doc_no"] == 40
    assert items["reference"] is None and items["text"] is None  # Text: no limit
    assert customers["customer_id"] == 40 and customers["name"] == 200
    assert OpenItem.__table__.c.customer_id.type.length == 40  # the one definition
    assert Customer.__table__.c.name.type.length == 200


@pytest.mark.parametrize(
    ("field", "value", "column", "message"),
    [
        (1, "9" * 41, "Konto", "is 41 characters long; the store keeps at most 40"),
        (2, "M" * 201, "Name 1", "is 201 characters long; the store keeps at most 200"),
        (3, "18" * 21, "Belegnummer", "is 42 characters long; the store keeps at most 40"),
    ],
)
def test_values_the_store_cannot_keep_are_row_problems(store, field, value, column, message) -> None:
    data = fbl5n_german_text(lines=_with(0, field, value))
    result = read_extract(data, "bad.txt")
    row = _line_of(data, "1800000001" if field != 3 else "18" * 21)
    errors = [p for p in result.errors if message in p.message]
    assert [(p.row, p.column) for p in errors] == [(row, column)]
    assert result.items.height == len(LINES) - 1
    with pytest.raises(ValidationFailed):
        import_snapshot(store, LEAD, result)


#: Items of 0,00 EUR that push a line past the first 256 KB (a NUL there is no "binary file").
FILLER = [("1000", "0000100003", "Filler KG", f"19{i:08d}", "2026", "1", "RV", "01.11.2026", "01.12.2026",
           "0,00", "EUR") for i in range(3500)]  # fmt: skip


def test_a_nul_byte_in_a_value_is_a_row_problem(store) -> None:
    lines = [*LINES, *FILLER]
    lines[-1] = (*lines[-1][:2], "Filler\x00KG", *lines[-1][3:])
    data = fbl5n_german_text(lines=lines)
    assert data.index(b"\x00") > 256 * 1024
    result = read_extract(data, "nul.txt")
    row = _line_of(data, "1900003499")
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        (row, "Name 1", "holds a NUL byte (\\x00), which the database cannot store")
    ]
    with pytest.raises(ValidationFailed):
        import_snapshot(store, LEAD, result)


def test_values_at_the_limit_commit_on_both_databases(store) -> None:
    name = "Müller " + "ü" * 193  # 200 characters, 393 bytes: characters count, not bytes
    lines = _with(0, 2, name)
    lines[0] = (lines[0][0], "9" * 40, *lines[0][2:])
    result = read_extract(fbl5n_german_text(lines=lines), "ok.txt")
    assert result.errors == []
    outcome = import_snapshot(store, LEAD, result)
    assert outcome.rows == len(LINES)


def test_customer_master_values_the_store_cannot_keep() -> None:
    filler = "".join(f"C{i:05d};Filler {i} GmbH;DE\n" for i in range(12000))  # the NUL past 256 KB
    text = "customer_id;name;country\n" + "1" * 41 + ";A;DE\n0815;" + "N" * 201 + ";NL\n" + filler
    data = (text + "4711;ok\x00;DE\n").encode()
    frame, problems = read_customer_master(data, "m.csv")
    assert [(p.row, p.column, p.message[-40:]) for p in problems] == [
        (2, "customer_id", "racters long; the store keeps at most 40"),
        (3, "name", "acters long; the store keeps at most 200"),
        (12004, "name", " (\\x00), which the database cannot store"),
    ]
    assert frame.height == 12000
