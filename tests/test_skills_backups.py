"""Backups and absences: a backup must speak the portfolio's customer languages (refused naming the
language), absences by the lead or the person, who covers on a day, and the backup's scope."""

from __future__ import annotations

from datetime import date

import pytest

from ar_core.access import collector_scope, list_audit
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.knowledge import (
    assess_skill,
    cancel_absence,
    cover_on,
    list_absences,
    list_backups,
    record_absence,
    set_backup,
)
from tests.conftest import LEAD
from tests.skills_setup import DEVRIES, DUBOIS, MEYER, seed


@pytest.fixture
def team(store):
    seed(store)
    assess_skill(store, LEAD, "j.devries", "german", "C1", "fluent")
    assess_skill(store, LEAD, "j.devries", "french", "B1", "school French")
    assess_skill(store, LEAD, "e.dubois", "german", "B2", "good")
    assess_skill(store, LEAD, "e.dubois", "french", "C2", "native")
    assess_skill(store, LEAD, "c.meyer", "dutch", "B2", "good")
    return store


def test_a_backup_must_speak_every_language_of_the_portfolio(team):
    # Meyer's customers: C1 DE, C2 AT (German), C3 BE writing French
    with pytest.raises(InvalidInput) as exc:
        set_backup(team, LEAD, "c.meyer", "j.devries")
    assert exc.value.field == "backup"
    assert str(exc.value) == (
        "Jan de Vries does not speak French at B2 or above (1 of Claudia Meyer's customers write in French)"
    )
    set_backup(team, LEAD, "c.meyer", "e.dubois")  # German B2, French C2
    assess_skill(team, LEAD, "j.devries", "french", "B2", "after the course")
    set_backup(team, LEAD, "c.meyer", "j.devries")  # replaced
    set_backup(team, LEAD, "j.devries", "c.meyer")  # Dutch B2
    table = {
        r["collector"]: (r["backup"], r["languages"]) for r in list_backups(team, MEYER).iter_rows(named=True)
    }
    assert table == {
        "c.meyer": ("j.devries", "German, French"),
        "e.dubois": (None, "French"),
        "j.devries": ("c.meyer", "Dutch"),
    }
    entries = list_audit(team, LEAD).filter(list_audit(team, LEAD)["action"] == "set_backup")
    assert entries.height == 3
    with pytest.raises(InvalidInput, match="own backup"):
        set_backup(team, LEAD, "c.meyer", "c.meyer")
    with pytest.raises(InvalidInput, match="not an active collector"):
        set_backup(team, LEAD, "c.meyer", "lena.lead")
    with pytest.raises(NotFound):
        set_backup(team, LEAD, "x.nobody", "c.meyer")
    with pytest.raises(PermissionDenied):
        set_backup(team, MEYER, "c.meyer", "e.dubois")


def test_absences_by_the_lead_or_the_person_and_who_covers(team):
    set_backup(team, LEAD, "c.meyer", "e.dubois")
    meyer = record_absence(team, MEYER, "c.meyer", date(2026, 12, 1), date(2026, 12, 4), "holiday")
    record_absence(team, LEAD, "j.devries", date(2026, 12, 2), date(2026, 12, 2))
    with pytest.raises(PermissionDenied):
        record_absence(team, DUBOIS, "c.meyer", date(2026, 12, 7), date(2026, 12, 8))
    with pytest.raises(InvalidInput) as exc:
        record_absence(team, MEYER, "c.meyer", date(2026, 12, 8), date(2026, 12, 7))
    assert exc.value.field == "ends_on"
    cover = cover_on(team, LEAD, date(2026, 12, 2))
    assert cover.select("person", "backup", "backup_name", "backup_away", "customers").rows() == [
        ("c.meyer", "e.dubois", "Élise Dubois", False, 3),
        ("j.devries", None, None, False, 2),
    ]
    assert cover_on(team, LEAD, date(2026, 12, 5)).is_empty()
    assert collector_scope(team, "e.dubois", today=date(2026, 12, 2)) == {"C1", "C2", "C3", "C6"}
    assert list_absences(team, MEYER)["person"].to_list() == ["c.meyer"]
    assert list_absences(team, LEAD)["person"].to_list() == ["j.devries", "c.meyer"]
    with pytest.raises(PermissionDenied):
        cancel_absence(team, DEVRIES, meyer)
    cancel_absence(team, MEYER, meyer)
    assert cover_on(team, LEAD, date(2026, 12, 2))["person"].to_list() == ["j.devries"]
    assert list_absences(team, LEAD)["cancelled"].to_list() == [False, True]
    assert collector_scope(team, "e.dubois", today=date(2026, 12, 2)) == {"C6"}
    with pytest.raises(NotFound):
        cancel_absence(team, LEAD, meyer)


def test_a_backup_away_too_is_flagged(team):
    set_backup(team, LEAD, "c.meyer", "e.dubois")
    record_absence(team, LEAD, "c.meyer", date(2026, 12, 1), date(2026, 12, 4))
    record_absence(team, LEAD, "e.dubois", date(2026, 12, 2), date(2026, 12, 3))
    rows = cover_on(team, LEAD, date(2026, 12, 2)).select("person", "backup_away").rows()
    assert rows == [("c.meyer", True), ("e.dubois", False)]
