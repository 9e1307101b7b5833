"""The pure rules: levels and their labels, the level a person holds (given levels, training rises),
process-area and language coverage with hand-computed gaps, and the levels file parser."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from ar_core.errors import InvalidInput
from ar_core.knowledge.coverage import (
    area_coverage,
    area_matrix,
    correspondence_language,
    language_coverage,
    language_shares,
)
from ar_core.knowledge.skills import (
    COMPLETION_SCHEMA,
    DEFAULT_SKILLS,
    GIVEN_SCHEMA,
    LEVEL_SCHEMA,
    MODULE_SCHEMA,
    PROCESS_AREAS,
    check_skill,
    current_levels,
    find_skill,
    level_label,
    parse_level,
    parse_levels_file,
    skill_history,
    training_grants,
)

SKILLS = {s.key: s for s in DEFAULT_SKILLS}


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def given(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        [(p, s, lvl, src, None, "lena.lead", when) for p, s, lvl, src, when in rows],
        schema=GIVEN_SCHEMA,
        orient="row",
    )


def levels(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        [(p, s, lvl, date(2026, 11, 1), "import") for p, s, lvl in rows], schema=LEVEL_SCHEMA, orient="row"
    )


MODULES = pl.DataFrame(
    [
        (1, "Disputes basics", "dispute_resolution", 1),
        (2, "Disputes on your own", "dispute_resolution", 2),
        (3, "Dunning in SAP", "dunning_cycle_management, erp_sap_fi_ar", 2),
        (4, "Français C1", "french", 5),
    ],
    schema=MODULE_SCHEMA,
    orient="row",
)


def test_every_hard_skill_but_sop_writing_covers_an_area_and_every_area_is_covered():
    hard = [s for s in DEFAULT_SKILLS if s.kind == "hard"]
    assert len(hard) == 10 and len([s for s in DEFAULT_SKILLS if s.kind == "soft"]) == 5
    assert [s.key for s in hard if not s.areas] == ["sop_writing"]
    assert {a for s in hard for a in s.areas} == set(PROCESS_AREAS)
    assert [s.name for s in DEFAULT_SKILLS if s.kind == "language"] == [
        "German",
        "Dutch",
        "English",
        "French",
    ]


def test_level_labels_and_parsing():
    cash, french = SKILLS["cash_collection"], SKILLS["french"]
    assert [level_label(cash, n) for n in range(4)] == ["none", "trained", "independent", "can coach"]
    assert [level_label(french, n) for n in (0, 1, 4, 5, 6)] == ["none", "A1", "B2", "C1", "C2"]
    assert parse_level(cash, "2") == 2 and parse_level(cash, "Can coach") == 3 and parse_level(cash, 1.0) == 1
    assert parse_level(french, "c1") == 5 and parse_level(french, "none") == 0
    with pytest.raises(InvalidInput, match="not a level"):
        parse_level(cash, "4")
    with pytest.raises(InvalidInput, match="CEFR"):
        parse_level(french, "2")
    assert find_skill(DEFAULT_SKILLS, "ERP/SAP FI-AR").key == "erp_sap_fi_ar"
    assert find_skill(DEFAULT_SKILLS, "cooking") is None


def test_a_skill_definition_is_checked():
    assert check_skill("ic_netting", "Intercompany netting", "hard", ["reconciliation"]).areas == (
        "reconciliation",
    )
    with pytest.raises(InvalidInput) as exc:
        check_skill("ic_netting", "Netting", "hard", ["treasury"])
    assert exc.value.field == "areas"
    with pytest.raises(InvalidInput) as exc:
        check_skill("Bad Key", "x", "soft", [])
    assert exc.value.field == "key"
    with pytest.raises(InvalidInput, match="only a hard skill"):
        check_skill("listening", "Listening", "soft", ["collections"])


def test_a_module_raises_a_level_but_never_lowers_it_and_a_later_assessment_counts():
    history_given = given(
        ("c.meyer", "dispute_resolution", 1, "import", at(1)),
        ("c.meyer", "dunning_cycle_management", 3, "import", at(1)),
        ("j.devries", "dispute_resolution", 2, "import", at(1)),
        ("j.devries", "dispute_resolution", 1, "assessment", at(20, 15)),  # same day as the module, after it
    )
    completions = pl.DataFrame(
        [
            ("c.meyer", 2, date(2026, 11, 10)),
            ("c.meyer", 3, date(2026, 11, 12)),
            ("j.devries", 2, date(2026, 11, 20)),
            ("j.devries", 1, None),
        ],
        schema=COMPLETION_SCHEMA,
        orient="row",
    )
    grants = training_grants(MODULES, completions)
    assert grants.height == 4  # module 3 builds two skills; the unfinished line grants nothing
    history = skill_history(history_given, grants)
    now = {
        (r["person"], r["skill"]): (r["level"], r["since"], r["source"])
        for r in current_levels(history).iter_rows(named=True)
    }
    # 1 (import) -> 2 (module 2 on 10.11.)
    assert now["c.meyer", "dispute_resolution"] == (2, date(2026, 11, 10), "training")
    # 3 stays 3: the module grants 2
    assert now["c.meyer", "dunning_cycle_management"] == (3, date(2026, 11, 1), "import")
    assert now["c.meyer", "erp_sap_fi_ar"] == (2, date(2026, 11, 12), "training")
    # 2 (import), module on 20.11. leaves 2, the assessment that afternoon sets 1
    assert now["j.devries", "dispute_resolution"] == (1, date(2026, 11, 20), "assessment")
    jv = history.filter(pl.col("person") == "j.devries")
    assert jv["source"].to_list() == ["import", "training", "assessment"]
    assert jv["level"].to_list() == [2, 2, 1]


TEAM = ["a", "b", "c", "d"]


def test_area_matrix_takes_the_highest_level_of_the_area_skills():
    lv = levels(("a", "dunning_cycle_management", 1), ("a", "cash_collection", 3), ("b", "erp_sap_fi_ar", 2))
    matrix = area_matrix(lv, DEFAULT_SKILLS, TEAM)
    cell = {(r["area"], r["person"]): r["level"] for r in matrix.iter_rows(named=True)}
    assert matrix.height == len(PROCESS_AREAS) * 4
    assert cell["legal/write-off", "a"] == 3  # cash collection covers legal/write-off
    assert cell["dunning", "a"] == 1
    assert (
        cell["master data", "b"] == 2 and cell["cash allocation", "b"] == 2 and cell["master data", "a"] == 0
    )


def test_area_gaps_name_the_closest_people_and_the_modules_that_would_close_them():
    lv = levels(
        ("a", "dispute_resolution", 3),
        ("b", "dispute_resolution", 1),
        ("c", "dispute_resolution", 1),
        ("a", "dunning_cycle_management", 2),
        ("b", "dunning_cycle_management", 2),
        ("a", "erp_sap_fi_ar", 1),
    )
    done = pl.DataFrame([("b", 2, date(2026, 10, 1))], schema=COMPLETION_SCHEMA, orient="row")
    rows = {
        r.area: r
        for r in area_coverage(area_matrix(lv, DEFAULT_SKILLS, TEAM), DEFAULT_SKILLS, 2, MODULES, done)
    }
    disputes = rows["disputes"]
    # one at level >= 2 (a), two needed: gap 1; b and c both at 1 — c has module 2 still to do, b did it
    assert (disputes.people_at_level, disputes.required, disputes.gap) == (("a",), 2, 1)
    assert disputes.closest == ("c",) and disputes.modules == {"c": ("Disputes on your own",)}
    dunning = rows["dunning"]
    assert (dunning.people_at_level, dunning.gap, dunning.closest) == (("a", "b"), 0, ())
    # master data: nobody independent; a (ERP 1) closest, then by the module 3 (ERP) everyone else: b, c
    master = rows["master data"]
    assert (master.gap, master.closest) == (2, ("a", "b"))
    assert master.modules["a"] == ("Dunning in SAP",)
    # reporting: nobody, and no module builds reporting: no one is close
    assert (rows["reporting"].gap, rows["reporting"].closest) == (2, ())
    assert rows["reporting"].as_json() == {
        "area": "reporting",
        "people_at_level": [],
        "required": 2,
        "gap": 2,
        "closest": [],
    }
    three = {r.area: r for r in area_coverage(area_matrix(lv, DEFAULT_SKILLS, TEAM), DEFAULT_SKILLS, 3)}
    assert three["dunning"].gap == 1 and three["disputes"].gap == 2


def test_correspondence_language_by_language_then_country():
    assert correspondence_language("FR", "BE") == "fr"
    assert correspondence_language(None, "BE") == "nl"
    assert correspondence_language("es", "AT") == "de"
    assert correspondence_language("", "LU") == "fr"
    assert correspondence_language(None, "US") == "en"


CUSTOMERS = pl.DataFrame(
    {
        "language": ["DE", None, None, "nl", None, "FR", None, None, "EN", None],
        "country": ["DE", "AT", "DE", "NL", "NL", "BE", "FR", "DE", "GB", "US"],
    }
)


def test_language_coverage_with_portfolio_shares():
    # de: 4 (DE, AT, DE, DE), nl: 2, fr: 2, en: 2 of 10 customers
    assert language_shares(CUSTOMERS) == [("de", 4, 40.0), ("en", 2, 20.0), ("fr", 2, 20.0), ("nl", 2, 20.0)]
    lv = levels(
        ("a", "german", 6),
        ("b", "german", 5),
        ("a", "english", 5),
        ("b", "english", 5),
        ("c", "english", 6),
        ("d", "french", 5),
        ("a", "french", 4),
        ("b", "french", 2),
        ("c", "dutch", 5),
        ("d", "dutch", 1),
    )
    rows = {r.area: r for r in language_coverage(lv, TEAM, CUSTOMERS, MODULES)}
    assert list(rows) == ["German", "English", "French", "Dutch"]
    assert (rows["German"].people_at_level, rows["German"].gap, rows["German"].share) == (("a", "b"), 0, 40.0)
    assert rows["English"].people_at_level == ("a", "b", "c")
    french = rows["French"]
    assert (french.people_at_level, french.gap, french.closest, french.share, french.customers) == (
        ("d",),
        1,
        ("a",),
        20.0,
        2,
    )
    assert french.modules == {"a": ("Français C1",)}
    dutch = rows["Dutch"]
    assert (dutch.people_at_level, dutch.gap, dutch.closest) == (("c",), 1, ("d",))
    assert language_coverage(lv, TEAM, CUSTOMERS.head(0)) == []


def _csv(text: str) -> bytes:
    return text.encode()


PEOPLE = {"c.meyer": "c.meyer", "j.devries": "j.devries", "claudia meyer": "c.meyer"}


def test_levels_file_rows_and_problems_name_the_row():
    rows, problems = parse_levels_file(
        "levels.csv",
        _csv(
            "Person;Skill;Level\nc.meyer;Cash collection;2\nClaudia Meyer;french;C1\n"
            "j.devries;dispute_resolution;3\n"
        ),
        DEFAULT_SKILLS,
        PEOPLE,
    )
    assert problems == []
    assert [(r.person, r.skill, r.level, r.row) for r in rows] == [
        ("c.meyer", "cash_collection", 2, 2),
        ("c.meyer", "french", 5, 3),
        ("j.devries", "dispute_resolution", 3, 4),
    ]
    _, problems = parse_levels_file(
        "levels.csv",
        _csv(
            "person,skill,level\nx.nobody,cash_collection,2\nc.meyer,cooking,1\nc.meyer,french,7\n"
            "c.meyer,coaching,1\nc.meyer,Coaching,2\n"
        ),
        DEFAULT_SKILLS,
        PEOPLE,
    )
    assert [str(p) for p in problems] == [
        "levels.csv, row 2, column 'person': 'x.nobody' is not a user of AR Desk",
        "levels.csv, row 3, column 'skill': 'cooking' is not a skill of the list",
        "levels.csv, row 4, column 'level': '7' is not a CEFR level of French (A1–C2, or none)",
        "levels.csv, row 6, column 'skill': c.meyer and Coaching are already on row 5",
    ]
    _, problems = parse_levels_file("x.csv", b"name;what\nc.meyer;2\n", DEFAULT_SKILLS, PEOPLE)
    assert [str(p) for p in problems] == [
        "x.csv, row 1: no column for skill, level in the header (person, skill, level)"
    ]
    assert [str(p) for p in parse_levels_file("x.csv", b"", DEFAULT_SKILLS, PEOPLE)[1]] == [
        "x.csv: the file is empty"
    ]


def test_levels_file_as_xlsx(tmp_path):
    import xlsxwriter

    path = tmp_path / "levels.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for n, row in enumerate(
        [("person", "skill", "level"), ("j.devries", "Negotiation", 3), ("j.devries", "dutch", "C2")]
    ):
        sheet.write_row(n, 0, row)
    book.close()
    rows, problems = parse_levels_file("levels.xlsx", path.read_bytes(), DEFAULT_SKILLS, PEOPLE)
    assert problems == [] and [(r.skill, r.level, r.row) for r in rows] == [
        ("negotiation", 3, 2),
        ("dutch", 6, 3),
    ]


def test_among_equals_the_one_with_the_module_in_their_plan_is_closest():
    lv = levels(
        ("a", "payment_plan_coordination", 1),
        ("b", "payment_plan_coordination", 1),
        ("c", "payment_plan_coordination", 3),
    )
    modules = pl.DataFrame(
        [
            (7, "Payment plans", "payment_plan_coordination", 2),
            (8, "Plans advanced", "payment_plan_coordination", 3),
        ],
        schema=MODULE_SCHEMA,
        orient="row",
    )
    plan = pl.DataFrame([("b", 8, None)], schema=COMPLETION_SCHEMA, orient="row")  # b started module 8
    rows = {
        r.area: r
        for r in area_coverage(area_matrix(lv, DEFAULT_SKILLS, TEAM), DEFAULT_SKILLS, 2, modules, plan)
    }
    plans = rows["payment plans"]
    assert (plans.people_at_level, plans.gap, plans.closest) == (("c",), 1, ("b",))
    assert plans.modules == {"b": ("Plans advanced", "Payment plans")}  # the one in the plan first
