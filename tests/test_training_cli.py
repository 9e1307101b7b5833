"""``python -m ar_core training import`` / ``training risks`` end to end, with the JSON keys exactly."""

from __future__ import annotations

import json

import pytest

from ar_core.access import Actor, create_user
from ar_core.cli.entry import main
from ar_core.cli.training import RISK_KEYS
from ar_core.store.db import make_engine, migrate

SYSTEM = Actor("system", "System", frozenset({"admin", "lead"}))
PLAN = (
    "person,module,start,due,expected_hours,hours_done,completed_on\n"
    "r.bakker,Dunning basics,2026-11-22,2027-01-15,40,10,\n"  # 1 h/day -> 30 days -> 1.1.2027: on track
    "r.bakker,Shadowing: customer calls,20.11.2026,01.03.2027,16,0,\n"  # pace 0 since 20.11.: never
    "r.bakker,Cash allocation,2026-11-01,2026-11-30,10,4,\n"  # due before the as-of day: late
    "s.dejong,SOP writing,2026-11-01,2027-01-31,40,10,\n"  # 10/31 h/day -> 93 days -> 5.3.2027: at risk
    "s.dejong,Dunning basics,2026-10-01,2026-10-31,40,40,2026-11-03\n"  # done late
    "s.dejong,Reading the FBL5N extract,2026-12-14,2027-01-29,6.5,0,\n"  # not started: due date
)


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("AR_DATABASE_URL", url)
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AR_TODAY", "2026-12-02")
    engine = make_engine(url)
    migrate(engine)
    for name in ("r.bakker", "s.dejong"):
        create_user(engine, SYSTEM, username=name, name=name.title(), password="correct horse battery 1",
                    roles=["collector"], email=f"{name}@example.com")  # fmt: skip
    engine.dispose()
    return tmp_path


def test_import_then_risks_as_json_with_the_contract_keys(db, capsys):
    (db / "plan.csv").write_text(PLAN)
    assert main(["training", "import", str(db / "plan.csv")]) == 0
    assert "6 plan line(s) added" in capsys.readouterr().out
    assert main(["training", "risks", "--as-of", "02.12.2026", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all(tuple(o) == RISK_KEYS for o in out)
    assert RISK_KEYS == ("person", "module", "start", "due", "expected_hours", "hours_done", "completed_on",
                         "projected_finish", "status")  # fmt: skip
    got = {(o["person"], o["module"]): (o["projected_finish"], o["status"]) for o in out}
    assert got == {
        ("r.bakker", "Dunning basics"): ("2027-01-01", "on track"),
        ("r.bakker", "Shadowing: customer calls"): (None, "at risk"),
        ("r.bakker", "Cash allocation"): ("2027-01-18", "late"),  # 4 h in 31 d; 6 left: 46.5 -> 47 days
        ("s.dejong", "SOP writing"): ("2027-03-05", "at risk"),
        ("s.dejong", "Dunning basics"): (None, "done late"),
        ("s.dejong", "Reading the FBL5N extract"): ("2027-01-29", "on track"),
    }
    first = out[0]
    assert first == {
        "person": "r.bakker", "module": "Cash allocation", "start": "2026-11-01", "due": "2026-11-30",
        "expected_hours": "10.00", "hours_done": "4.00", "completed_on": None,
        "projected_finish": "2027-01-18", "status": "late",
    }  # fmt: skip
    done = next(o for o in out if o["status"] == "done late")
    assert done["completed_on"] == "2026-11-03"


def test_risks_default_to_today_and_print_a_table(db, capsys):
    (db / "plan.csv").write_text(PLAN)
    assert main(["training", "import", str(db / "plan.csv")]) == 0
    capsys.readouterr()
    assert main(["training", "risks"]) == 0  # AR_TODAY 2026-12-02
    table = capsys.readouterr().out
    assert "as of 2026-12-02" in table
    assert "never" in table and "done late" in table


def test_import_with_a_mapping_and_an_unknown_person_stores_nothing(db, capsys):
    (db / "plan.csv").write_text(
        "Mitarbeiter;Modul;Beginn;Fällig;Sollstunden\n"
        "r.bakker;Dunning basics;01.11.2026;31.12.2026;12\n"
        "x.nobody;Dunning basics;01.11.2026;31.12.2026;12\n"
    )
    (db / "m.yaml").write_text("columns:\n  person: Mitarbeiter\n  module: Modul\n  start: Beginn\n"
                               "  due: Fällig\n  expected_hours: Sollstunden\n")  # fmt: skip
    assert main(["training", "import", str(db / "plan.csv"), "--mapping", str(db / "m.yaml")]) == 1
    err = capsys.readouterr().err
    assert "plan.csv, row 3, column 'Mitarbeiter': 'x.nobody' is not a user" in err
    assert main(["training", "risks", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["training", "import", str(db / "missing.csv")]) == 2
