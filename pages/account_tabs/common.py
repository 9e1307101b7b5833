"""What the account tabs share: the account in view, saving with a rerun, the URL parameter."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ar_core.access import Actor
from ui import data, forms

#: The URL query parameter naming the customer (``/account?customer=0000100001``).
PARAM = "customer"
#: Session keys of the page.
PICK = "acct_pick"
FLASH = "acct_flash"


@dataclass(frozen=True)
class Account:
    """The account in view, as the tabs need it."""

    actor: Actor
    engine: sa.Engine
    customer: dict
    customer_id: str
    items: pl.DataFrame  #: the customer's items of the latest snapshot (not aged)
    as_of: date
    snapshot_id: int
    snapshot_dates: list[date]
    writable: bool  #: may record collection work (False: no write form is shown)
    time_zone: str
    escalations: pl.DataFrame  #: the customer's open escalations


def picked() -> None:
    """The customer chosen in the select box goes into the URL (reload and bookmarks keep it)."""
    st.query_params[PARAM] = st.session_state[PICK]


#: The widget key of a form in its current round (``ui.forms``): cleared after a save only.
fk = forms.key


def saved(
    action: Callable[[], object],
    done: str | Callable[[Any], str],
    form: str | None = None,
    *,
    fields: Mapping[str, str] | None = None,
) -> bool:
    """Save through ``ui.data.save_and_rerun``: the message survives the rerun (:func:`show_flash`).

    Only the page's fragment reruns (the tiles, rank box, escalations and tabs): no tab's save
    changes the header or the customer box above it.
    """
    return data.save_and_rerun(action, done, form, flash=FLASH, fields=fields, scope="fragment")


def show_flash() -> None:
    data.show_flash(FLASH)


def back_link() -> None:
    """The way back to the worklist, which keeps its filters, sort and page."""
    # A page file run on its own (page tests) has no navigation to link into.
    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link("pages/worklist.py", label="Back to worklist", icon=":material/arrow_back:")


def local(frame: pl.DataFrame, column: str, time_zone: str) -> pl.DataFrame:
    """A stored UTC timestamp column shown in the team's time zone."""
    return frame.with_columns(pl.col(column).dt.convert_time_zone(time_zone))
