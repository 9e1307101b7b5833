"""Training plans, the plan spreadsheet import, buddies and shadowing (services on a real store)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
import xlsxwriter

from ar_core.access import Actor, create_user, list_audit
from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.knowledge import (
    add_risk_note,
    assign_buddy,
    buddy_pairs,
    import_plan_file,
    log_shadowing,
    parse_plan_file,
    read_mapping,
    remove_plan_line,
    risk_notes,
    save_module,
    set_plan_line,
    shadowing_sessions,
    training_modules,
    training_plan,
)
from ar_core.store.models import TrainingModule, TrainingPlanLine

SYSTEM = Actor("system", "System", frozenset({"admin", "lead"}))
LEAD = Actor("lena.lead", "Lena", frozenset({"lead"}))
NEW = Actor("r.bakker", "Ruben", frozenset({"collector"}))
SENIOR = Actor("s.dejong", "Sanne", frozenset({"collector"}))
OTHER = Actor("t.becker", "Tobias", frozenset({"collector"}))
AS_OF = date(2026, 12, 2)


@pytest.fixture
def team(store):
    for who in (LEAD, NEW, SENIOR, OTHER):
        create_user(store, SYSTEM, username=who.username, name=who.name, password="correct horse battery 1",
                    roles=sorted(who.roles), email=f"{who.username}@example.com")  # fmt: skip
    return store


def _module(engine, title="Dunning basics", kind="course", hours="16"):
    return save_module(engine, LEAD, title=title, area="dunning", kind=kind, expected_hours=hours,
                       skills="dunning_cycle_management", grants_level=1,
                       sop_refs="SOP-4 Dunning run")  # fmt: skip


def test_the_lead_sets_a_plan_and_each_person_reads_their_own(team):
    m1 = _module(team)
    m2 = _module(team, "Cash allocation", hours="10")
    set_plan_line(team, LEAD, "r.bakker", m1, date(2026, 11, 22), date(2027, 1, 15), hours_done="10")
    set_plan_line(team, LEAD, "r.bakker", m2, date(2026, 11, 1), date(2026, 11, 30), hours_done="4")
    set_plan_line(team, LEAD, "t.becker", m1, date(2026, 10, 1), date(2026, 10, 31), hours_done="16",
                  completed_on=date(2026, 11, 3))  # fmt: skip
    team_view = training_plan(team, LEAD, AS_OF)
    # late first, then on track, then done late
    assert team_view.select("person", "module", "status").rows() == [
        ("r.bakker", "Cash allocation", "late"),
        ("r.bakker", "Dunning basics", "on track"),
        ("t.becker", "Dunning basics", "done late"),
    ]
    # 10 h in 10 days, 6 remaining -> 6 days -> 8.12.
    on_track = team_view.row(1, named=True)
    assert on_track["projected_finish"] == date(2026, 12, 8)
    assert on_track["remaining_hours"] == Decimal("6.00")
    assert on_track["expected_hours"] == Decimal("16.00")
    own = training_plan(team, NEW, AS_OF)
    assert own["person"].unique().to_list() == ["r.bakker"]
    with pytest.raises(PermissionDenied):
        training_plan(team, NEW, AS_OF, person="t.becker")
    with pytest.raises(PermissionDenied):
        set_plan_line(team, NEW, "r.bakker", m1, date(2026, 11, 22), date(2027, 1, 15))
    actions = list_audit(team, LEAD)["action"].to_list()
    assert actions.count("set_training_plan_line") == 3
    assert actions.count("create_training_module") == 2


def test_setting_a_line_again_changes_it_and_bad_input_is_refused(team):
    m1 = _module(team)
    first = set_plan_line(team, LEAD, "r.bakker", m1, date(2026, 11, 1), date(2026, 12, 31))
    again = set_plan_line(team, LEAD, "r.bakker", m1, date(2026, 11, 1), date(2026, 12, 31),
                          hours_done="12.5", evidence="Quiz passed")  # fmt: skip
    assert first == again
    line = training_plan(team, LEAD, AS_OF).row(0, named=True)
    assert (line["hours_done"], line["evidence"]) == (Decimal("12.50"), "Quiz passed")
    with pytest.raises(InvalidInput) as bad:
        set_plan_line(team, LEAD, "r.bakker", m1, date(2026, 11, 1), date(2026, 10, 31))
    assert bad.value.field == "due_on"
    with pytest.raises(InvalidInput) as bad:
        set_plan_line(team, LEAD, "nobody", m1, date(2026, 11, 1), date(2026, 12, 31))
    assert bad.value.field == "person"
    with pytest.raises(InvalidInput):
        _module(team, "dunning BASICS")  # titles are unique without case
    assert training_modules(team, NEW)["title"].to_list() == ["Dunning basics"]


def test_a_person_explains_a_risk_on_their_own_line_only(team):
    m1 = _module(team)
    line = set_plan_line(team, LEAD, "r.bakker", m1, date(2026, 11, 1), date(2026, 12, 10))
    add_risk_note(team, NEW, line, "Month-end close took the last two weeks.")
    with pytest.raises(PermissionDenied):
        add_risk_note(team, OTHER, line, "not mine")
    plan = training_plan(team, LEAD, AS_OF)
    assert plan["status"].to_list() == ["at risk"]  # 0 hours since 1.11.: never finishes
    assert plan["projected_finish"].to_list() == [None]
    assert plan["risk_note"].to_list() == ["Month-end close took the last two weeks."]
    assert risk_notes(team, NEW)["author"].to_list() == ["r.bakker"]
    assert risk_notes(team, OTHER).is_empty()


def test_shadowing_hours_count_to_the_earliest_due_shadowing_module(team):
    course = _module(team, "Dunning basics")
    calls = _module(team, "Shadowing: customer calls", kind="shadowing", hours="8")
    disputes = _module(team, "Shadowing: disputes", kind="shadowing", hours="6")
    l_course = set_plan_line(team, LEAD, "r.bakker", course, date(2026, 11, 1), date(2026, 12, 1))
    l_calls = set_plan_line(team, LEAD, "r.bakker", calls, date(2026, 11, 1), date(2026, 12, 15))
    l_disputes = set_plan_line(team, LEAD, "r.bakker", disputes, date(2026, 11, 1), date(2027, 1, 15))
    with pytest.raises(InvalidInput):  # no buddy yet
        log_shadowing(team, NEW, "r.bakker", date(2026, 11, 20), "2", "Calls")
    assign_buddy(team, LEAD, "r.bakker", "s.dejong", date(2026, 11, 1))
    log_shadowing(team, SENIOR, "r.bakker", date(2026, 11, 20), "2.5", "Calls with slow payers")
    log_shadowing(team, NEW, "r.bakker", date(2026, 11, 27), "1.5", "Broken promises")
    log_shadowing(team, NEW, "r.bakker", date(2026, 11, 28), "2", "A dispute call", plan_line_id=l_disputes)
    with pytest.raises(PermissionDenied):
        log_shadowing(team, OTHER, "r.bakker", date(2026, 11, 28), "1", "Not my joiner")
    with pytest.raises(InvalidInput):  # a course is not a shadowing module
        log_shadowing(team, NEW, "r.bakker", date(2026, 11, 28), "1", "x", plan_line_id=l_course)
    with team.connect() as conn:
        hours = dict(conn.execute(sa.select(TrainingPlanLine.id, TrainingPlanLine.hours_done)).all())
    assert hours == {l_course: Decimal("0.00"), l_calls: Decimal("4.00"), l_disputes: Decimal("2.00")}
    sessions = shadowing_sessions(team, SENIOR)
    assert sessions["module"].to_list() == ["Shadowing: disputes", "Shadowing: customer calls",
                                            "Shadowing: customer calls"]  # fmt: skip
    assert shadowing_sessions(team, OTHER).is_empty()
    assert buddy_pairs(team, NEW).select("person", "buddy").rows() == [("r.bakker", "s.dejong")]
    assert buddy_pairs(team, OTHER).is_empty()


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


GOOD = _csv(
    "person,module,start,due,expected_hours,hours_done,completed_on\n"
    "r.bakker,Dunning basics,01.11.2026,2026-12-31,99,4,\n"
    'r.bakker,Reading the FBL5N extract,2026-11-15,15.12.2026,"6,5",1.5,\n'
    "t.becker,Dunning basics,2026-10-01,2026-10-31,,16,30.10.2026\n"
)


def test_import_stores_lines_and_creates_the_missing_module_with_the_files_hours(team):
    _module(team)  # "Dunning basics", 16 h: keeps its own hours
    outcome = import_plan_file(team, LEAD, "plan.csv", GOOD)
    assert outcome.problems == ()
    assert (outcome.added, outcome.changed, outcome.modules_created) == (3, 0, ("Reading the FBL5N extract",))
    with team.connect() as conn:
        modules = dict(conn.execute(sa.select(TrainingModule.title, TrainingModule.expected_hours)).all())
    assert modules == {"Dunning basics": Decimal("16.00"), "Reading the FBL5N extract": Decimal("6.50")}
    plan = training_plan(team, LEAD, AS_OF)
    done = plan.filter(plan["person"] == "t.becker").row(0, named=True)
    assert (done["status"], done["completed_on"]) == ("done", date(2026, 10, 30))
    again = import_plan_file(team, LEAD, "plan.csv", GOOD)
    assert (again.added, again.changed, again.modules_created) == (0, 3, ())


def test_an_unknown_person_is_an_error_naming_the_row_and_nothing_is_stored(team):
    bad = GOOD + _csv("x.nobody,Month-end close,2026-12-01,2026-12-20,4,0,\n")
    outcome = import_plan_file(team, LEAD, "plan.csv", bad)
    assert [str(p) for p in outcome.problems] == [
        "plan.csv, row 5, column 'person': 'x.nobody' is not a user"
    ]
    assert outcome.added == 0
    with team.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(TrainingPlanLine)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(TrainingModule)).scalar() == 0


def test_a_new_module_without_expected_hours_is_an_error_naming_the_row(team):
    outcome = import_plan_file(
        team, LEAD, "plan.csv", _csv("person,module,start,due\nr.bakker,New,2026-12-01,2026-12-09\n")
    )
    assert [str(p) for p in outcome.problems] == [
        "plan.csv, row 2, column 'expected_hours': module 'New' does not exist yet: give its expected hours"
    ]


def test_a_mapping_names_the_columns_of_a_german_xlsx(team):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(0, 0, ["Mitarbeiter", "Modul", "Beginn", "Fällig", "Sollstunden", "Iststunden"])
    sheet.write_row(1, 0, ["r.bakker", "Dunning basics"])
    sheet.write_datetime(1, 2, __import__("datetime").datetime(2026, 11, 2), day)
    sheet.write_string(1, 3, "31.12.2026")
    sheet.write_number(1, 4, 12)
    sheet.write_number(1, 5, 2.5)
    book.close()
    mapping = (
        "columns:\n  person: Mitarbeiter\n  module: Modul\n  start: Beginn\n  due: Fällig\n"
        "  expected_hours: Sollstunden\n  hours_done: Iststunden\n"
    )
    outcome = import_plan_file(team, LEAD, "plan.xlsx", out.getvalue(), mapping, "plan.yaml")
    assert outcome.problems == ()
    line = training_plan(team, LEAD, AS_OF).row(0, named=True)
    assert (line["start"], line["due"], line["hours_done"], line["expected_hours"]) == (
        date(2026, 11, 2), date(2026, 12, 31), Decimal("2.50"), Decimal("12.00"))  # fmt: skip


def test_file_problems_name_file_row_and_column():
    rows, problems = parse_plan_file("p.csv", _csv(
        "person;module;start;due;hours_done\n"
        "a;M;31.02.2026;2026-12-31;1\n"
        "a;N;2026-12-01;2026-11-30;-1\n"
        "a;M;2026-12-01;2026-12-31;0,125\n"
        "b;M;2026-12-01;2026-12-31;3\n"
        "b;m;2026-12-01;2026-12-31;3\n"
    ))  # fmt: skip
    assert [str(p) for p in problems] == [
        "p.csv, row 2, column 'start': cannot read '31.02.2026' as a date (31.12.2026 or 2026-12-31)",
        "p.csv, row 3, column 'due': due 30.11.2026 is before the start 01.12.2026",
        "p.csv, row 3, column 'hours_done': hours are between 0 and 999999.99 ('-1')",
        "p.csv, row 4, column 'hours_done': '0,125' has more than two decimals",
        "p.csv, row 6, column 'module': b and 'm' already in row 5",
    ]
    assert [(r.row, r.person, r.hours_done) for r in rows] == [(5, "b", Decimal("3.00"))]
    _rows, problems = parse_plan_file("p.csv", _csv("who,module,start,due\n"))
    assert [str(p) for p in problems] == ["p.csv, row 1: no column 'person' in the header"]
    _mapping, problems = read_mapping("m.yaml", "columns:\n  person: Name\n  modul: X\n")
    assert [str(p) for p in problems] == [
        "m.yaml, column 'modul': unknown key; use person, module, start, due, expected_hours, hours_done, "
        "completed_on"
    ]


def test_removing_a_line_keeps_its_shadowing_sessions_counted_to_none(team):
    calls = _module(team, "Shadowing: customer calls", kind="shadowing", hours="8")
    line = set_plan_line(team, LEAD, "r.bakker", calls, date(2026, 11, 1), date(2026, 12, 15))
    assign_buddy(team, LEAD, "r.bakker", "s.dejong", date(2026, 11, 1))
    log_shadowing(team, SENIOR, "r.bakker", date(2026, 11, 20), "2", "Calls")
    add_risk_note(team, NEW, line, "Behind after the holidays.")
    with pytest.raises(PermissionDenied):
        remove_plan_line(team, NEW, line)
    remove_plan_line(team, LEAD, line)
    assert training_plan(team, LEAD, AS_OF).is_empty()
    assert risk_notes(team, LEAD).is_empty()
    assert shadowing_sessions(team, LEAD)["module"].to_list() == [None]
    # a session without an unfinished shadowing line is logged, counted to none
    log_shadowing(team, NEW, "r.bakker", date(2026, 11, 27), "1", "Disputes")
    assert shadowing_sessions(team, LEAD).height == 2
    assert "remove_training_plan_line" in list_audit(team, LEAD)["action"].to_list()


def test_changing_a_module_is_audited_and_an_unreadable_xlsx_stores_nothing(team):
    module = _module(team)
    save_module(team, LEAD, title="Dunning basics", area="dunning", kind="e-learning", expected_hours="12.5",
                module_id=module)  # fmt: skip
    row = training_modules(team, LEAD).row(0, named=True)
    assert (row["kind"], row["expected_hours"], row["skills"]) == ("e-learning", Decimal("12.50"), None)
    with pytest.raises(InvalidInput) as bad:
        save_module(team, LEAD, title="X", area="dunning", kind="webinar", expected_hours="1")
    assert bad.value.field == "kind"
    outcome = import_plan_file(team, LEAD, "plan.xlsx", b"PK\x03\x04 not a workbook")
    assert len(outcome.problems) == 1 and str(outcome.problems[0]).startswith(
        "plan.xlsx: cannot read the file"
    )
    assert training_plan(team, LEAD, AS_OF).is_empty()
