"""The last resort: an unexpected failure while reading a file becomes a problem with an incident id.

Readers turn every damage they know into a precise problem. Whatever still escapes (a bug, a
panic inside a Rust reader) must not show a traceback on the page or in the CLI: the user gets
a file-level problem with an incident id, the log gets the traceback under the same id.
"""

from __future__ import annotations

import logging
import secrets

from ar_core.ingest.result import Problem

logger = logging.getLogger("ar_core.ingest")


def unexpected(exc: BaseException) -> bool:
    """Whether the guard takes ``exc``: any Exception and a Rust panic, never an interrupt or exit.

    pyo3 raises ``PanicException``, a BaseException, when a Rust reader (calamine, polars) panics.
    """
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def incident(file_name: str, exc: BaseException, doing: str) -> Problem:
    """Log ``exc`` with its traceback under a fresh incident id; the problem the user sees."""
    incident_id = secrets.token_hex(4).upper()
    logger.error("incident %s: %s %r failed unexpectedly", incident_id, doing, file_name, exc_info=exc)
    return Problem(
        file_name, None, None, f"the file could not be read (incident id {incident_id}); nothing was stored"
    )
