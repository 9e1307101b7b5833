"""The server-side run log the load test reads: one line per run, and only complete runs counted."""

from __future__ import annotations

import pytest

from tools.load import read_server_runs
from ui.run_log import logged_run


def test_nothing_is_written_without_the_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("AR_RUN_LOG", raising=False)
    with logged_run(0.0, "worklist"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_each_run_is_one_line_and_the_reader_keeps_complete_runs_of_the_window(tmp_path, monkeypatch):
    log = tmp_path / "runs.tsv"
    monkeypatch.setenv("AR_RUN_LOG", str(log))
    import time

    with logged_run(time.perf_counter(), "huddle"):
        pass
    with pytest.raises(RuntimeError), logged_run(time.perf_counter(), "account"):
        raise RuntimeError("cut short")
    lines = log.read_text().splitlines()
    assert [line.split("\t")[2:] for line in lines] == [["huddle", "done"], ["account", "RuntimeError"]]
    # hand-written lines: (start, seconds, page, outcome); the window is 100..200
    log.write_text("99.0\t0.5\tworklist\tdone\n150.0\t0.25\tworklist\tdone\n160.0\t0.75\t\tdone\n"
                   "170.0\t2.0\tworklist\tRerunException\n201.0\t0.1\thuddle\tdone\n")  # fmt: skip
    assert read_server_runs(log, 100.0, 200.0) == {"worklist": [0.25, 0.75]}
