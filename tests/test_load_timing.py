"""The load test's step timing: from the input that caused the run, not from the driver's retries."""

from __future__ import annotations

import argparse
import asyncio
import time

from tools.load import Results, Run, Session


class _Handle:
    def __init__(self, value):
        self.value = value

    async def json_value(self):
        return self.value


class _Page:
    """The browser side of one step: the run caused by the input ended at ``end_ms``."""

    def __init__(self, end_ms: float) -> None:
        self.end_ms = end_ms

    async def wait_for_function(self, _js, arg, timeout, polling):
        return _Handle(self.end_ms)

    async def wait_for_selector(self, _selector, timeout):
        return None

    async def evaluate(self, _js, _arg):
        return self.end_ms

    def locator(self, _selector):
        return _Nothing()


class _Nothing:
    async def count(self):
        return 0


def _session(page) -> Session:
    args = argparse.Namespace(step_timeout=60.0, seed=7, think=0)
    run = Run(browser=None, base="", args=args, results=Results(), tag="t", shots=None)
    session = Session(0, "c.meyer", "collector", run)
    session.page, session.measuring = page, True
    return session


def test_a_retried_input_is_timed_from_the_retry_not_from_the_failed_attempt():
    """A click that timed out after 5 s did not happen: the step starts with the click that did."""
    started = time.time()
    retried_at = started + 5.0  # the first click waited 5 s for a list that was drawn again
    session = _session(_Page(end_ms=(retried_at + 0.4) * 1000))

    async def pick() -> float:
        return retried_at

    asyncio.run(session.timed("filter", pick, None))
    assert round(session.results.latencies["filter"][0], 3) == 0.4


def test_an_input_that_needed_no_retry_is_timed_from_the_action():
    page = _Page(end_ms=0)
    session = _session(page)

    async def click() -> None:
        page.end_ms = (time.time() + 0.25) * 1000

    asyncio.run(session.timed("filter", click, None))
    assert 0.24 <= session.results.latencies["filter"][0] <= 0.3
