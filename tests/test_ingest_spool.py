"""A validated upload waits on disk, not in the session: parked, read back exactly, removed."""

from __future__ import annotations

import dataclasses
import os
import time

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ar_core.ingest import read_extract
from ar_core.ingest.spool import MAX_AGE_S, PREFIX, spool
from tests.app_support import app_store, open_page
from tests.samples import fbl5n_german_text


def test_a_parked_extract_reads_back_exactly_and_holds_no_frame(tmp_path):
    bad = fbl5n_german_text().replace(b"01.09.2026", b"31.02.2026")  # one row left out
    result = read_extract(bad, "bad.txt")
    parked = spool(result, tmp_path / "uploads")
    # the handle the session keeps: facts and paths, never a frame
    assert not any(isinstance(getattr(parked, f.name), pl.DataFrame) for f in dataclasses.fields(parked))
    assert (parked.item_count, parked.rejected_rows, parked.error_count) == (3, 1, 1)
    assert parked.excluded_summary == result.excluded_summary()
    assert str(parked.totals["EUR"]) == "9765.60" and str(parked.file_totals["EUR"]) == "11000.16"
    back = parked.load()
    assert_frame_equal(back.items, result.items)
    assert_frame_equal(back.excluded, result.excluded)
    assert back.problems == result.problems
    assert (back.file_totals(), back.file_hash, back.as_of) == (
        result.file_totals(),
        result.file_hash,
        result.as_of,
    )
    assert oct(parked.folder.stat().st_mode & 0o777) == "0o700"
    parked.discard()
    assert not parked.folder.exists()


def test_abandoned_uploads_are_swept_when_the_next_is_parked(tmp_path):
    spool_dir = tmp_path / "uploads"
    old = spool(read_extract(fbl5n_german_text(), "old.txt"), spool_dir)
    recent = spool(read_extract(fbl5n_german_text(), "recent.txt"), spool_dir)
    stale = time.time() - MAX_AGE_S - 60
    os.utime(old.folder, (stale, stale))
    spool(read_extract(fbl5n_german_text(), "new.txt"), spool_dir)
    assert not old.folder.exists() and recent.folder.exists()
    assert len(list(spool_dir.glob(f"{PREFIX}*"))) == 2


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, {"lena": ["lead"]}, "correct-horse-42"):
        yield tmp_path


def test_the_upload_page_keeps_only_the_handle_and_removes_the_files_after_commit(app_env):
    at = open_page("pages/upload.py", "lena")
    at.file_uploader(key="extract_file").set_value(("week.txt", fbl5n_german_text(), "text/plain")).run()
    at.button(key="validate").click().run()
    assert not at.exception, at.exception
    frames = [k for k, v in at.session_state.items() if isinstance(v, pl.DataFrame)]
    assert frames == []
    parked = at.session_state["upload_result"]
    assert parked.folder.is_dir() and parked.folder.parent == app_env / "uploads"
    at.button(key="commit").click().run()
    assert "4 items of 2 customers" in at.success[0].value
    assert not parked.folder.exists()


def test_dropping_the_file_removes_what_was_parked(app_env):
    at = open_page("pages/upload.py", "lena")
    at.file_uploader(key="extract_file").set_value(("week.txt", fbl5n_german_text(), "text/plain")).run()
    at.button(key="validate").click().run()
    parked = at.session_state["upload_result"]
    at.button(key="drop_upload").click().run()
    assert not parked.folder.exists()
    assert "upload_result" not in at.session_state
