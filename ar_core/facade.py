"""Lazy package façades: a package names its public API once and loads a module on first use.

Each capability package's ``__init__`` maps its public names to the module that defines them and
installs :func:`lazy` as its module ``__getattr__`` (PEP 562). A page that needs one service does
not pay for importing the whole area (the CLI starts in well under half a second).

Two maps: ``_EXPORTS`` is what pages, the CLI and other areas may use; ``_SERVICE`` is what only
other areas' services may use (unscoped whole-ledger reads, the pieces of a transaction).
``tests/test_contracts.py`` reads both to check who uses what.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy(
    package: str, exports: Mapping[str, str], service: Mapping[str, str] | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: a name lives in ``exports[name]`` or ``service[name]``."""
    names = {**(service or {}), **exports}

    def __getattr__(name: str) -> Any:  # noqa: N807 - the PEP 562 hook's name
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:  # noqa: N807
        return sorted(names)

    return __getattr__, __dir__
