"""Worklist, account view and huddle through AppTest, on a two-customer ledger owned by two collectors."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ar_core.collections import contacts, promises
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import SYSTEM, app_store, open_tab
from tests.app_support import open_page as _open
from tests.samples import fbl5n_german_text

MUELLER, BAKKER = "0000100001", "0000100002"


def open_page(page: str, username: str):
    at = _open(page, username)
    assert not at.exception, at.exception
    return at


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    """Müller (owned by colin) has EUR 1,000.06 overdue; Bakker (owned by cora) EUR 10,000.00 overdue."""
    users = {"lena": ["lead"], "colin": ["collector"], "cora": ["collector"]}
    with app_store(tmp_path, monkeypatch, users, "long-enough-pw") as engine:
        _fill(engine)
        yield engine


def _fill(engine) -> None:
    upsert_customer_master(
        engine,
        SYSTEM,
        pl.DataFrame(
            {
                "customer_id": [MUELLER, BAKKER],
                "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."],
                "country": ["DE", "NL"],
                "language": ["de", "nl"],
                "collector": ["colin", "cora"],
                "risk_class": ["B", "C"],
            }
        ),
    )
    import_snapshot(engine, SYSTEM, read_extract(fbl5n_german_text(), "fbl5n.txt"))


def test_worklist_ranks_and_explains(ledger):
    at = open_page("pages/worklist.py", "lena")
    table = at.dataframe[0].value
    # Bakker: 10,000.00 overdue since 09.11.; Müller: 1,234.56 overdue minus a 234.50 credit
    assert table["customer_id"].tolist() == [BAKKER, MUELLER]
    assert table["rank"].tolist() == [1, 2]
    assert float(table["overdue_amount"][0]) == 10000.00
    assert "EUR 10,000 overdue" in table["why"][0]
    assert {m.label: m.value for m in at.metric}["Customers listed"] == "2"


def test_worklist_filters(ledger):
    at = open_page("pages/worklist.py", "lena")
    at.multiselect(key="wl_country").select("NL").run()
    assert at.dataframe[0].value["customer_id"].tolist() == [BAKKER]
    at.multiselect(key="wl_country").unselect("NL").run()
    at.multiselect(key="wl_risk").select("B").run()
    assert at.dataframe[0].value["customer_id"].tolist() == [MUELLER]
    at.multiselect(key="wl_risk").unselect("B").run()
    at.selectbox(key="wl_sort").select("Days overdue").run()
    # Müller's invoice was due 01.10.2026 (50 days at 20.11.), Bakker's 09.11.2026 (11 days)
    assert at.dataframe[0].value["customer_id"].tolist() == [MUELLER, BAKKER]


def test_collector_sees_only_own_portfolio_on_every_page(ledger):
    at = open_page("pages/worklist.py", "colin")
    assert at.dataframe[0].value["customer_id"].tolist() == [MUELLER]
    assert at.dataframe[0].value["rank"].tolist() == [1]  # colin's first call (2nd of the team)
    at = open_page("pages/account.py", "colin")
    assert at.selectbox(key="acct_pick").options == [f"{MUELLER} — Müller Maschinenbau GmbH"]
    at = open_page("pages/home.py", "colin")
    assert {m.label: m.value for m in at.metric}["Customers"] == "1"
    # The huddle and settings are the lead's: refused for a collector.
    for page in ("pages/huddle.py", "pages/settings.py"):
        at = open_page(page, "colin")
        assert "not available for your role" in at.error[0].value


def test_collector_logs_a_call_and_a_promise(ledger):
    """One form, one submit: the call with the outcome "promise to pay" and the promise it brought."""
    at = open_tab(open_page("pages/account.py", "colin"), "Contacts")
    at.selectbox(key="ct_channel").select("phone")
    at.selectbox(key="ct_outcome").select("promise to pay")
    at.selectbox(key="ct_reason").select("LIQUIDITY")
    at.text_area(key="ct_notes").input("Ms Müller pays Friday")
    at.selectbox(key="ct_next").select("promise follow-up")
    at.date_input(key="ct_next_date").set_value(date(2026, 11, 27))
    at.form_submit_button(key="FormSubmitter:log_contact-Save contact").click().run()
    assert not at.exception, at.exception
    # without the promised amount nothing is stored
    assert "needs the promised amount and date" in at.error[0].value
    assert contacts.list_contacts(ledger, SYSTEM, MUELLER).is_empty()

    # the form was emptied: enter the call again, now with the promise
    at.selectbox(key="ct_channel").select("phone")
    at.selectbox(key="ct_outcome").select("promise to pay")
    at.selectbox(key="ct_reason").select("LIQUIDITY")
    at.text_area(key="ct_notes").input("Ms Müller pays Friday")
    at.selectbox(key="ct_next").select("promise follow-up")
    at.date_input(key="ct_next_date").set_value(date(2026, 11, 27))
    at.text_input(key="ct_pr_amount").input("1.000,06")
    at.date_input(key="ct_pr_date").set_value(date(2026, 11, 27))
    at.multiselect(key="ct_pr_items").select("1800000001")
    at.form_submit_button(key="FormSubmitter:log_contact-Save contact").click().run()
    assert not at.exception, at.exception
    assert "Contact and promise saved." in [s.value for s in at.success]
    logged = contacts.list_contacts(ledger, SYSTEM, MUELLER)
    assert logged.select("channel", "outcome", "reason", "notes", "next_action_date", "created_by").row(
        0
    ) == ("phone", "promise to pay", "LIQUIDITY", "Ms Müller pays Friday", date(2026, 11, 27), "colin")
    saved = promises.list_promises(ledger, SYSTEM, MUELLER)
    assert saved.select("amount", "currency", "promised_date", "status").row(0) == (
        pl.Series([1000.06]).cast(pl.Decimal(18, 2))[0],
        "EUR",
        date(2026, 11, 27),
        "open",
    )
    assert saved["items"][0].to_list()[0]["doc_no"] == "1800000001"

    # The promise is not due yet and the call-back is next week: Müller leaves today's list.
    at = open_page("pages/worklist.py", "colin")
    assert "Nothing to show" in at.info[0].value
    at.toggle(key="wl_today").set_value(False).run()
    row = at.dataframe[0].value
    assert row["customer_id"].tolist() == [MUELLER]
    assert row["next_action"].tolist() == ["promise follow-up"]


def test_bad_promise_amount_is_refused_and_nothing_stored(ledger):
    at = open_tab(open_page("pages/account.py", "colin"), "Promises to pay")
    at.text_input(key="pr_amount").input("12,3x")
    at.form_submit_button(key="FormSubmitter:promise-Save promise").click().run()
    assert "'12,3x' is not an amount" in at.error[0].value
    at.text_input(key="pr_amount").input("-5,00")
    at.form_submit_button(key="FormSubmitter:promise-Save promise").click().run()
    assert "must be positive" in at.error[0].value
    assert promises.list_promises(ledger, SYSTEM, MUELLER).is_empty()


def test_huddle_steps_through_cases_and_records_next_step(ledger):
    at = open_page("pages/huddle.py", "lena")
    board = at.dataframe[0].value
    assert board["customer"].tolist() == ["Bakker Logistiek B.V.", "Müller Maschinenbau GmbH"]
    assert any("Case 1 of 2: Bakker Logistiek B.V." in m.value for m in at.markdown)
    at.button(key="hd_next").click().run()
    assert any("Case 2 of 2: Müller Maschinenbau GmbH" in m.value for m in at.markdown)
    at.selectbox(key="hd_action").select("dunning letter")
    at.text_input(key="hd_note").input("send level 2")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    entry = contacts.list_contacts(ledger, SYSTEM, MUELLER).row(0, named=True)
    assert (entry["channel"], entry["next_action"], entry["notes"], entry["created_by"]) == (
        "meeting",
        "dunning letter",
        "Huddle: send level 2",
        "lena",
    )


def test_lead_changes_a_weight_and_it_is_audited(ledger):
    from ar_core.access.audit import list_audit
    from ar_core.settings import get_priority_config

    at = open_page("pages/settings.py", "lena")
    at.number_input(key="pc_amount_weight").set_value(25.0)
    at.number_input(key="pc_risk_points_D").set_value(12.0)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert "Priority weights saved" in at.success[0].value
    config = get_priority_config(ledger)
    assert config["amount_weight"] == 25.0
    assert config["risk_points"]["D"] == 12.0
    entry = list_audit(ledger, SYSTEM, limit=1).row(0, named=True)
    assert entry["actor"] == "lena"
    assert '"amount_weight": 20.0' in entry["before"]
    assert '"amount_weight": 25.0' in entry["after"]


def test_lead_enters_an_fx_rate(ledger):
    from ar_core.ledger.rates import rates_for

    at = open_page("pages/settings.py", "lena")
    at.date_input(key="fx_date").set_value(date(2026, 11, 1))
    at.text_input(key="fx_cur").input("chf")
    at.text_input(key="fx_rate").input("1,0625")
    at.form_submit_button(key="FormSubmitter:rate-Add rate").click().run()
    assert not at.exception, at.exception
    table = dict(rates_for(ledger, date(2026, 11, 20)).iter_rows())
    assert str(table["CHF"]) == "1.062500"


def test_correction_changes_the_next_action_date_and_keeps_the_original(ledger):
    contacts.log_contact(ledger, SYSTEM, MUELLER, channel="phone", outcome="reached", next_action="call",
                         next_action_date=date(2026, 12, 24))  # fmt: skip
    at = open_tab(open_page("pages/account.py", "colin"), "Contacts")  # corrections sit under the log
    at.text_input(key="corr_note").input("wrong date: call back on Monday")
    at.date_input(key="corr_date").set_value(date(2026, 11, 23))
    at.form_submit_button(key="FormSubmitter:correct_contact-Add correction").click().run()
    assert not at.exception, at.exception
    log = contacts.list_contacts(ledger, SYSTEM, MUELLER)
    assert log.height == 2
    latest, original = log.row(0, named=True), log.row(1, named=True)
    assert (latest["next_action_date"], latest["corrects_id"], latest["effective"]) == (
        date(2026, 11, 23),
        original["contact_id"],
        True,
    )
    assert (original["next_action_date"], original["effective"]) == (date(2026, 12, 24), False)


def test_escalation_reaches_the_second_voice_and_is_resolved(ledger):
    from ar_core.collections.escalations import escalation_frame

    at = open_tab(open_page("pages/account.py", "colin"), "Second voice")
    assert at.selectbox(key="esc_to").value is None  # no default: the collector chooses
    at.selectbox(key="esc_to").select("cora")
    at.text_input(key="esc_why").input("refuses to talk to me")
    at.form_submit_button(key="FormSubmitter:escalate-Escalate").click().run()
    assert not at.exception, at.exception
    # cora now has Müller on her worklist besides her own Bakker, and closes the case
    at = open_page("pages/worklist.py", "cora")
    assert sorted(at.dataframe[0].value["customer_id"].tolist()) == [MUELLER, BAKKER]
    at = open_tab(open_page("pages/account.py", "cora"), "Second voice")
    at.selectbox(key="acct_pick").select(MUELLER).run()  # the tab stays open for another customer
    assert not at.exception, at.exception
    assert any("Escalated by colin to **cora**" in w.value for w in at.warning)
    escalation_id = escalation_frame(ledger)["escalation_id"][0]
    at.text_input(key=f"esc_resolution_{escalation_id}").input("customer pays on Friday")
    at.form_submit_button(key=f"FormSubmitter:resolve_{escalation_id}-Resolve escalation").click().run()
    assert not at.exception, at.exception
    assert escalation_frame(ledger).is_empty()


def test_account_rank_is_within_the_own_portfolio(ledger):
    at = open_page("pages/account.py", "colin")
    # Müller is 2nd in the team but 1st of colin's one customer
    assert any(i.value.startswith("**Rank 1** of 1 ·") for i in at.info)
    at = open_page("pages/account.py", "lena")
    at.selectbox(key="acct_pick").select(MUELLER).run()
    assert any(i.value.startswith("**Rank 2** of 2 ·") for i in at.info)


def test_closing_the_huddle_moves_the_since_date(ledger):
    from ar_core.settings import get_last_huddle

    at = open_page("pages/huddle.py", "lena")
    assert at.date_input(key="hd_since").value == date(2026, 11, 13)  # a week before the snapshot
    at.button(key="hd_close").click().run()
    assert not at.exception, at.exception
    assert get_last_huddle(ledger) == date(2026, 11, 20)  # AR_TODAY
    at = open_page("pages/huddle.py", "lena")
    assert at.date_input(key="hd_since").value == date(2026, 11, 20)
