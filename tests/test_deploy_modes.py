"""Deployment defaults (issue 7): the data folder and the SQLite files are the owner's only.

The database holds bcrypt hashes and the whole ledger; it was created 644 in a 755 folder. The
modes must not depend on the umask of whoever starts the app.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from ar_core.store.db import make_engine, migrate, private_dir


def _mode(path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


@pytest.fixture(params=[0o022, 0o002, 0o000], ids=["umask-022", "umask-002", "umask-000"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def test_database_folder_and_files_are_owner_only(tmp_path, umask):
    db = tmp_path / "data" / "nested" / "ardesk.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with engine.connect() as conn:  # WAL mode: the -wal and -shm files exist while connected
        conn.execute(sa.text("SELECT 1")).all()
        for suffix in ("", "-wal", "-shm"):
            assert (db.parent / (db.name + suffix)).exists(), suffix
            assert _mode(f"{db}{suffix}") == 0o600, suffix
    engine.dispose()
    assert _mode(tmp_path / "data") == 0o700
    assert _mode(tmp_path / "data" / "nested") == 0o700


def test_an_existing_folder_and_database_keep_their_mode(tmp_path, umask):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o750)
    (shared / "ardesk.sqlite").touch()
    (shared / "ardesk.sqlite").chmod(0o640)
    make_engine(f"sqlite:///{shared / 'ardesk.sqlite'}").dispose()
    assert _mode(shared) == 0o750  # an operator's choice is not overridden
    assert _mode(shared / "ardesk.sqlite") == 0o640


def test_private_dir_creates_missing_parents_owner_only(tmp_path, umask):
    made = private_dir(tmp_path / "a" / "b" / "demo")
    assert made == tmp_path / "a" / "b" / "demo"
    for folder in (tmp_path / "a", tmp_path / "a" / "b", made):
        assert _mode(folder) == 0o700
    assert private_dir(made) == made  # idempotent


def test_the_projects_data_folder_from_git_is_made_owner_only_with_a_fresh_database(tmp_path, monkeypatch):
    from ar_core import config
    from ar_core.store.db import make_engine

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # as git checks it out (it holds data/README.md)
    monkeypatch.setattr(config, "DATA_DIR", data)
    make_engine(f"sqlite:///{data / 'ardesk.sqlite'}").dispose()
    assert oct(data.stat().st_mode & 0o777) == "0o700"
    other = tmp_path / "elsewhere"
    other.mkdir(mode=0o755)
    other.chmod(0o755)
    make_engine(f"sqlite:///{other / 'ardesk.sqlite'}").dispose()
    assert oct(other.stat().st_mode & 0o777) == "0o755"  # the operator's folder keeps its mode
