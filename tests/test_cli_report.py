"""``python -m ar_core report``: the JSON contract end to end on a generated (demo) store, exit codes."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from ar_core.store.db import make_engine, migrate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> dict[str, str]:
    from ar_core.demo import load_demo_if_empty

    folder = tmp_path_factory.mktemp("report_demo")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    assert load_demo_if_empty(engine, folder, items=400)
    engine.dispose()
    return {"AR_DATABASE_URL": url, "AR_DATA_DIR": str(folder), "AR_TODAY": "2026-11-20"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ar_core", "report", *args],
        cwd=ROOT,
        capture_output=True,
        check=False,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


@pytest.mark.parametrize("kind", ["daily", "weekly", "monthly"])
def test_every_report_ties_to_the_snapshot_and_prints_the_json_contract(demo_store, tmp_path, kind):
    out = tmp_path / f"{kind}.xlsx"
    done = run(demo_store, kind, "--as-of", "2026-11-22", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert set(payload) == {"file", "sheets", "checks"} and payload["file"] == str(out)
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert payload["sheets"] == book.sheetnames
    assert payload["sheets"][0] == "About" and payload["sheets"][-1] == "Totals check"
    assert payload["checks"], "every default layout has a sheet the totals check covers"
    engine = make_engine(demo_store["AR_DATABASE_URL"])
    with engine.connect() as conn:  # the demo holds EUR only: each snapshot's stored open total
        stored = dict(
            conn.execute(
                sa.text(
                    "select s.as_of, t.open_total_cents from snapshot_totals t join snapshots s "
                    "on s.id = t.snapshot_id where t.currency = 'EUR'"
                )
            ).all()
        )
    engine.dispose()
    stored = {str(day): cents for day, cents in stored.items()}
    for check in payload["checks"]:
        assert set(check) == {"name", "currency", "report_total", "snapshot_total", "difference"}
        assert check["difference"] == "0.00"
        # a check names the day of its snapshot, else it is the report's (the last, 20.11.)
        found = re.search(r"(\d\d)\.(\d\d)\.(\d{4})$", check["name"])
        day = f"{found[3]}-{found[2]}-{found[1]}" if found else "2026-11-20"
        assert check["snapshot_total"] == f"{stored[day] / 100:.2f}" == check["report_total"], check
    names = [c["name"] for c in payload["checks"]]
    if kind == "weekly":  # the week 14.-20.11.: its KPIs' beginning and ending AR are snapshots' own
        assert names == ["Aging by collector", "KPIs: beginning AR 13.11.2026", "KPIs: ending AR 20.11.2026"]
    if kind == "monthly":  # October's KPIs end on 31.10., no snapshot's day; the trend: every snapshot
        trend = [n for n in names if n.startswith("Aging trend")]
        assert trend == [f"Aging trend {d[8:]}.{d[5:7]}.{d[:4]}" for d in sorted(stored) if d >= "2026-09-01"]
        assert not [n for n in names if n.startswith("KPIs")]
    checks = book["Totals check"]
    assert [c.value for c in checks[2]][-1] == "OK"


def test_no_snapshot_on_or_before_the_date_exits_1_with_a_message(demo_store, tmp_path):
    done = run(demo_store, "daily", "--as-of", "2020-01-01", "--out", str(tmp_path / "x.xlsx"))
    assert done.returncode == 1
    assert "No snapshot on or before 01.01.2020" in done.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_a_layout_of_the_lead_is_chosen_by_name_and_a_failing_check_exits_1(demo_store, tmp_path):
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "short.yaml").write_text(
        "kind: weekly\ntitle: Short week\nsheets:\n  - topic: aging\n    group_by: country\n",
        encoding="utf-8",
    )
    env = {**demo_store, "AR_REPORT_LAYOUTS": str(folder)}
    done = run(
        env,
        "weekly",
        "--as-of",
        "2026-11-20",
        "--out",
        str(tmp_path / "s.xlsx"),
        "--layout",
        "short",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sheets"] == ["About", "Aging", "Totals check"]
    wrong = run(env, "daily", "--as-of", "2026-11-20", "--out", str(tmp_path / "d.xlsx"), "--layout", "short")
    assert wrong.returncode == 1 and "is a weekly report, not daily" in wrong.stderr
    # a snapshot whose stored totals no longer match its items: the check fails, exit 1
    engine = make_engine(demo_store["AR_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "update snapshot_totals set open_total_cents = open_total_cents + 1 where snapshot_id = "
                "(select id from snapshots where as_of = '2026-11-13')"
            )
        )
    engine.dispose()
    failed = run(env, "weekly", "--as-of", "2026-11-13", "--out", str(tmp_path / "f.xlsx"), "--json")
    assert failed.returncode == 1
    differences = {c["name"]: c["difference"] for c in json.loads(failed.stdout)["checks"]}
    assert differences == {  # every total of the 13.11. snapshot, and only those
        "Aging by collector": "-0.01",
        "KPIs: beginning AR 06.11.2026": "0.00",
        "KPIs: ending AR 13.11.2026": "-0.01",
    }


@pytest.mark.parametrize("title", ["about", "'x'", "History"])
def test_a_layout_with_a_sheet_title_excel_refuses_exits_1_naming_file_and_field(demo_store, tmp_path, title):
    """Checked when the layout is read: a clear message, no traceback, no file written."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    text = (ROOT / "ar_core/templates/reports/weekly.yaml").read_text(encoding="utf-8")
    (folder / "ours.yaml").write_text(
        text.replace("name: weekly", "name: ours").replace("title: Aging by collector", f'title: "{title}"'),
        encoding="utf-8",
    )
    out = tmp_path / "x.xlsx"
    env = {**demo_store, "AR_REPORT_LAYOUTS": str(folder)}
    done = run(env, "weekly", "--layout", "ours", "--as-of", "2026-11-20", "--out", str(out))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"ours.yaml: sheets[0].title: {title!r} is no sheet name")
    assert not out.exists()
