"""CLI start-up: a command loads only what it uses (the budget is 0.5 s for the whole process).

Timing is measured in ``make bench``; this test pins the cause instead: ``snapshots`` and
``--help`` must not import polars, numpy, the ORM or Alembic, which together cost most of a
second on the 2-core reference machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.samples import TOTAL_EUR, fbl5n_german_text

HEAVY = ("polars", "numpy", "sqlalchemy.orm", "alembic", "pyarrow", "ar_core.store.models")

PROBE = """
import runpy, sys, io, contextlib, json
watched = json.loads(sys.argv[2])
sys.argv = ["ar_core", *json.loads(sys.argv[1])]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        runpy.run_module("ar_core", run_name="__main__")
    except SystemExit as exc:
        code = exc.code
heavy = sorted(m for m in watched if m in sys.modules)
print(json.dumps({"code": code, "out": out.getvalue(), "heavy": heavy}))
"""


def _probe(args: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def env(tmp_path):
    env = dict(os.environ, AR_DATA_DIR=str(tmp_path), AR_TODAY="2026-11-20",
               AR_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}")  # fmt: skip
    f = tmp_path / "fbl5n.txt"
    f.write_bytes(fbl5n_german_text())
    subprocess.run([sys.executable, "-m", "ar_core", "import", str(f)], env=env, check=True,
                   capture_output=True, timeout=300)  # fmt: skip
    return env


def test_listing_snapshots_loads_no_heavy_library(env):
    probe = _probe(["snapshots", "--json"], env)
    assert probe["code"] == 0
    listed = json.loads(probe["out"])
    assert [(s["snapshot_id"], s["as_of"], s["rows"], s["totals"]) for s in listed] == [
        (1, "2026-11-20", 4, {"EUR": TOTAL_EUR})
    ]
    assert probe["heavy"] == []


def test_the_human_listing_and_help_load_no_heavy_library(env):
    probe = _probe(["snapshots"], env)
    assert probe["code"] == 0 and "2026-11-20" in probe["out"] and "fbl5n.txt" in probe["out"]
    assert probe["heavy"] == []
    assert _probe(["--help"], env)["heavy"] == []


def test_the_light_register_names_the_columns_of_the_models():
    """The register reads through Core clauses of its own: a renamed column must fail here."""
    from ar_core.ledger import register
    from ar_core.store.models import Snapshot, SnapshotTotal

    for light, model in ((register._SNAPSHOTS, Snapshot), (register._TOTALS, SnapshotTotal)):
        assert light.name == model.__tablename__
        columns = model.__table__.columns
        for column in light.columns:
            assert column.name in columns, column.name
            assert column.type._type_affinity is columns[column.name].type._type_affinity, column.name
