"""The audit log: written in the caller's transaction, readable by oversight roles, append-only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ar_core.access.audit import AUDIT_SCHEMA, list_audit, record, to_json
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


# --- a log a person can read: filters, pages, change lists, export --------------------------


def _at(monkeypatch, *moments):
    """Stamp the next audit entries with ``moments`` (UTC), one each."""
    stamps = iter(moments)
    monkeypatch.setattr("ar_core.access.audit.utcnow", lambda: next(stamps))


def test_paging_beyond_500_rows(store):
    from ar_core.access.audit import AuditFilter, audit_page, record_many

    with store.begin() as conn:
        record_many(
            conn, LEAD, [{"action": "bulk", "entity": "thing", "entity_id": i} for i in range(1, 1204)]
        )
    first = audit_page(store, ADMIN, AuditFilter(), page=1, page_size=500)
    assert (first.total, first.pages, first.page, first.rows.height) == (1203, 3, 1, 500)
    assert first.rows["entity_id"][0] == "1203"  # newest first
    last = audit_page(store, ADMIN, AuditFilter(), page=3, page_size=500)
    assert (last.page, last.rows.height, last.rows["entity_id"][-1]) == (3, 203, "1")  # 1203 - 2 * 500
    beyond = audit_page(store, ADMIN, AuditFilter(), page=9, page_size=500)
    assert (beyond.page, beyond.rows.height) == (3, 203)  # a page past the end shows the last one
    empty = audit_page(store, ADMIN, AuditFilter(who="nobody"))
    assert (empty.total, empty.pages, empty.page, empty.rows.height) == (0, 1, 1, 0)
    with pytest.raises(PermissionDenied):
        audit_page(store, COLLECTOR, AuditFilter())


def test_filters_by_who_what_record_and_local_dates(store, monkeypatch):
    from ar_core.access.audit import AuditFilter, audit_page

    _at(
        monkeypatch,
        datetime(2026, 11, 19, 22, 30, tzinfo=UTC),  # 23:30 on 19 Nov in Berlin
        datetime(2026, 11, 19, 23, 30, tzinfo=UTC),  # 00:30 on 20 Nov in Berlin
        datetime(2026, 11, 20, 22, 59, tzinfo=UTC),  # 23:59 on 20 Nov in Berlin
        datetime(2026, 11, 20, 23, 0, tzinfo=UTC),  # 00:00 on 21 Nov in Berlin
    )
    with store.begin() as conn:
        record(conn, LEAD, "change_customer", "customer", "0000100001", after={"collector": "c.meyer"})
        record(conn, ADMIN, "change_customer", "customer", "0000100002")
        record(conn, ADMIN, "set_roles", "user", "c.meyer")
        record(conn, LEAD, "change_customer", "customer", "0000100001")

    def ids(**filters):
        rows = audit_page(store, ADMIN, AuditFilter(time_zone="Europe/Berlin", **filters)).rows
        return rows["id"].to_list()

    assert ids() == [4, 3, 2, 1]
    assert ids(who="lena.lead") == [4, 1]
    assert ids(action="change_customer") == [4, 2, 1]
    assert ids(entity_id="0000100001") == [4, 1]
    assert ids(since=date(2026, 11, 20), until=date(2026, 11, 20)) == [3, 2]  # the Berlin day
    assert ids(since=date(2026, 11, 21)) == [4]
    assert ids(until=date(2026, 11, 19)) == [1]
    assert ids(who="admin", action="set_roles") == []  # exact user names, not a substring
    assert ids(who="root.admin", action="set_roles", entity_id="c.meyer") == [3]


def test_choices_for_the_filters(store):
    from ar_core.access.audit import filter_choices

    with store.begin() as conn:
        record(conn, LEAD, "b_action", "thing", 1)
        record(conn, ADMIN, "a_action", "thing", 2)
        record(conn, LEAD, "b_action", "thing", 3)
    assert filter_choices(store, ADMIN) == {
        "who": ["lena.lead", "root.admin"],
        "action": ["a_action", "b_action"],
    }


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({"collector": "c.meyer"}, {"collector": "j.schneider"}, ["collector: c.meyer → j.schneider"]),
        (None, {"name": "Jan", "roles": ["collector", "lead"]}, ["name: Jan", "roles: collector, lead"]),
        ({"active": True, "name": "Jan"}, {"active": False, "name": "Jan"}, ["active: yes → no"]),
        ({"limit": "100.00"}, None, ["limit: 100.00 → (removed)"]),
        ({"a": None}, {"a": "x", "b": 2, "c": None}, ["a: (none) → x", "b: 2"]),
        ({"c": {"x": 1}}, {"c": {"x": 2, "y": 3}}, ["c.x: 1 → 2", "c.y: 3"]),
        (
            {"collector": "c.meyer"},
            {"collector": "j.schneider", "source": "admin", "snapshot_id": None},
            ["collector: c.meyer → j.schneider", "source: admin"],
        ),
        (None, None, []),
        ({"same": 1}, {"same": 1}, []),
    ],
)
def test_before_and_after_as_a_change_list(before, after, expected):
    from ar_core.access.audit import change_list

    assert change_list(to_json(before), to_json(after)) == expected


def test_change_list_of_text_that_is_not_an_object():
    from ar_core.access.audit import change_list

    assert change_list(None, '"plain"') == ["plain"]
    assert change_list("[1, 2]", "[1, 2, 3]") == ["1, 2 → 1, 2, 3"]


def test_export_of_the_filtered_log_to_xlsx(store, monkeypatch):
    import io

    import polars as pl

    from ar_core.access.audit import AuditFilter, audit_xlsx

    _at(monkeypatch, datetime(2026, 11, 20, 8, 14, tzinfo=UTC), datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    with store.begin() as conn:
        record(conn, ADMIN, "change_customer", "customer", "=HYPERLINK(1)",
               before={"collector": "c.meyer"}, after={"collector": "j.schneider"})  # fmt: skip
        record(conn, LEAD, "other", "thing", 1)
    data = audit_xlsx(store, ADMIN, AuditFilter(who="root.admin", time_zone="Europe/Berlin"))
    sheet = pl.read_excel(io.BytesIO(data), infer_schema_length=0)
    assert sheet.columns == ["No.", "When (Europe/Berlin)", "Who", "Action", "Record", "Record id", "Changes"]
    assert sheet.rows() == [
        ("1", "2026-11-20 09:14:00", "root.admin", "change_customer", "customer", "'=HYPERLINK(1)",
         "collector: c.meyer → j.schneider"),
    ]  # fmt: skip


@pytest.mark.postgres
def test_postgres_refuses_to_truncate_the_audit_log(pg_engine):
    with pg_engine.begin() as conn:
        record(conn, LEAD, "kept", "thing", 1)
    with pytest.raises(sa.exc.DatabaseError, match="append-only: TRUNCATE"), pg_engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE audit_log"))
    assert list_audit(pg_engine, ADMIN)["actor"].to_list() == ["lena.lead"]
