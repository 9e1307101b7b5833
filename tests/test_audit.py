"""The audit log: written in the caller's transaction, readable by oversight roles, append-only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ar_core.audit import AUDIT_SCHEMA, list_audit, record, to_json
from ar_core.errors import PermissionDenied
from tests.conftest import ADMIN, COLLECTOR, CONTROLLER, LEAD


def test_record_and_list_newest_first(store):
    with store.begin() as conn:
        record(conn, LEAD, "first", "thing", 1, after={"amount": Decimal("0.10")})
        record(conn, "cli", "second", "thing", "2", before={"on": date(2026, 11, 20)}, after=None)
        record(conn, ADMIN, "third", "other")
    audit = list_audit(store, CONTROLLER)
    assert audit.schema == AUDIT_SCHEMA
    assert audit.select("actor", "action", "entity", "entity_id").rows() == [
        ("root.admin", "third", "other", None),
        ("cli", "second", "thing", "2"),
        ("lena.lead", "first", "thing", "1"),
    ]
    assert json.loads(audit["after"][2]) == {"amount": "0.10"}  # exact decimal text, never a float
    assert json.loads(audit["before"][1]) == {"on": "2026-11-20"}
    assert audit["after"][1] is None
    assert audit["at"][0] <= datetime.now(UTC)
    assert list_audit(store, LEAD, limit=1)["action"].to_list() == ["third"]
    assert list_audit(store, ADMIN, entity="thing", entity_id=2)["action"].to_list() == ["second"]


def test_an_audit_record_rolls_back_with_its_change(store):
    with pytest.raises(RuntimeError), store.begin() as conn:
        record(conn, LEAD, "doomed", "thing", 1)
        raise RuntimeError("the change failed")
    assert list_audit(store, ADMIN).is_empty()


def test_collectors_cannot_read_the_audit_log(engine):
    with pytest.raises(PermissionDenied):
        list_audit(engine, COLLECTOR)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"]
)
def test_the_database_refuses_to_change_the_audit_log(store, statement):
    with store.begin() as conn:
        record(conn, LEAD, "kept", "thing", 1)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.begin() as conn:
        conn.execute(sa.text(statement))
    assert list_audit(store, ADMIN)["actor"].to_list() == ["lena.lead"]


def test_to_json_is_sorted_and_refuses_unknown_objects():
    assert to_json({"b": 1, "a": {3, 1}}) == '{"a": [1, 3], "b": 1}'
    assert to_json(None) is None
    with pytest.raises(TypeError, match="cannot write object"):
        to_json({"x": object()})
