"""Start-up wiring (issue 7): stale staging folders go at start-up; secrets and demo files are private."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from ar_core.config import cookie_key
from ar_core.demo.build import generate_demo
from ar_core.store import staging
from ar_core.store.db import make_engine, migrate


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o002], ids=["umask-022", "umask-002"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def test_migrate_removes_stale_staging_folders(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'ardesk.sqlite'}")
    migrate(engine)
    stale = tmp_path / f"{staging.STAGING_PREFIX}killed"
    stale.mkdir()
    (stale / "items0.sqlite").write_bytes(b"x" * 1000)
    stamp = time.time() - 2 * 3600
    os.utime(stale, (stamp, stamp))
    fresh = tmp_path / f"{staging.STAGING_PREFIX}recent"  # maybe an import running right now: kept
    fresh.mkdir()
    migrate(engine)  # what every start does: already current, still cleans up
    engine.dispose()
    assert not stale.exists()
    assert fresh.exists()


def test_cookie_key_folder_is_owner_only(tmp_path, monkeypatch, umask):
    monkeypatch.delenv("AR_COOKIE_KEY", raising=False)
    key = cookie_key(tmp_path / "data")
    assert len(key) >= 32
    assert _mode(tmp_path / "data") == 0o700
    assert _mode(tmp_path / "data" / "secrets") == 0o700
    assert _mode(tmp_path / "data" / "secrets" / "cookie_key") == 0o600
    assert cookie_key(tmp_path / "data") == key  # the same key at the next start


def test_demo_extracts_folder_is_owner_only(tmp_path, umask):
    out = tmp_path / "data" / "demo"
    paths = generate_demo(out, items=40, weeks=1)
    assert paths and all(p.parent == out for p in paths)
    assert _mode(tmp_path / "data") == 0o700
    assert _mode(out) == 0o700
