"""The rules of the SOP register, without a store: statuses and their transitions, who may decide,
when a review is due, and the line diff between two versions.

A version moves ``draft`` → ``in_review`` → ``approved``; a review that sends it back makes it a
``draft`` again. An approved version becomes ``superseded`` when the next version of its SOP is
approved, or ``retired`` with its SOP. Only a draft can be changed: a version in review is what the
approver reads, and an approved, superseded or retired version is the record of what the team
worked by — it stays readable, never editable. Nobody approves their own version (four eyes), and
nothing is approved without a review first.

An SOP is due for review ``review_months`` after its current version's effective date (per process
area, default 12 months; a month-end date stays at month end: 31.01. + 1 month = 28./29.02.). It is
overdue from the day after that date; "due soon" within the next :data:`DUE_WINDOW_DAYS` days.
"""

from __future__ import annotations

import calendar
import difflib
from datetime import date, timedelta

import polars as pl

from ar_core.errors import ApprovalRefused, ArDeskError, InvalidInput

#: Process area -> the name a collector knows it by (the keys are those of training and skills).
SOP_AREAS: dict[str, str] = {
    "collections": "Collections",
    "disputes": "Disputes",
    "cash allocation": "Cash allocation",
    "reconciliation": "Account reconciliation",
    "dunning": "Dunning",
    "payment plans": "Payment plans",
    "legal/write-off": "Legal & write-off",
    "reporting": "Reporting",
    "master data": "Master data",
}
#: Status key -> label.
SOP_STATUSES: dict[str, str] = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "superseded": "Superseded",
    "retired": "Retired",
}
#: (status, action) -> the status after it. Anything else is refused (:func:`transition`).
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "edit"): "draft",
    ("draft", "submit"): "in_review",
    ("in_review", "approve"): "approved",
    ("in_review", "reject"): "draft",
    ("approved", "supersede"): "superseded",
    ("approved", "retire"): "retired",
    ("draft", "retire"): "retired",
}
#: Statuses that are the record of the past: readable, never changed again.
READ_ONLY = ("superseded", "retired")
#: Months between an SOP's effective date and its next review, unless the area says otherwise.
DEFAULT_REVIEW_MONTHS = 12
MAX_REVIEW_MONTHS = 60
#: A review due within this many days is listed for the lead as "due soon".
DUE_WINDOW_DAYS = 30
MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 200_000
MAX_SUMMARY_CHARS = 2_000

ACTION_WORDS = {"edit": "changed", "submit": "submitted for review", "approve": "approved",
                "reject": "sent back", "supersede": "superseded", "retire": "retired"}  # fmt: skip


class TransitionRefused(ArDeskError):
    """This step is not allowed from the version's status (e.g. approving a draft that was never reviewed)."""


class SopReadOnly(TransitionRefused):
    """A superseded or retired version (or one in review or approved) cannot be changed."""


def transition(status: str, action: str) -> str:
    """The status after ``action`` on a version in ``status``; refused with the reason otherwise."""
    if (status, action) in TRANSITIONS:
        return TRANSITIONS[(status, action)]
    label = SOP_STATUSES.get(status, status).lower()
    if status in READ_ONLY:
        raise SopReadOnly(f"a {label} version is read-only: it stays as the record of what was in force")
    if action == "approve" and status == "draft":
        raise TransitionRefused("a draft is approved only after its review: submit it for review first")
    if action == "edit" and status == "in_review":
        raise SopReadOnly("a version in review cannot be changed: the approver reads what was submitted")
    if action == "edit" and status == "approved":
        raise SopReadOnly("an approved version cannot be changed: write a new version instead")
    if action == "retire" and status == "in_review":
        raise TransitionRefused("a version is in review: approve or send it back before retiring the SOP")
    raise TransitionRefused(f"a {label} version cannot be {ACTION_WORDS.get(action, action)}")


def check_decider(author: str, decider: str) -> None:
    """Four eyes: the author of a version never decides its review."""
    if author == decider:
        raise ApprovalRefused(f"four eyes: {decider} wrote this version, somebody else approves it")


def check_area(area: str) -> str:
    if area not in SOP_AREAS:
        raise InvalidInput("area", f"unknown process area {area!r}: one of {', '.join(SOP_AREAS)}")
    return area


def check_title(title: str | None) -> str:
    text = " ".join((title or "").split())
    if not text:
        raise InvalidInput("title", "give the SOP a title")
    if len(text) > MAX_TITLE_CHARS:
        raise InvalidInput("title", f"a title has at most {MAX_TITLE_CHARS} characters")
    return text


def check_body(body: str | None) -> str:
    text = (body or "").replace("\r\n", "\n").strip("\n")
    if not text.strip():
        raise InvalidInput("body", "write the procedure (Markdown)")
    if len(text) > MAX_BODY_CHARS:
        raise InvalidInput("body", f"a procedure has at most {MAX_BODY_CHARS:,} characters")
    return text + "\n"


def check_summary(summary: str | None) -> str:
    text = (summary or "").strip()
    if not text:
        raise InvalidInput("change_summary", "say what changed in this version")
    if len(text) > MAX_SUMMARY_CHARS:
        raise InvalidInput("change_summary", f"a change summary has at most {MAX_SUMMARY_CHARS} characters")
    return text


def check_review_months(months: int) -> int:
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_REVIEW_MONTHS:
        raise InvalidInput("months", f"a review interval is 1 to {MAX_REVIEW_MONTHS} months")
    return months


# --- review dates ----------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months; a day past the target month's end becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def next_review_date(effective_on: date, months: int = DEFAULT_REVIEW_MONTHS) -> date:
    """The day the SOP must have been reviewed by: its effective date plus the area's interval."""
    return add_months(effective_on, months)


def review_state(next_review: date, as_of: date, window_days: int = DUE_WINDOW_DAYS) -> str:
    """``overdue`` after the review date, ``due soon`` up to ``window_days`` before it, else ``ok``."""
    if next_review < as_of:
        return "overdue"
    if next_review <= as_of + timedelta(days=window_days):
        return "due soon"
    return "ok"


def with_review_dates(
    current: pl.DataFrame, months_by_area: dict[str, int], as_of: date, window_days: int = DUE_WINDOW_DAYS
) -> pl.DataFrame:
    """``current`` (``area``, ``effective_on``) plus ``next_review``, ``days_to_review``, ``review``
    (overdue / due soon / ok) and ``overdue`` (bool), from each area's interval (default 12)."""
    dates = [
        next_review_date(eff, months_by_area.get(area, DEFAULT_REVIEW_MONTHS))
        for area, eff in zip(current["area"], current["effective_on"], strict=True)
    ]
    states = [review_state(d, as_of, window_days) for d in dates]
    return current.with_columns(
        pl.Series("next_review", dates, dtype=pl.Date()),
        pl.Series("days_to_review", [(d - as_of).days for d in dates], dtype=pl.Int64()),
        pl.Series("review", states, dtype=pl.String()),
        pl.Series("overdue", [s == "overdue" for s in states], dtype=pl.Boolean()),
    )


def due_for_review(
    current: pl.DataFrame, months_by_area: dict[str, int], as_of: date, window_days: int = DUE_WINDOW_DAYS
) -> pl.DataFrame:
    """The SOPs whose review is overdue or due within ``window_days``, most urgent first."""
    dated = with_review_dates(current, months_by_area, as_of, window_days)
    return dated.filter(pl.col("review") != "ok").sort("next_review", "title")


# --- reading ---------------------------------------------------------------------------------


def search(frame: pl.DataFrame, query: str | None) -> pl.DataFrame:
    """Rows whose ``title`` or ``body`` contains every word of ``query`` (any case; literal text)."""
    words = (query or "").lower().split()
    if not words:
        return frame
    text = pl.concat_str(pl.col("title"), pl.col("body"), separator="\n").str.to_lowercase()
    return frame.filter(pl.all_horizontal([text.str.contains(w, literal=True) for w in words]))


def version_diff(old: str, new: str, old_label: str = "before", new_label: str = "after") -> str:
    """A unified line diff from ``old`` to ``new`` (empty when the texts are equal)."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm="", n=2
    )
    return "\n".join(lines)


def diff_counts(diff: str) -> tuple[int, int]:
    """(lines added, lines removed) of a :func:`version_diff`."""
    body = [line for line in diff.splitlines() if not line.startswith(("+++", "---", "@@"))]
    return sum(line.startswith("+") for line in body), sum(line.startswith("-") for line in body)
