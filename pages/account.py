"""Customer account: the customer comes from the URL (``?customer=ID``), checked against the portfolio.

Header, tiles, rank and aging here; the tabs live in ``pages/account_tabs``. Every save reruns
the page (``account_tabs.common.saved``), so the rank box, the escalation banner and the lists
show the new state at once.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from ar_core import settings
from ar_core.access import may_write
from ar_core.collections import cases_being_worked, open_escalations, with_case_parts
from ar_core.ledger import customer_items, open_summary
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
    voice_tab,
)
from ui import components, data, fmt, keys
from ui.guard import require, session_user
from ui.resources import engine
from ui.run_log import logged_fragment_run
from ui.text import escape, or_dash

actor = require()
eng = engine()
common.back_link()
common.show_flash()

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
# "In dispute" counts what the ERP flags and the parts of items the customer's cases cover.
_, case_parts = cases_being_worked(eng, actor, customer_id)
for row in open_summary(with_case_parts(items, case_parts, as_of), as_of).iter_rows(named=True):
    cur = row["currency"]
    t = st.columns(4)
    t[0].metric(f"Open ({cur})", fmt.amount(row["open"]))
    t[1].metric(f"Overdue ({cur})", fmt.amount(row["overdue"]))
    t[2].metric(f"In dispute ({cur})", fmt.amount(row["disputed"]))
    t[3].metric(f"Credits ({cur})", fmt.amount(row["credits"]))

# The rank within what this user works on: a collector does not learn the team's size from it.
ranked, _missing = data.worklist(actor, latest["snapshot_id"], as_of)
mine = ranked.filter(pl.col("customer_id") == customer_id)
if mine.height:
    r = mine.row(0, named=True)
    due = "due today" if r["due_today"] else f"next step on {fmt.day(r['next_action_date'])}"
    st.info(
        f"**Rank {r['rank']}** of {ranked.height} · score {r['score']:.0f} · next best action: "
        f"**{escape(r['next_action'])}** ({due})  \n" + "; ".join(escape(x) for x in r["reasons"])
    )
    if r["paid_unapplied"]:  # matched at the bank, not yet applied in the ERP: not chased meanwhile
        st.success(
            f"**Paid, not yet applied:** {fmt.money(r['paid_unapplied'], r['currency'])} arrived at the "
            "bank and waits for the ERP; it is left out of the collectable amount (Credit balances → "
            "Bank payments)."
        )
pending = open_escalations(eng, actor).filter(pl.col("customer_id") == customer_id)
for esc in pending.iter_rows(named=True):
    st.warning(
        f"Escalated by {escape(esc['from_user'])} to **{escape(esc['to_user'])}** "
        f"on {fmt.day(esc['created_at'].date())}: {escape(esc['reason'])}"
    )

ctx = common.Account(
    actor=actor, engine=eng, customer=cust, customer_id=customer_id, items=items, as_of=as_of,
    snapshot_id=latest["snapshot_id"], snapshot_dates=snaps["as_of"].to_list(), writable=writable,
    time_zone=time_zone, escalations=pending,
)  # fmt: skip
items_tab.aging_chart(ctx)
SECTIONS = {"Open items": items_tab, "Item history": history_tab, "Contacts": contacts_tab,
            "Promises to pay": promises_tab, "Second voice": voice_tab, "Disputes": disputes_tab,
            "Payment plans": plans_tab}  # fmt: skip


@st.fragment
def _sections(ctx: common.Account) -> None:
    """Only the open tab runs (and is sent); a switch reruns this part, not the header above it.

    Nothing above the tabs changes when another tab opens, so a switch costs the server and the
    browser the tab alone. A save reruns the whole page (``common.saved``): the tiles, the rank
    box and the lists show the new state. The key keeps the tab over saves.
    """
    if session_user(ctx.actor.username) is None:  # ended or deactivated meanwhile: the app's run says so
        st.rerun(scope="app")
    with logged_fragment_run("account#tab"):
        tabs = st.tabs(list(SECTIONS), key=keys.ACCOUNT_TAB, on_change="rerun")
        for tab, section in zip(tabs, SECTIONS.values(), strict=True):
            if tab.open:
                with tab:
                    section.render(ctx)


_sections(ctx)
