"""The proposal form: chosen open items, down payment, instalments, frequency, first date.

"Preview" shows the schedule the plan would have (business days of the customer's country, the
cents split to the first instalments, the configured fee and interest); "Propose" stores it —
active at once up to the approval threshold, else waiting for a lead or controller.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import sqlalchemy as sa
import streamlit as st

from ar_core.access import Actor
from ar_core.errors import ArDeskError
from ar_core.ledger import open_items
from ar_core.recovery import FREQUENCIES, build_schedule, plan_settings, propose_plan
from ar_core.schema import item_key
from pages.payment_plans_parts.common import EVERY, SCHEDULE_COLUMNS, saved
from ui import components, fmt, forms
from ui.text import escape


def choices(items: pl.DataFrame, as_of: date) -> dict[str, tuple[str, Decimal, str]]:
    """Item key -> (label, open amount, currency) of the open items, oldest due first."""
    rows = open_items(items, as_of).sort("due_date", "doc_no")
    return {
        item_key(r["company_code"], r["fiscal_year"], r["doc_no"], r["line_item"]): (
            f"{r['doc_no']} · {fmt.money(r['amount'], r['currency'])} · due {fmt.day(r['due_date'])}",
            r["amount"],
            r["currency"],
        )
        for r in rows.iter_rows(named=True)
    }


def form(eng: sa.Engine, actor: Actor, customer_id: str, items: pl.DataFrame, *, as_of: date, today: date,
         name: str = "pp_propose") -> None:  # fmt: skip
    """The form for ``customer_id``'s open ``items`` (as of ``as_of``); ``name`` keeps two forms apart."""
    offered = choices(items, as_of)
    if not offered:
        st.info("No open item in the latest snapshot: nothing to put into a plan.")
        return
    country = next((c for c in items["country"].to_list() if c), None) if "country" in items.columns else None
    with st.form(name):
        st.markdown("**Propose a payment plan**")
        chosen = st.multiselect("Open items", list(offered), format_func=lambda k: offered[k][0],
                                key=forms.key(name, f"{name}_items"), placeholder="Choose")  # fmt: skip
        forms.slot("items")
        c1, c2, c3 = st.columns(3)
        down = c1.text_input("Down payment", value="0.00", key=forms.key(name, f"{name}_down"))
        forms.slot("down", c1)
        count = c2.number_input("Instalments", min_value=1, max_value=120, value=3, step=1,
                                key=forms.key(name, f"{name}_count"))  # fmt: skip
        forms.slot("instalments", c2)
        every = c3.selectbox(
            "Frequency", FREQUENCIES, index=1, format_func=EVERY.get, key=forms.key(name, f"{name}_every")
        )
        forms.slot("every", c3)
        first = st.date_input("First instalment", value=today + timedelta(days=14), min_value=today,
                              format="DD.MM.YYYY", key=forms.key(name, f"{name}_first"))  # fmt: skip
        forms.slot("first")
        note = st.text_area("Note (what was agreed, why)", key=forms.key(name, f"{name}_note"))
        forms.slot("note")
        left, right = st.columns(2)
        preview = left.form_submit_button("Preview schedule")
        propose = right.form_submit_button("Propose plan", type="primary")
    if not (preview or propose):
        return
    if preview:
        _preview(eng, offered, chosen, down, int(count), first, every, country, today)
        return

    def store() -> int:
        return propose_plan(eng, actor, customer_id, chosen, instalments=int(count), first=first, every=every,
                            down=down.strip() or None, note=note, today=today)  # fmt: skip

    saved(store, lambda pid: f"Plan {pid} saved.", name)


def _preview(eng, offered, chosen, down, count, first, every, country, today) -> None:  # noqa: PLR0917
    if not chosen:
        st.error("Choose the open items the plan covers.")
        return
    currencies = {offered[k][2] for k in chosen}
    if len(currencies) > 1:
        st.error(f"One plan per currency: the items are in {', '.join(sorted(currencies))}.")
        return
    config = plan_settings(eng)
    try:
        debt = sum(offered[k][1] for k in chosen)
        schedule = build_schedule(
            debt, count, first, every, down=down.strip() or None, down_on=today, country=country,
            fee=config["fee"], interest_pct=config["interest_pct"],
        )  # fmt: skip
    except ArDeskError as exc:
        st.error(escape(exc))
        return
    currency = currencies.pop()
    rows = pl.DataFrame(
        [(r.seq, r.kind, r.due, r.amount) for r in schedule.rows],
        schema={"seq": pl.Int64(), "kind": pl.String(), "due": pl.Date(), "amount": pl.Decimal(18, 2)},
        orient="row",
    )
    components.record_table(rows, SCHEDULE_COLUMNS)
    st.caption(
        f"Total {fmt.money(schedule.total, currency)} (debt {fmt.money(schedule.debt, currency)}, fee "
        f"{fmt.money(schedule.fee, currency)}, interest {fmt.money(schedule.interest, currency)}). "
        f"Above {fmt.money(config['approval_threshold'], 'EUR')} a lead or controller approves."
        + (f" Note: {escape(schedule.note)}." if schedule.note else "")
    )
