"""Worklist page through AppTest: state kept across a visit to an account, the account link, labels."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import APP, SYSTEM, app_store
from tests.samples import fbl5n_german_text

PASSWORD = "long-enough-pw"
N = 30  # more than one page of 25


def _lines() -> list[tuple]:
    """Customer K00..K29: an invoice of EUR 1,000 + 100 x i, due i + 1 days before 20.11.2026."""
    from datetime import date, timedelta

    lines = []
    for i in range(N):
        due = date(2026, 11, 20) - timedelta(days=i + 1)
        lines.append(
            ("1000", f"K{i:02d}", f"Kunde {i:02d}", f"18{i:08d}", "2026", "1", "RV", "01.09.2026",
             due.strftime("%d.%m.%Y"), f"{1000 + 100 * i}.00".replace(".", ","), "EUR")
        )  # fmt: skip
    return lines


def _total() -> str:
    total = sum(Decimal(1000 + 100 * i) for i in range(N))
    return f"{total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


@pytest.fixture
def team(tmp_path, monkeypatch):
    users = {"lena": ["lead"], "colin": ["collector"], "cora": ["collector"]}
    with app_store(tmp_path, monkeypatch, users, PASSWORD) as engine:
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": [f"K{i:02d}" for i in range(N)],
                    "name": [f"Kunde {i:02d}" for i in range(N)],
                    "country": ["DE" if i % 2 else "NL" for i in range(N)],
                    "collector": ["colin" if i % 3 else "cora" for i in range(N)],
                }
            ),
        )
        text = fbl5n_german_text(lines=_lines(), total=_total())
        import_snapshot(engine, SYSTEM, read_extract(text, "fbl5n.txt"))
        yield engine


def login(username: str) -> AppTest:
    """The whole app (navigation included) as a logged-in user: the session holds the login."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username.title()
    at.session_state["roles"] = None
    at.session_state["logout"] = None
    at.run()
    assert not at.exception, at.exception
    return at


def _ids(at: AppTest) -> list[str]:
    return at.dataframe[0].value["customer_id"].tolist()


def test_filters_sort_and_page_survive_a_visit_to_an_account(team):
    at = login("lena")
    at.selectbox(key="wl_who").select("Team (all collectors)").run()
    at.multiselect(key="wl_bucket").select("1-30").run()
    at.selectbox(key="wl_dispute").select("without dispute").run()
    at.toggle(key="wl_today").set_value(False).run()
    at.selectbox(key="wl_sort").select("Days overdue").run()
    at.number_input(key="wl_page").set_value(2).run()
    assert not at.exception, at.exception
    # 30 customers, K29 the oldest (30 days): page 2 holds K04 .. K00
    assert _ids(at) == ["K04", "K03", "K02", "K01", "K00"]

    # Selecting a row opens the account with the customer in the URL.
    at.session_state["wl_table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert at.query_params["customer"] in (["K03"], "K03")
    assert [t.value for t in at.title] == ["Kunde 03"]

    # Back on the worklist: the same portfolio, filters, sort and page — and no jump back to the account.
    at.switch_page("pages/worklist.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Worklist"]
    assert at.selectbox(key="wl_who").value == "Team (all collectors)"
    assert at.multiselect(key="wl_bucket").value == ["1-30"]
    assert at.selectbox(key="wl_dispute").value == "without dispute"
    assert at.toggle(key="wl_today").value is False
    assert at.selectbox(key="wl_sort").value == "Days overdue"
    assert at.number_input(key="wl_page").value == 2
    assert _ids(at) == ["K04", "K03", "K02", "K01", "K00"]

    # A new filter starts again at page 1.
    at.selectbox(key="wl_sort").select("Priority (rank)").run()
    assert at.number_input(key="wl_page").value == 1


def test_columns_say_which_overdue_and_that_open_is_net(team):
    import json

    at = login("lena")
    at.selectbox(key="wl_who").select("Team (all collectors)").run()
    config = json.loads(at.dataframe[0].proto.columns)
    labels = {name: c.get("label") for name, c in config.items()}
    assert labels["overdue_collectable"] == "Overdue (collectable)"  # the reasons' words
    assert labels["open_amount"] == "Open (net of credits)"
    assert config["customer"]["pinned"] is True  # who stays in view on a narrow screen
    assert config["customer_id"]["hidden"] is True and config["overdue_amount"]["hidden"] is True
    assert any("Amounts in EUR" in c.value for c in at.caption)
    table = at.dataframe[0].value
    for amount, why in zip(table["overdue_collectable"], table["why"], strict=True):
        assert why.startswith(f"EUR {Decimal(str(amount)):,.0f} overdue (collectable)")
    assert "Overdue, collectable (EUR)" in [m.label for m in at.metric]


def test_an_escalation_stays_on_the_second_voice_list_despite_a_later_date(team):
    from datetime import date

    from ar_core.access.users import get_actor
    from ar_core.collections import contacts, escalations

    colin = get_actor(team, "colin")
    escalations.escalate(team, colin, "K01", to_username="cora", reason="refuses to talk to me")
    contacts.log_contact(team, colin, "K01", channel="phone", outcome="reached", next_action="call",
                         next_action_date=date(2026, 11, 27))  # fmt: skip
    assert "K01" not in _ids(login("colin"))  # the collector agreed a call-back next week
    assert "K01" in _ids(login("cora"))  # the second voice keeps the case handed to her


def test_a_credit_limit_in_a_currency_without_rate_is_reported(team):
    upsert_customer_master(
        team,
        SYSTEM,
        pl.DataFrame(
            {"customer_id": ["K05"], "credit_limit": [Decimal("100.00")], "credit_limit_currency": ["USD"]}
        ),
    )
    at = login("lena")
    assert any("credit-limit currency USD" in w.value for w in at.warning)


def test_dispute_follow_ups_that_are_due_show_as_a_column_a_reason_and_todays_work(team):
    from datetime import date

    import streamlit as st

    from ar_core.access.users import get_actor
    from ar_core.collections import contacts
    from ar_core.disputes import open_case, update_case

    colin = get_actor(team, "colin")
    contacts.log_contact(team, colin, "K01", channel="phone", outcome="reached", next_action="call",
                         next_action_date=date(2026, 11, 27))  # fmt: skip
    assert "K01" not in _ids(login("colin"))  # parked until the call-back
    doc = {
        "company_code": "1000",
        "fiscal_year": 2026,
        "doc_no": "1800000001",
        "line_item": 1,
        "amount": "300.00",
    }
    case = open_case(team, colin, "K01", reason="PRICE", items=[doc])  # due 30.11.
    update_case(team, colin, case, next_action_date=date(2026, 11, 20))  # follow up today
    st.cache_resource.clear()  # written here, not through a page (whose save clears the worklist)
    at = login("colin")
    table = at.dataframe[0].value
    row = table[table["customer_id"] == "K01"].iloc[0]
    assert row["dispute_followups"] == 1
    assert row["why"].endswith("1 dispute follow-up due")
    assert row["next_action"] == "dispute follow-up"
    assert float(row["overdue_collectable"]) == 800.0 and float(row["disputed_amount"]) == 300.0
    assert set(table.loc[table["customer_id"] != "K01", "dispute_followups"]) == {0}
    assert "Dispute follow-ups due" in [m.label for m in at.metric]
