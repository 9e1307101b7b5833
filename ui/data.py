"""Loaders for the pages: heavy work once per snapshot in the core, never in a page rerun.

Everything derived from a snapshot alone (the composed ledger, the worklist base, the Overview
tiles and aging) is computed once per server process by ``ar_core`` and shared by all sessions
(``ar_core.memo``), keyed by what it depends on, so no write ever has to clear it. What a page
adds here is a short-lived per-user copy of the cheap overlay (worklist, customer list), cleared
after a write (``refresh()``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Literal

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.access import Actor
from ar_core.collections import worklist_for
from ar_core.config import today
from ar_core.disputes import analysis_cases
from ar_core.errors import ArDeskError
from ar_core.ledger import aging_by as _aging_by
from ar_core.ledger import ledger_currencies, list_customers, list_snapshots
from ar_core.ledger import overview_tiles as _overview_tiles
from ui import forms
from ui.resources import engine
from ui.run_log import in_fragment_run
from ui.text import escape


@st.cache_data(ttl=30, max_entries=4)
def snapshot_list() -> pl.DataFrame:
    return list_snapshots(engine()).sort("as_of", "snapshot_id")


def currencies(snapshot_id: int) -> list[str]:
    """The currencies of the ledger at ``snapshot_id`` (for the FX warnings)."""
    return ledger_currencies(engine(), snapshot_id)


def customers(actor: Actor | None = None) -> pl.DataFrame:
    """The customer records the acting user may read."""
    if actor is None:
        from ui.guard import require

        actor = require()
    return _customers(actor)


# cache_resource, not cache_data: one shared (immutable) frame per key, not a pickled copy per hit
@st.cache_resource(ttl=60, max_entries=16)
def _customers(actor: Actor) -> pl.DataFrame:
    return list_customers(engine(), actor)


def collectors() -> list[str]:
    """The collectors owning customers, for a lead's "Portfolio" choice."""
    return sorted({c for c in customers()["collector"].to_list() if c})


def team_today() -> date:
    """The team's calendar day: today in the team's time zone (the ``time_zone`` setting)."""
    return today(settings.get_time_zone(engine()))


def worklist(
    actor: Actor, snapshot_id: int, as_of: date, collector: str | None = None
) -> tuple[pl.DataFrame, list[str]]:
    """The ranked worklist ``actor`` may read (ranks within it), promises and call-backs judged today."""
    return _worklist(actor, snapshot_id, as_of, team_today(), collector)


@st.cache_resource(ttl=60, max_entries=32)
def _worklist(
    actor: Actor, snapshot_id: int, as_of: date, today: date, collector: str | None
) -> tuple[pl.DataFrame, list[str]]:
    return worklist_for(engine(), actor, snapshot_id, as_of, today=today, collector=collector)


def dispute_cases(actor: Actor) -> pl.DataFrame:
    """The dispute and inquiry cases ``actor`` may read, amounts in the reporting currency
    (``disputes.analysis_cases``): one frame per user for a minute, cleared after a write."""
    return _dispute_cases(actor)


@st.cache_resource(ttl=60, max_entries=16)
def _dispute_cases(actor: Actor) -> pl.DataFrame:
    return analysis_cases(engine(), actor)


def overview_tiles(actor: Actor, snapshot_id: int, previous: tuple[int, date] | None, as_of: date,
                   reporting: str) -> dict:  # fmt: skip
    """The Overview tiles of the actor's portfolio (computed once per input in the core)."""
    return _overview_tiles(engine(), actor, snapshot_id, previous=previous, as_of=as_of, reporting=reporting)


def aging_by(actor: Actor, snapshot_id: int, as_of: date, reporting: str, edges: tuple[int, ...], *,
             by: str) -> pl.DataFrame:  # fmt: skip
    """The aging table of the actor's portfolio by one dimension (computed once per input in the core)."""
    return _aging_by(engine(), actor, snapshot_id, as_of=as_of, reporting=reporting, edges=edges, by=by)


def refresh(*, ledger: bool = False) -> None:
    """After a write: clear what it can have changed, not every session's cached data.

    A workflow write (contact, promise, escalation, case, huddle step, user or portfolio change)
    changes the worklist, the cases and the customer records; the snapshot-derived tiles and aging
    stay valid. A ledger write (import, removal, customer master, settings such as FX rates or
    weights) clears everything.
    """
    _worklist.clear()
    _customers.clear()
    _dispute_cases.clear()
    if ledger:
        st.cache_data.clear()


def save(
    action: Callable[[], object],
    done: str | None = None,
    *,
    ledger: bool = False,
    fields: Mapping[str, str] | None = None,
) -> bool:
    """Run one write of an ``ar_core`` service: its refusal as an error message, else refresh.

    Every form on every page saves through here, so a refused write never leaves stale caches
    and a successful one never shows stale data (``ledger``: see :func:`refresh`). ``fields``
    maps a service's field name to the slot this form reserved for it (``ui.forms.slot``), when
    two forms on one page feed services with the same parameter names (``items``, ``amount``).
    """
    try:
        action()
    except ArDeskError as exc:
        message = escape(exc)  # a refusal may quote what the user typed
        field = getattr(exc, "field", None)
        if not forms.show_refusal((fields or {}).get(field or "", field), message):
            st.error(message)
        return False
    refresh(ledger=ledger)
    if done:
        st.success(done)
    return True


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


def save_and_rerun(
    action: Callable[[], object],
    done: str | Callable[[object], str],
    form: str | None = None,
    *,
    flash: str,
    fields: Mapping[str, str] | None = None,
    scope: Literal["app", "fragment"] = "app",
) -> bool:
    """:func:`save`, then on success rerun the page so every part shows the new state.

    A refusal stays as an error under its field with what was typed still in the form; on success
    ``form`` starts its next round, empty, and the message (``done``, or made from what the service
    returned) survives the rerun in ``st.session_state[flash]`` (:func:`show_flash`). ``scope``
    "fragment": a save made in a fragment's own run reruns only that fragment (the page holds
    everything the save changes in it); in a whole-page run the page reruns.
    """
    returned: list[object] = []
    if not save(lambda: returned.append(action()), fields=fields):
        return False
    if form is not None:
        forms.next_round(form)
    st.session_state[flash] = done(returned[0]) if callable(done) else done
    st.rerun(scope="fragment" if scope == "fragment" and in_fragment_run() else "app")
    return True  # not reached: st.rerun() ends the run


def show_flash(flash: str) -> None:
    """The message of the save that caused this run, always in the same slot (the page keeps its
    element positions, so the open tab stays open)."""
    slot = st.empty()
    if message := st.session_state.pop(flash, None):
        slot.success(message)
