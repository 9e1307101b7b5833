"""Insolvency cases: the hold by date, one ongoing case per customer, status changes, the quota to
the end, the audit trail and portfolio scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.ledger.snapshot_scope import Scope
from ar_core.recovery import (
    end_insolvency_case,
    list_insolvency_cases,
    open_insolvency_case,
    record_insolvency_quota,
    update_insolvency_case,
)
from ar_core.recovery.insolvency import customers_in_insolvency
from ar_core.store.models import AuditEntry
from tests.conftest import COLLECTOR, CONTROLLER, LEAD, item

MINE, OTHERS = "0000100001", "0000200002"


@pytest.fixture
def ledger(store, make_result):
    rows = [item(), item(customer_id=OTHERS, customer_name="Jansen Logistiek B.V.", doc_no="1800000002",
                         collector="j.devries", country="NL")]  # fmt: skip
    import_snapshot(store, LEAD, make_result(rows), scope=Scope.whole_ledger())
    return store


def test_an_ongoing_case_holds_the_customer_from_its_first_day_to_its_last(ledger):
    case = open_insolvency_case(ledger, LEAD, MINE, "receivership", date(2026, 10, 5), court="AG Köln",
                     case_number="73 IN 123/26", administrator="Dr. Petra Wolf",
                     claim_filed_on=date(2026, 10, 20), claim="12.345,67")  # fmt: skip
    assert customers_in_insolvency(ledger, date(2026, 10, 4)) == frozenset()
    assert customers_in_insolvency(ledger, date(2026, 10, 5)) == {MINE}
    end_insolvency_case(ledger, LEAD, case, date(2026, 11, 30), note="plan confirmed")
    assert customers_in_insolvency(ledger, date(2026, 11, 30)) == {MINE}
    assert customers_in_insolvency(ledger, date(2026, 12, 1)) == frozenset()
    row = list_insolvency_cases(ledger, LEAD).row(0, named=True)
    assert (row["claim"], row["ongoing"], row["note"]) == (Decimal("12345.67"), False, "plan confirmed")


def test_one_ongoing_case_per_customer_whose_status_changes(ledger):
    case = open_insolvency_case(ledger, LEAD, MINE, "pre_bankruptcy", date(2026, 9, 1))
    with pytest.raises(InvalidInput, match="already has an ongoing"):
        open_insolvency_case(ledger, LEAD, MINE, "bankruptcy", date(2026, 10, 1))
    update_insolvency_case(ledger, LEAD, case, status="bankruptcy", administrator="Mr. J. Bakker")
    row = list_insolvency_cases(ledger, LEAD, customer_id=MINE).row(0, named=True)
    assert (row["status"], row["status_label"]) == ("bankruptcy", "Bankruptcy")
    assert row["administrator"] == "Mr. J. Bakker"
    with ledger.connect() as conn:
        entry = conn.execute(sa.select(AuditEntry).where(AuditEntry.action == "update_insolvency_case")).one()
    assert '"pre_bankruptcy"' in entry.before
    assert '"bankruptcy"' in entry.after
    end_insolvency_case(ledger, LEAD, case, date(2026, 11, 1))
    with pytest.raises(InvalidInput, match="ended"):
        update_insolvency_case(ledger, LEAD, case, status="receivership")
    assert open_insolvency_case(ledger, LEAD, MINE, "bankruptcy", date(2026, 11, 15)) > case  # a new one


def test_the_quota_received_adds_up_to_the_end(ledger):
    case = open_insolvency_case(ledger, LEAD, MINE, "bankruptcy", date(2026, 1, 10), claim=Decimal("8000.00"))
    record_insolvency_quota(ledger, LEAD, case, "400.00")
    end_insolvency_case(ledger, LEAD, case, date(2026, 11, 1))
    record_insolvency_quota(ledger, LEAD, case, Decimal("200.50"))  # a final distribution after the end
    row = list_insolvency_cases(ledger, LEAD).row(0, named=True)
    # 600.50 of 8,000.00 = 7.50625 % -> 7.5
    assert (row["quota_received"], row["quota_pct"]) == (Decimal("600.50"), 7.5)
    with pytest.raises(InvalidInput):
        record_insolvency_quota(ledger, LEAD, case, "-5")


@pytest.mark.parametrize(("changes", "field"), [
    ({"status": "liquidated"}, "status"),
    ({"claim": "12,3456"}, "claim"),
    ({"claim": "0"}, "claim"),
    ({"currency": "EURO"}, "currency"),
    ({"claim_filed_on": date(2026, 1, 1)}, "claim_filed_on"),  # before the case opened
    ({"court": "x" * 201}, "court"),
])  # fmt: skip
def test_bad_fields_are_refused(ledger, changes, field):
    case = open_insolvency_case(ledger, LEAD, MINE, "receivership", date(2026, 6, 1))
    with pytest.raises(InvalidInput) as refused:
        update_insolvency_case(ledger, LEAD, case, **changes)
    assert refused.value.field == field


def test_cases_are_read_within_the_portfolio_and_recorded_by_a_lead(ledger):
    open_insolvency_case(ledger, LEAD, MINE, "receivership", date(2026, 6, 1))
    open_insolvency_case(ledger, LEAD, OTHERS, "bankruptcy", date(2026, 7, 1))
    assert list_insolvency_cases(ledger, COLLECTOR)["customer_id"].to_list() == [MINE]
    assert sorted(list_insolvency_cases(ledger, CONTROLLER)["customer_id"].to_list()) == [MINE, OTHERS]
    with pytest.raises(PermissionDenied):
        list_insolvency_cases(ledger, COLLECTOR, customer_id=OTHERS)
    with pytest.raises(PermissionDenied):
        open_insolvency_case(ledger, COLLECTOR, MINE, "bankruptcy", date(2026, 8, 1))
    with pytest.raises(NotFound):
        open_insolvency_case(ledger, LEAD, "9999999999", "bankruptcy", date(2026, 8, 1))
