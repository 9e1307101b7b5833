"""The SOP register as a service: writing SOPs and their versions, the four-eyes review, retiring,
the per-area settings, and what each person reads.

Collectors and leads write SOPs; the author of a version submits it for review, which puts up an
``access`` approval of kind ``sop_version``. A lead or a named approver of the SOP's process area
— never the author — approves it (the previous approved version is superseded in the same step)
or sends it back to draft with a reason. Leads set each area's review interval and named approvers
(admins too); leads retire SOPs. Every write re-reads the acting user, checks the rules of
:mod:`ar_core.knowledge.sops` and is audited in its transaction (entity ``sop`` / ``sop_version`` /
``sop_area``). The approval and the version's new status are two transactions (as every four-eyes
caller of ``access`` does): a version whose request was decided elsewhere is settled on the next
decision attempt.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import (
    Actor,
    active_actor,
    approve,
    list_requests,
    record,
    reject,
    request_approval,
    waiting_for,
)
from ar_core.config import today as team_today
from ar_core.errors import ApprovalRefused, ArDeskError, InvalidInput, NotFound, PermissionDenied
from ar_core.knowledge.sops import (
    DEFAULT_REVIEW_MONTHS,
    DUE_WINDOW_DAYS,
    SOP_AREAS,
    SopReadOnly,
    check_area,
    check_body,
    check_decider,
    check_review_months,
    check_summary,
    check_title,
    due_for_review,
    search,
    transition,
    version_diff,
    with_review_dates,
)
from ar_core.store.db import write_transaction
from ar_core.store.models import Sop, SopAreaPerson, SopAreaSetting, SopVersion, User, utcnow

#: Who writes SOPs and their versions.
AUTHOR_ROLES = ("collector", "lead")
#: Who decides any SOP version (besides the named approvers of its area) and retires SOPs.
LEAD_ROLES = ("lead",)
#: Who sets an area's review interval, named approvers and audience.
AREA_ROLES = ("lead", "admin")
APPROVAL_KIND = "sop_version"
#: How far ahead an approver may date a version's effective date.
MAX_EFFECTIVE_DAYS_AHEAD = 90

SOP_SCHEMA: dict[str, pl.DataType] = {
    "sop_id": pl.Int64(), "title": pl.String(), "area": pl.String(), "owner": pl.String(),
    "version_id": pl.Int64(), "version_no": pl.Int64(), "status": pl.String(), "body": pl.String(),
    "change_summary": pl.String(), "author": pl.String(), "approver": pl.String(),
    "approved_at": pl.Datetime("us", "UTC"), "effective_on": pl.Date(),
}  # fmt: skip
VERSION_SCHEMA: dict[str, pl.DataType] = {
    **SOP_SCHEMA,
    "created_at": pl.Datetime("us", "UTC"), "updated_at": pl.Datetime("us", "UTC"),
    "submitted_at": pl.Datetime("us", "UTC"), "ended_at": pl.Datetime("us", "UTC"),
    "rejection_note": pl.String(), "source_file": pl.String(), "approval_request_id": pl.Int64(),
}  # fmt: skip
AREA_SCHEMA: dict[str, pl.DataType] = {
    "area": pl.String(), "label": pl.String(), "review_months": pl.Int64(),
    "approvers": pl.List(pl.String()), "audience": pl.List(pl.String()),
}  # fmt: skip


# --- rows and views ----------------------------------------------------------------------------


def _joined() -> sa.Select:
    return sa.select(SopVersion, Sop.title, Sop.area, Sop.owner, Sop.retired_at).join(
        Sop, Sop.id == SopVersion.sop_id
    )


def _version_row(conn: sa.Connection, version_id: int) -> Any:
    row = conn.execute(_joined().where(SopVersion.id == version_id)).first()
    if row is None:
        raise NotFound(f"no SOP version {version_id}")
    return row


def _sop_row(conn: sa.Connection, sop_id: int) -> Any:
    row = conn.execute(sa.select(Sop).where(Sop.id == sop_id)).first()
    if row is None:
        raise NotFound(f"no SOP {sop_id}")
    return row


def _view(row: Any) -> dict[str, Any]:
    """The audited state of a version (the body is long: its length and the change summary)."""
    return {"sop_id": row.sop_id, "title": row.title, "area": row.area, "version_no": row.version_no,
            "status": row.status, "author": row.author, "approver": row.approver,
            "effective_on": row.effective_on, "change_summary": row.change_summary,
            "body_chars": len(row.body), "approval_request_id": row.approval_request_id}  # fmt: skip


def _record(row: Any) -> tuple:
    return (row.sop_id, row.title, row.area, row.owner, row.id, row.version_no, row.status, row.body,
            row.change_summary, row.author, row.approver, row.approved_at, row.effective_on)  # fmt: skip


def _frame(rows: list[Any]) -> pl.DataFrame:
    return pl.DataFrame([_record(r) for r in rows], schema=SOP_SCHEMA, orient="row")


def _version_frame(rows: list[Any]) -> pl.DataFrame:
    records = [(*_record(r), r.created_at, r.updated_at, r.submitted_at, r.ended_at, r.rejection_note,
                r.source_file, r.approval_request_id) for r in rows]  # fmt: skip
    return pl.DataFrame(records, schema=VERSION_SCHEMA, orient="row")


def _named_areas(conn: sa.Connection, username: str, kind: str = "approver") -> set[str]:
    query = sa.select(SopAreaPerson.area).where(
        SopAreaPerson.username == username, SopAreaPerson.kind == kind
    )
    return set(conn.execute(query).scalars())


def _may_see_unapproved(conn: sa.Connection, actor: Actor, row: Any) -> bool:
    """Drafts and versions in review: their author, leads and the area's named approvers."""
    return (
        row.author == actor.username
        or actor.has(*LEAD_ROLES)
        or row.area in _named_areas(conn, actor.username)
    )


def _author(conn: sa.Connection, actor: Actor) -> Actor:
    fresh = active_actor(conn, actor.username)
    fresh.require(*AUTHOR_ROLES, doing="write SOPs")
    return fresh


def review_months(engine: sa.Engine) -> dict[str, int]:
    """Each process area's review interval in months (the default where none was set)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(SopAreaSetting.area, SopAreaSetting.review_months)).all()
    return dict.fromkeys(SOP_AREAS, DEFAULT_REVIEW_MONTHS) | {r.area: r.review_months for r in rows}


# --- writing -----------------------------------------------------------------------------------


def create_sop(
    engine: sa.Engine,
    actor: Actor,
    *,
    title: str,
    area: str,
    body: str,
    change_summary: str = "First version",
    owner: str | None = None,
    source_file: str | None = None,
) -> int:
    """A new SOP with its first version as a draft of ``actor``; returns the SOP id.

    ``owner`` (default: the author) is the person answerable for keeping it current.
    """
    title, area = check_title(title), check_area(area)
    body, summary = check_body(body), check_summary(change_summary)
    with write_transaction(engine, actor) as conn:
        _author(conn, actor)
        owner = owner or actor.username
        if (
            conn.execute(sa.select(User.id).where(User.username == owner, User.active.is_(True))).first()
            is None
        ):
            raise InvalidInput("owner", f"no active user {owner!r}")
        now = utcnow()
        sop_id = conn.execute(
            sa.insert(Sop)
            .values(title=title, area=area, owner=owner, created_by=actor.username, created_at=now)
            .returning(Sop.id)
        ).scalar_one()  # fmt: skip
        version_id = conn.execute(
            sa.insert(SopVersion).values(sop_id=sop_id, version_no=1, body=body, change_summary=summary,
                                         status="draft", author=actor.username, created_at=now,
                                         updated_at=now, source_file=source_file)
            .returning(SopVersion.id)
        ).scalar_one()  # fmt: skip
        record(conn, actor, "create_sop", "sop", sop_id, after={"title": title, "area": area, "owner": owner})
        record(conn, actor, "write_sop_version", "sop_version", version_id,
               after=_view(_version_row(conn, version_id)))  # fmt: skip
    return int(sop_id)


def _open_version(conn: sa.Connection, sop_id: int) -> Any:
    return conn.execute(
        sa.select(SopVersion.version_no, SopVersion.status, SopVersion.author).where(
            SopVersion.sop_id == sop_id, SopVersion.status.in_(("draft", "in_review"))
        )
    ).first()


def _current_body(conn: sa.Connection, sop_id: int) -> str | None:
    return conn.execute(
        sa.select(SopVersion.body).where(SopVersion.sop_id == sop_id, SopVersion.status == "approved")
    ).scalar()


def new_version(
    engine: sa.Engine,
    actor: Actor,
    sop_id: int,
    *,
    change_summary: str,
    body: str | None = None,
    source_file: str | None = None,
) -> int:
    """A new draft version of an SOP, with what changes and why; returns the version id.

    ``body`` defaults to the current approved text (to be edited). One open version (draft or in
    review) per SOP at a time; a retired SOP takes no new version.
    """
    summary = check_summary(change_summary)
    with write_transaction(engine, actor) as conn:
        _author(conn, actor)
        sop = _sop_row(conn, sop_id)
        if sop.retired_at is not None:
            raise SopReadOnly(f"SOP {sop_id} is retired: its versions are read-only")
        open_one = _open_version(conn, sop_id)
        if open_one is not None:
            label = "a draft" if open_one.status == "draft" else "in review"
            raise ArDeskError(
                f"version {open_one.version_no} of SOP {sop_id} is {label} ({open_one.author}): "
                "finish it before starting another"
            )
        text = check_body(body if body is not None else _current_body(conn, sop_id))
        number = conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(SopVersion.version_no), 0))
            .where(SopVersion.sop_id == sop_id)
        ).scalar_one() + 1  # fmt: skip
        now = utcnow()
        version_id = conn.execute(
            sa.insert(SopVersion).values(sop_id=sop_id, version_no=number, body=text, change_summary=summary,
                                         status="draft", author=actor.username, created_at=now,
                                         updated_at=now, source_file=source_file)
            .returning(SopVersion.id)
        ).scalar_one()  # fmt: skip
        record(conn, actor, "write_sop_version", "sop_version", version_id,
               after=_view(_version_row(conn, version_id)))  # fmt: skip
    return int(version_id)


def edit_draft(
    engine: sa.Engine, actor: Actor, version_id: int, *, body: str, change_summary: str | None = None
) -> None:
    """The author changes their draft (text and, when given, the change summary)."""
    text = check_body(body)
    with write_transaction(engine, actor) as conn:
        _author(conn, actor)
        row = _version_row(conn, version_id)
        transition(row.status, "edit")
        if row.author != actor.username:
            raise PermissionDenied(f"only its author {row.author} changes this draft")
        summary = row.change_summary if change_summary is None else check_summary(change_summary)
        before = _view(row)
        conn.execute(
            sa.update(SopVersion).where(SopVersion.id == version_id)
            .values(body=text, change_summary=summary, updated_at=utcnow())
        )  # fmt: skip
        record(conn, actor, "edit_sop_draft", "sop_version", version_id, before=before,
               after=_view(_version_row(conn, version_id)))  # fmt: skip


def submit_for_review(engine: sa.Engine, actor: Actor, version_id: int, note: str | None = None) -> int:
    """The author puts their draft up for review (an ``access`` approval); returns the request id."""
    with engine.connect() as conn:
        row = _version_row(conn, version_id)
    transition(row.status, "submit")
    if row.author != actor.username:
        raise PermissionDenied(f"only its author {row.author} submits this draft for review")
    subject = f"SOP {row.sop_id} v{row.version_no}: {row.title}"[:200]
    reason = (note or "").strip() or row.change_summary
    request_id = request_approval(engine, actor, kind=APPROVAL_KIND, subject=subject, reason=reason)
    with write_transaction(engine, actor) as conn:
        _author(conn, actor)
        before = _view(_version_row(conn, version_id))
        done = conn.execute(
            sa.update(SopVersion).where(SopVersion.id == version_id, SopVersion.status == "draft")
            .values(status="in_review", submitted_at=utcnow(), approval_request_id=request_id,
                    rejection_note=None, updated_at=utcnow())
        ).rowcount  # fmt: skip
        if done != 1:
            raise ApprovalRefused(f"SOP version {version_id} was changed meanwhile")
        record(conn, actor, "submit_sop_version", "sop_version", version_id, before=before,
               after=_view(_version_row(conn, version_id)))  # fmt: skip
    return request_id


def _request_status(engine: sa.Engine, actor: Actor, request_id: int) -> dict[str, Any] | None:
    found = list_requests(engine, actor, kind=APPROVAL_KIND).filter(pl.col("request_id") == request_id)
    return None if found.is_empty() else found.row(0, named=True)


def _check_reviewer(conn: sa.Connection, actor: Actor, row: Any) -> Actor:
    fresh = active_actor(conn, actor.username)
    check_decider(row.author, fresh.username)
    if not fresh.has(*LEAD_ROLES) and row.area not in _named_areas(conn, fresh.username):
        raise ApprovalRefused(
            f"{fresh.username} may not decide SOP versions of {SOP_AREAS[row.area]}: "
            "needs the role lead or to be named approver of the area"
        )
    return fresh


def approve_version(
    engine: sa.Engine,
    actor: Actor,
    version_id: int,
    note: str | None = None,
    *,
    effective_on: date | None = None,
    today: date | None = None,
) -> None:
    """A lead or named approver of the area (never the author) approves a version in review.

    It becomes the SOP's current version from ``effective_on`` (default today, at most
    :data:`MAX_EFFECTIVE_DAYS_AHEAD` days ahead, never before today); the version it replaces is
    superseded in the same transaction.
    """
    day = today or team_today()
    effective = effective_on or day
    if not isinstance(effective, date) or not 0 <= (effective - day).days <= MAX_EFFECTIVE_DAYS_AHEAD:
        raise InvalidInput("effective_on", f"the effective date lies between today and "
                           f"{MAX_EFFECTIVE_DAYS_AHEAD} days ahead")  # fmt: skip
    with engine.connect() as conn:
        row = _version_row(conn, version_id)
        transition(row.status, "approve")
        _check_reviewer(conn, actor, row)
    decided = _request_status(engine, actor, row.approval_request_id)
    approver = actor.username
    if decided is None or decided["status"] == "pending":
        approve(engine, actor, row.approval_request_id, note)
    elif decided["status"] == "approved":  # approved through access directly: settle the version
        approver = decided["decided_by"]
    else:
        raise ApprovalRefused(f"the review of SOP version {version_id} was {decided['status']} meanwhile")
    with write_transaction(engine, actor) as conn:
        row = _version_row(conn, version_id)
        _check_reviewer(conn, actor, row)
        transition(row.status, "approve")
        before = _view(row)
        now = utcnow()
        previous = conn.execute(
            sa.select(SopVersion.id).where(SopVersion.sop_id == row.sop_id, SopVersion.status == "approved")
        ).scalars().all()  # fmt: skip
        for old in previous:
            transition("approved", "supersede")
            conn.execute(sa.update(SopVersion).where(SopVersion.id == old)
                         .values(status="superseded", ended_at=now, updated_at=now))  # fmt: skip
            record(conn, actor, "supersede_sop_version", "sop_version", old, before={"status": "approved"},
                   after={"status": "superseded", "by_version": row.version_no})  # fmt: skip
        conn.execute(
            sa.update(SopVersion).where(SopVersion.id == version_id)
            .values(status="approved", approver=approver, approved_at=now, effective_on=effective,
                    updated_at=now)
        )  # fmt: skip
        record(conn, actor, "approve_sop_version", "sop_version", version_id, before=before,
               after=_view(_version_row(conn, version_id)))  # fmt: skip


def reject_version(engine: sa.Engine, actor: Actor, version_id: int, note: str) -> None:
    """Send a version in review back to its author as a draft, saying why (same rules as approving)."""
    reason = (note or "").strip()
    if not reason:
        raise InvalidInput("note", "say why the version goes back to its author")
    with engine.connect() as conn:
        row = _version_row(conn, version_id)
        transition(row.status, "reject")
        _check_reviewer(conn, actor, row)
    decided = _request_status(engine, actor, row.approval_request_id)
    if decided is None or decided["status"] == "pending":
        reject(engine, actor, row.approval_request_id, reason)
    elif decided["status"] == "approved":
        raise ApprovalRefused(f"the review of SOP version {version_id} was approved meanwhile")
    with write_transaction(engine, actor) as conn:
        row = _version_row(conn, version_id)
        transition(row.status, "reject")
        before = _view(row)
        conn.execute(
            sa.update(SopVersion).where(SopVersion.id == version_id)
            .values(status="draft", rejection_note=reason, approval_request_id=None, updated_at=utcnow())
        )  # fmt: skip
        record(conn, actor, "reject_sop_version", "sop_version", version_id, before=before,
               after={**_view(_version_row(conn, version_id)), "rejection_note": reason})  # fmt: skip


def retire_sop(engine: sa.Engine, actor: Actor, sop_id: int, reason: str) -> None:
    """A lead retires an SOP that no longer applies: its approved version and any draft become
    retired (read-only, still readable). Refused while a version is in review."""
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("reason", "say why the SOP is retired")
    with write_transaction(engine, actor) as conn:
        active_actor(conn, actor.username).require(*LEAD_ROLES, doing="retire SOPs")
        sop = _sop_row(conn, sop_id)
        if sop.retired_at is not None:
            raise SopReadOnly(f"SOP {sop_id} is already retired")
        rows = conn.execute(
            sa.select(SopVersion.id, SopVersion.status).where(
                SopVersion.sop_id == sop_id, SopVersion.status.in_(("draft", "in_review", "approved"))
            )
        ).all()
        for r in rows:
            transition(r.status, "retire")  # refuses a version in review
        now = utcnow()
        conn.execute(sa.update(SopVersion).where(SopVersion.id.in_([r.id for r in rows]))
                     .values(status="retired", ended_at=now, updated_at=now))  # fmt: skip
        conn.execute(sa.update(Sop).where(Sop.id == sop_id).values(retired_at=now, retired_by=actor.username))
        record(conn, actor, "retire_sop", "sop", sop_id, before={"title": sop.title, "retired": False},
               after={"title": sop.title, "retired": True, "reason": why,
                      "versions": {str(r.id): r.status for r in rows}})  # fmt: skip


# --- area settings -----------------------------------------------------------------------------


def set_review_months(engine: sa.Engine, actor: Actor, area: str, months: int) -> None:
    """How many months after its effective date an SOP of ``area`` is due for review (lead, admin)."""
    check_area(area)
    check_review_months(months)
    with write_transaction(engine, actor) as conn:
        active_actor(conn, actor.username).require(*AREA_ROLES, doing="set SOP review intervals")
        old = conn.execute(
            sa.select(SopAreaSetting.review_months).where(SopAreaSetting.area == area)
        ).scalar()
        values = {"review_months": months, "set_by": actor.username, "set_at": utcnow()}
        if old is None:
            conn.execute(sa.insert(SopAreaSetting).values(area=area, **values))
        else:
            conn.execute(sa.update(SopAreaSetting).where(SopAreaSetting.area == area).values(**values))
        record(conn, actor, "set_sop_review_months", "sop_area", area,
               before={"review_months": old or DEFAULT_REVIEW_MONTHS},
               after={"review_months": months})  # fmt: skip


def set_area_people(engine: sa.Engine, actor: Actor, area: str, kind: str, usernames: list[str]) -> None:
    """Name the approvers (``kind="approver"``) or the audience (``"audience"``) of ``area``,
    replacing the earlier names (lead, admin; audited). Everyone named must be an active user."""
    check_area(area)
    if kind not in ("approver", "audience"):
        raise InvalidInput("kind", "name approvers or the audience of an area")
    names = sorted({u.strip() for u in usernames if u and u.strip()})
    with write_transaction(engine, actor) as conn:
        active_actor(conn, actor.username).require(*AREA_ROLES, doing="name SOP approvers and audiences")
        known = set(conn.execute(
            sa.select(User.username).where(User.username.in_(names), User.active.is_(True))
        ).scalars())  # fmt: skip
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InvalidInput("usernames", f"no active user {unknown[0]!r}")
        where = (SopAreaPerson.area == area, SopAreaPerson.kind == kind)
        before = sorted(conn.execute(sa.select(SopAreaPerson.username).where(*where)).scalars())
        conn.execute(sa.delete(SopAreaPerson).where(*where))
        if names:
            now = utcnow()
            conn.execute(sa.insert(SopAreaPerson), [
                {"area": area, "username": n, "kind": kind, "set_by": actor.username, "set_at": now}
                for n in names
            ])  # fmt: skip
        record(conn, actor, f"set_sop_{kind}s", "sop_area", area, before={kind: before}, after={kind: names})


def area_settings(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Every process area with its review interval, named approvers and audience (``AREA_SCHEMA``)."""
    del actor  # the settings are no secret: everybody sees who approves and who acknowledges
    months = review_months(engine)
    with engine.connect() as conn:
        people = conn.execute(sa.select(SopAreaPerson).order_by(SopAreaPerson.username)).all()
    records = [
        (area, label, months[area], [p.username for p in people if p.area == area and p.kind == "approver"],
         [p.username for p in people if p.area == area and p.kind == "audience"])
        for area, label in SOP_AREAS.items()
    ]  # fmt: skip
    return pl.DataFrame(records, schema=AREA_SCHEMA, orient="row")


# --- reading -----------------------------------------------------------------------------------


def current_sops(
    engine: sa.Engine,
    actor: Actor,
    *,
    query: str | None = None,
    area: str | None = None,
    as_of: date | None = None,
) -> pl.DataFrame:
    """The current approved version of every SOP in force (``SOP_SCHEMA`` plus the review columns of
    :func:`ar_core.knowledge.sops.with_review_dates`), by title; ``query`` searches title and text."""
    del actor  # every user reads the approved SOPs
    stmt = _joined().where(SopVersion.status == "approved", Sop.retired_at.is_(None)).order_by(Sop.title)
    if area is not None:
        stmt = stmt.where(Sop.area == check_area(area))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = search(_frame(rows), query)
    return with_review_dates(frame, review_months(engine), as_of or team_today())


def version_history(engine: sa.Engine, actor: Actor, sop_id: int) -> pl.DataFrame:
    """Every version of an SOP the actor may read, newest first (``VERSION_SCHEMA``).

    Versions that were approved (also superseded or retired since): everybody. Drafts, versions in
    review and drafts retired unapproved: their author, leads and the area's named approvers.
    """
    with engine.connect() as conn:
        _sop_row(conn, sop_id)
        rows = conn.execute(
            _joined().where(SopVersion.sop_id == sop_id).order_by(SopVersion.version_no.desc())
        ).all()
        shown = [r for r in rows if r.approved_at is not None or _may_see_unapproved(conn, actor, r)]
    return _version_frame(shown)


def get_version(engine: sa.Engine, actor: Actor, version_id: int) -> dict[str, Any]:
    """One version as a dict (``VERSION_SCHEMA`` keys); a draft only for whom may read it."""
    with engine.connect() as conn:
        row = _version_row(conn, version_id)
        if row.approved_at is None and not _may_see_unapproved(conn, actor, row):
            raise NotFound(f"no SOP version {version_id}")
    return _version_frame([row]).row(0, named=True)


def diff_versions(engine: sa.Engine, actor: Actor, old_version_id: int, new_version_id: int) -> str:
    """The unified line diff between two versions of the same SOP (both readable by the actor)."""
    old, new = get_version(engine, actor, old_version_id), get_version(engine, actor, new_version_id)
    if old["sop_id"] != new["sop_id"]:
        raise InvalidInput("new_version_id", "compare two versions of the same SOP")
    return version_diff(
        old["body"], new["body"], f"version {old['version_no']}", f"version {new['version_no']}"
    )


def my_drafts(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """The actor's own drafts and versions in review, latest change first (``VERSION_SCHEMA``)."""
    with engine.connect() as conn:
        rows = conn.execute(
            _joined()
            .where(SopVersion.author == actor.username, SopVersion.status.in_(("draft", "in_review")))
            .order_by(SopVersion.updated_at.desc())
        ).all()  # fmt: skip
    return _version_frame(rows)


def review_queue(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """The versions in review the actor may decide, oldest submission first (``VERSION_SCHEMA``):
    exactly the ``sop_version`` requests ``access.waiting_for`` lists for them."""
    waiting = waiting_for(engine, actor).filter(pl.col("kind") == APPROVAL_KIND)["request_id"].to_list()
    if not waiting:
        return _version_frame([])
    with engine.connect() as conn:
        rows = conn.execute(
            _joined().where(SopVersion.approval_request_id.in_(waiting), SopVersion.status == "in_review")
            .order_by(SopVersion.submitted_at, SopVersion.id)
        ).all()  # fmt: skip
    return _version_frame(rows)


def reviews_due(
    engine: sa.Engine, actor: Actor, as_of: date | None = None, window_days: int = DUE_WINDOW_DAYS
) -> pl.DataFrame:
    """For leads: SOPs overdue for review or due within ``window_days`` (most urgent first)."""
    actor.require(*LEAD_ROLES, "admin", doing="see the SOP reviews due")
    current = current_sops(engine, actor, as_of=as_of)
    bare = current.drop("next_review", "days_to_review", "review", "overdue")
    return due_for_review(bare, review_months(engine), as_of or team_today(), window_days)


def sop_titles(engine: sa.Engine, actor: Actor, *, include_retired: bool = True) -> pl.DataFrame:
    """Every SOP (id, title, area, owner, retired) for pickers: a retired SOP's history stays readable."""
    del actor
    stmt = sa.select(Sop).order_by(Sop.title)
    if not include_retired:
        stmt = stmt.where(Sop.retired_at.is_(None))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pl.DataFrame(
        [(r.id, r.title, r.area, r.owner, r.retired_at is not None) for r in rows],
        schema={"sop_id": pl.Int64(), "title": pl.String(), "area": pl.String(), "owner": pl.String(),
                "retired": pl.Boolean()}, orient="row",
    )  # fmt: skip
