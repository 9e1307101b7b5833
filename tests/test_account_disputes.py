"""The account's Disputes tab and the contact form through AppTest: the customer's cases with a link
to each, opening a dispute over chosen items and amounts, refusals under their fields, a dispute
raised on a call (linked to the contact), an inquiry logged from a contact."""

from __future__ import annotations

import json
from decimal import Decimal

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from ar_core.collections import contacts
from ar_core.collections.lifecycle import import_snapshot
from ar_core.disputes import case_items, list_cases, open_case
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import ROOT, SYSTEM, app_store, open_tab
from tests.samples import fbl5n_german_text

MUELLER, BAKKER = "0000100001", "0000100002"
USERS = {"lena": ["lead"], "colin": ["collector"], "cora": ["collector"], "carl": ["controller"]}
OPEN_DISPUTE = "FormSubmitter:open_dispute-Open dispute"
SAVE_CONTACT = "FormSubmitter:log_contact-Save contact"
DISPUTES, CONTACTS = "Disputes", "Contacts"


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    """The FBL5N sample of 20.11.2026: Müller (colin) owes 1234.56 less a credit of 234.50,
    Bakker (cora) 10,000.00 and 0.10."""
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": [MUELLER, BAKKER],
                    "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."],
                    "collector": ["colin", "cora"],
                }
            ),
        )
        import_snapshot(engine, SYSTEM, read_extract(fbl5n_german_text(), "fbl5n.txt"))
        yield engine


def page(username: str, customer: str, tab: str) -> AppTest:
    """The account page with ``tab`` open (only the open tab runs)."""
    at = AppTest.from_file(str(ROOT / "pages/account.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.query_params["customer"] = customer
    return open_tab(at, tab)


def edit(at: AppTest, key: str, rows: dict[int, dict]) -> None:
    """Tick (and change) rows of a data editor, as the browser reports it."""
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _doc(doc_no: str, amount: str | None = None) -> dict:
    return {"company_code": "1000", "fiscal_year": 2026, "doc_no": doc_no, "line_item": 1, "amount": amount}


def _tab(at: AppTest, label: str):
    return next(t for t in at.tabs if t.label == label)


def _disputes_tab(at: AppTest):
    return _tab(at, DISPUTES)


def _field_block(block, key: str):
    """The innermost block (a form's column) holding the widget ``key``."""
    for child in block.children.values():
        if isinstance(child, Block) and any(getattr(n, "key", None) == key for n in child):
            return _field_block(child, key)
    return block


def _editors(block) -> list:
    """The item tables of the case forms (AppTest lists a data editor among the dataframes)."""
    return [d.value for d in block.dataframe if "pick" in d.value.columns]


# --- the Disputes tab --------------------------------------------------------------------------------


def test_the_tab_lists_the_customers_cases_each_linked_to_its_page(ledger):
    from ar_core.disputes import resolve_case

    first = open_case(ledger, SYSTEM, BAKKER, reason="PRICE", items=[_doc("1800000003", "2500.00")])
    inquiry = open_case(ledger, SYSTEM, BAKKER, reason="INVOICE_COPY", case_type="inquiry")
    resolve_case(ledger, SYSTEM, inquiry, "duplicate")
    open_case(ledger, SYSTEM, MUELLER, reason="PRICE", items=[_doc("1800000001")])  # another customer's
    at = page("cora", BAKKER, DISPUTES)
    table = next(d for d in _disputes_tab(at).dataframe if "reason_label" in d.value.columns)
    assert table.value["case"].tolist() == [f"/disputes?case={inquiry}", f"/disputes?case={first}"]
    assert table.value["type"].tolist() == ["inquiry", "dispute"]
    assert table.value["status"].tolist() == ["resolved", "open"]
    assert [float(a) for a in table.value["amount"]] == [0.0, 2500.0]
    assert table.value["reason_label"].tolist()[1] == "Price differs from the agreed price"
    config = json.loads(table.proto.columns)
    assert config["case"]["type_config"]["type"] == "link"
    assert config["amount"]["type_config"]["format"] == "%,.2f"  # money as money
    assert config["case_id"]["hidden"] is True
    assert any("2 cases, 1 being worked" in c.value for c in at.caption)


def test_open_a_dispute_over_part_of_an_invoice(ledger):
    at = page("cora", BAKKER, DISPUTES)
    (editor,) = _editors(_disputes_tab(at))
    assert editor["doc_no"].tolist() == ["1800000003", "1800000004"]  # Bakker's open invoices
    assert [float(a) for a in editor["disputed"]] == [10000.0, 0.1]  # the open amounts by default
    edit(at, "dp_items", {0: {"pick": True, "disputed": 2500.0}})
    at.selectbox(key="dp_reason").select("PRICE")
    at.selectbox(key="dp_dept").select("billing")
    at.text_area(key="dp_note").input("Price list of October not applied")
    at.form_submit_button(key=OPEN_DISPUTE).click().run()
    assert not at.exception, at.exception
    case = list_cases(ledger, SYSTEM, customer_id=BAKKER).row(0, named=True)
    assert any(f"Dispute opened as case {case['case_id']}." in s.value for s in at.success)
    assert (case["reason"], case["amount"], case["resolver_department"], case["source"]) == (
        "PRICE", Decimal("2500.00"), "billing", "account",
    )  # fmt: skip
    assert case["collector"] == "cora"  # the customer's collector owns it
    assert case_items(ledger, SYSTEM, [case["case_id"]])["doc_no"].to_list() == ["1800000003"]
    # the new case is listed at once, the invoice shows the case it is in, the form starts empty
    assert any(
        f"/disputes?case={case['case_id']}" in d.value.get("case", pl.Series([])).tolist()
        for d in _disputes_tab(at).dataframe
    )
    assert at.text_area(key="dp_note__1").value == ""
    (editor,) = _editors(_disputes_tab(at))
    assert editor["in_case"].tolist()[0] == f"case {case['case_id']} (open)"
    assert not editor["pick"].any()


def test_refusals_show_under_their_fields_and_keep_what_was_typed(ledger):
    at = page("cora", BAKKER, DISPUTES)
    at.text_area(key="dp_note").input("call back Friday")
    at.form_submit_button(key=OPEN_DISPUTE).click().run()  # neither reason nor items
    assert "choose a reason of the taxonomy" in errors(at)[0]
    assert any("choose a reason" in e.value for e in _disputes_tab(at).error)
    assert at.text_area(key="dp_note").value == "call back Friday"
    at.selectbox(key="dp_reason").select("PRICE")
    at.form_submit_button(key=OPEN_DISPUTE).click().run()
    assert "a dispute covers at least one open item" in errors(at)[0]
    edit(at, "dp_items", {0: {"pick": True, "disputed": 10000.01}})
    at.form_submit_button(key=OPEN_DISPUTE).click().run()
    assert "lies between 0.01 and 10000.00" in errors(at)[0]
    assert list_cases(ledger, SYSTEM).is_empty()
    first = open_case(ledger, SYSTEM, BAKKER, reason="QUANTITY", items=[_doc("1800000003", "1.00")])
    edit(at, "dp_items", {0: {"pick": True}})
    at.form_submit_button(key=OPEN_DISPUTE).click().run()
    assert f"already in case {first}" in errors(at)[0]
    assert list_cases(ledger, SYSTEM).height == 1


def test_a_controller_reads_the_cases_and_sees_no_form(ledger):
    open_case(ledger, SYSTEM, BAKKER, reason="PRICE", items=[_doc("1800000003")])
    at = page("carl", BAKKER, DISPUTES)
    assert any("reason_label" in d.value.columns for d in _disputes_tab(at).dataframe)
    assert not at.form_submit_button and not _editors(at)


# --- the contact form -------------------------------------------------------------------------------


def test_a_dispute_raised_on_a_call_opens_the_case_linked_to_the_contact(ledger):
    at = page("cora", BAKKER, CONTACTS)
    at.selectbox(key="ct_outcome").select("dispute raised")
    at.text_area(key="ct_notes").input("Customer: 3 pallets short")
    at.form_submit_button(key=SAVE_CONTACT).click().run()  # no reason, no items: refused
    assert "opens a dispute" in errors(at)[0] and "choose its reason" in errors(at)[0]
    assert contacts.list_contacts(ledger, SYSTEM, BAKKER).is_empty()
    at.selectbox(key="ct_cs_reason").select("QUANTITY")
    edit(at, "ct_cs_items", {0: {"pick": True, "disputed": 1200.0}})
    at.form_submit_button(key=SAVE_CONTACT).click().run()
    assert not at.exception, at.exception
    entry = contacts.list_contacts(ledger, SYSTEM, BAKKER).row(0, named=True)
    case = list_cases(ledger, SYSTEM, customer_id=BAKKER).row(0, named=True)
    assert (case["contact_id"], case["source"], case["amount"], case["reason"]) == (
        entry["contact_id"], "contact", Decimal("1200.00"), "QUANTITY",
    )  # fmt: skip
    assert f"Contact saved. Case {case['case_id']} opened and linked to it." in [s.value for s in at.success]
    assert at.text_area(key="ct_notes__1").value == ""


def test_an_inquiry_logged_from_a_contact_needs_no_item(ledger):
    at = page("colin", MUELLER, CONTACTS)
    at.selectbox(key="ct_outcome").select("reached")
    at.selectbox(key="ct_cs_reason").select("PRICE")  # a dispute reason with another outcome: refused
    at.form_submit_button(key=SAVE_CONTACT).click().run()
    assert "a dispute is logged with the outcome 'dispute raised'" in errors(at)[0]
    at.selectbox(key="ct_cs_reason").select("INVOICE_COPY")
    at.form_submit_button(key=SAVE_CONTACT).click().run()
    assert not at.exception, at.exception
    case = list_cases(ledger, SYSTEM, customer_id=MUELLER).row(0, named=True)
    assert (case["type"], case["reason"], case["items"]) == ("inquiry", "INVOICE_COPY", 0)
    assert case["contact_id"] == contacts.list_contacts(ledger, SYSTEM, MUELLER)["contact_id"][0]


def test_a_promise_refusal_shows_under_the_contact_forms_own_field(ledger):
    at = page("colin", MUELLER, CONTACTS)
    at.selectbox(key="ct_outcome").select("promise to pay")
    at.text_input(key="ct_pr_amount").input("1.234,57")
    at.form_submit_button(key=SAVE_CONTACT).click().run()
    contacts_tab, promises_tab = _tab(at, CONTACTS), _tab(at, "Promises to pay")
    assert any("exceeds the open debits" in e.value for e in contacts_tab.error)
    # under the contact form's own amount field (the Promises tab's form has the same fields)
    amount_field = _field_block(contacts_tab, "ct_pr_amount")
    assert amount_field.type == "column"
    assert any("exceeds the open debits" in e.value for e in amount_field.error)
    assert not any("exceeds the open debits" in e.value for e in promises_tab.error)
