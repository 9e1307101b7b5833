"""``payment-plan schedule``: the JSON contract (keys, decimal strings, ISO dates) and the table."""

from __future__ import annotations

import json
from decimal import Decimal

from ar_core.cli.entry import main


def _run(capsys, *args):
    code = main(["payment-plan", "schedule", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_rows_have_due_and_amount_and_sum_to_the_amount(capsys):
    code, out, _ = _run(capsys, "--amount", "1000", "--instalments", "3", "--first", "25.12.2026",
                        "--every", "month", "--country", "DE", "--json")  # fmt: skip
    assert code == 0
    rows = json.loads(out)
    assert rows == [
        {"due": "2026-12-28", "amount": "333.34"},  # 25.12 holiday, 26.12 Sat, 27.12 Sun
        {"due": "2027-01-25", "amount": "333.33"},
        {"due": "2027-02-25", "amount": "333.33"},
    ]
    assert all(set(r) == {"due", "amount"} for r in rows)


def test_the_down_payment_is_the_first_row(capsys):
    code, out, _ = _run(capsys, "--amount", "900.00", "--down", "150", "--down-on", "2027-01-08",
                        "--instalments", "2", "--first", "2027-04-27", "--every", "quarter",
                        "--country", "NL", "--json")  # fmt: skip
    assert code == 0
    rows = json.loads(out)
    # 27.04.2027 is Koningsdag -> 28.04; 27.07.2027 a Tuesday
    assert rows == [
        {"due": "2027-01-08", "amount": "150.00"},
        {"due": "2027-04-28", "amount": "375.00"},
        {"due": "2027-07-27", "amount": "375.00"},
    ]
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("900.00")


def test_weekly_and_the_readable_table(capsys):
    code, out, _ = _run(capsys, "--amount", "10", "--instalments", "3", "--first", "2027-01-02",
                        "--every", "week")  # fmt: skip
    assert code == 0
    assert "04.01.2027" in out and "Monday" in out and "3.34" in out and "10.00" in out
    assert "only weekends" in out


def test_a_bad_value_names_its_flag(capsys):
    code, _, err = _run(capsys, "--amount", "100", "--down", "100", "--instalments", "2",
                        "--first", "2027-01-04", "--every", "month", "--json")  # fmt: skip
    assert code == 2
    assert err.startswith("--down:")
