"""Disputes page through AppTest: a case by deep link, escalated and resolved; the portfolio rule;
refusals under their field; the taxonomy editor and the unmapped codes; the past-due board."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.disputes import list_cases
from ar_core.ledger import Scope
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import ROOT, SYSTEM, app_store
from tests.conftest import item, items_frame

USERS = {"lena": ["lead"], "colin": ["collector"], "cora": ["collector"], "carl": ["controller"]}
MUELLER, BAKKER, KRAUSE = "0000100001", "0000100002", "0000100003"


@pytest.fixture
def ledger(tmp_path, monkeypatch, make_result):
    """Snapshot of 06.11.2026 with three disputed items; the team works on Wednesday 25.11.2026.

    Müller (colin): PRICE EUR 250.00 and QUANTITY EUR 5,000.00; Bakker (cora): the unmapped
    code ZZ9, EUR 400.00. Every case opened on 06.11.: PRICE and QUANTITY are due 16.11. (9 days late).
    """
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        monkeypatch.setenv("AR_TODAY", "2026-11-25")
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": [MUELLER, BAKKER, KRAUSE],
                    "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V.", "Krause Metall KG"],
                    "collector": ["colin", "cora", "colin"],
                }
            ),
        )
        rows = [
            item(doc_no="1800000001", customer_id=MUELLER, amount="1000.00", collector="colin"),
            item(
                doc_no="1800000002",
                customer_id=MUELLER,
                amount="250.00",
                disputed=True,
                dispute_reason="PRICE",
                collector="colin",
            ),
            item(
                doc_no="1800000005",
                customer_id=MUELLER,
                amount="5000.00",
                disputed=True,
                dispute_reason="QUANTITY",
                collector="colin",
            ),
            item(
                doc_no="1800000003",
                customer_id=BAKKER,
                amount="400.00",
                disputed=True,
                dispute_reason="ZZ9",
                collector="cora",
            ),
            item(doc_no="1800000004", customer_id=KRAUSE, amount="80.00", collector="colin"),
        ]
        result = make_result(items_frame(rows), as_of=date(2026, 11, 6))
        import_snapshot(engine, SYSTEM, result, scope=Scope.whole_ledger())
        yield engine


def _case_id(engine, reason: str) -> int:
    return list_cases(engine, SYSTEM).filter(pl.col("reason") == reason)["case_id"].item()


def _case(engine, case_id: int) -> dict:
    return list_cases(engine, SYSTEM).filter(pl.col("case_id") == case_id).row(0, named=True)


def page(username: str, case_id: int | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/disputes.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    if case_id is not None:
        at.query_params["case"] = str(case_id)
    at.run()
    assert not at.exception, at.exception
    return at


def _elements(node) -> list:
    """Every element below ``node`` in the order the page draws them."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [e for key in sorted(children) for e in _elements(children[key])]


def error_under(at: AppTest, widget_key: str) -> str | None:
    """The error shown right under the widget ``widget_key`` (its ``ui.forms.slot``), if any."""
    flat = _elements(at.main)
    at_widget = next(i for i, e in enumerate(flat) if getattr(e, "key", None) == widget_key)
    below = flat[at_widget + 1]
    return below.value if below.type == "error" else None


def _submit(at: AppTest, form: str, label: str) -> AppTest:
    at.button(key=f"FormSubmitter:{form}-{label}").click().run()
    assert not at.exception, at.exception
    return at


# --- one case: deep link, escalate, resolve -----------------------------------------------------


def test_a_deep_link_opens_the_case_and_the_lead_escalates_and_resolves_it(ledger):
    case_id = _case_id(ledger, "PRICE")
    at = page("lena", case_id)
    assert at.title[0].value == f"Dispute #{case_id} — Müller Maschinenbau GmbH"
    facts = "\n".join(m.value for m in at.markdown)
    assert "**Amount** EUR 250.00" in facts and "**Due** 16 Nov 2026 · **:red[9 days late]**" in facts
    items = at.dataframe[0].value
    assert items["doc_no"].tolist() == ["1800000002"]
    assert [float(a) for a in items["amount"]] == [250.0]
    # only the moves allowed from "open"
    assert at.selectbox(key=f"dp_mv_to_{case_id}").options == ["with resolver", "awaiting customer"]
    # the reminder to the resolver, ready to copy
    assert at.code[0].value.startswith(f"Subject: Reminder: dispute #{case_id} for Müller Maschinenbau GmbH")

    at.text_input(key=f"dp_es_to_{case_id}").input("Sven Sales")
    at.text_input(key=f"dp_es_reason_{case_id}").input("no answer from sales since 16.11.")
    _submit(at, "dp_escalate", "Escalate")
    assert "escalated to level 1" in at.success[0].value
    assert _case(ledger, case_id)["level"] == 1
    assert "**Escalation** 1 · team lead" in "\n".join(m.value for m in at.markdown)
    escalations = at.dataframe[-1].value
    assert escalations["to_whom"].tolist() == ["Sven Sales"]

    at.selectbox(key=f"dp_rs_resolution_{case_id}").select("partial credit")
    at.text_input(key=f"dp_rs_credited_{case_id}").input("100,00")
    _submit(at, "dp_resolve", "Resolve")
    assert "resolved: partial credit" in at.success[0].value
    row = _case(ledger, case_id)
    assert (row["status"], row["resolution"], row["credited"], row["resolved"]) == (
        "resolved",
        "partial credit",
        Decimal("100.00"),
        date(2026, 11, 25),
    )
    # resolved: it can be closed or reopened, no longer escalated or resolved again
    assert at.selectbox(key=f"dp_mv_to_{case_id}").options == ["closed"]
    assert not [b for b in at.button if b.key == "FormSubmitter:dp_escalate-Escalate"]
    assert at.text_input(key=f"dp_ro_reason_{case_id}")


def test_refusals_appear_under_their_field_and_keep_what_was_typed(ledger):
    case_id = _case_id(ledger, "PRICE")
    at = page("lena", case_id)
    at.text_input(key=f"dp_es_to_{case_id}").input("Sven Sales")
    _submit(at, "dp_escalate", "Escalate")
    assert error_under(at, f"dp_es_reason_{case_id}") == "say why the case is escalated"
    assert at.text_input(key=f"dp_es_to_{case_id}").value == "Sven Sales"

    at.selectbox(key=f"dp_rs_resolution_{case_id}").select("rejected — customer pays")
    at.text_input(key=f"dp_rs_credited_{case_id}").input("10,00")
    _submit(at, "dp_resolve", "Resolve")
    assert error_under(at, f"dp_rs_credited_{case_id}") == (
        "a credited amount belongs to a credit note or a partial credit"
    )
    at.selectbox(key=f"dp_rs_resolution_{case_id}").select("credit note issued")
    at.text_input(key=f"dp_rs_credited_{case_id}").input("250,01")
    _submit(at, "dp_resolve", "Resolve")
    assert error_under(at, f"dp_rs_credited_{case_id}") == "the credited amount lies between 0.01 and 250.00"

    _submit(at, "dp_note", "Add note")
    assert error_under(at, "dp_note_text") == "a note needs some text"
    row = _case(ledger, case_id)
    assert (row["status"], row["level"]) == ("open", 0)


def test_notes_moves_and_assignment_are_saved_and_shown(ledger):
    case_id = _case_id(ledger, "QUANTITY")
    at = page("colin", case_id)
    at.text_area(key="dp_note_text").input("Customer counted 3 pallets short")
    _submit(at, "dp_note", "Add note")
    assert any("Customer counted 3 pallets short" in m.value for m in at.markdown)
    assert at.text_area(key="dp_note_text__1").value == ""  # the next note starts empty

    at.selectbox(key=f"dp_mv_to_{case_id}").select("with resolver")
    _submit(at, "dp_move", "Move")
    at.text_input(key=f"dp_as_resolver_{case_id}").input("Lars Logistik")
    at.date_input(key=f"dp_as_next_{case_id}").set_value(date(2026, 11, 30))
    _submit(at, "dp_assign", "Save assignment")
    row = _case(ledger, case_id)
    assert (row["status"], row["resolver"], row["next_action_date"]) == (
        "with resolver",
        "Lars Logistik",
        date(2026, 11, 30),
    )
    assert at.selectbox(key=f"dp_mv_to_{case_id}__1").options == ["open", "awaiting customer"]


# --- the portfolio rule -------------------------------------------------------------------------


def test_a_collector_sees_the_own_portfolio_only_and_cannot_open_another(ledger):
    at = page("cora")
    listed = at.dataframe[0].value
    assert listed["customer"].tolist() == ["Bakker Logistiek B.V."]
    foreign = _case_id(ledger, "PRICE")  # Müller's, colin's portfolio
    at = page("cora", foreign)
    assert at.error[0].value.startswith(f"Case {foreign} cannot be opened: customer {MUELLER} is not in cora")
    assert not at.title and not at.dataframe and not at.text_input and not at.code
    assert _case(ledger, foreign)["level"] == 0


def test_the_controller_reads_a_case_without_any_write_action(ledger):
    case_id = _case_id(ledger, "PRICE")
    at = page("carl", case_id)
    assert at.title[0].value.startswith(f"Dispute #{case_id}")
    assert "Read only" in at.caption[0].value
    assert not at.text_input and not at.text_area and not at.selectbox and not at.code
    at = page("carl")
    assert "taxonomy" not in at.segmented_control(key="dp_view").options  # no taxonomy editor either


# --- the list -----------------------------------------------------------------------------------


def test_filters_search_and_past_due_narrow_the_list(ledger):
    at = page("lena")
    listed = at.dataframe[0].value
    assert listed["case_id"].tolist() == [1, 2, 3]  # due date, then case number
    assert listed["days_late"].tolist() == [9, 9, 9]
    assert {m.label: m.value for m in at.metric}["Amount"] == "EUR 5,650.00"
    at.text_input(key="dp_search").input("bakker").run()
    assert at.dataframe[0].value["reason"].tolist() == ["ZZ9"]
    at.text_input(key="dp_search").input("").run()
    at.multiselect(key="dp_category").select("unmapped").run()
    assert at.dataframe[0].value["category"].tolist() == ["unmapped"]
    at.multiselect(key="dp_category").unselect("unmapped").run()
    at.selectbox(key="dp_type").select("inquiry").run()
    assert "No case with these filters." in [i.value for i in at.info]


def test_a_selected_row_opens_the_case_and_the_list_comes_back_as_it_was(ledger):
    at = page("lena")
    at.text_input(key="dp_search").input("müller").run()
    assert at.dataframe[0].value["case_id"].tolist() == [1, 2]
    at.session_state["dp_table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert at.query_params["case"] == "2"
    assert at.title[0].value == "Dispute #2 — Müller Maschinenbau GmbH"
    at.button(key="dp_back").click().run()
    assert "case" not in at.query_params
    assert at.text_input(key="dp_search").value == "müller"
    assert at.dataframe[0].value["case_id"].tolist() == [1, 2]


def test_the_past_due_board_ranks_by_amount_times_days_late_and_escalates(ledger):
    at = page("lena")
    at.segmented_control(key="dp_view").set_value("late").run()
    assert not at.exception, at.exception
    board = at.dataframe[0].value
    assert board["reason"].tolist() == ["QUANTITY", "ZZ9", "PRICE"]  # 5,000 / 400 / 250, each 9 days late
    assert [float(p) for p in board["priority"]] == [45000.0, 3600.0, 2250.0]
    late = _case_id(ledger, "ZZ9")
    at.selectbox(key="dp_lt_case").select(late)
    at.text_input(key="dp_lt_to").input("Billing manager")
    at.text_input(key="dp_lt_reason").input("two reminders unanswered")
    _submit(at, "dp_escalate_late", "Escalate")
    assert f"Case {late} escalated to Billing manager." in at.success[0].value
    assert _case(ledger, late)["level"] == 1


def test_an_inquiry_is_opened_by_hand(ledger):
    at = page("colin")
    at.segmented_control(key="dp_view").set_value("inquiry").run()
    assert at.selectbox(key="dp_iq_customer").options == [
        f"{MUELLER} — Müller Maschinenbau GmbH",
        f"{KRAUSE} — Krause Metall KG",
    ]  # fmt: skip  (his portfolio only)
    _submit(at, "dp_inquiry", "Open the inquiry")
    assert error_under(at, "dp_iq_customer") == "Choose the customer who asks."
    at.selectbox(key="dp_iq_customer").select(KRAUSE)
    at.selectbox(key="dp_iq_reason").select("INVOICE_COPY")
    at.text_area(key="dp_iq_note").input("Copy of 1800000004 for their auditor")
    _submit(at, "dp_inquiry", "Open the inquiry")
    assert f"Inquiry opened for {KRAUSE}." in at.success[0].value
    case = list_cases(ledger, SYSTEM, case_type="inquiry").row(0, named=True)
    assert (case["customer_id"], case["reason"], case["due"]) == (KRAUSE, "INVOICE_COPY", date(2026, 11, 27))


# --- the taxonomy (leads) -----------------------------------------------------------------------


def test_a_lead_maps_an_unmapped_code_and_edits_a_reason(ledger):
    at = page("lena")
    at.segmented_control(key="dp_view").set_value("taxonomy").run()
    assert not at.exception, at.exception
    assert at.dataframe[0].value["reason"].tolist() == ["ZZ9"]
    assert at.selectbox(key="dp_tx_pick").value == "ZZ9"  # the unmapped codes come first
    at.text_input(key="dp_tx_label_ZZ9").input("Old bonus code")
    at.selectbox(key="dp_tx_category_ZZ9").select("pricing")
    at.selectbox(key="dp_tx_department_ZZ9").select("sales")
    _submit(at, "dp_reason_form", "Save reason")
    assert "Reason ZZ9 saved" in at.success[0].value
    assert not any("belong to no root-cause category" in w.value for w in at.warning)
    assert _case(ledger, _case_id(ledger, "ZZ9"))["category"] == "pricing"

    at.selectbox(key="dp_tx_pick").select("PRICE").run()
    at.number_input(key="dp_tx_sla_PRICE__1").set_value(7)
    _submit(at, "dp_reason_form", "Save reason")
    from ar_core.disputes import reason_taxonomy

    assert reason_taxonomy(ledger)["PRICE"].sla_days == 7


def test_a_refused_sla_setting_shows_under_its_field(ledger):
    at = page("lena")
    at.segmented_control(key="dp_view").set_value("taxonomy").run()
    at.text_input(key="dp_sla_country").input("XX")
    _submit(at, "dp_sla_form", "Save")
    assert error_under(at, "dp_sla_country") == "no public-holiday calendar for country 'XX'"
    at.radio(key="dp_sla_kind").set_value("working")
    at.text_input(key="dp_sla_country").input("NL")
    _submit(at, "dp_sla_form", "Save")
    assert "How SLA days count is saved." in at.success[0].value
    from ar_core.disputes import sla_settings

    assert sla_settings(ledger) == {"kind": "working", "country": "NL"}
