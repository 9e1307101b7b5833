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


def skip_unless_enabled() -> None:
    """Module level: skip unless ``AR_BROWSER_TESTS=1``; then Debian's chromium must be there."""
    if os.environ.get("AR_BROWSER_TESTS") != "1":
        pytest.skip(
            "browser tests run with AR_BROWSER_TESTS=1 (set by .ci/run under CI=true)",
            allow_module_level=True,
        )
    if not shutil.which("chromium"):
        pytest.fail("AR_BROWSER_TESTS=1 but Debian's chromium is not installed", pytrace=False)


def idle(page, *, settle: bool = False) -> None:
    """The script run is over; with ``settle`` also a rerun that starts just after a click."""
    for _ in range(2 if settle else 1):
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)
        if settle:
            page.wait_for_timeout(300)


def script_runs(run_log: Path) -> list[tuple[str, str]]:
    """(URL path, how it ended) of every script run the server logged (``AR_RUN_LOG``, ``ui.run_log``)."""
    lines = run_log.read_text(encoding="utf-8").splitlines() if run_log.exists() else []
    return [tuple(line.split("\t")[2:4]) for line in lines]


def quiet_run_count(page, run_log: Path, quiet_s: float = 1.5) -> int:
    """Lines in the server's run log (``AR_RUN_LOG``) once no run ended for ``quiet_s`` and the page is idle.

    The cookie component's rerun after a login or a page load comes at a varying moment: a test
    counting the runs one click causes starts counting after it.
    """
    deadline = time.monotonic() + 30
    count, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        idle(page)
        now = len(script_runs(run_log))
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return count
        page.wait_for_timeout(250)
    pytest.fail(f"the server kept running scripts for 30 s ({run_log})")


def log_in(page, user: str, password: str, *, settle: bool = False) -> None:
    """Fill and submit the login form, again if the authenticator's first rerun wiped it.

    The cookie component reruns the script once after it loads (its timing varies), and that
    rerun rebuilds the login form with empty fields.
    """
    from playwright.sync_api import expect

    logged_in = page.get_by_role("button", name="Log out")
    for _ in range(4):
        # a slow machine may finish the previous attempt's login after its 8 s wait ran out
        expect(page.get_by_role("textbox", name="Username").or_(logged_in).first).to_be_visible(
            timeout=30_000
        )
        if logged_in.is_visible():
            idle(page, settle=settle)
            return
        idle(page, settle=settle)
        page.get_by_role("textbox", name="Username").fill(user)
        page.get_by_role("textbox", name="Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        try:
            expect(logged_in).to_be_visible(timeout=8_000)
        except AssertionError:
            continue
        idle(page, settle=settle)
        return
    pytest.fail(f"could not log in as {user}")


@contextmanager
def demo_server(folder: Path, items: int = 3000) -> Iterator[str]:
    """The real app on a small demo store of its own (``items`` open items): its base URL."""
    from ar_core.demo import load_demo_if_empty
    from ar_core.store.db import make_engine, migrate

    url = f"sqlite:///{folder / 'demo.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    assert load_demo_if_empty(engine, folder, items=items)
    engine.dispose()
    with serve(url, folder) as base:
        yield base


@contextmanager
def lead_page(base: str, user: str, password: str, width: int = 1600, height: int = 1100) -> Iterator:
    """A fresh Chromium page of ``width`` px, logged in as ``user`` on ``base``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_context(viewport={"width": width, "height": height}).new_page()
        page.goto(base)
        log_in(page, user, password, settle=True)
        try:
            yield page
        finally:
            browser.close()
