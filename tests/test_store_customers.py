"""Customer master data: exact credit limits, blanks never erase, audited changes, portfolios."""

from __future__ import annotations

import json
from decimal import Decimal

import polars as pl
import pytest

from ar_core.access.actor import Actor
from ar_core.access.audit import list_audit
from ar_core.access.users import create_user
from ar_core.errors import PermissionDenied
from ar_core.ledger.customers import (
    all_customers,
    customers_from_items,
    list_customers,
    upsert_customer_master,
)
from ar_core.schema import CUSTOMER_SCHEMA
from tests.conftest import ADMIN, CONTROLLER, LEAD, item, items_frame

MASTER = pl.DataFrame(
    {
        "customer_id": ["0000100001", "0000100002"],
        "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."],
        "country": ["DE", "NL"],
        "language": ["de", "nl"],
        "collector": ["c.meyer", "s.dejong"],
        "risk_class": ["B", "A"],
        "credit_limit": [Decimal("50000.00"), Decimal("1234567.89")],
        "credit_limit_currency": ["EUR", None],
        "payment_terms": ["ZB30", "ZN14"],
        "company_code": ["1000", "2000"],
        "contact_name": ["Frau Schulz", None],
        "contact_phone": ["+49 40 1234", None],
        "contact_email": ["ap@mueller.example", None],
        "parent_id": [None, "0000100001"],
        "vat_id": ["DE123456789", "NL001234567B01"],
        "ibans": ["DE89370400440532013000", "NL91ABNA0417164300;NL20INGB0001234567"],
    },
    schema=CUSTOMER_SCHEMA,
)


def test_master_upload_round_trips_exactly(store):
    counts = upsert_customer_master(store, LEAD, MASTER)
    assert counts == {"rows": 2, "inserted": 2, "updated": 0, "unchanged": 0}
    customers = all_customers(store)
    assert customers.schema == pl.Schema(CUSTOMER_SCHEMA)
    assert customers.equals(MASTER)
    assert upsert_customer_master(store, LEAD, MASTER) == {
        "rows": 2,
        "inserted": 0,
        "updated": 0,
        "unchanged": 2,
    }


def test_blank_values_never_erase_and_changes_are_audited(store):
    upsert_customer_master(store, LEAD, MASTER)
    update = pl.DataFrame({"customer_id": ["0000100001"], "name": ["  "], "language": [None],
                           "credit_limit": [Decimal("0.10")]},
                          schema_overrides={"credit_limit": pl.Decimal(18, 2)})  # fmt: skip
    assert upsert_customer_master(store, ADMIN, update)["updated"] == 1
    row = all_customers(store).row(0, named=True)
    assert (row["name"], row["language"], row["credit_limit"]) == (
        "Müller Maschinenbau GmbH",
        "de",
        Decimal("0.10"),
    )
    entry = list_audit(store, ADMIN, limit=1).row(0, named=True)
    assert entry["action"] == "upsert_customer_master"
    assert json.loads(entry["before"]) == {"0000100001": {"credit_limit_cents": 5000000}}
    assert json.loads(entry["after"])["changes"] == {"0000100001": {"credit_limit_cents": 10}}


def test_only_leads_and_admins_load_master_data(engine):
    with pytest.raises(PermissionDenied):
        upsert_customer_master(engine, CONTROLLER, MASTER)


def test_customers_from_items_take_the_last_non_blank_values():
    items = items_frame([
        item(customer_id="1", customer_name="Old Name", country="DE", collector=None),
        item(customer_id="1", customer_name="New Name", country="", collector="c.meyer", doc_no="2"),
        item(customer_id="2", customer_name=None, country=None, collector=None, doc_no="3"),
    ])  # fmt: skip
    assert customers_from_items(items).rows() == [("1", "New Name", "DE", "c.meyer"), ("2", None, None, None)]


def test_a_collector_lists_only_their_customers(engine):
    upsert_customer_master(engine, LEAD, MASTER)
    create_user(
        engine, ADMIN, username="c.meyer", name="Claudia", password="long-enough-pw", roles=["collector"]
    )
    meyer = Actor("c.meyer", "Claudia", frozenset({"collector"}))
    assert list_customers(engine, meyer)["customer_id"].to_list() == ["0000100001"]
    assert list_customers(engine, LEAD).height == 2
