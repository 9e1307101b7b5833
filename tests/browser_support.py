"""What the browser tests share: the real app on a free port, and Debian's Chromium, headless.

Never a browser Playwright downloads: ``executable_path`` is the system's ``chromium``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(url: str, data_dir: Path, **env: str) -> Iterator[str]:
    """``streamlit run app.py`` on the store at ``url``; yields the base URL once it is healthy."""
    port = free_port()
    environment = {**os.environ, "AR_DATABASE_URL": url, "AR_DATA_DIR": str(data_dir), "AR_LOGIN_SLEEP": "0",
                   "AR_TODAY": "2026-11-20", **env}  # fmt: skip
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false"]  # fmt: skip
    proc = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not become healthy")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def launch(playwright):
    """Debian's Chromium, headless (never a browser Playwright downloaded)."""
    return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
