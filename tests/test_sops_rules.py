"""The pure SOP rules: the status machine and its refusals, review-due dates, search, the diff."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ar_core.errors import ApprovalRefused, InvalidInput
from ar_core.knowledge.sops import (
    SopReadOnly,
    TransitionRefused,
    add_months,
    check_body,
    check_decider,
    check_review_months,
    diff_counts,
    due_for_review,
    next_review_date,
    review_state,
    search,
    transition,
    version_diff,
    with_review_dates,
)


def test_the_happy_path_of_a_version():
    assert transition("draft", "edit") == "draft"
    assert transition("draft", "submit") == "in_review"
    assert transition("in_review", "approve") == "approved"
    assert transition("in_review", "reject") == "draft"
    assert transition("approved", "supersede") == "superseded"
    assert transition("approved", "retire") == "retired"


def test_no_skipping_the_review():
    with pytest.raises(TransitionRefused, match="submit it for review first"):
        transition("draft", "approve")
    with pytest.raises(TransitionRefused):
        transition("draft", "reject")
    with pytest.raises(TransitionRefused):
        transition("approved", "approve")


@pytest.mark.parametrize("status", ["superseded", "retired"])
@pytest.mark.parametrize("action", ["edit", "submit", "approve", "reject", "supersede", "retire"])
def test_superseded_and_retired_versions_are_read_only(status, action):
    with pytest.raises(SopReadOnly, match="read-only"):
        transition(status, action)


def test_versions_in_review_or_approved_cannot_be_edited():
    with pytest.raises(SopReadOnly, match="approver reads what was submitted"):
        transition("in_review", "edit")
    with pytest.raises(SopReadOnly, match="write a new version"):
        transition("approved", "edit")
    with pytest.raises(TransitionRefused, match="in review"):
        transition("in_review", "retire")


def test_no_approval_by_the_author():
    with pytest.raises(ApprovalRefused, match="four eyes"):
        check_decider("c.meyer", "c.meyer")
    check_decider("c.meyer", "lena.lead")


def test_months_are_added_by_the_calendar():
    assert add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)  # no 31 February
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)  # leap year
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 2), 6) == date(2027, 6, 2)


def test_next_review_is_the_effective_date_plus_the_interval():
    assert next_review_date(date(2025, 12, 1)) == date(2026, 12, 1)  # default 12 months
    assert next_review_date(date(2026, 6, 30), 6) == date(2026, 12, 30)


def test_review_state_overdue_from_the_day_after_and_due_soon_within_30_days():
    as_of = date(2026, 12, 2)
    assert review_state(date(2026, 12, 1), as_of) == "overdue"
    assert review_state(date(2026, 12, 2), as_of) == "due soon"  # due today: not yet overdue
    assert review_state(date(2027, 1, 1), as_of) == "due soon"  # 30 days ahead
    assert review_state(date(2027, 1, 2), as_of) == "ok"  # 31 days ahead


def _current():
    return pl.DataFrame(
        {
            "title": ["Dunning run and blocks", "Write-off request", "Dispute escalation"],
            "area": ["dunning", "legal/write-off", "disputes"],
            "effective_on": [date(2025, 11, 20), date(2026, 6, 15), date(2026, 3, 1)],
        }
    )


def test_review_dates_use_each_areas_interval():
    dated = with_review_dates(_current(), {"legal/write-off": 6, "disputes": 9}, date(2026, 12, 2))
    assert dated.select("next_review", "days_to_review", "review", "overdue").rows() == [
        (date(2026, 11, 20), -12, "overdue", True),  # 12 months (default)
        (date(2026, 12, 15), 13, "due soon", False),  # 6 months
        (date(2026, 12, 1), -1, "overdue", True),  # 9 months
    ]


def test_reviews_due_lists_overdue_and_due_soon_most_urgent_first():
    due = due_for_review(_current(), {"legal/write-off": 6, "disputes": 12}, date(2026, 12, 2))
    assert due.select("title", "review").rows() == [
        ("Dunning run and blocks", "overdue"),
        ("Write-off request", "due soon"),
    ]  # the dispute SOP is due 01.03.2027: not listed


def test_search_matches_every_word_in_title_or_text_literally():
    frame = pl.DataFrame(
        {"title": ["Write-off request", "Allocation of unapplied cash"],
         "body": ["Post with FB01 after approval.", "Clear in F-32 (residual items)."]}
    )  # fmt: skip
    assert search(frame, "write-off")["title"].to_list() == ["Write-off request"]
    assert search(frame, "f-32 residual")["title"].to_list() == ["Allocation of unapplied cash"]
    assert search(frame, "(residual")["title"].to_list() == ["Allocation of unapplied cash"]  # no regex
    assert search(frame, "fb01 cash").is_empty()
    assert search(frame, "  ").height == 2


def test_the_unified_diff_between_two_versions():
    old = "# Steps\n1. Run FBL5N\n2. Call the customer\n"
    new = "# Steps\n1. Run FBL5N\n2. E-mail the customer\n3. Log the call\n"
    diff = version_diff(old, new, "version 1", "version 2")
    assert diff.splitlines() == [
        "--- version 1",
        "+++ version 2",
        "@@ -1,3 +1,4 @@",
        " # Steps",
        " 1. Run FBL5N",
        "-2. Call the customer",
        "+2. E-mail the customer",
        "+3. Log the call",
    ]
    assert diff_counts(diff) == (2, 1)
    assert version_diff(old, old) == ""


def test_inputs_are_checked():
    with pytest.raises(InvalidInput, match="write the procedure"):
        check_body("  \n ")
    assert check_body("a\r\nb") == "a\nb\n"
    with pytest.raises(InvalidInput):
        check_review_months(0)
    with pytest.raises(InvalidInput):
        check_review_months(True)
    assert check_review_months(6) == 6
