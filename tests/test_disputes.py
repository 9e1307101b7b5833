"""Dispute and inquiry cases: SLA due dates, cases from the extract without duplicates, closure by
clearing and reopening on snapshot removal, cases opened by hand, the workflow, portfolio scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ar_core.access import Actor
from ar_core.collections.lifecycle import import_snapshot, remove_snapshot
from ar_core.disputes import (
    add_note,
    case_detail,
    case_items,
    escalate_case,
    list_cases,
    move_case,
    open_case,
    reopen_case,
    resolve_case,
    set_reason,
    set_sla_settings,
    unmapped_codes,
    update_case,
)
from ar_core.disputes.sla import due_date
from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.ledger.snapshot_scope import Scope
from tests.conftest import COLLECTOR, LEAD, item

W1, W2, W3 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)
OTHER = Actor("c.other", "Other Collector", frozenset({"collector"}))
WHOLE = Scope.whole_ledger()


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2026-11-25")


# --- SLA due dates ------------------------------------------------------------------------------


def test_calendar_days_count_every_day():
    assert due_date(date(2026, 12, 23), 3, "calendar") == date(2026, 12, 26)
    assert due_date(date(2026, 12, 23), 0, "calendar") == date(2026, 12, 23)


def test_working_days_skip_weekends_and_the_countrys_public_holidays():
    # Wed 23.12.: Thu 24. counts, Fri 25. and Sat 26. are holidays/weekend, Mon 28., Tue 29.
    assert due_date(date(2026, 12, 23), 3, "working", "DE") == date(2026, 12, 29)
    # King's Day (Mon 27.04.2026) is a holiday in the Netherlands, not in Germany
    assert due_date(date(2026, 4, 24), 1, "working", "DE") == date(2026, 4, 27)
    assert due_date(date(2026, 4, 24), 1, "working", "NL") == date(2026, 4, 28)


def test_the_sla_setting_decides_a_new_cases_due_date(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W3), scope=WHOLE)
    set_sla_settings(store, LEAD, kind="working", country="DE")
    case = open_case(
        store, COLLECTOR, "C1", reason="BILLING", items=[_doc("1800000001")], opened=date(2026, 11, 20)
    )
    # BILLING has 5 days: Fri 20.11. + 5 working days = Fri 27.11.
    assert _case(store, case)["due"] == date(2026, 11, 27)
    with pytest.raises(InvalidInput, match="calendar or working"):
        set_sla_settings(store, LEAD, kind="weekdays", country="DE")
    with pytest.raises(PermissionDenied):
        set_sla_settings(store, COLLECTOR, kind="calendar", country="DE")


# --- cases from the extract ---------------------------------------------------------------------


def _week(**changed) -> list[dict]:
    rows = [
        item(doc_no="1800000001", customer_id="C1", amount="1000.00", source_row=3),
        item(
            doc_no="1800000002",
            customer_id="C1",
            amount="250.00",
            disputed=True,
            dispute_reason="PRICE",
            source_row=4,
        ),
        item(
            doc_no="1800000003",
            customer_id="C2",
            amount="400.00",
            disputed=True,
            dispute_reason="ZZ9",
            source_row=5,
        ),
        item(doc_no="1800000004", customer_id="C2", amount="-50.00", source_row=6),
    ]
    for doc, values in changed.items():
        rows = (
            [r for r in rows if r["doc_no"] != doc]
            if values is None
            else [{**r, **values} if r["doc_no"] == doc else r for r in rows]
        )
    return rows


def _case(engine, case_id):
    return list_cases(engine, LEAD).filter(case_id=case_id).row(0, named=True)


def test_disputed_items_open_one_case_each_and_never_twice(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W1), scope=WHOLE)
    cases = list_cases(store, LEAD, status="open").sort("case_id")
    assert cases.select(
        "customer_id", "reason", "category", "amount", "opened", "source", "collector"
    ).rows() == [
        ("C1", "PRICE", "pricing", Decimal("250.00"), W1, "extract", "c.meyer"),
        ("C2", "ZZ9", None, Decimal("400.00"), W1, "extract", "c.meyer"),
    ]
    # PRICE: 10 calendar days by default
    assert cases["due"].to_list() == [date(2026, 11, 16), date(2026, 11, 16)]
    # the same extract again (another file) and the next week: no new case
    import_snapshot(store, LEAD, make_result(_week(), as_of=W2), scope=WHOLE)
    import_snapshot(store, LEAD, make_result(_week(), as_of=W3), scope=WHOLE)
    assert list_cases(store, LEAD).height == 2


def test_an_unmapped_code_is_kept_counted_and_mapped_by_a_lead(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W1), scope=WHOLE)
    assert unmapped_codes(store, LEAD).rows() == [("ZZ9", 1, Decimal("400.00"))]
    set_reason(
        store,
        LEAD,
        "ZZ9",
        label="Old bonus code",
        category="pricing",
        sla_days=7,
        resolver_department="sales",
    )
    assert unmapped_codes(store, LEAD).is_empty()
    assert list_cases(store, LEAD).filter(reason="ZZ9")["category"].item() == "pricing"
    with pytest.raises(PermissionDenied):
        set_reason(store, COLLECTOR, "ZZ8", label="x", category=None, sla_days=1, resolver_department=None)


def test_a_cleared_item_closes_its_case_and_removing_that_snapshot_reopens_it(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W1), scope=WHOLE)
    price = list_cases(store, LEAD).filter(reason="PRICE")["case_id"].item()
    # week 2: document 2 is gone (paid), document 3 still disputed
    second = import_snapshot(store, LEAD, make_result(_week(**{"1800000002": None}), as_of=W2), scope=WHOLE)
    closed = _case(store, price)
    assert (closed["status"], closed["resolution"], closed["resolved"]) == ("closed", "cleared in ERP", W2)
    assert case_items(store, LEAD, [price])["cleared_on"].to_list() == [W2]
    assert list_cases(store, LEAD, status="open")["reason"].to_list() == ["ZZ9"]
    remove_snapshot(store, LEAD, second.snapshot_id, "wrong file")
    reopened = _case(store, price)
    assert (reopened["status"], reopened["resolution"], reopened["resolved"]) == ("open", None, None)
    assert case_items(store, LEAD, [price])["cleared_on"].to_list() == [None]


def test_an_all_items_extract_gives_the_clearing_date_and_a_resolved_case_keeps_its_resolution(
    store, make_result
):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W1), scope=WHOLE)
    price = list_cases(store, LEAD).filter(reason="PRICE")["case_id"].item()
    resolve_case(store, LEAD, price, "credit note issued", resolved=date(2026, 11, 9), credited="250.00")
    cleared = _week(**{"1800000002": {"clearing_date": date(2026, 11, 11), "clearing_doc": "1400000009"}})
    import_snapshot(store, LEAD, make_result(cleared, as_of=W2), scope=WHOLE)
    case = _case(store, price)
    assert (case["status"], case["resolution"], case["resolved"]) == (
        "closed",
        "credit note issued",
        date(2026, 11, 9),
    )
    assert case_items(store, LEAD, [price])["cleared_on"].to_list() == [date(2026, 11, 11)]


# --- cases opened by hand -----------------------------------------------------------------------


def _doc(doc_no: str, amount: str | None = None) -> dict:
    return {"company_code": "1000", "fiscal_year": 2026, "doc_no": doc_no, "line_item": 1, "amount": amount}


def test_a_collector_opens_a_case_for_part_of_an_item_and_cannot_dispute_it_twice(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W3), scope=WHOLE)
    case = open_case(
        store,
        COLLECTOR,
        "C1",
        reason="quantity",
        items=[_doc("1800000001", "120.50")],
        note="Customer counted 3 pallets short",
    )
    row = _case(store, case)
    assert (row["amount"], row["reason"], row["resolver_department"], row["source"]) == (
        Decimal("120.50"),
        "QUANTITY",
        "logistics",
        "account",
    )
    assert row["due"] == date(2026, 12, 5)  # opened 25.11. (today) + 10 days
    assert case_detail(store, COLLECTOR, case)["notes"]["text"].to_list() == [
        "Customer counted 3 pallets short"
    ]
    with pytest.raises(InvalidInput, match="already in case"):
        open_case(store, COLLECTOR, "C1", reason="PRICE", items=[_doc("0001800000001")])
    with pytest.raises(InvalidInput, match=r"between 0\.01 and 400\.00"):
        open_case(store, COLLECTOR, "C2", reason="PRICE", items=[_doc("1800000003", "400.01")])
    with pytest.raises(InvalidInput, match="credit"):
        open_case(store, COLLECTOR, "C2", reason="PRICE", items=[_doc("1800000004")])
    with pytest.raises(InvalidInput, match="taxonomy"):
        open_case(store, COLLECTOR, "C2", reason="NOPE", items=[_doc("1800000003")])
    with pytest.raises(InvalidInput, match="at least one open item"):
        open_case(store, COLLECTOR, "C2", reason="PRICE")


def test_an_inquiry_needs_no_item_and_is_due_by_its_own_sla(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W3), scope=WHOLE)
    case = open_case(store, COLLECTOR, "C2", reason="INVOICE_COPY", case_type="inquiry")
    row = _case(store, case)
    assert (row["type"], row["category"], row["amount"], row["due"]) == (
        "inquiry",
        "information request",
        Decimal("0"),
        date(2026, 11, 27),
    )


def test_another_portfolios_cases_are_neither_seen_nor_changed(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W3), scope=WHOLE)
    assert list_cases(store, OTHER).is_empty()
    case = list_cases(store, LEAD)["case_id"][0]
    with pytest.raises(PermissionDenied):
        case_detail(store, OTHER, case)
    with pytest.raises(PermissionDenied):
        add_note(store, OTHER, case, "not mine")
    with pytest.raises(PermissionDenied):
        open_case(store, OTHER, "C1", reason="PRICE", items=[_doc("1800000001")])


# --- the workflow -------------------------------------------------------------------------------


def test_moves_resolution_reopening_and_escalation_are_checked_and_audited(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W3), scope=WHOLE)
    case = list_cases(store, LEAD).filter(reason="PRICE")["case_id"].item()
    move_case(store, COLLECTOR, case, "with resolver", note="sent to sales")
    with pytest.raises(InvalidInput, match="can move to"):
        move_case(store, COLLECTOR, case, "closed")
    update_case(store, COLLECTOR, case, resolver="Sven Sales", next_action_date=date(2026, 11, 30))
    assert escalate_case(store, COLLECTOR, case, to_whom="Lena Lead", reason="sales silent") == 1
    assert escalate_case(store, LEAD, case, to_whom="Sales manager", reason="two weeks late") == 2
    with pytest.raises(InvalidInput, match="credit note"):
        resolve_case(store, COLLECTOR, case, "rejected — customer pays", credited="10.00")
    with pytest.raises(InvalidInput, match=r"between 0\.01 and 250\.00"):
        resolve_case(store, COLLECTOR, case, "partial credit", credited="250.01")
    resolve_case(store, COLLECTOR, case, "partial credit", credited="100.00")
    row = _case(store, case)
    assert (row["status"], row["resolution"], row["credited"], row["level"], row["resolver"]) == (
        "resolved",
        "partial credit",
        Decimal("100.00"),
        2,
        "Sven Sales",
    )
    with pytest.raises(InvalidInput, match="say why"):
        reopen_case(store, COLLECTOR, case, " ")
    reopen_case(store, COLLECTOR, case, "customer rejects the partial credit")
    assert _case(store, case)["status"] == "open" and _case(store, case)["resolution"] is None
    detail = case_detail(store, LEAD, case)
    assert detail["escalations"]["level"].to_list() == [1, 2]
    assert detail["notes"]["text"].to_list() == [
        "sent to sales",
        "Reopened: customer rejects the partial credit",
    ]
    with store.connect() as conn:
        actions = (
            conn.execute(
                sa.text(
                    "SELECT action FROM audit_log WHERE entity = 'dispute_case' AND entity_id = :c "
                    "ORDER BY id"
                ),
                {"c": str(case)},
            )
            .scalars()
            .all()
        )
    assert actions == [  # opened from the extract: one audit entry for the whole batch (below)
        "move_dispute_case",
        "update_dispute_case",
        "escalate_dispute_case",
        "escalate_dispute_case",
        "resolve_dispute_case",
        "reopen_dispute_case",
    ]


def test_cases_opened_from_an_extract_are_audited_as_one_batch(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W1), scope=WHOLE)
    with store.connect() as conn:
        entry = conn.execute(
            sa.text("SELECT actor, entity_id, after FROM audit_log WHERE action = :a"),
            {"a": "open_dispute_cases_from_extract"},
        ).one()
    ids = sorted(list_cases(store, LEAD)["case_id"].to_list())
    assert entry.actor == "lena.lead" and entry.entity_id == f"{ids[0]}-{ids[-1]}"
    assert '"per_reason": {"PRICE": 1, "ZZ9": 1}' in entry.after


def test_the_notes_thread_is_append_only_in_the_database(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W3), scope=WHOLE)
    case = list_cases(store, LEAD)["case_id"][0]
    add_note(store, COLLECTOR, case, "first")
    with pytest.raises(sa.exc.DatabaseError), store.begin() as conn:
        conn.execute(sa.text("UPDATE dispute_notes SET text = 'changed'"))


def test_an_erp_dispute_case_id_makes_one_case_of_its_items_also_in_later_weeks(store, make_result):
    def rows(extra=()):
        return [
            item(doc_no="1800000011", customer_id="C1", amount="100.00", disputed=True,
                 dispute_reason="PRICE", dispute_case="000000004711", source_row=3),
            item(doc_no="1800000012", customer_id="C1", amount="60.00", disputed=True, dispute_reason="PRICE",
                 dispute_case="000000004711", source_row=4),
            *extra,
        ]  # fmt: skip

    import_snapshot(store, LEAD, make_result(rows(), as_of=W1), scope=WHOLE)
    cases = list_cases(store, LEAD)
    assert cases.select("erp_case_id", "items", "amount").rows() == [("000000004711", 2, Decimal("160.00"))]
    later = item(doc_no="1800000013", customer_id="C1", amount="40.00", disputed=True, dispute_reason="PRICE",
                 dispute_case="000000004711", source_row=5)  # fmt: skip
    import_snapshot(store, LEAD, make_result(rows([later]), as_of=W2), scope=WHOLE)
    cases = list_cases(store, LEAD)
    assert cases.select("erp_case_id", "items", "amount").rows() == [("000000004711", 3, Decimal("200.00"))]


def test_the_case_tables_are_read_once_per_change_and_every_change_shows(store, make_result, monkeypatch):
    from ar_core.disputes import cases as service

    import_snapshot(store, LEAD, make_result(_week(), as_of=W3), scope=WHOLE)
    reads = []
    real = service._read_case_rows
    monkeypatch.setattr(service, "_read_case_rows", lambda e: reads.append(1) or real(e))
    case = list_cases(store, LEAD)["case_id"][0]
    list_cases(store, COLLECTOR)
    list_cases(store, LEAD, status="open")
    assert len(reads) == 1  # three readers, one read
    update_case(store, COLLECTOR, case, next_action_date=date(2026, 12, 2))
    assert _case(store, case)["next_action_date"] == date(2026, 12, 2)
    assert len(reads) == 2


def test_an_inquiry_is_answered_and_a_dispute_cannot_be(store, make_result):
    import_snapshot(store, LEAD, make_result(_week(), as_of=W3), scope=WHOLE)
    inquiry = open_case(store, COLLECTOR, "C2", reason="STATEMENT", case_type="inquiry")
    with pytest.raises(InvalidInput, match="an inquiry ends as answered"):
        resolve_case(store, COLLECTOR, inquiry, "credit note issued")
    resolve_case(store, COLLECTOR, inquiry, "answered")
    assert _case(store, inquiry)["resolution"] == "answered"
    dispute = list_cases(store, LEAD).filter(reason="PRICE")["case_id"].item()
    with pytest.raises(InvalidInput, match="a dispute ends as"):
        resolve_case(store, COLLECTOR, dispute, "answered")
