"""Results derived from immutable snapshots, computed once per server process and shared.

A snapshot never changes after import, so whatever is derived from it alone (the composed ledger,
the per-customer worklist base, the overview tiles of a portfolio) can be shared by every session
and every user, and no workflow write (a call, a promise) needs to clear it. Callers put
everything the result depends on into the key — the snapshot chain, the settings, the portfolio —
so a changed input is a new key, never a stale hit. Entries are kept per engine (tests and
deployments with several stores never mix) in a small LRU.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_stores: weakref.WeakKeyDictionary[Any, dict[str, OrderedDict[Hashable, Any]]] = weakref.WeakKeyDictionary()
#: One in-flight computation per key: eight sessions opening the worklist at nine o'clock compute
#: it once, the others wait for that result.
_pending: dict[tuple[int, str, Hashable], threading.Lock] = {}


def memo(engine: Any, kind: str, key: Hashable, compute: Callable[[], T], *, keep: int = 3) -> T:
    """``compute()`` once for ``(engine, kind, key)``; the ``keep`` most recent keys of a kind stay."""
    with _lock:
        entries = _stores.setdefault(engine, {}).setdefault(kind, OrderedDict())
        if key in entries:
            entries.move_to_end(key)
            return entries[key]
        gate = _pending.setdefault((id(engine), kind, key), threading.Lock())
    with gate:
        with _lock:
            entries = _stores.setdefault(engine, {}).setdefault(kind, OrderedDict())
            if key in entries:
                return entries[key]
        try:
            value = compute()
        finally:
            with _lock:
                _pending.pop((id(engine), kind, key), None)
        with _lock:
            entries[key] = value
            while len(entries) > keep:
                entries.popitem(last=False)
    return value


def forget(engine: Any) -> None:
    """Drop everything kept for ``engine`` (a store migrated or restored under a running app)."""
    with _lock:
        _stores.pop(engine, None)
