"""Customer account: the customer comes from the URL (``?customer=ID``), checked against the portfolio.

The header and the customer box here; below them one fragment holds the tiles, the rank box and
the escalations (``account_tabs.standing``) with the tabs (``pages/account_tabs``). Every save
reruns that fragment (``account_tabs.common.saved``), so all it shows has the new state at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.access import may_write
from ar_core.ledger import customer_items
from pages.account_tabs import (
    common,
    contacts_tab,
    disputes_tab,
    history_tab,
    insolvency_banner,
    items_tab,
    picker,
    plans_tab,
    promises_tab,
    standing,
    voice_tab,
)
from ui import components, fmt, keys
from ui.guard import fragment_run, require
from ui.resources import engine
from ui.text import escape, or_dash

actor = require()
eng = engine()
common.back_link()

snaps = components.snapshots_or_stop("No snapshot yet: accounts appear with the first ERP extract.")
latest = snaps.row(-1, named=True)
as_of: date = latest["as_of"]

cust = picker.choose(eng, actor)
customer_id = cust["customer_id"]
writable = may_write(eng, actor, customer_id)
time_zone = settings.get_time_zone(eng)

st.title(escape(cust.get("name") or customer_id))
if not writable:
    st.caption("Read only: your role sees this account but records no collection work on it.")
insolvency_banner.show(actor, customer_id)  # an open insolvency case holds collections; the latest rating
h1, h2, h3, h4 = st.columns(4)
h1.markdown(
    f"**Customer** {escape(customer_id)}  \n**Country** {or_dash(cust.get('country'))} · "
    f"**Language** {or_dash(cust.get('language'))}"
)
h2.markdown(
    f"**Collector** {or_dash(cust.get('collector'))}  \n**Risk class** {or_dash(cust.get('risk_class'))}"
)
limit = cust.get("credit_limit")
limit_cur = cust.get("credit_limit_currency") or settings.get_reporting_currency(eng)
h3.markdown(
    f"**Credit limit** {fmt.money(limit, limit_cur) if limit is not None else '—'}  \n"
    f"**Terms** {or_dash(cust.get('payment_terms'))}"
)
h4.markdown(
    f"**Contact** {or_dash(cust.get('contact_name'))}  \n{escape(cust.get('contact_phone'))} "
    f"{escape(cust.get('contact_email'))}"
)

items = customer_items(eng, actor, latest["snapshot_id"], customer_id)
ctx = common.Account(
    actor=actor, engine=eng, customer=cust, customer_id=customer_id, items=items, as_of=as_of,
    snapshot_id=latest["snapshot_id"], snapshot_dates=snaps["as_of"].to_list(), writable=writable,
    time_zone=time_zone, escalations=pl.DataFrame(),  # read in the fragment, on every run of it
)  # fmt: skip
SECTIONS = {"Open items": items_tab, "Item history": history_tab, "Contacts": contacts_tab,
            "Promises to pay": promises_tab, "Second voice": voice_tab, "Disputes": disputes_tab,
            "Payment plans": plans_tab}  # fmt: skip


@st.fragment
def _standing_and_tabs(ctx: common.Account) -> None:
    """The tiles, the rank box, the escalations and the open tab (only it runs and is sent).

    A tab switch or a save reruns this part alone (``common.saved``): the header, the customer
    box and the sidebar above do not change with collection work, and what does — the amounts in
    dispute, the next step, an escalation, the lists — is in here and shows the new state. The key
    keeps the tab over saves; the message of a save shows at the top of this part.

    The tiles and the rank box are drawn last, into their place above the tabs: a save in the tab
    reruns before it gets there, so the run that saves draws them no more (the browser drew
    everything twice) and the rerun draws them with the new state; a refused save still shows them.
    """
    with fragment_run(ctx.actor, "account#tab"):
        common.show_flash()
        above = st.container()
        ctx = replace(ctx, escalations=standing.pending(ctx))
        tabs = st.tabs(list(SECTIONS), key=keys.ACCOUNT_TAB, on_change="rerun")
        for tab, section in zip(tabs, SECTIONS.values(), strict=True):
            if tab.open:
                with tab:
                    section.render(ctx)
        with above:
            standing.show(ctx)


_standing_and_tabs(ctx)
