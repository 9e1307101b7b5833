"""The dunning procedure: the default, validation under the field, and the level rules at their edges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ar_core.errors import InvalidInput
from ar_core.recovery.procedure import (
    BLOCK_REASONS,
    Procedure,
    default_procedure,
    due_level,
    letter_kind,
    level_by_days,
    procedure_for,
    validate_procedure,
)

DEFAULT = default_procedure()


def test_the_default_procedure():
    assert DEFAULT.level_days == (7, 21, 35, 49)
    assert DEFAULT.min_amount == Decimal("25.00")
    assert DEFAULT.min_days_between == 14
    assert DEFAULT.blocks == frozenset(BLOCK_REASONS)
    assert DEFAULT.levels == 4


@pytest.mark.parametrize(
    ("days", "level"),
    [(-3, 0), (0, 0), (6, 0), (7, 1), (8, 1), (20, 1), (21, 2), (34, 2), (35, 3), (48, 3), (49, 4), (400, 4)],
)
def test_level_by_days_overdue_at_its_edges(days, level):
    assert level_by_days(days, DEFAULT) == level


@pytest.mark.parametrize(
    ("days", "current", "expected"),
    [
        (6, 0, 0),  # not yet a reminder
        (7, 0, 1),  # the reminder on the 7th day
        (100, 0, 1),  # never dunned: a reminder first, however late
        (20, 1, 1),  # reminded, not yet level 2
        (21, 1, 2),
        (49, 1, 2),  # one level per letter
        (49, 3, 4),  # the final notice after the third letter
        (200, 4, 4),  # the last level stays the last
        (10, 2, 2),  # never below the level it has
    ],
)
def test_an_item_climbs_one_level_per_letter(days, current, expected):
    assert due_level(days, current, DEFAULT) == expected


def test_a_two_level_procedure_caps_the_level():
    two = Procedure(level_days=(10, 30))
    assert due_level(90, 1, two) == 2
    assert due_level(90, 2, two) == 2
    assert level_by_days(29, two) == 1


def test_letter_kinds_by_level():
    assert [letter_kind(n) for n in (1, 2, 3, 4)] == ["reminder", "dunning_2", "dunning_3", "final_notice"]
    with pytest.raises(InvalidInput):
        letter_kind(5)


def test_validation_reads_an_editor_and_names_the_field():
    proc = validate_procedure(
        {
            "company_code": "1000",
            "level_days": "10, 25,40",
            "min_amount": "50,5",
            "min_days_between": "7",
            "blocks": ["disputed"],
        }
    )
    assert proc == Procedure("1000", (10, 25, 40), Decimal("50.50"), 7, frozenset({"disputed"}))
    bad = [
        ({"level_days": [7, 7]}, "level_days"),
        ({"level_days": [21, 7]}, "level_days"),
        ({"level_days": [0, 7]}, "level_days"),
        ({"level_days": [1, 2, 3, 4, 5]}, "level_days"),
        ({"level_days": []}, "level_days"),
        ({"level_days": ["x"]}, "level_days"),
        ({"level_days": [7], "min_amount": "-1"}, "min_amount"),
        ({"level_days": [7], "min_amount": "1.234"}, "min_amount"),
        ({"level_days": [7], "min_amount": "ten"}, "min_amount"),
        ({"level_days": [7], "min_days_between": 366}, "min_days_between"),
        ({"level_days": [7], "blocks": ["weather"]}, "blocks"),
    ]
    for values, field in bad:
        with pytest.raises(InvalidInput) as err:
            validate_procedure(values)
        assert err.value.field == field, values


def test_a_company_code_without_its_own_procedure_uses_the_default():
    own = Procedure("2000", (5,))
    star = Procedure("*", (9, 19))
    assert procedure_for({"2000": own, "*": star}, "2000") is own
    assert procedure_for({"2000": own, "*": star}, "1000") is star
    assert procedure_for({}, "1000") == DEFAULT
