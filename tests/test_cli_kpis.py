"""``python -m ar_core kpis`` end to end: a generic all-items CSV imported through the CLI, then the
KPIs of a quarter as JSON and as a table, compared with hand-computed CRF values; ``sales import``."""

from __future__ import annotations

import json

import pytest

from ar_core.cli.entry import main
from ar_core.cli.kpis import KPI_KEYS

#: Every invoice settled (an all-items extract), as a generic export writes it (US dates).
CSV = (
    "countryCode,customerID,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate\n"
    "391,A,1001,12/10/2012,1/9/2013,1000.00,No,1/19/2013\n"  # open at 31.12; 10 days late
    "406,B,1002,12/20/2012,1/19/2013,2000.00,No,4/10/2013\n"  # open at both ends, 71 days past due
    "391,A,1003,1/15/2013,2/14/2013,3000.00,No,2/10/2013\n"  # Jan sale, paid early
    "406,B,1004,2/5/2013,3/7/2013,1500.00,No,3/27/2013\n"  # Feb sale, 20 days late
    "818,C,1005,3/10/2013,4/9/2013,2500.00,No,4/20/2013\n"  # Mar sale, current at 31.03
    "818,C,1006,3/25/2013,4/24/2013,500.00,No,5/1/2013\n"  # Mar sale, current
    "770,D,1007,11/1/2012,12/1/2012,400.00,Yes,5/15/2013\n"  # 120 days past due at 31.03
)
MAPPING = (
    "columns: {customer_id: customerID, doc_no: invoiceNumber, doc_date: InvoiceDate,\n"
    "          due_date: DueDate, amount: InvoiceAmount, clearing_date: SettledDate,\n"
    "          disputed: Disputed}\n"
    "constants: {currency: EUR}\n"
    'date_format: "%m/%d/%Y"\n'
    'decimal: "."\n'
)


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("AR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AR_TODAY", "2014-01-10")
    return tmp_path


@pytest.fixture
def imported(db, capsys):
    (db / "ar.csv").write_text(CSV)
    (db / "m.yaml").write_text(MAPPING)
    assert main(["import", str(db / "ar.csv"), "--mapping", str(db / "m.yaml"), "--as-of", "2013-12-31",
                 "--scope", "full", "--json"]) == 0  # fmt: skip
    capsys.readouterr()
    return db


def test_kpis_of_a_quarter_from_an_all_items_csv(imported, capsys):
    assert main(["kpis", "--from", "2013-01-01", "--to", "2013-03-31", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out)[: len(KPI_KEYS)] == list(KPI_KEYS)
    assert {k: out[k] for k in KPI_KEYS} == {
        "beginning_ar": "3400.00",  # 1001 1000 + 1002 2000 + 1007 400
        "ending_ar": "5400.00",  # 1002 2000 + 1005 2500 + 1006 500 + 1007 400
        "ending_current_ar": "3000.00",  # 1005, 1006: due in April
        "credit_sales": "7500.00",  # Jan 3000, Feb 1500, Mar 3000
        "days": 90,
        "months": 3,
        "dso_simple": "64.80",  # 5400 / 7500 × 90
        "dso_countback": "68.30",  # 5400 − 3000 (31 d) − 1500 (28 d) = 900; 900 / 3000 × 31 = 9.3
        "best_possible_dso": "36.00",  # 3000 / 7500 × 90
        "add": "28.80",
        "cei": "17.24",  # (3400 + 2500 − 5400) / (3400 + 2500 − 3000) = 500 / 2900
        "pct_current": "55.56",  # 3000 / 5400
        "pct_over_90": "7.41",  # 400 / 5400
        "avg_days_late": "10.00",  # 1001 10, 1003 0, 1004 20
        "avg_days_late_weighted": "7.27",  # (10000 + 0 + 30000) / 5500
        "sales_source": "invoices",
    }
    assert out["currency"] == "EUR"
    # no snapshot before: the only source, and its first clearing (19.01.) is after 01.01., which it says
    assert out["beginning_source"] == (
        "reconstructed from the all-items extract of 31.12.2013 (its cleared lines start on 19.01.2013: "
        "items cleared from 01.01.2013 to then would be missing)"
    )
    assert out["ending_source"] == "reconstructed from the all-items extract of 31.12.2013"
    assert [m["sales"] for m in out["monthly_sales"]] == ["3000.00", "1500.00", "3000.00"]
    assert out["promise_kept_rate"] is None and out["promises_due"] == 0


def test_the_table_names_each_kpi_its_formula_and_inputs(imported, capsys):
    assert main(["kpis", "--from", "01.01.2013", "--to", "31.03.2013"]) == 0
    text = capsys.readouterr().out
    assert "dso_simple" in text and "64.80" in text and "ending AR ÷ credit sales × D" in text
    assert "reconstructed from the all-items extract of 31.12.2013" in text
    assert "2013-02 (28 d)" in text


def _run(capsys, *args: str) -> str:
    assert main(["kpis", *args, "--json"]) == 0
    return capsys.readouterr().out


def _refused(capsys, *args: str) -> str:
    """Run ``kpis`` with ``args``: exit 1, nothing on stdout, the one line on stderr returned."""
    assert main(["kpis", *args, "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    return err


def test_an_unknown_company_code_or_collector_exits_1_naming_it(imported, capsys):
    period = ("--from", "2013-01-01", "--to", "2013-03-31")
    assert json.loads(_run(capsys, *period))["ending_ar"] == "5400.00"
    assert "'9999'" in _refused(capsys, *period, "--company-code", "9999")
    assert "'nobody'" in _refused(capsys, *period, "--collector", "nobody")


def test_a_period_nothing_can_give_ending_ar_for_exits_1(imported, capsys):
    # the only extract (31.12.2013) lists clearings from 19.01.2013 on: AR at 31.12.2012 is unknown
    err = _refused(capsys, "--from", "2012-11-01", "--to", "2012-12-31")
    assert "31.12.2012" in err and "no snapshot on or before" in err


def test_ar_read_from_a_snapshot_more_than_7_days_older_says_so(imported, capsys):
    # January 2014: ending AR at 31.01. from the snapshot of 31.12.2013, 31 days older
    notes = json.loads(_run(capsys, "--from", "2014-01-01", "--to", "2014-01-31"))["notes"]
    assert (
        "AR at 31.01.2014: the snapshot of 31.12.2013 it is read from is 31 days older (more than 7): "
        "what was paid or invoiced since is not in it, and its items are aged as at 31.01.2014"
    ) in notes
    assert not any(n.startswith("AR at 31.12.2013: the snapshot") for n in notes)  # the very day
    # 7 days older: the nearest earlier snapshot, said as always, but not flagged as stale
    notes = json.loads(_run(capsys, "--from", "2014-01-01", "--to", "2014-01-07"))["notes"]
    assert not any("days older" in n for n in notes)


def test_notes_are_a_list_even_when_a_note_holds_a_semicolon(db, capsys):
    """An open-items extract (no settled dates): the days-late note is one item of ``notes``."""
    lines = [line.rsplit(",", 1)[0] for line in CSV.splitlines()]
    (db / "feb.csv").write_text("\n".join(lines[:5]) + "\n")  # without the March invoices
    (db / "mar.csv").write_text("\n".join(lines) + "\n")
    (db / "m.yaml").write_text(MAPPING.replace(", clearing_date: SettledDate", ""))
    for name, as_of in (("feb.csv", "2013-02-28"), ("mar.csv", "2013-03-31")):
        assert main(["import", str(db / name), "--mapping", str(db / "m.yaml"), "--as-of", as_of,
                     "--scope", "full", "--json"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["kpis", "--from", "2013-03-01", "--to", "2013-03-31", "--json"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    days_late = [n for n in notes if n.startswith("days late:")]
    assert len(days_late) == 1 and "; an all-items extract gives the days late" in days_late[0]
    assert not any(n.startswith("an all-items extract") for n in notes)


def test_bad_dates_exit_2(db, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["kpis", "--from", "2013-13-01", "--to", "2013-03-31"])
    assert exc.value.code == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["kpis", "--from", "2013-03-31", "--to", "2013-01-01"]) == 2
    assert "before" in capsys.readouterr().err


def test_no_snapshot_exits_1_naming_the_date(db, capsys):
    assert main(["kpis", "--from", "2013-01-01", "--to", "2013-03-31", "--json"]) == 1
    assert "31.12.2012" in capsys.readouterr().err


def test_sales_import_stores_or_names_the_problems(db, capsys):
    good = db / "sales.csv"
    good.write_text('company code,month,credit sales,currency\n1000,2026-09,"1,234.56",EUR\n')
    assert main(["sales", "import", str(good), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "file": "sales.csv",
        "stored": 1,
        "replaced": 0,
        "problems": [],
    }
    again = db / "sales2.csv"
    again.write_text(
        "company code,month,credit sales,currency\n1000,09.2026,2000.00,EUR\n1000,13.2026,1,EUR\n"
    )
    assert main(["sales", "import", str(again), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["stored"] == 0
    assert out["problems"] == [
        "sales2.csv, row 3, column 'month': cannot read '13.2026' as a month (YYYY-MM or MM.YYYY)"
    ]
    again.write_text("company code,month,credit sales,currency\n1000,09.2026,2000.00,EUR\n")
    assert main(["sales", "import", str(again), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["replaced"] == 1
