"""Skills profiles in the store: the lead's skill list (audited), assessments with a note, the
levels import (a bad file stores nothing), rises from completed training modules, who reads whose
profile, and the team's coverage with its setting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ar_core.access import list_audit
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.knowledge import (
    assess_skill,
    coverage_required,
    import_skill_levels,
    level_history,
    retire_skill,
    save_skill,
    set_coverage_required,
    skill_levels,
    skill_list,
    team_coverage,
)
from ar_core.store.models import SkillLevel, TrainingModule, TrainingPlanLine
from tests.conftest import CONTROLLER, LEAD
from tests.skills_setup import CUSTOMERS, MEYER, seed


@pytest.fixture
def team(store):
    seed(store)
    return store


def _levels(engine, actor, person=None) -> dict[tuple[str, str], str]:
    return {
        (r["person"], r["skill"]): r["label"]
        for r in skill_levels(engine, actor, person).iter_rows(named=True)
    }


def test_the_lead_edits_the_skill_list_audited(team):
    assert len(skill_list(team)) == 19
    save_skill(team, LEAD, "ic_netting", "Intercompany netting", "hard", ["reconciliation"])
    save_skill(team, LEAD, "sop_writing", "SOP writing", "hard", ["reporting"])
    retire_skill(team, LEAD, "coaching")
    skills = {s.key: s for s in skill_list(team)}
    assert "coaching" not in skills and len(skills) == 19
    assert list(skills)[-1] == "ic_netting" and skills["sop_writing"].areas == ("reporting",)
    assert "coaching" in {s.key for s in skill_list(team, retired=True)}
    actions = list_audit(team, LEAD)["action"].to_list()
    assert actions.count("save_skill") == 2 and actions.count("retire_skill") == 1
    with pytest.raises(PermissionDenied):
        save_skill(team, MEYER, "x_skill", "X", "soft")
    with pytest.raises(InvalidInput):
        save_skill(team, LEAD, "ic_netting", "Intercompany netting", "hard", ["treasury"])


def test_an_assessment_needs_a_note_and_sets_the_level_with_history(team):
    assess_skill(team, LEAD, "c.meyer", "dispute_resolution", 1, "first disputes handled with help")
    assess_skill(team, LEAD, "c.meyer", "dispute_resolution", "independent", "handles disputes alone now")
    assess_skill(team, LEAD, "c.meyer", "french", "C1", "call with a Walloon customer")
    assert _levels(team, LEAD) == {
        ("c.meyer", "dispute_resolution"): "independent",
        ("c.meyer", "french"): "C1",
    }
    history = level_history(team, MEYER)
    assert history["label"].to_list() == ["C1", "independent", "trained"]
    assert history["note"].to_list()[1] == "handles disputes alone now"
    assert list_audit(team, LEAD)["action"].to_list().count("assess_skill") == 3
    with pytest.raises(InvalidInput) as exc:
        assess_skill(team, LEAD, "c.meyer", "negotiation", 2, "  ")
    assert exc.value.field == "note"
    with pytest.raises(InvalidInput):
        assess_skill(team, LEAD, "c.meyer", "french", "3", "not a CEFR level")
    with pytest.raises(NotFound):
        assess_skill(team, LEAD, "x.nobody", "negotiation", 2, "who?")
    with pytest.raises(PermissionDenied):
        assess_skill(team, MEYER, "c.meyer", "negotiation", 3, "I am great")


def test_a_collector_reads_their_own_profile_only(team):
    assess_skill(team, LEAD, "c.meyer", "negotiation", 2, "ok")
    assess_skill(team, LEAD, "j.devries", "negotiation", 3, "coaches others")
    assert _levels(team, MEYER) == {("c.meyer", "negotiation"): "independent"}
    assert len(_levels(team, CONTROLLER)) == 2
    with pytest.raises(PermissionDenied):
        skill_levels(team, MEYER, "j.devries")
    with pytest.raises(PermissionDenied):
        team_coverage(team, MEYER)


GOOD = "person;skill;level\nc.meyer;Cash collection;3\nJan de Vries;dutch;C2\nj.devries;cash_collection;1\n"


def test_import_stores_every_row_or_none(team):
    outcome = import_skill_levels(team, LEAD, "levels.csv", GOOD.encode())
    assert (outcome.stored, outcome.problems) == (3, [])
    assert _levels(team, LEAD) == {
        ("c.meyer", "cash_collection"): "can coach",
        ("j.devries", "dutch"): "C2",
        ("j.devries", "cash_collection"): "trained",
    }
    bad = GOOD.replace("j.devries;cash_collection;1", "j.devries;cash_collection;5") + "x.y;dutch;B1\n"
    outcome = import_skill_levels(team, LEAD, "levels2.csv", bad.replace("3\n", "2\n", 1).encode())
    assert outcome.stored == 0
    assert [str(p) for p in outcome.problems] == [
        "levels2.csv, row 4, column 'level': '5' is not a level of Cash collection (0 none, 1 trained, "
        "2 independent, 3 can coach)",
        "levels2.csv, row 5, column 'person': 'x.y' is not a user of AR Desk",
    ]
    with team.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(SkillLevel)).scalar() == 3  # unchanged
    assert _levels(team, LEAD)["c.meyer", "cash_collection"] == "can coach"
    with pytest.raises(PermissionDenied):
        import_skill_levels(team, MEYER, "levels.csv", GOOD.encode())


def _module(conn, title: str, skills: str, grants: int | None) -> int:
    return conn.execute(
        sa.insert(TrainingModule)
        .values(
            title=title,
            area="disputes",
            kind="course",
            expected_hours=Decimal("8.00"),
            skills=skills,
            grants_level=grants,
            created_by="lena.lead",
            created_at=datetime(2026, 10, 1, tzinfo=UTC),
        )
        .returning(TrainingModule.id)
    ).scalar_one()


def _line(conn, person: str, module_id: int, completed_on: date | None) -> None:
    conn.execute(
        sa.insert(TrainingPlanLine).values(
            person=person,
            module_id=module_id,
            start_on=date(2026, 10, 1),
            due_on=date(2026, 12, 31),
            hours_done=Decimal("8.00"),
            completed_on=completed_on,
            updated_by="lena.lead",
            updated_at=datetime(2026, 10, 1, tzinfo=UTC),
        )
    )


def test_completed_training_modules_raise_levels_and_show_in_the_coverage(team):
    assess_skill(team, LEAD, "c.meyer", "dispute_resolution", 1, "trained")
    assess_skill(team, LEAD, "j.devries", "dispute_resolution", 3, "coaches")
    with team.begin() as conn:  # assessed on 1 November
        conn.execute(sa.update(SkillLevel).values(set_at=datetime(2026, 11, 1, 9, tzinfo=UTC)))
        own = _module(conn, "Disputes on your own", "dispute_resolution", 2)
        french = _module(conn, "Français au téléphone", "french", 3)
        _line(conn, "c.meyer", french, date(2026, 11, 2))  # languages rise by assessment only
        _line(conn, "e.dubois", own, None)  # not finished
    rows = {r.area: r for r in team_coverage(team, LEAD).areas}
    # disputes: de Vries 3; Meyer 1 and Dubois 0, both with the module still to do: Meyer is closest
    assert (rows["disputes"].people_at_level, rows["disputes"].gap, rows["disputes"].closest) == (
        ("j.devries",),
        1,
        ("c.meyer",),
    )
    assert rows["disputes"].modules == {"c.meyer": ("Disputes on your own",)}
    with team.begin() as conn:
        _line(conn, "c.meyer", own, date(2026, 11, 25))
    assert _levels(team, LEAD, "c.meyer") == {("c.meyer", "dispute_resolution"): "independent"}
    rows = {r.area: r for r in team_coverage(team, LEAD).areas}
    assert (rows["disputes"].people_at_level, rows["disputes"].gap) == (("c.meyer", "j.devries"), 0)
    assert level_history(team, LEAD, "c.meyer")["source"].to_list() == ["training", "assessment"]
    # a later assessment counts again (today, after the module of 25 November)
    assess_skill(team, LEAD, "c.meyer", "dispute_resolution", 1, "needs help again after the reorganisation")
    assert _levels(team, LEAD, "c.meyer") == {("c.meyer", "dispute_resolution"): "trained"}


def test_coverage_counts_the_setting_and_the_customer_languages(team):
    assert coverage_required(team) == 2
    set_coverage_required(team, LEAD, 1)
    assess_skill(team, LEAD, "j.devries", "cash_collection", 2, "ok")
    assess_skill(team, LEAD, "e.dubois", "french", "C2", "native")
    assess_skill(team, LEAD, "c.meyer", "french", "B2", "good")
    assess_skill(team, LEAD, "c.meyer", "german", "C2", "native")
    assess_skill(team, LEAD, "j.devries", "german", "C1", "fluent")
    cover = team_coverage(team, LEAD)
    areas = {r.area: r for r in cover.areas}
    assert (areas["collections"].required, areas["collections"].gap) == (1, 0)
    assert (areas["disputes"].gap, areas["disputes"].closest) == (1, ())
    languages = {r.area: (r.people_at_level, r.gap, r.closest, r.share) for r in cover.languages}
    # 6 customers: German 2 (DE, AT), French 2 (BE with language FR, FR), Dutch 2 (NL, NL)
    assert languages == {
        "German": (("c.meyer", "j.devries"), 0, (), 33.3),
        "French": (("e.dubois",), 1, ("c.meyer",), 33.3),
        "Dutch": ((), 2, (), 33.3),
    }
    assert sorted(cover.names) == ["c.meyer", "e.dubois", "j.devries"]
    with pytest.raises(InvalidInput):
        set_coverage_required(team, LEAD, 0)


def test_the_language_coverage_follows_a_change_of_the_customer_master(team):
    """The customers' languages are read once per change of the master: an upload moves them."""
    import polars as pl

    from ar_core.ledger.customers import upsert_customer_master
    from tests.skills_setup import ADMIN

    def shares() -> dict[str, float]:
        return {r.area: r.share for r in team_coverage(team, LEAD).languages}

    assert shares() == {"German": 33.3, "French": 33.3, "Dutch": 33.3}
    dutch = [c for c, (_who, _lang, country) in CUSTOMERS.items() if country == "NL"]
    upsert_customer_master(team, ADMIN, pl.DataFrame({"customer_id": dutch[:1], "language": ["DE"]}))
    # German 3 of 6 (DE, AT and the Dutch customer now written to in German), Dutch 1
    assert shares() == {"German": 50.0, "French": 33.3, "Dutch": 16.7}
