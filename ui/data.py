"""Cached loaders for the pages: heavy work once per snapshot, never in a page rerun.

Snapshot frames are immutable, so they live in ``cache_resource`` (one shared object, no copy per
hit); the worklist depends on workflow records too, so it is ``cache_data`` with a short TTL and
is cleared by every page that writes (``refresh()``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.collections import team_worklist
from ar_core.config import today
from ar_core.errors import ArDeskError
from ar_core.ledger import list_customers, list_snapshots, load_items
from ui.resources import engine
from ui.text import escape


@st.cache_data(ttl=30, max_entries=4)
def snapshot_list() -> pl.DataFrame:
    return list_snapshots(engine()).sort("as_of", "snapshot_id")


@st.cache_resource(max_entries=3)
def items(snapshot_id: int) -> pl.DataFrame:
    """The immutable items of one snapshot, shared by all sessions (never mutate it)."""
    return load_items(engine(), snapshot_id)


@st.cache_data(ttl=60, max_entries=4)
def customers() -> pl.DataFrame:
    return list_customers(engine())


def team_today() -> date:
    """The team's calendar day: today in the team's time zone (the ``time_zone`` setting)."""
    return today(settings.get_time_zone(engine()))


def worklist(snapshot_id: int, as_of: date) -> tuple[pl.DataFrame, list[str]]:
    """The team's ranked worklist for a snapshot, with promises and call-backs judged today."""
    return _worklist(snapshot_id, as_of, team_today())


@st.cache_data(ttl=60, max_entries=8)
def _worklist(snapshot_id: int, as_of: date, today: date) -> tuple[pl.DataFrame, list[str]]:
    """The whole team's ranked worklist for one snapshot and the currencies lacking an FX rate.

    Pages narrow it to what the user may see (``team_worklist.for_user``) and page through it.
    """
    return team_worklist(engine(), snapshot_id, as_of, items(snapshot_id), today)


def refresh(*, ledger: bool = False) -> None:
    """After a write: clear what it can have changed, not every session's cached data.

    A workflow write (contact, promise, escalation, huddle step, user or portfolio change) changes
    the worklist and the customer records; the snapshot-derived tiles and aging stay valid. A
    ledger write (import, removal, customer master, settings such as FX rates or weights) clears
    everything.
    """
    if ledger:
        st.cache_data.clear()
        return
    _worklist.clear()
    customers.clear()


def save(action: Callable[[], object], done: str | None = None, *, ledger: bool = False) -> bool:
    """Run one write of an ``ar_core`` service: its refusal as an error message, else refresh.

    Every form on every page saves through here, so a refused write never leaves stale caches
    and a successful one never shows stale data (``ledger``: see :func:`refresh`).
    """
    try:
        action()
    except ArDeskError as exc:
        st.error(escape(exc))  # a refusal may quote what the user typed
        return False
    refresh(ledger=ledger)
    if done:
        st.success(done)
    return True


def _scoped(snapshot_id: int, scope: tuple[str, ...] | None) -> pl.DataFrame:
    from ar_core.access import in_portfolio

    return in_portfolio(items(snapshot_id), scope)


@st.cache_data(ttl=300, max_entries=16)
def overview_tiles(
    snapshot_id: int,
    previous: tuple[int, date] | None,
    scope: tuple[str, ...] | None,
    as_of: date,
    reporting: str,
) -> dict:
    """The Overview tiles of one snapshot for one portfolio (cached: a rerun costs nothing)."""
    from ar_core.ledger import reporting_rates, summary_tiles

    prev = _scoped(previous[0], scope) if previous else None
    fx = reporting_rates(engine(), as_of, reporting)
    prev_as_of = previous[1] if previous else None
    return summary_tiles(
        _scoped(snapshot_id, scope), prev, as_of, fx, reporting=reporting, prev_as_of=prev_as_of
    )


@st.cache_data(ttl=300, max_entries=32)
def aging_by(
    snapshot_id: int,
    scope: tuple[str, ...] | None,
    as_of: date,
    reporting: str,
    edges: tuple[int, ...],
    *,
    by: str,
) -> pl.DataFrame:
    """The aging table of one snapshot by one dimension, in the reporting currency (cached)."""
    from ar_core.ledger import aging_table, reporting_rates, to_reporting, with_aging

    fx = reporting_rates(engine(), as_of, reporting)
    aged, _missing = to_reporting(with_aging(_scoped(snapshot_id, scope), as_of, edges), fx, reporting)
    return aging_table(aged, [by], amount="amount_rep", edges=edges).sort("total", descending=True)


def sticky(key: str, default: object, options: list | None = None) -> None:
    """Give the widget ``key`` its value from the user's last visit, before the widget is drawn.

    Streamlit drops the state of every widget a run does not draw — all of a page's widgets while
    the user is on another page — so the value is also kept under ``_kept_<key>`` (no widget owns
    that key, so it survives). A widget's state already holds the user's latest change when the
    run starts, so copying it here keeps the copy current. ``options`` drops kept values that are
    no longer offered. Draw the widget with ``key`` and without ``value``/``index``/``default``.
    """
    kept = f"_kept_{key}"
    if key in st.session_state:
        st.session_state[kept] = st.session_state[key]
        return
    value = st.session_state.get(kept, default)
    if options is not None:
        if isinstance(value, list):
            value = [v for v in value if v in options]
        elif value not in options:
            value = default
    st.session_state[key] = value
    st.session_state[kept] = value
