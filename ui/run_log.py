"""Server-side duration of each script run, for the load test (``AR_RUN_LOG=FILE``; off otherwise).

A browser on the same two cores as the server measures its own rendering too; this records what
the server spends per run — from the start of app.py to the end of the page — so the load test can
print both. One tab-separated line per run: wall-clock start, seconds, URL path, how it ended.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_LOCK = threading.Lock()


@contextmanager
def logged_run(started: float, url_path: str) -> Iterator[None]:
    """Time the page run; ``started`` is ``time.perf_counter()`` at the top of app.py."""
    path = os.environ.get("AR_RUN_LOG")
    if not path:
        yield
        return
    outcome = "error"
    try:
        yield
        outcome = "done"
    except BaseException as exc:  # st.rerun / st.stop end a run by raising: name how it ended
        outcome = type(exc).__name__
        raise
    finally:
        seconds = time.perf_counter() - started
        line = f"{time.time() - seconds:.3f}\t{seconds:.4f}\t{url_path}\t{outcome}\n"
        with _LOCK, Path(path).open("a", encoding="utf-8") as out:
            out.write(line)


@contextmanager
def logged_fragment_run(url_path: str) -> Iterator[None]:
    """Time a fragment's own rerun (a filter change); inside a whole-page run the page's line counts it."""
    if not os.environ.get("AR_RUN_LOG") or not in_fragment_run():
        yield
        return
    with logged_run(time.perf_counter(), url_path):
        yield


def in_fragment_run() -> bool:
    """Whether this script run is a fragment's own rerun (not a whole-page run drawing the fragment)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    return run is not None and bool(run.fragment_ids_this_run)
