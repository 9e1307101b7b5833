"""Staging folders left by a killed import are removed at the next import and at start-up.

A folder counts as stale when it is older than an hour and its lock is not held; a running
import holds its folder's lock however long it takes.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.store import staging
from ar_core.store.db import sqlite_path
from tests.conftest import LEAD
from tests.samples import fbl5n_german_text

HOUR = 3600


def _staging(parent: Path, name: str, age: float) -> Path:
    folder = parent / f"{staging.STAGING_PREFIX}{name}"
    folder.mkdir()
    (folder / "items0.sqlite").write_bytes(b"x" * 1000)
    stamp = time.time() - age
    os.utime(folder, (stamp, stamp))
    return folder


def _folders(parent: Path) -> set[str]:
    return {p.name for p in parent.iterdir() if p.name.startswith(staging.STAGING_PREFIX)}


def test_the_next_import_removes_stale_staging_folders(engine) -> None:
    parent = Path(sqlite_path(engine)).parent
    _staging(parent, "killed", 2 * HOUR)
    fresh = _staging(parent, "recent", 10 * 60)  # maybe another import just started: kept
    locked = _staging(parent, "running", 3 * HOUR)  # a long import still running: kept
    with (locked / "in-use.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        os.utime(locked, (time.time() - 3 * HOUR,) * 2)  # creating the lock file touched the folder
        outcome = import_snapshot(engine, LEAD, read_extract(fbl5n_german_text(), "x.txt"))
        assert outcome.rows == 4
        assert _folders(parent) == {fresh.name, locked.name}  # the import's own folder is gone too
    assert staging.remove_stale_staging(parent) == [locked]  # once its lock is released


def test_start_up_removes_stale_staging_folders(engine) -> None:
    parent = Path(sqlite_path(engine)).parent
    old = _staging(parent, "killed", 2 * HOUR)
    (parent / f"{staging.STAGING_PREFIX}file").write_text("not a folder")  # left alone
    assert staging.clean_staging(engine) == [old]
    assert _folders(parent) == {f"{staging.STAGING_PREFIX}file"}


def test_a_folder_in_use_is_never_removed(engine) -> None:
    parent = Path(sqlite_path(engine)).parent
    with staging._staging_dir(sqlite_path(engine)) as folder:
        assert staging.remove_stale_staging(parent, older_than=0) == []
        assert folder.exists()
    assert not folder.exists()
