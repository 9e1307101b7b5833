"""``dunning run --json`` (exactly the issue's keys, amounts as two-place strings, credits negative
with no interest) and ``dunning letters`` (one PDF per customer and the whole run)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ar_core.cli.common import open_store
from ar_core.cli.entry import main
from ar_core.recovery import propose_dunning_run, release_run
from tests.conftest import LEAD
from tests.dunning_setup import AS_OF, seed_dunning

KEYS = ["customer_id", "language", "level", "items", "interest_total", "compensation", "total"]
ITEM_KEYS = ["doc_no", "amount", "due_date", "days_overdue", "interest"]


@pytest.fixture
def cli_store(tmp_path, monkeypatch, make_result):
    monkeypatch.setenv("AR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    engine = open_store()
    seed_dunning(engine, make_result)
    return engine


def test_run_json_keys_and_values(cli_store, capsys):
    assert main(["dunning", "run", "--as-of", "20.11.2026", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [x["customer_id"] for x in out] == ["C1", "C2"]
    c1 = out[0]
    assert list(c1) == KEYS
    assert all(list(i) == ITEM_KEYS for i in c1["items"])
    assert (c1["language"], c1["level"]) == ("de", 1)
    assert [(i["doc_no"], i["amount"], i["due_date"], i["days_overdue"]) for i in c1["items"]] == [
        ("B", "500.00", "2026-10-11", 40),
        ("A", "1000.00", "2026-11-10", 10),
        ("CR", "-200.00", "2026-11-01", 0),
    ]
    assert c1["items"][2]["interest"] == "0.00"
    interest = sum(Decimal(i["interest"]) for i in c1["items"])
    assert c1["interest_total"] == f"{interest:.2f}"
    assert c1["compensation"] == "80.00"
    assert Decimal(c1["total"]) == Decimal("1300.00") + interest + Decimal("80.00")
    assert all(len(v.split(".")[1]) == 2 for v in (c1["total"], c1["interest_total"], c1["compensation"]))


def test_run_as_a_table_and_a_bad_date(cli_store, capsys):
    assert main(["dunning", "run", "--as-of", "2026-11-20"]) == 0
    text = capsys.readouterr().out
    assert "2 letter(s)" in text and "reminder" in text
    with pytest.raises(SystemExit):
        main(["dunning", "run", "--as-of", "20/11/2026"])


def test_letters_write_one_pdf_per_customer_and_the_run(cli_store, tmp_path, capsys):
    out = tmp_path / "letters"
    assert main(["dunning", "letters", "--as-of", "2026-11-20", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["dunning-run-2026-11-20.pdf", "reminder-C1-2026-11-20.pdf", "reminder-C2-2026-11-20.pdf"]
    whole = PdfReader(out / "dunning-run-2026-11-20.pdf")
    text = "".join(page.extract_text() for page in whole.pages)
    assert "Customer C1" in text and "Customer C2" in text
    capsys.readouterr()
    # after the release the same command writes the letters that were sent
    run = propose_dunning_run(cli_store, LEAD, AS_OF)
    release_run(cli_store, LEAD, run, letter_date=AS_OF)
    again = tmp_path / "sent"
    assert main(["dunning", "letters", "--as-of", "2026-11-20", "--out", str(again)]) == 0
    assert f"run {run} (released)" in capsys.readouterr().out
    assert len(list(again.iterdir())) == 3
