"""Credit balances page through AppTest: the open credits of a lead and of a collector (scoped, totals
worked out by hand), decisions on suggestions (accept, reject with its reason refused under the
field, refund), a camt.053 import and its payments, a reconciliation from a CSV list, and a
controller who sees no form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import ar_core.collections
import ar_core.credit
from ar_core.collections import reconciliations
from ar_core.collections.lifecycle import import_snapshot
from ar_core.credit import bank, decisions, reconciling
from ar_core.ledger import Scope
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import ROOT, SYSTEM, app_store
from tests.conftest import item
from tests.test_bank_camt import camt, entry, statement, tx
from tests.test_page_disputes import error_under

USERS = {"lena": ["lead"], "colin": ["collector"], "cora": ["collector"], "carl": ["controller"]}
MUELLER, BAKKER, KRAUSE = "0000100001", "0000100002", "0000100003"
#: The services the page calls through the façades, while the façades do not name them yet.
SERVICES = {
    ar_core.credit: [decisions, bank, reconciling],
    ar_core.collections: [reconciliations],
}


def _offer_services(monkeypatch) -> None:
    for facade, modules in SERVICES.items():
        for module in modules:
            for name in getattr(module, "__all__", None) or dir(module):
                value = getattr(module, name)
                if callable(value) and not name.startswith("_") and not hasattr(facade, name):
                    monkeypatch.setattr(facade, name, value, raising=False)


@pytest.fixture
def ledger(tmp_path, monkeypatch, make_result):
    """Snapshot of 20.11.2026, worked on the same day.

    Müller (colin): invoice 1800000001 EUR 1,000.00 and credit 1600000001 −1,000.00 of 10.10.
    (41 days, "31-60") quoting it. Bakker (cora): invoice 150.00, credit −400.00 of 10.11.
    (10 days, "1-30"): a net credit of −250.00. Krause (colin): invoice 80.00 and a residual
    (AB) of −3.00 of 01.08. (111 days, "91-180"), also the one miscellaneous item.
    """
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        _offer_services(monkeypatch)
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
        credit = {"doc_type": "DG"}
        rows = [
            item(doc_no="1800000001", customer_id=MUELLER, amount="1000.00", collector="colin"),
            item(doc_no="1600000001", customer_id=MUELLER, amount="-1000.00", doc_date=date(2026, 10, 10),
                 due_date=date(2026, 10, 10), reference="RE 1800000001", collector="colin", **credit),
            item(doc_no="1800000003", customer_id=BAKKER, amount="150.00", collector="cora"),
            item(doc_no="1600000003", customer_id=BAKKER, amount="-400.00", doc_date=date(2026, 11, 10),
                 due_date=date(2026, 11, 10), collector="cora", **credit),
            item(doc_no="1800000004", customer_id=KRAUSE, amount="80.00", collector="colin"),
            item(doc_no="1400000004", customer_id=KRAUSE, amount="-3.00", doc_type="AB",
                 doc_date=date(2026, 8, 1), due_date=date(2026, 8, 1), collector="colin"),
        ]  # fmt: skip
        import_snapshot(
            engine, SYSTEM, make_result(rows, as_of=date(2026, 11, 20)), scope=Scope.whole_ledger()
        )
        yield engine


def page(username: str, tab: str = "Open credits", **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/credit_balances.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["cr_tab"] = tab
    for key, value in state.items():
        at.session_state[key] = value
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def select(at: AppTest, key: str, *rows: int) -> AppTest:
    at.session_state[key] = {"selection": {"rows": list(rows), "columns": [], "cells": []}}
    return run(at)


def submit(at: AppTest, form: str, label: str) -> AppTest:
    at.button(key=f"FormSubmitter:{form}-{label}").click()
    return run(at)


def money(values) -> list[Decimal]:
    return [Decimal(str(v)).quantize(Decimal("0.01")) for v in values]


# --- open credits --------------------------------------------------------------------------------


def test_a_lead_sees_every_open_credit_and_the_totals_reconcile(ledger):
    at = page("lena")
    assert (
        "Reconciles with the snapshot of 20 Nov 2026: **yes** (EUR -1,403.00 in 3 open credits)"
        in at.caption[0].value
    )
    credits = at.dataframe[0].value
    assert credits["doc_no"].tolist() == ["1400000004", "1600000001", "1600000003"]  # oldest first
    assert credits["age_bucket"].tolist() == ["91-180", "31-60", "1-30"]
    assert money(credits["amount"]) == money(["-3.00", "-1000.00", "-400.00"])
    assert [m.value for m in at.metric] == ["3", "EUR -1,403.00"]

    at.session_state["cr_view"] = "totals"
    at.session_state["cr_by"] = "collector"
    run(at)
    by_collector = at.dataframe[0].value
    assert by_collector["collector"].tolist() == ["colin", "cora"]
    assert money(by_collector["total"]) == money(["-1003.00", "-400.00"])
    assert by_collector["count"].tolist() == [2, 1]
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"Open credit"' in spec

    at.session_state["cr_view"] = "refunds"
    run(at)
    refunds = at.dataframe[0].value
    assert refunds["customer_id"].tolist() == [BAKKER]
    assert money(refunds["net"]) == money(["-250.00"])

    at.session_state["cr_view"] = "misc"
    run(at)
    misc = at.dataframe[0].value
    assert misc["doc_no"].tolist() == ["1400000004"]
    assert misc["reasons"].tolist() == ["residual, small difference"]
    aging = at.dataframe[1].value
    assert money(aging["total"]) == money(["-3.00"])


def test_a_collector_sees_only_the_portfolio_and_the_filters_narrow_the_totals(ledger):
    at = page("colin")
    assert "(EUR -1,003.00 in 2 open credits)" in at.caption[0].value
    credits = at.dataframe[0].value
    assert credits["customer_id"].tolist() == [KRAUSE, MUELLER]
    assert BAKKER not in at.dataframe[0].value["customer_id"].tolist()

    at.session_state["cr_min"] = 10.0  # the 3.00 residual drops out
    at.session_state["cr_view"] = "totals"
    at.session_state["cr_by"] = "customer"
    run(at)
    by_customer = at.dataframe[0].value
    assert by_customer["customer_id"].tolist() == [MUELLER]
    assert money(by_customer["total"]) == money(["-1000.00"])

    at.session_state["cr_view"] = "refunds"
    run(at)
    assert "nobody is owed a refund" in at.info[0].value


# --- suggestions ---------------------------------------------------------------------------------


def _decision(engine, credit_doc: str) -> dict:
    frame = decisions.allocation_suggestions(engine, SYSTEM)
    return frame.filter(pl.col("credit_doc") == credit_doc).row(0, named=True)


def test_the_lead_accepts_rejects_with_a_reason_and_requests_a_refund(ledger):
    at = page("lena", "Suggestions")
    listed = at.dataframe[0].value  # Bakker's credit exceeds every invoice: no suggestion
    assert listed["credit_doc"].tolist() == ["1600000001", "1400000004"]
    assert listed["rule"].tolist() == ["quoted invoice", "partial"]
    assert listed["evidence"][1].startswith("only open invoice 1800000004 (80.00); credit 3.00 settles part")

    select(at, "cr_sg_table", 0)  # Müller's credit quoting its invoice
    assert "rule **quoted invoice**" in at.markdown[0].value
    submit(at, "cr_accept", "Accept")
    assert "1600000001: allocation accepted" in at.success[0].value
    assert _decision(ledger, "1600000001")["status"] == "accepted"

    select(at, "cr_sg_table", 0)  # now Krause's residual, the one left to decide
    at.session_state["cr_decision"] = "Reject"
    run(at)
    submit(at, "cr_reject", "Reject")
    assert error_under(at, "cr_rj_reason") == "say why the suggestion is wrong"
    at.text_input(key="cr_rj_reason").input("a bank charge, not part of this invoice")
    submit(at, "cr_reject", "Reject")
    assert "1400000004: suggestion rejected" in at.success[0].value
    row = _decision(ledger, "1400000004")
    assert (row["status"], row["decision_reason"]) == ("rejected", "a bank charge, not part of this invoice")

    at.session_state["cr_sg_show"] = "decided"
    select(at, "cr_sg_table", 1)  # the rejected residual goes back to the customer
    at.session_state["cr_decision"] = "Refund"
    run(at)
    at.text_input(key="cr_rf_reason").input("customer asks for the 3.00 back")
    submit(at, "cr_refund", "Request refund")
    assert "1400000004: refund" in at.success[0].value
    assert _decision(ledger, "1400000004")["refund_status"] is not None

    at.session_state["cr_sg_show"] = "decided"
    run(at)
    proposal = at.dataframe[-1].value
    assert proposal["credit_doc"].tolist() == ["1600000001"]
    assert proposal["status"].tolist() == ["pending"]
    assert [b.label for b in at.get("download_button")][-2:] == [
        "Clearing proposal (XLSX)",
        "Clearing proposal (CSV)",
    ]


# --- bank payments -------------------------------------------------------------------------------


def test_the_lead_imports_a_camt053_statement_and_sees_its_payment(ledger):
    at = page("lena", "Bank payments")
    assert "No bank statement imported yet." in at.info[0].value
    data = camt([statement([entry("1000.00", [tx("1000.00", name="Müller Maschinenbau GmbH",
                                                  ustrd=("RE 1800000001",))])])])  # fmt: skip
    at.file_uploader(key="cr_bank_file").set_value(("day.xml", data, "application/xml"))
    submit(at, "cr_bank_import", "Import statement")
    assert "day.xml: 1 statement(s) imported" in at.success[0].value
    assert "1 incoming customer payment(s)" in at.success[0].value
    payments = at.dataframe[0].value
    assert money(payments["amount"]) == money(["1000.00"])
    assert payments["counterparty_name"].tolist() == ["Müller Maschinenbau GmbH"]

    at.file_uploader(key="cr_bank_file__1").set_value(("bad.xml", b"<Document>not camt", "application/xml"))
    submit(at, "cr_bank_import", "Import statement")
    assert error_under(at, "cr_bank_file__1").startswith("bad.xml")


# --- reconciliation ------------------------------------------------------------------------------

#: Müller's list: the invoice they owe; they have not booked our credit note 1600000001.
THEIR_LIST = (
    "Rechnungsnummer;Datum;Betrag;Währung;Text\n1800000001;01.09.2026;1.000,00;EUR;Rechnung\n".encode()
)


def test_a_collector_reconciles_the_customers_list_and_sees_the_three_balances(ledger):
    at = page("colin", "Reconciliation")
    at.selectbox(key="cr_rec_customer").select(MUELLER)
    run(at)
    at.file_uploader(key="cr_rec_file").set_value(("mueller.csv", THEIR_LIST, "text/csv"))
    submit(at, "cr_rec", "Reconcile")
    assert [(m.label, m.value) for m in at.metric] == [
        ("Our balance", "EUR 0.00"),
        ("Their balance", "EUR 1,000.00"),
        ("Difference", "EUR -1,000.00"),
    ]
    only_ours = at.dataframe[0].value
    assert only_ours["doc_no"].tolist() == ["1600000001"]
    assert [b.label for b in at.button if b.key == "cr_rec_record"] == ["Record on the account"]


def test_a_broken_list_shows_its_problems_with_row_and_column(ledger):
    at = page("colin", "Reconciliation")
    at.selectbox(key="cr_rec_customer").select(MUELLER)
    run(at)
    broken = THEIR_LIST.replace(b"1.000,00", b"1.0x0,00")
    at.file_uploader(key="cr_rec_file").set_value(("mueller.csv", broken, "text/csv"))
    submit(at, "cr_rec", "Reconcile")
    assert "cannot be reconciled" in at.error[0].value
    problems = at.dataframe[0].value
    assert ("mueller.csv", 2, "Betrag") in list(
        zip(problems["file"], problems["row"], problems["column"], strict=True)
    )


# --- a controller reads only ---------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["Open credits", "Suggestions", "Bank payments", "Reconciliation"])
def test_a_controller_sees_every_tab_and_no_form(ledger, tab):
    at = page("carl", tab, cr_sg_table={"selection": {"rows": [0], "columns": [], "cells": []}})
    assert at.caption[0].value.startswith("Read only")
    assert not at.get("form")
    assert not [b for b in at.button if b.key in ("cr_rec_record", "cr_rec_cases")]
    assert not at.get("file_uploader")


def test_the_outcome_goes_on_the_account_and_an_open_point_becomes_a_case(ledger):
    from ar_core.collections.contacts import list_contacts
    from ar_core.disputes import list_cases

    at = page("colin", "Reconciliation")
    at.selectbox(key="cr_rec_customer").select(MUELLER)
    run(at)
    # their list: our invoice, and a payment of 250.00 we do not know
    theirs = THEIR_LIST + b"ZAHLUNG-77;05.10.2026;-250,00;EUR;Zahlung\n"
    at.file_uploader(key="cr_rec_file").set_value(("mueller.csv", theirs, "text/csv"))
    submit(at, "cr_rec", "Reconcile")
    assert [m.value for m in at.metric] == ["EUR 0.00", "EUR 750.00", "EUR -750.00"]
    at.button(key="cr_rec_record").click()
    run(at)
    assert any("is recorded on the account of 0000100001" in m.value for m in at.success)
    assert list_contacts(ledger, SYSTEM, MUELLER).height == 1
    # a credit only we list is no case: refused under the button, nothing opened
    assert at.button(key="cr_rec_cases").disabled
    select(at, "cr_rec_ours", 0)
    at.button(key="cr_rec_cases").click()
    run(at)
    assert any("only invoices become cases" in e.value for e in at.error)
    assert list_cases(ledger, SYSTEM, status="open", customer_id=MUELLER).is_empty()
    # their payment line becomes one inquiry without items
    select(at, "cr_rec_ours")
    select(at, "cr_rec_theirs", 0)
    at.button(key="cr_rec_cases").click()
    run(at)
    assert any("1 case(s) opened" in m.value for m in at.success)
    cases = list_cases(ledger, SYSTEM, status="open", customer_id=MUELLER)
    assert (cases.height, cases["type"].item(), cases["items"].item()) == (1, "inquiry", 0)


def test_a_credit_of_a_refund_candidate_is_marked_for_refund_from_the_view(ledger):
    from ar_core.credit import list_refunds

    at = page("lena", "Open credits", cr_view="refunds")
    # Bakker: 150.00 owed against a credit of 400.00, a net credit of 250.00; its one credit is offered
    assert list(at.selectbox(key="cr_rf_credit").options) == [f"{BAKKER} — 1600000003 (EUR -400.00)"]
    submit(at, "cr_refund", "Request refund")  # no reason: refused under the field
    assert any("say why" in e.value for e in at.error)
    at.text_input(key="cr_rf_reason").input("customer asks for the money back")
    submit(at, "cr_refund", "Request refund")
    refunds = list_refunds(ledger, SYSTEM)
    assert refunds.select("credit_doc", "amount", "status").rows() == [
        ("1600000003", Decimal("400.00"), "approved")
    ]
