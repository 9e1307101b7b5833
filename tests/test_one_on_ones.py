"""1:1 coaching notes: written by a lead only, audited, read by that collector and the lead, and
append-only — no service changes one, and the database refuses UPDATE and DELETE."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
import sqlalchemy as sa

from ar_core import performance
from ar_core.access import list_audit
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.performance import add_coaching_note, coaching_notes
from ar_core.performance import one_on_ones as module
from tests.coaching_setup import ADMIN, ANNA, BEN, LENA, seed

MET = date(2026, 11, 20)


@pytest.fixture
def team(store, make_result):
    """The coaching store on SQLite (and PostgreSQL when configured)."""
    seed(store, make_result)
    return store


def test_a_lead_writes_a_note_with_actions_audited(team):
    note_id = add_coaching_note(
        team, LENA, "anna", MET, "Top-N coverage fell; calls before noon.",
        [("Call the top 5 every Monday", date(2026, 11, 23)), ("", date(2026, 11, 24)),
         ("Review Birke's promise", date(2026, 11, 27))],
    )  # fmt: skip
    notes, actions = coaching_notes(team, ANNA)
    assert notes.select("note_id", "collector", "author", "met_on", "note").rows() == [
        (note_id, "anna", "lena", MET, "Top-N coverage fell; calls before noon.")
    ]
    assert actions.select("action", "due_date").rows() == [  # the empty row is skipped
        ("Call the top 5 every Monday", date(2026, 11, 23)),
        ("Review Birke's promise", date(2026, 11, 27)),
    ]
    audit = list_audit(team, ADMIN).filter(pl.col("action") == "add_coaching_note").row(0, named=True)
    assert (audit["actor"], audit["entity_id"]) == ("lena", str(note_id))
    assert len(json.loads(audit["after"])["actions"]) == 2


def test_a_collector_cannot_write_one_and_another_cannot_read_it(team):
    add_coaching_note(team, LENA, "anna", MET, "Private to anna and the lead.")
    with pytest.raises(PermissionDenied):
        add_coaching_note(team, ANNA, "anna", MET, "my own note")
    with pytest.raises(PermissionDenied):
        add_coaching_note(team, ADMIN, "anna", MET, "an admin is no coach")
    with pytest.raises(PermissionDenied):
        coaching_notes(team, BEN, collector="anna")
    assert coaching_notes(team, BEN)[0].is_empty()  # ben's own: none
    with pytest.raises(PermissionDenied):
        coaching_notes(team, ADMIN)
    assert coaching_notes(team, LENA, collector="anna")[0].height == 1
    assert coaching_notes(team, LENA, collector="ben")[0].is_empty()


def test_bad_notes_are_refused_and_nothing_is_stored(team):
    for args, field in [
        (("anna", MET, "  "), "note"),
        (("anna", MET, "ok", [("too early", date(2026, 11, 19))]), "actions"),
        (("anna", MET, "ok", [("no date", None)]), "actions"),
        (("lena", MET, "about myself"), "collector"),
    ]:
        with pytest.raises(InvalidInput) as err:
            add_coaching_note(team, LENA, *args)
        assert err.value.field == field
    with pytest.raises(NotFound):
        add_coaching_note(team, LENA, "nobody", MET, "ok")
    assert coaching_notes(team, LENA)[0].is_empty()


def test_append_only_no_update_function_and_the_database_refuses(team):
    note_id = add_coaching_note(team, LENA, "anna", MET, "kept as written", [("act", MET)])
    names = [
        n for n in (*dir(module), *performance._EXPORTS) if "coaching" in n.lower() or "note" in n.lower()
    ]
    assert not [n for n in names if n.startswith(("update", "edit", "delete", "remove", "change"))]
    for statement in (
        f"UPDATE coaching_notes SET note = 'changed' WHERE id = {note_id}",
        f"DELETE FROM coaching_notes WHERE id = {note_id}",
        "UPDATE coaching_actions SET action = 'changed'",
        "DELETE FROM coaching_actions",
    ):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), team.begin() as conn:
            conn.execute(sa.text(statement))
    notes, actions = coaching_notes(team, LENA)
    assert (notes["note"].to_list(), actions["action"].to_list()) == (["kept as written"], ["act"])
