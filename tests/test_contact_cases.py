"""A contact and the case it raised (ar_core.collections.calls): "dispute raised" opens the dispute
linked to the entry, an inquiry reason opens an inquiry, everything is checked before anything is
written, and the items a case may cover show the case they are in already."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ar_core.collections import case_candidates, list_contacts, list_promises, record_call, record_contact
from ar_core.collections.lifecycle import import_snapshot
from ar_core.disputes import case_detail, case_items, list_cases, open_case
from ar_core.errors import ArDeskError, InvalidInput, PermissionDenied
from ar_core.ledger.snapshot_scope import Scope
from tests.conftest import COLLECTOR, LEAD, item
from tests.test_disputes import OTHER

AS_OF = date(2026, 11, 20)
CALL = {"channel": "phone", "notes": "Frau Kern: price of the October invoice is wrong"}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2026-11-25")


@pytest.fixture
def ledger(store, make_result):
    """C1 (c.meyer): invoices of EUR 1,000.00 (due 01.10.) and EUR 300.00 (due 01.11.), a credit of 50.00, and
    a USD invoice; C2 (c.meyer): an invoice the ERP flags as disputed (its case comes from the extract)."""
    rows = [
        item(customer_id="C1", doc_no="1800000001", amount="1000.00", source_row=3),
        item(customer_id="C1", doc_no="1800000002", amount="300.00", due_date=date(2026, 11, 1),
             source_row=4),
        item(customer_id="C1", doc_no="1800000003", amount="-50.00", source_row=5),
        item(customer_id="C1", doc_no="1800000004", amount="80.00", currency="USD", source_row=6),
        item(customer_id="C2", doc_no="1800000005", amount="400.00", disputed=True, dispute_reason="PRICE",
             source_row=7),
    ]  # fmt: skip
    import_snapshot(store, LEAD, make_result(rows, as_of=AS_OF), scope=Scope.whole_ledger())
    return store


def _doc(doc_no: str, amount: str | None = None) -> dict:
    return {"company_code": "1000", "fiscal_year": 2026, "doc_no": doc_no, "line_item": 1, "amount": amount}


def _case(engine, case_id: int) -> dict:
    return list_cases(engine, LEAD).filter(case_id=case_id).row(0, named=True)


def test_a_dispute_raised_on_a_call_opens_the_case_linked_to_the_entry(ledger):
    result = record_contact(
        ledger, COLLECTOR, "C1", outcome="dispute raised", next_action="dispute follow-up",
        case={"reason": "PRICE", "items": [_doc("1800000001", "250.00"), _doc("0001800000002")],
              "resolver_department": "billing"},
        **CALL,
    )  # fmt: skip
    assert result.promise_id is None and result.case_id is not None
    case = _case(ledger, result.case_id)
    assert (case["type"], case["reason"], case["amount"], case["source"], case["contact_id"]) == (
        "dispute", "PRICE", Decimal("550.00"), "contact", result.contact_id,
    )  # fmt: skip
    assert case["resolver_department"] == "billing" and case["items"] == 2
    # the case's thread starts with what the customer said on the call
    assert case_detail(ledger, COLLECTOR, result.case_id)["notes"]["text"].to_list() == [CALL["notes"]]
    entry = list_contacts(ledger, COLLECTOR, "C1").row(0, named=True)
    assert (entry["contact_id"], entry["outcome"]) == (result.contact_id, "dispute raised")
    assert case_items(ledger, COLLECTOR, [result.case_id])["amount"].to_list() == [
        Decimal("250.00"),
        Decimal("300.00"),  # no amount given: the whole open amount
    ]


def test_an_inquiry_reason_opens_an_inquiry_without_items_with_any_outcome_the_customer_gave(ledger):
    result = record_contact(
        ledger, COLLECTOR, "C1", outcome="reached", case={"reason": "invoice_copy"}, **CALL
    )
    case = _case(ledger, result.case_id)
    assert (case["type"], case["reason"], case["items"], case["contact_id"]) == (
        "inquiry", "INVOICE_COPY", 0, result.contact_id,
    )  # fmt: skip
    assert case["due"] == date(2026, 11, 27)  # 2 days' SLA from today
    # a promise and an inquiry on the same call: both, the promise in the contact's transaction
    both = record_contact(
        ledger, COLLECTOR, "C1", outcome="promise to pay", channel="e-mail",
        promise={"amount": Decimal("300.00"), "currency": "EUR", "promised_date": date(2026, 12, 1)},
        case={"reason": "STATEMENT"},
    )  # fmt: skip
    assert both.promise_id in list_promises(ledger, COLLECTOR, "C1")["promise_id"].to_list()
    assert _case(ledger, both.case_id)["reason"] == "STATEMENT"


@pytest.mark.parametrize(
    ("outcome", "case", "field", "message"),
    [
        ("dispute raised", None, "case_reason", "opens a dispute: choose its reason"),
        ("dispute raised", {"reason": "PRICE"}, "case_items", "at least one open invoice"),
        ("reached", {"reason": "PRICE", "items": [_doc("1800000001")]}, "outcome", "'dispute raised'"),
        ("dispute raised", {"reason": "STATEMENT"}, "case_reason", "is an inquiry"),
        ("internal note", {"reason": "STATEMENT"}, "outcome", "comes from the customer"),
        ("dispute raised", {"reason": "NOPE", "items": [_doc("1800000001")]}, "case_reason", "taxonomy"),
        ("reached", {"items": [_doc("1800000001")]}, "case_reason", "choose the reason"),
        ("dispute raised", {"reason": "PRICE", "items": [_doc("1800000003")]}, "case_items",
         "not an open invoice"),
        ("dispute raised", {"reason": "PRICE", "items": [_doc("1800000009")]}, "case_items",
         "not an open invoice"),
        ("dispute raised", {"reason": "PRICE", "items": [_doc("1800000001", "1000.01")]}, "case_items",
         r"between 0\.01 and 1000\.00"),
        ("dispute raised", {"reason": "PRICE", "items": [_doc("1800000001", "12,345")]}, "case_items",
         "more than two decimals"),
        ("dispute raised", {"reason": "PRICE", "items": [_doc("1800000001"), _doc("1800000004")]},
         "case_items", "one currency"),
        ("dispute raised", {"reason": "PRICE", "items": [_doc("1800000001"), _doc("01800000001")]},
         "case_items", "named twice"),
        ("dispute raised", {"reason": "PRICE", "items": [_doc("1800000001")], "resolver_department": "it"},
         "case_department", "unknown department"),
        ("dispute raised", {"reason": "PRICE", "items": [_doc("1800000001")], "note": "x" * 4001},
         "case_note", "at most"),
    ],
)  # fmt: skip
def test_a_refused_case_writes_nothing_and_names_the_forms_field(ledger, outcome, case, field, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        record_contact(ledger, COLLECTOR, "C1", outcome=outcome, case=case, **CALL)
    assert refused.value.field == field
    assert list_contacts(ledger, LEAD, "C1").is_empty()
    assert list_cases(ledger, LEAD, customer_id="C1").is_empty()


def test_an_item_already_in_a_case_is_refused_before_the_contact_is_logged(ledger):
    first = open_case(ledger, COLLECTOR, "C1", reason="QUANTITY", items=[_doc("1800000001", "10.00")])
    with pytest.raises(InvalidInput, match=f"already in case {first}") as refused:
        record_contact(
            ledger, COLLECTOR, "C1", outcome="dispute raised",
            case={"reason": "PRICE", "items": [_doc("1800000001")]}, **CALL,
        )  # fmt: skip
    assert refused.value.field == "case_items"
    assert list_contacts(ledger, LEAD, "C1").is_empty()
    # the extract's disputed item of C2 is in the case the import opened
    taken = case_candidates(ledger, COLLECTOR, "C2", *_latest(ledger))
    assert taken.select("doc_no", "case_status").rows() == [("1800000005", "open")]


def _latest(engine) -> tuple[int, date]:
    from ar_core.disputes import latest_snapshot

    return latest_snapshot(engine)


def test_the_items_a_case_may_cover_are_the_open_invoices_with_their_case(ledger):
    case = open_case(ledger, COLLECTOR, "C1", reason="PRICE", items=[_doc("1800000002", "100.00")])
    frame = case_candidates(ledger, COLLECTOR, "C1", *_latest(ledger))
    # oldest due first; the credit is no invoice; the covered one names its case
    assert frame.select("doc_no", "amount", "currency", "days_overdue", "case_id").rows() == [
        ("1800000001", Decimal("1000.00"), "EUR", 50, None),
        ("1800000004", Decimal("80.00"), "USD", 50, None),
        ("1800000002", Decimal("300.00"), "EUR", 19, case),
    ]
    with pytest.raises(PermissionDenied):
        case_candidates(ledger, OTHER, "C1", *_latest(ledger))


def test_a_case_refused_at_the_last_moment_leaves_neither_entry_nor_case(ledger, monkeypatch):
    # a colleague puts the item into a case between the checks and the write: one transaction
    monkeypatch.setattr("ar_core.disputes.cases._taken", lambda _conn, keys: {keys[0]: 99})
    with pytest.raises(InvalidInput, match="already in case 99") as refused:
        record_contact(
            ledger, COLLECTOR, "C1", outcome="dispute raised",
            case={"reason": "PRICE", "items": [_doc("1800000001")]}, **CALL,
        )  # fmt: skip
    assert refused.value.field == "case_items"
    assert list_contacts(ledger, LEAD, "C1").height == 0
    assert list_cases(ledger, LEAD, customer_id="C1").is_empty()


def test_the_promise_path_is_unchanged_and_another_portfolio_is_refused(ledger):
    contact_id, promise_id = record_call(
        ledger, COLLECTOR, "C1", outcome="promise to pay", channel="phone",
        promise={"amount": Decimal("100.00"), "currency": "EUR", "promised_date": date(2026, 12, 1)},
    )  # fmt: skip
    assert contact_id and promise_id
    with pytest.raises(InvalidInput, match="promise to pay"):
        record_contact(ledger, COLLECTOR, "C1", outcome="promise to pay", channel="phone")
    with pytest.raises(PermissionDenied):
        record_contact(ledger, OTHER, "C1", outcome="dispute raised", case={"reason": "PRICE"}, **CALL)
    with pytest.raises(ArDeskError, match="unknown case field"):
        record_contact(
            ledger, COLLECTOR, "C1", outcome="reached", case={"reason": "STATEMENT", "x": 1}, **CALL
        )
