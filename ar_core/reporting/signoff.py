"""Sign-off of a monthly report: prepared by its author, reviewed by another lead or controller.

A report the scheduler produced (author :data:`SCHEDULER`, the command-line operator) has no
person as author, so a lead or controller prepares it on the scheduler's behalf and from then on
counts as its preparer: the four-eyes rule holds against that person (audited as "prepared on
behalf of the scheduler").

The four-eyes rule is the one of ``access`` approvals (kind ``report_signoff``): marking prepared
requests an approval, reviewing approves it, and ``access`` refuses a decision by the requester
and, since a report has no amount, asks the reviewer for the role lead or controller instead of
an approval limit (``access.ROLE_DECIDED``). The file is never rewritten: its bytes are checked
against the stored SHA-256 at each step, so what was reviewed is what was prepared. Audited.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

from ar_core.access import CLI_OPERATOR, ROLE_DECIDED, Actor, approve, record, request_approval
from ar_core.errors import ApprovalRefused, ArDeskError, NotFound, PermissionDenied
from ar_core.reporting.produce import PRODUCE_ROLES
from ar_core.store.db import write_transaction
from ar_core.store.models import ReportRun, utcnow

SIGNOFF_KIND = "report_signoff"
#: Who may review (as ``access`` enforces it).
REVIEW_ROLES: tuple[str, ...] = ROLE_DECIDED[SIGNOFF_KIND]
#: The kinds of report that are signed off.
SIGNED_KINDS: tuple[str, ...] = ("monthly",)
#: The author of reports the scheduler produced: the command-line operator.
SCHEDULER = CLI_OPERATOR
#: Who may prepare a scheduler's report on its behalf.
ON_BEHALF_ROLES: tuple[str, ...] = ("lead", "controller")
ON_BEHALF = "prepared on behalf of the scheduler"


def _run(conn: sa.Connection, run_id: int) -> Any:
    row = conn.execute(sa.select(ReportRun).where(ReportRun.id == run_id)).first()
    if row is None:
        raise NotFound(f"no produced report {run_id}")
    return row


def _unchanged(row: Any) -> None:
    if hashlib.sha256(bytes(row.content)).hexdigest() != row.sha256:
        raise ArDeskError(f"report {row.id}: the stored file no longer matches its SHA-256 {row.sha256}")


def _view(row: Any) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "layout": row.layout,
        "as_of": row.as_of,
        "file_name": row.file_name,
        "sha256": row.sha256,
        "produced_by": row.produced_by,
        "prepared_by": row.prepared_by,
        "reviewed_by": row.reviewed_by,
        "approval_request_id": row.approval_request_id,
    }


def _on_behalf(actor: Actor, produced_by: str) -> bool:
    """Whether ``actor`` prepares a scheduler's report on its behalf (not their own)."""
    return produced_by == SCHEDULER and actor.username != SCHEDULER and actor.has(*ON_BEHALF_ROLES)


def mark_prepared(engine: sa.Engine, actor: Actor, run_id: int, note: str | None = None) -> int:
    """The author marks their monthly report prepared, or a lead or controller one the scheduler
    produced; returns the approval request for its review."""
    actor.require(*PRODUCE_ROLES, doing="sign off reports")
    with engine.connect() as conn:
        row = _run(conn, run_id)
    if row.kind not in SIGNED_KINDS:
        raise ArDeskError(
            f"only {', '.join(SIGNED_KINDS)} reports are signed off, report {run_id} is {row.kind}"
        )
    if row.prepared_by is not None:
        raise ApprovalRefused(f"report {run_id} was already marked prepared by {row.prepared_by}")
    behalf = _on_behalf(actor, row.produced_by)
    if row.produced_by == SCHEDULER and not behalf and actor.username != SCHEDULER:
        raise PermissionDenied(
            f"report {run_id} was produced by the scheduler: a lead or controller marks it prepared"
        )
    if row.produced_by != actor.username and not behalf:
        raise PermissionDenied(f"only its author {row.produced_by} may mark report {run_id} prepared")
    _unchanged(row)
    subject = f"report {run_id}: {row.file_name} (sha256 {row.sha256[:16]})"
    reason = (note or "").strip() or f"{row.layout} report as of {row.as_of.isoformat()} prepared for review"
    if behalf:
        reason = f"{reason} ({ON_BEHALF})"
    request_id = request_approval(engine, actor, kind=SIGNOFF_KIND, subject=subject, reason=reason)
    with write_transaction(engine, actor) as conn:
        before = _view(_run(conn, run_id))
        done = conn.execute(
            sa.update(ReportRun)
            .where(ReportRun.id == run_id, ReportRun.prepared_by.is_(None))
            .values(prepared_by=actor.username, prepared_at=utcnow(), approval_request_id=request_id)
        ).rowcount
        if done != 1:
            raise ApprovalRefused(f"report {run_id} was marked prepared meanwhile")
        after = _view(_run(conn, run_id))
        if behalf:
            after |= {"on_behalf_of": SCHEDULER, "note": ON_BEHALF}
        record(conn, actor, "prepare_report", "report_run", run_id, before=before, after=after)
    return request_id


def review(engine: sa.Engine, actor: Actor, run_id: int, note: str | None = None) -> None:
    """Another lead or controller reviews a prepared report (never its preparer)."""
    actor.require(*REVIEW_ROLES, doing="review reports")
    with engine.connect() as conn:
        row = _run(conn, run_id)
    if row.prepared_by is None or row.approval_request_id is None:
        raise ApprovalRefused(f"report {run_id} is not marked prepared yet")
    if row.reviewed_by is not None:
        raise ApprovalRefused(f"report {run_id} was already reviewed by {row.reviewed_by}")
    if row.prepared_by == actor.username:
        raise ApprovalRefused(
            f"four eyes: {actor.username} prepared report {run_id}, somebody else reviews it"
        )
    _unchanged(row)
    approve(engine, actor, row.approval_request_id, note)
    with write_transaction(engine, actor) as conn:
        before = _view(_run(conn, run_id))
        conn.execute(
            sa.update(ReportRun)
            .where(ReportRun.id == run_id)
            .values(reviewed_by=actor.username, reviewed_at=utcnow())
        )
        record(
            conn, actor, "review_report", "report_run", run_id, before=before, after=_view(_run(conn, run_id))
        )


def may_prepare(actor: Actor, run: dict[str, Any]) -> bool:
    """Whether ``actor`` is offered "Mark prepared" for a run row (``produce.RUN_SCHEMA``)."""
    author = run["produced_by"] == actor.username or _on_behalf(actor, run["produced_by"])
    return run["kind"] in SIGNED_KINDS and run["prepared_by"] is None and author


def prepared_by_whom(run: dict[str, Any]) -> str:
    """Who marks a run row prepared, in words: its author, or a lead or controller for the scheduler."""
    if run["produced_by"] == SCHEDULER:
        return "a lead or controller, on behalf of the scheduler"
    return f"its author {run['produced_by']}"


def may_review(actor: Actor, run: dict[str, Any]) -> bool:
    """Whether ``actor`` is offered "Review" for a run row."""
    return (
        run["prepared_by"] is not None
        and run["reviewed_by"] is None
        and actor.has(*REVIEW_ROLES)
        and run["prepared_by"] != actor.username
    )
