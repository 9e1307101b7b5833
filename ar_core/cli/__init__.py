"""The command line (``python -m ar_core``): one module per command group, ``main`` in ``entry``."""

from __future__ import annotations

from ar_core.facade import lazy

_EXPORTS = {"main": "entry", "build_parser": "entry", "CLI_ACTOR": "common"}
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
