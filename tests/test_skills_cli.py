"""``skills import`` and ``coverage [--json]`` from the outside: exit codes, the JSON keys exactly,
what the lists hold, a bad file storing nothing."""

from __future__ import annotations

import json

import pytest

from ar_core.cli.entry import main
from ar_core.store.db import make_engine, migrate
from tests.skills_setup import seed

KEYS = ["area", "people_at_level", "required", "gap", "closest"]


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("AR_DATABASE_URL", url)
    monkeypatch.setenv("AR_DATA_DIR", str(tmp_path))
    engine = make_engine(url)
    migrate(engine)
    seed(engine)
    engine.dispose()
    return tmp_path


LEVELS = """person,skill,level
c.meyer,dispute_resolution,3
j.devries,dispute_resolution,1
e.dubois,dispute_resolution,2
c.meyer,german,C2
j.devries,german,C1
e.dubois,french,C1
c.meyer,french,B2
j.devries,Dutch,C2
"""


def test_import_then_coverage_json(db, capsys):
    (db / "levels.csv").write_text(LEVELS, encoding="utf-8")
    assert main(["skills", "import", str(db / "levels.csv")]) == 0
    assert "levels.csv: 8 level(s) stored" in capsys.readouterr().out
    assert main(["coverage", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all(list(o) == KEYS for o in out)
    by_area = {o["area"]: o for o in out}
    assert [o["area"] for o in out][:9] == [
        "collections",
        "disputes",
        "cash allocation",
        "reconciliation",
        "dunning",
        "payment plans",
        "legal/write-off",
        "reporting",
        "master data",
    ]
    assert by_area["disputes"] == {
        "area": "disputes",
        "people_at_level": ["c.meyer", "e.dubois"],
        "required": 2,
        "gap": 0,
        "closest": [],
    }
    assert by_area["collections"] == {
        "area": "collections",
        "people_at_level": [],
        "required": 2,
        "gap": 2,
        "closest": [],
    }
    # customers: German 2, French 2, Dutch 2 (ties by code: de, fr, nl)
    assert [o["area"] for o in out][9:] == ["German", "French", "Dutch"]
    assert by_area["French"] == {
        "area": "French",
        "people_at_level": ["e.dubois"],
        "required": 2,
        "gap": 1,
        "closest": ["c.meyer"],
    }
    assert by_area["Dutch"]["people_at_level"] == ["j.devries"] and by_area["Dutch"]["closest"] == []
    assert main(["coverage"]) == 0
    table = capsys.readouterr().out
    assert "French" in table and "33.3 % of customers" in table and "closest: c.meyer" in table


def test_a_bad_file_stores_nothing_and_names_the_row(db, capsys):
    (db / "levels.csv").write_text(LEVELS + "x.nobody,german,C1\nc.meyer,juggling,2\n", encoding="utf-8")
    assert main(["skills", "import", str(db / "levels.csv"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "file": "levels.csv",
        "stored": 0,
        "problems": [
            "levels.csv, row 10, column 'person': 'x.nobody' is not a user of AR Desk",
            "levels.csv, row 11, column 'skill': 'juggling' is not a skill of the list",
        ],
    }
    assert main(["coverage", "--json"]) == 0
    out = {o["area"]: o for o in json.loads(capsys.readouterr().out)}
    assert out["disputes"]["people_at_level"] == []
    assert main(["skills", "import", str(db / "missing.csv")]) == 2
