"""Huddle page through AppTest: dates from the team's day, the new state right after a save, the boards."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ar_core.access.users import get_actor
from ar_core.collections import contacts, escalations
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import SYSTEM, app_store
from tests.app_support import open_page as _open
from tests.samples import LINES, fbl5n_german_text

MUELLER, BAKKER, CREDIT = "0000100001", "0000100002", "0000100003"
#: The sample ledger plus a customer whose only item is a credit of EUR 500.
REFUND = ("1000", CREDIT, "Gutschrift Kunde AG", "1600000009", "2026", "1", "DG", "01.11.2026",
          "01.11.2026", "500,00-", "EUR")  # fmt: skip


def open_page(page: str, username: str):
    at = _open(page, username)
    assert not at.exception, at.exception
    return at


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    """Snapshot of Friday 20.11.2026; the huddle is held on Wednesday 25.11. (the team's day)."""
    users = {"lena": ["lead"], "colin": ["collector"], "cora": ["collector"]}
    with app_store(tmp_path, monkeypatch, users, "long-enough-pw") as engine:
        monkeypatch.setenv("AR_TODAY", "2026-11-25")
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": [MUELLER, BAKKER, CREDIT],
                    "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V.", "Gutschrift Kunde AG"],
                    "collector": ["colin", "cora", "colin"],
                }
            ),
        )
        text = fbl5n_german_text(lines=[*LINES, REFUND], total="10.500,16")
        import_snapshot(engine, SYSTEM, read_extract(text, "fbl5n.txt"))
        yield engine


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_agreed_step_defaults_from_today_and_cannot_lie_in_the_past(ledger):
    at = open_page("pages/huddle.py", "lena")
    assert at.date_input(key="hd_when").value == date(2026, 11, 26)  # not the snapshot's 21.11.
    assert at.date_input(key="hd_when").min == date(2026, 11, 25)
    # a past day is refused by the picker (Streamlit keeps the default) and by ar_core.collections.huddle
    at.date_input(key="hd_when").set_value(date(2026, 11, 24))
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert contacts.list_contacts(ledger, SYSTEM, BAKKER)["next_action_date"].to_list() == [
        date(2026, 11, 26)
    ]


def test_record_shows_the_agreed_step_at_once(ledger):
    at = open_page("pages/huddle.py", "lena")
    assert "Case 1 of 2: Bakker Logistiek B.V." in _markdown(at)
    assert "**Agreed**" not in _markdown(at)
    at.selectbox(key="hd_action").select("dunning letter")
    at.text_input(key="hd_note").input("send level 2")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert "**Agreed** dunning letter by 26 Nov 2026" in _markdown(at)
    assert any("recorded" in s.value for s in at.success)
    entry = contacts.list_contacts(ledger, SYSTEM, BAKKER).row(0, named=True)
    assert (entry["next_action"], entry["next_action_date"]) == ("dunning letter", date(2026, 11, 26))


def test_closing_the_huddle_shows_the_new_since_date_at_once(ledger):
    at = open_page("pages/huddle.py", "lena")
    assert at.date_input(key="hd_since").value == date(2026, 11, 13)  # a week before the snapshot
    at.button(key="hd_close").click().run()
    assert not at.exception, at.exception
    assert at.date_input(key="hd_since").value == date(2026, 11, 25)  # today, in the same session
    assert any("Huddle closed" in s.value for s in at.success)


def test_largest_credit_balances_lists_customers_in_credit_not_debtors(ledger):
    at = open_page("pages/huddle.py", "lena")
    at.segmented_control(key="hd_section").set_value("credit_balances").run()
    assert not at.exception, at.exception
    board = at.dataframe[0].value
    # Müller has a EUR 234.50 credit memo but owes EUR 1,000.06 net: not a credit balance
    assert board["customer"].tolist() == ["Gutschrift Kunde AG"]
    assert [float(a) for a in board["amount"]] == [500.0]


def test_escalations_show_to_whom_and_how_much(ledger):
    colin = get_actor(ledger, "colin")
    escalations.escalate(ledger, colin, MUELLER, to_username="cora", reason="refuses to talk to me")
    at = open_page("pages/huddle.py", "lena")
    at.segmented_control(key="hd_section").set_value("escalations").run()
    assert not at.exception, at.exception
    board = at.dataframe[0].value
    assert board["customer"].tolist() == ["Müller Maschinenbau GmbH"]
    assert board["escalated_to"].tolist() == ["cora"]
    assert [float(a) for a in board["amount"]] == [1000.06]  # open, net of the credit memo
    assert [float(a) for a in board["collectable"]] == [1234.56]
    assert "by colin to **cora**" in _markdown(at)


def test_the_disputes_past_due_board_steps_through_late_and_escalated_cases(ledger):
    from ar_core.disputes import escalate_case, open_case

    def doc(no):
        return {"company_code": "1000", "fiscal_year": 2026, "doc_no": no, "line_item": 1}

    part = {**doc("1800000003"), "amount": "4000.00"}
    late = open_case(ledger, SYSTEM, BAKKER, reason="PRICE", items=[part], resolver="Sven Sales",
                     opened=date(2026, 11, 1))  # fmt: skip
    escalated = open_case(ledger, SYSTEM, MUELLER, reason="QUANTITY", items=[doc("1800000001")])
    escalate_case(ledger, SYSTEM, escalated, to_whom="Lena Lead", reason="logistics silent")
    open_case(ledger, SYSTEM, BAKKER, reason="INVOICE_COPY", case_type="inquiry")  # due 27.11.: not late
    at = open_page("pages/huddle.py", "lena")
    labels = at.segmented_control(key="hd_section").options
    assert "Disputes past due (2)" in labels
    at.segmented_control(key="hd_section").set_value("disputes_past_due").run()
    assert not at.exception, at.exception
    board = at.dataframe[0].value
    assert board["case"].tolist() == [f"/disputes?case={late}", f"/disputes?case={escalated}"]
    assert board["customer"].tolist() == ["Bakker Logistiek B.V.", "Müller Maschinenbau GmbH"]
    assert board["owner"].tolist() == ["cora", "colin"]
    assert board["resolver"].tolist() == ["sales · Sven Sales", "logistics"]
    assert board["level"].tolist() == ["—", "team lead"]
    assert board["days_late"].tolist() == [14, -10]  # due 11.11. and 05.12., judged on 25.11.
    assert [float(a) for a in board["amount"]] == [4000.0, 1234.56]
    text = _markdown(at)
    assert f"**Case** [{late}](/disputes?case={late})" in text and "14 days late" in text
    assert "**Resolver** sales · Sven Sales" in text
    at.button(key="hd_next").click().run()
    text = _markdown(at)
    assert "Case 2 of 2: Müller Maschinenbau GmbH" in text
    assert "level 1, team lead" in text and "due in 10 days" in text
    at.selectbox(key="hd_action").select("dispute follow-up")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    entry = contacts.list_contacts(ledger, SYSTEM, MUELLER).row(0, named=True)
    assert (entry["next_action"], entry["outcome"]) == ("dispute follow-up", "internal note")


def test_a_step_recorded_after_next_goes_to_the_case_shown(ledger):
    """Next reruns only the case (a fragment; the browser test checks that); Record then reruns the page."""
    at = open_page("pages/huddle.py", "lena")
    assert "Case 1 of 2: Bakker Logistiek B.V." in _markdown(at)
    at.button(key="hd_next").click().run()
    assert not at.exception, at.exception
    assert "Case 2 of 2: Müller Maschinenbau GmbH" in _markdown(at)
    at.text_input(key="hd_note").input("call the CFO")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert any("Müller Maschinenbau GmbH recorded" in s.value for s in at.success)
    assert contacts.list_contacts(ledger, SYSTEM, MUELLER)["notes"].to_list() == ["Huddle: call the CFO"]
    assert contacts.list_contacts(ledger, SYSTEM, BAKKER).is_empty()
