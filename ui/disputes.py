"""Cached reads of the Disputes and Root causes pages, and saving a case with those caches cleared.

The core reads the case tables once per change and shares them (``disputes.cases_version``); per
user the scoped frame and the analysis frame are kept here per *data version* — the latest
snapshot, the case tables' version (any write anywhere: this page, the account view, the CLI,
another instance) and the taxonomy — so every filter, sort and page of a rerun works on a frame in
memory. The frames are shared (``cache_resource``) and never mutated.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.access import Actor
from ar_core.disputes import analysis_cases, cases_version, list_cases, reason_taxonomy, unmapped_codes
from ar_core.ledger import reporting_rates, to_reporting
from ui import data, forms
from ui.resources import engine

#: Session key: the message of the save that caused this run (shown once at the top).
FLASH = "dp_flash"
#: Process-wide count of the saves made here: a reason edit changes the analysis but not the cases.
_writes = itertools.count(1)
_version: dict[str, int] = {"": 0}


def _key() -> tuple:
    listing = data.snapshot_list()
    latest = int(listing["snapshot_id"][-1]) if listing.height else None
    return latest, cases_version(engine()), _version[""]


def cases(actor: Actor) -> pl.DataFrame:
    """Every case ``actor`` may read, whatever its status (``disputes.LIST_SCHEMA``, case currency)."""
    return _cases(actor, _key())


@st.cache_resource(ttl=60, max_entries=16)
def _cases(actor: Actor, version: tuple) -> pl.DataFrame:
    return list_cases(engine(), actor, status="all")


def analysis(actor: Actor) -> tuple[pl.DataFrame, list[str]]:
    """The cases for the analysis (``disputes.CASE_SCHEMA``: amounts in the reporting currency), and
    the currencies without a rate at the latest snapshot (those cases keep their own amount)."""
    return _analysis(actor, _key(), settings.get_reporting_currency(engine()))


@st.cache_resource(ttl=60, max_entries=16)
def _analysis(actor: Actor, version: tuple, reporting: str) -> tuple[pl.DataFrame, list[str]]:
    eng = engine()
    frame = analysis_cases(eng, actor)
    listing = data.snapshot_list()
    if not listing.height:
        return frame, []
    rates = reporting_rates(eng, listing["as_of"][-1], reporting)
    _, missing = to_reporting(cases(actor).select("case_id", "amount", "currency"), rates, reporting)
    return frame, missing


def reasons() -> dict:
    """The reason taxonomy in force (code -> ``disputes.Reason``)."""
    return _reasons(_key())


@st.cache_resource(ttl=60, max_entries=4)
def _reasons(version: tuple) -> dict:
    return reason_taxonomy(engine())


def unmapped(actor: Actor) -> pl.DataFrame:
    """Reason codes of cases no category covers yet: code, cases, amount."""
    return _unmapped(actor, _key())


@st.cache_resource(ttl=60, max_entries=4)
def _unmapped(actor: Actor, version: tuple) -> pl.DataFrame:
    return unmapped_codes(engine(), actor)


def refresh() -> None:
    """Read again on the next call: after a save here (a reason edit is not in the cases' version)."""
    _version[""] = next(_writes)


def save(action: Callable[[], object], done: str, form: str | None = None) -> bool:
    """Save through ``ui.data.save`` (refusal under its field), then clear the case caches and rerun.

    The message survives the rerun (:func:`show_flash`); on success ``form`` starts its next
    round with empty widgets, after a refusal it keeps what was typed.
    """
    if not data.save(action):
        return False
    refresh()
    if form is not None:
        forms.next_round(form)
    st.session_state[FLASH] = done
    st.rerun()
    return True  # not reached: st.rerun() ends the run


def show_flash() -> None:
    """The message of the save that caused this run, always in the same place."""
    slot = st.empty()
    if message := st.session_state.pop(FLASH, None):
        slot.success(message)
