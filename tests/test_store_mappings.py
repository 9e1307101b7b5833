"""Saved mappings: checked before saving, replaced by name, audited."""

from __future__ import annotations

import json

import pytest

from ar_core.access.audit import list_audit
from ar_core.errors import ArDeskError, ConfigError, NotFound, PermissionDenied
from ar_core.ingest.saved_mappings import delete_mapping, get_mapping, list_mappings, save_mapping
from tests.conftest import ADMIN, COLLECTOR, LEAD

EXACT = """columns: {customer_id: customerID, doc_no: invoiceNumber, doc_date: InvoiceDate,
          due_date: DueDate, amount: InvoiceAmount}
constants: {currency: EUR}
date_format: "%m/%d/%Y"
decimal: "."
thousands: ","
"""


def test_save_list_get_replace_delete(store):
    save_mapping(store, LEAD, "Exact Online", EXACT)
    save_mapping(store, LEAD, "DATEV", EXACT.replace("EUR", "CHF"))
    assert list_mappings(store) == ["DATEV", "Exact Online"]
    assert get_mapping(store, "Exact Online") == EXACT
    save_mapping(store, ADMIN, "Exact Online", EXACT.replace("EUR", "USD"))
    assert "USD" in get_mapping(store, "Exact Online")
    entry = list_audit(store, ADMIN, limit=1).row(0, named=True)
    assert json.loads(entry["before"]) == {"yaml": EXACT}
    delete_mapping(store, LEAD, "DATEV")
    assert list_mappings(store) == ["Exact Online"]
    with pytest.raises(NotFound):
        get_mapping(store, "DATEV")
    with pytest.raises(NotFound):
        delete_mapping(store, LEAD, "DATEV")


def test_bad_mappings_and_names_are_refused(engine):
    with pytest.raises(ConfigError):
        save_mapping(engine, LEAD, "Broken", "columns: {no_such_column: X}")
    with pytest.raises(ArDeskError, match="name"):
        save_mapping(engine, LEAD, "   ", EXACT)
    with pytest.raises(PermissionDenied):
        save_mapping(engine, COLLECTOR, "Mine", EXACT)
    assert list_mappings(engine) == []
