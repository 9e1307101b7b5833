"""Staging folders left next to the SQLite file by killed imports of older versions: found and removed.

Every start migrates and then cleans; this module is stdlib-only so that start-up (the CLI's
half-second budget) does not load the item store's libraries for it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

#: Staging folders are created next to the database with this prefix ...
STAGING_PREFIX = ".ardesk-staging-"
#: ... and one left behind (a killed import) is removed when older than this and not locked.
STALE_STAGING_SECONDS = 3600
#: Held (flock) for as long as its folder is in use; the kernel releases it when a process dies.
_STAGING_LOCK = "in-use.lock"


@contextmanager
def _staging_dir(database: str) -> Iterator[Path]:
    """A private folder next to the database (same volume, which has room for the data anyway).

    The folder's lock file is held while it is in use, so a cleaner in another process (or
    thread) leaves it alone; stale folders of killed imports are removed first.
    """
    parent = Path(database).parent
    remove_stale_staging(parent)
    with (
        tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=parent) as folder,
        _locked(Path(folder) / _STAGING_LOCK, wait=True),
    ):
        yield Path(folder)


@contextmanager
def _locked(path: Path, *, wait: bool) -> Iterator[bool]:
    """An exclusive flock on ``path`` (created if missing); yields False if ``wait`` is off and it is held."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: fall back to the age alone
        yield True
        return
    try:
        handle = path.open("a")
    except OSError:
        yield False
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def remove_stale_staging(folder: Path, *, older_than: float = STALE_STAGING_SECONDS) -> list[Path]:
    """Remove staging folders in ``folder`` left by killed imports; returns the ones removed.

    A folder is stale when it was last modified more than ``older_than`` seconds ago and its
    lock is not held (a running import or read holds it, however long it takes).
    """
    removed = []
    now = time.time()
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(STAGING_PREFIX)]
    except OSError:
        return removed
    for path in candidates:
        try:
            if not path.is_dir() or path.is_symlink() or now - path.stat().st_mtime < older_than:
                continue
        except OSError:
            continue
        with _locked(path / _STAGING_LOCK, wait=False) as free:
            if not free:
                continue
            shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return removed


def clean_staging(engine: sa.Engine) -> list[Path]:
    """Start-up hook: remove stale staging folders next to the engine's SQLite database file."""
    from ar_core.store.db import sqlite_path  # lazy: db calls this module at start-up

    database = sqlite_path(engine)
    return [] if database is None else remove_stale_staging(Path(database).parent)
