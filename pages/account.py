"""Customer account: header, open items with aging, item history, contacts, promises, disputes, statement."""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import polars as pl
import streamlit as st

from ar_core import contacts, escalations, portfolio, promises, reason_codes, settings, snapshots
from ar_core.account import item_timeline, statement_xlsx
from ar_core.aging import with_aging
from ar_core.money import parse_amount
from ar_core.team_worklist import for_user
from ar_core.users import list_users
from ui import data, fmt, keys
from ui.guard import require
from ui.resources import engine

actor = require()
eng = engine()

snaps = data.snapshot_list()
if snaps.is_empty():
    st.info("No snapshot yet: accounts appear with the first ERP extract.")
    st.stop()
latest = snaps.row(-1, named=True)
as_of: date = latest["as_of"]

master = data.customers()
scope = escalations.readable_customers(eng, actor)
allowed = master if scope is None else master.filter(pl.col("customer_id").is_in(list(scope)))
if allowed.is_empty():
    st.info("No customers in your portfolio yet. Ask your lead to assign your portfolio.")
    st.stop()
ids = allowed["customer_id"].to_list()
names = dict(zip(ids, allowed["name"].fill_null("").to_list(), strict=True))
current = st.session_state.get(keys.ACCOUNT)
customer_id = st.selectbox(
    "Customer",
    ids,
    index=ids.index(current) if current in ids else 0,
    format_func=lambda c: f"{c} — {names.get(c, '')}",
    key="acct_pick",
)
st.session_state[keys.ACCOUNT] = customer_id
cust = allowed.filter(pl.col("customer_id") == customer_id).row(0, named=True)

st.title(cust.get("name") or customer_id)
h1, h2, h3, h4 = st.columns(4)
h1.markdown(
    f"**Customer** {customer_id}  \n**Country** {cust.get('country') or '—'} · "
    f"**Language** {cust.get('language') or '—'}"
)
h2.markdown(f"**Collector** {cust.get('collector') or '—'}  \n**Risk class** {cust.get('risk_class') or '—'}")
limit = cust.get("credit_limit")
h3.markdown(
    f"**Credit limit** {fmt.money(limit, 'EUR') if limit is not None else '—'}  \n"
    f"**Terms** {cust.get('payment_terms') or '—'}"
)
h4.markdown(
    f"**Contact** {cust.get('contact_name') or '—'}  \n{cust.get('contact_phone') or ''} "
    f"{cust.get('contact_email') or ''}"
)

items = data.items(latest["snapshot_id"]).filter(pl.col("customer_id") == customer_id)
aged = with_aging(items, as_of, settings.get_aging_edges(eng))
totals = portfolio.open_summary(items, as_of)
for row in totals.iter_rows(named=True):
    cur = row["currency"]
    t = st.columns(4)
    t[0].metric(f"Open ({cur})", fmt.amount(row["open"]))
    t[1].metric(f"Overdue ({cur})", fmt.amount(row["overdue"]))
    t[2].metric(f"In dispute ({cur})", fmt.amount(row["disputed"]))
    t[3].metric(f"Credits ({cur})", fmt.amount(row["credits"]))

team, _missing = data.worklist(latest["snapshot_id"], as_of)
# The rank within what this user works on: a collector does not learn the team's size from it.
ranked = for_user(team, scope).sort("rank").with_row_index("position", offset=1)
mine = ranked.filter(pl.col("customer_id") == customer_id)
if mine.height:
    r = mine.row(0, named=True)
    due = "due today" if r["due_today"] else f"next step on {fmt.day(r['next_action_date'])}"
    st.info(
        f"**Rank {r['position']}** of {ranked.height} · score {r['score']:.0f} · next best action: "
        f"**{r['next_action']}** ({due})  \n" + "; ".join(r["reasons"])
    )
if aged.height:
    labels = aged["bucket"].dtype.categories.to_list()
    by_bucket = (
        pl.DataFrame({"bucket": labels})
        .join(
            aged.group_by(pl.col("bucket").cast(pl.String)).agg(pl.col("amount").sum()),
            on="bucket",
            how="left",
        )
        .with_columns(pl.col("amount").fill_null(0).cast(pl.Float64))  # chart scale only; totals stay exact
    )
    st.altair_chart(
        alt.Chart(by_bucket)
        .mark_bar()
        .encode(
            x=alt.X("bucket:N", title="Aging bucket", sort=labels, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("amount:Q", title="Open amount"),
            tooltip=["bucket:N", alt.Tooltip("amount:Q", format=",.2f")],
        )
        .properties(height=180),
        width="stretch",
    )

tab_items, tab_hist, tab_contacts, tab_promises, tab_disputes = st.tabs(
    ["Open items", "Item history", "Contacts", "Promises to pay", "Disputes"]
)
with tab_items:
    st.caption(f"Open at {fmt.day(as_of)}: {aged.height} items.")
    st.dataframe(
        aged.sort("due_date").select(
            "doc_no",
            "doc_type",
            "doc_date",
            "due_date",
            "days_overdue",
            "bucket",
            "dunning_level",
            "amount",
            "currency",
            "disputed",
            "dispute_reason",
            "reference",
            "text",
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "doc_no": "Document",
            "doc_type": "Type",
            "doc_date": st.column_config.DateColumn("Doc. date", format="DD.MM.YYYY"),
            "due_date": st.column_config.DateColumn("Due", format="DD.MM.YYYY"),
            "days_overdue": "Days overdue",
            "bucket": "Bucket",
            "dunning_level": "Dunning",
            "amount": st.column_config.NumberColumn("Amount", format="%,.2f"),
            "currency": "Cur.",
            "disputed": "Disputed",
            "dispute_reason": "Dispute reason",
            "reference": "Reference",
            "text": "Text",
        },
    )
    st.download_button(
        f"Statement of account (XLSX, {(cust.get('language') or 'en').upper()})",
        statement_xlsx(cust, items, as_of),
        file_name=f"statement-{customer_id}-{as_of.isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="statement",
    )

with tab_hist:
    history = snapshots.customer_items_history(eng, actor, customer_id)
    timeline = item_timeline(history, snaps["as_of"].to_list())
    st.dataframe(
        timeline,
        hide_index=True,
        width="stretch",
        column_config={
            "doc_no": "Document",
            "doc_type": "Type",
            "doc_date": st.column_config.DateColumn("Doc. date", format="DD.MM.YYYY"),
            "due_date": st.column_config.DateColumn("Due", format="DD.MM.YYYY"),
            "amount": st.column_config.NumberColumn("Amount", format="%,.2f"),
            "currency": "Cur.",
            "first_seen": st.column_config.DateColumn("Appeared", format="DD.MM.YYYY"),
            "last_seen": st.column_config.DateColumn("Last listed", format="DD.MM.YYYY"),
            "cleared_on": st.column_config.DateColumn("Cleared", format="DD.MM.YYYY"),
            "status": "Status",
        },
    )

with tab_contacts:
    with st.form("log_contact", clear_on_submit=True):
        st.markdown("**Log a contact**")
        c1, c2, c3 = st.columns(3)
        channel = c1.selectbox("Channel", reason_codes.CHANNELS, key="ct_channel")
        outcome = c2.selectbox("Outcome", reason_codes.OUTCOMES, key="ct_outcome")
        reason = c3.selectbox(
            "Delinquency reason",
            ["", *reason_codes.DELINQUENCY_REASONS],
            format_func=lambda c: reason_codes.DELINQUENCY_REASONS.get(c, "—"),
            key="ct_reason",
        )
        notes = st.text_area("Notes", key="ct_notes")
        n1, n2 = st.columns(2)
        next_action = n1.selectbox("Next action", reason_codes.NEXT_ACTIONS, key="ct_next")
        next_date = n2.date_input("Next action date", value=None, format="DD.MM.YYYY", key="ct_next_date")
        if st.form_submit_button("Save contact", type="primary"):
            data.save(
                lambda: contacts.log_contact(
                    eng,
                    actor,
                    customer_id,
                    channel=channel,
                    outcome=outcome,
                    reason=reason or None,
                    notes=notes,
                    next_action=next_action,
                    next_action_date=next_date,
                ),
                "Contact saved.",
            )
    log = contacts.list_contacts(eng, actor, customer_id)
    if log.is_empty():
        st.info("No contact logged yet.")
    else:
        st.dataframe(
            log.select(
                "contact_id",
                "contacted_at",
                "created_by",
                "channel",
                "outcome",
                "reason_label",
                "notes",
                "next_action",
                "next_action_date",
                "corrects_id",
                "correction_note",
                "effective",
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "contact_id": st.column_config.NumberColumn("No.", width="small"),
                "contacted_at": st.column_config.DatetimeColumn("When (UTC)", format="DD.MM.YYYY HH:mm"),
                "created_by": "By",
                "channel": "Channel",
                "outcome": "Outcome",
                "reason_label": "Reason",
                "notes": st.column_config.TextColumn("Notes", width="large"),
                "next_action": "Next action",
                "next_action_date": st.column_config.DateColumn("Next action date", format="DD.MM.YYYY"),
                "corrects_id": st.column_config.NumberColumn("Corrects no.", width="small"),
                "correction_note": "Correction",
                "effective": st.column_config.CheckboxColumn("Current"),
            },
        )
    with st.expander("Correct an entry (entries are never edited; a correction is added)"):
        if not log.is_empty():
            with st.form("correct_contact", clear_on_submit=True):
                current = log.filter(pl.col("effective"))
                target = st.selectbox("Entry", current["contact_id"].to_list(), key="corr_id")
                note = st.text_input("What was wrong", key="corr_note")
                st.caption("Fill in only what changes; empty fields keep the entry's value.")
                k1, k2, k3 = st.columns(3)
                fix_outcome = k1.selectbox("Outcome", ["", *reason_codes.OUTCOMES], key="corr_outcome")
                fix_action = k2.selectbox("Next action", ["", *reason_codes.NEXT_ACTIONS], key="corr_next")
                fix_date = k3.date_input("Next action date", value=None, format="DD.MM.YYYY", key="corr_date")
                fix_notes = st.text_area("Notes (replace)", key="corr_notes")
                proposed = {
                    "outcome": fix_outcome,
                    "next_action": fix_action,
                    "next_action_date": fix_date,
                    "notes": fix_notes,
                }
                changes = {k: v for k, v in proposed.items() if v}
                if st.form_submit_button("Add correction") and data.save(
                    lambda: contacts.correct_contact(eng, actor, target, note=note, **changes)
                ):
                    st.rerun()
    pending = escalations.open_escalations(eng).filter(pl.col("customer_id") == customer_id)
    for esc in pending.iter_rows(named=True):
        st.warning(
            f"Escalated by {esc['from_user']} to **{esc['to_user']}** "
            f"on {fmt.day(esc['created_at'].date())}: "
            f"{esc['reason']}"
        )
        if actor.username in (esc["to_user"], esc["from_user"]) or actor.has("lead", "admin"):
            with st.form(f"resolve_{esc['escalation_id']}", clear_on_submit=True):
                agreed = st.text_input("What was agreed (closes the escalation)", key="esc_resolution")
                if st.form_submit_button("Resolve escalation") and data.save(
                    lambda esc=esc, agreed=agreed: escalations.resolve(
                        eng, actor, esc["escalation_id"], agreed
                    )
                ):
                    st.rerun()
    with st.expander("Second voice: escalate this customer"):
        people = (
            [u for u in list_users(eng, actor)["username"].to_list() if u != actor.username]
            if actor.has("lead", "admin")
            else escalations.escalation_targets(eng, actor)
        )
        with st.form("escalate", clear_on_submit=True):
            to = st.selectbox("To", people, key="esc_to")
            why = st.text_input("Why", key="esc_why")
            if st.form_submit_button("Escalate"):
                data.save(
                    lambda: escalations.escalate(eng, actor, customer_id, to_username=to, reason=why),
                    f"Escalated to {to}: the case is on their worklist.",
                )

with tab_promises:
    open_debits = aged.filter(pl.col("amount") > 0)
    with st.form("promise", clear_on_submit=True):
        st.markdown("**Record a promise to pay**")
        p1, p2, p3 = st.columns(3)
        amount_text = p1.text_input("Amount", placeholder="e.g. 12.500,00 or 12500.00", key="pr_amount")
        currency = p2.selectbox(
            "Currency", sorted(set(open_debits["currency"].to_list()) or {"EUR"}), key="pr_cur"
        )
        when = p3.date_input(
            "Promised payment date", value=as_of + timedelta(days=7), format="DD.MM.YYYY", key="pr_date"
        )
        docs = st.multiselect("Items covered (optional)", open_debits["doc_no"].to_list(), key="pr_items")
        if st.form_submit_button("Save promise", type="primary"):
            chosen = (
                open_debits.filter(pl.col("doc_no").is_in(docs))
                .select("company_code", "fiscal_year", "doc_no", "line_item")
                .to_dicts()
            )
            amount = parse_amount(amount_text)
            if amount is None:
                st.error(f"Amount: {amount_text!r} is not an amount (write 12.500,00 or 12500.00).")
            else:
                data.save(
                    lambda: promises.create_promise(
                        eng,
                        actor,
                        customer_id,
                        amount=amount,
                        currency=currency,
                        promised_date=when,
                        items=chosen,
                        snapshot_id=latest["snapshot_id"],
                    ),
                    "Promise saved; the customer leaves today's list until the promised date.",
                )
    plist = promises.list_promises(eng, actor, customer_id)
    if plist.is_empty():
        st.info("No promise to pay recorded.")
    else:
        st.dataframe(
            plist.select(
                "promise_id",
                "created_at",
                "created_by",
                "amount",
                "currency",
                "promised_date",
                "status",
                "status_decided_on",
                pl.col("items")
                .list.eval(pl.element().struct.field("doc_no"))
                .list.join(", ")
                .alias("documents"),
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "promise_id": st.column_config.NumberColumn("No.", width="small"),
                "created_at": st.column_config.DatetimeColumn("Recorded (UTC)", format="DD.MM.YYYY HH:mm"),
                "created_by": "By",
                "amount": st.column_config.NumberColumn("Amount", format="%,.2f"),
                "currency": "Cur.",
                "promised_date": st.column_config.DateColumn("Promised for", format="DD.MM.YYYY"),
                "status": "Status",
                "status_decided_on": st.column_config.DateColumn("Decided on", format="DD.MM.YYYY"),
                "documents": "Documents",
            },
        )

with tab_disputes:
    disputed = aged.filter(pl.col("disputed").fill_null(False))
    if disputed.is_empty():
        st.info("No disputed item in this snapshot.")
    else:
        st.dataframe(
            disputed.select("doc_no", "due_date", "days_overdue", "amount", "currency", "dispute_reason"),
            hide_index=True,
            width="stretch",
        )
