"""Contact log: validation, permissions, append-only corrections, the worklist summary."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from ar_core.access.audit import list_audit
from ar_core.collections.contacts import (
    contact_summary,
    correct_contact,
    list_contacts,
    log_contact,
    log_contacts,
)
from ar_core.errors import ArDeskError, NotFound, PermissionDenied
from tests.conftest import CONTROLLER, LEAD
from tests.workflow_setup import MEYER, SCHNEIDER, seed

D1 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
D2 = datetime(2026, 11, 9, 14, 0, tzinfo=UTC)


@pytest.fixture
def db(store):
    seed(store)
    return store


def test_log_and_list_newest_first(db):
    first = log_contact(db, MEYER, "C1", channel="phone", outcome="no answer", contacted_at=D1)
    second = log_contact(
        db,
        MEYER,
        "C1",
        channel="e-mail",
        outcome="promise to pay",
        reason="LIQUIDITY",
        notes=" pays Friday ",
        next_action="promise follow-up",
        next_action_date=date(2026, 11, 13),
        contacted_at=D2,
    )
    log_contact(db, LEAD, "C2", channel="letter", outcome="reached", contacted_at=D1)
    log = list_contacts(db, MEYER, "C1")
    assert log["contact_id"].to_list() == [second, first]
    top = log.row(0, named=True)
    assert top["notes"] == "pays Friday"
    assert top["reason_label"] == "Liquidity problems"
    assert top["contacted_at"] == D2
    assert top["created_by"] == "c.meyer"
    assert log["effective"].to_list() == [True, True]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("channel", "fax", "unknown channel 'fax'"),
        ("outcome", "maybe", "unknown outcome"),
        ("reason", "BORED", "unknown delinquency reason"),
        ("next_action", "pray", "unknown next action"),
        ("notes", "x" * 4001, "at most 4000"),
        ("contacted_at", datetime(2099, 1, 1, tzinfo=UTC), "future"),
        ("contacted_at", datetime(2026, 1, 1), "time zone"),
        ("next_action_date", "2026-11-30", "must be a date"),
    ],
)
def test_bad_values_raise_clear_errors_and_write_nothing(engine, field, value, message):
    seed(engine)
    fields = {"channel": "phone", "outcome": "reached", field: value}
    with pytest.raises(ArDeskError, match=message):
        log_contact(engine, MEYER, "C1", **fields)
    assert list_contacts(engine, LEAD, "C1").is_empty()


def test_collector_cannot_read_or_write_another_portfolio(db):
    theirs = log_contact(db, SCHNEIDER, "C2", channel="phone", outcome="reached", contacted_at=D1)
    with pytest.raises(PermissionDenied):
        log_contact(db, MEYER, "C2", channel="phone", outcome="reached")
    with pytest.raises(PermissionDenied):
        list_contacts(db, MEYER, "C2")
    with pytest.raises(PermissionDenied):
        correct_contact(db, MEYER, theirs, note="mine now", outcome="refused")
    with pytest.raises(PermissionDenied):  # a batch with one foreign customer writes nothing
        log_contacts(
            db,
            MEYER,
            [
                {"customer_id": "C1", "channel": "phone", "outcome": "reached"},
                {"customer_id": "C2", "channel": "phone", "outcome": "reached"},
            ],
        )
    assert list_contacts(db, LEAD, "C1").is_empty()
    assert list_contacts(db, LEAD, "C2")["contact_id"].to_list() == [theirs]


def test_controller_reads_but_never_writes(db):
    log_contact(db, MEYER, "C1", channel="phone", outcome="reached", contacted_at=D1)
    assert list_contacts(db, CONTROLLER, "C1").height == 1
    with pytest.raises(PermissionDenied):
        log_contact(db, CONTROLLER, "C1", channel="phone", outcome="reached")


def test_unknown_customer_is_not_found_for_a_lead(db):
    with pytest.raises(NotFound):
        log_contact(db, LEAD, "NOPE", channel="phone", outcome="reached")


def test_corrections_append_and_never_update(db):
    original = log_contact(
        db,
        MEYER,
        "C1",
        channel="phone",
        outcome="reached",
        reason="LIQUIDITY",
        notes="pays next week",
        contacted_at=D1,
    )
    fixed = correct_contact(db, MEYER, original, note="was a voicemail", outcome="no answer", reason=None)
    log = list_contacts(db, MEYER, "C1")
    assert log["contact_id"].to_list() == [fixed, original]  # same contact time: correction above
    old, new = log.row(1, named=True), log.row(0, named=True)
    assert (old["outcome"], old["reason"], old["effective"], old["corrected_by_id"]) == (
        "reached",
        "LIQUIDITY",
        False,
        fixed,
    )
    assert (new["outcome"], new["reason"], new["notes"], new["corrects_id"], new["correction_note"]) == (
        "no answer",
        None,
        "pays next week",
        original,
        "was a voicemail",
    )
    audit = list_audit(db, LEAD, entity="contact", entity_id=fixed).row(0, named=True)
    assert audit["action"] == "correct_contact"
    assert json.loads(audit["before"])["outcome"] == "reached"
    assert json.loads(audit["after"])["outcome"] == "no answer"
    with pytest.raises(ArDeskError, match="already corrected"):
        correct_contact(db, MEYER, original, note="again", outcome="refused")
    with pytest.raises(ArDeskError, match="needs a note"):
        correct_contact(db, MEYER, fixed, note=" ", outcome="refused")
    with pytest.raises(ArDeskError, match="cannot correct customer_id"):
        correct_contact(db, MEYER, fixed, note="move", customer_id="C2")
    with pytest.raises(NotFound):
        correct_contact(db, MEYER, 999, note="x", outcome="refused")


def test_the_database_refuses_updates_and_deletes(db):
    cid = log_contact(db, MEYER, "C1", channel="phone", outcome="reached", contacted_at=D1)
    for sql in (f"UPDATE contact_log SET outcome = 'refused' WHERE id = {cid}", "DELETE FROM contact_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.begin() as conn:
            conn.exec_driver_sql(sql)
    assert list_contacts(db, MEYER, "C1")["outcome"].to_list() == ["reached"]


def test_every_entry_is_audited(db):
    cid = log_contact(db, MEYER, "C1", channel="portal", outcome="paid already", contacted_at=D1)
    entry = list_audit(db, LEAD, entity="contact", entity_id=cid).row(0, named=True)
    assert (entry["actor"], entry["action"]) == ("c.meyer", "log_contact")
    assert json.loads(entry["after"])["outcome"] == "paid already"


def test_summary_uses_the_latest_effective_entry(db):
    log_contact(db, MEYER, "C1", channel="phone", outcome="no answer", contacted_at=D1)
    late = log_contact(
        db,
        MEYER,
        "C1",
        channel="phone",
        outcome="reached",
        next_action="call",
        next_action_date=date(2026, 11, 27),
        contacted_at=D2,
    )
    correct_contact(db, MEYER, late, note="date typo", next_action_date=date(2026, 11, 30))
    log_contact(db, SCHNEIDER, "C2", channel="letter", outcome="refused", contacted_at=date(2026, 10, 30))
    summary = contact_summary(db).sort("customer_id")
    assert summary.rows() == [
        ("C1", date(2026, 11, 9), "reached", "call", date(2026, 11, 30)),
        ("C2", date(2026, 10, 30), "refused", None, None),
    ]
    assert contact_summary(db, ["C2", "C3"])["customer_id"].to_list() == ["C2"]
    assert contact_summary(db, []).is_empty()


def test_internal_note_sets_next_step_but_is_no_customer_contact(db):
    log_contact(db, MEYER, "C1", channel="phone", outcome="reached",
                contacted_at=datetime(2026, 11, 10, 9, tzinfo=UTC))  # fmt: skip
    log_contact(db, LEAD, "C1", channel="meeting", outcome="internal note", notes="Huddle: letter",
                next_action="dunning letter", next_action_date=date(2026, 11, 21),
                contacted_at=datetime(2026, 11, 20, 8, tzinfo=UTC))  # fmt: skip
    row = contact_summary(db).filter(customer_id="C1").row(0, named=True)
    assert (row["last_contact_at"], row["last_outcome"]) == (date(2026, 11, 10), "reached")
    assert (row["next_action"], row["next_action_date"]) == ("dunning letter", date(2026, 11, 21))
