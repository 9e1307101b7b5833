"""The SOP register service: authoring, review through ``access`` approvals (never by the author,
a lead or a named approver of the area), superseding, retiring, reads, acknowledgements."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
import sqlalchemy as sa

from ar_core.access import approve as access_approve
from ar_core.access import list_audit, list_requests, waiting_for
from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.errors import ApprovalRefused, ArDeskError, InvalidInput, NotFound, PermissionDenied
from ar_core.knowledge import (
    SopReadOnly,
    TransitionRefused,
    acknowledge,
    acknowledgement_status,
    acknowledgement_summary,
    approve_version,
    area_settings,
    create_sop,
    current_sops,
    diff_versions,
    edit_draft,
    get_version,
    my_drafts,
    my_pending_acknowledgements,
    new_version,
    reject_version,
    retire_sop,
    review_queue,
    reviews_due,
    set_area_people,
    set_review_months,
    submit_for_review,
    version_history,
)
from ar_core.store.models import SopVersion
from tests.conftest import ADMIN, CONTROLLER, LEAD

MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
JONG = Actor("s.dejong", "Sanne de Jong", frozenset({"collector"}))
BAKKER = Actor("r.bakker", "Ruben Bakker", frozenset({"collector"}))
TODAY = date(2026, 12, 2)
BODY = "# Dunning run\n\n1. Run F150 with the proposal run.\n2. Check the blocks in FBL5N.\n"


@pytest.fixture
def db(store):
    for a in (ADMIN, LEAD, CONTROLLER, MEYER, JONG, BAKKER):
        create_user(store, ADMIN, username=a.username, name=a.name, password="x" * 12, roles=sorted(a.roles))
    return store


def _approved(db, author=MEYER, approver=LEAD, *, title="Dunning run and blocks", area="dunning", body=BODY):
    sop_id = create_sop(db, author, title=title, area=area, body=body)
    version_id = my_drafts(db, author).filter(pl.col("sop_id") == sop_id)["version_id"][0]
    submit_for_review(db, author, version_id)
    approve_version(db, approver, version_id, "fine", effective_on=TODAY, today=TODAY)
    return sop_id, version_id


def test_authoring_review_and_approval_with_the_approval_request(db):
    sop_id = create_sop(db, MEYER, title="Dunning run and blocks", area="dunning", body=BODY,
                        change_summary="First version")  # fmt: skip
    draft = my_drafts(db, MEYER).row(0, named=True)
    assert (draft["sop_id"], draft["version_no"], draft["status"], draft["author"]) == (
        sop_id, 1, "draft", "c.meyer")  # fmt: skip
    assert current_sops(db, JONG, as_of=TODAY).is_empty()  # nothing approved yet
    edit_draft(db, MEYER, draft["version_id"], body=BODY + "3. Release the letters.\n")
    request_id = submit_for_review(db, MEYER, draft["version_id"], "please review")
    request = list_requests(db, LEAD, kind="sop_version").row(0, named=True)
    assert (request["request_id"], request["requested_by"], request["status"], request["subject"]) == (
        request_id, "c.meyer", "pending", f"SOP {sop_id} v1: Dunning run and blocks")  # fmt: skip
    assert review_queue(db, LEAD)["version_id"].to_list() == [draft["version_id"]]
    approve_version(db, LEAD, draft["version_id"], "clear", effective_on=TODAY, today=TODAY)
    current = current_sops(db, JONG, as_of=TODAY).row(0, named=True)
    assert (current["version_no"], current["approver"], current["effective_on"], current["next_review"]) == (
        1, "lena.lead", TODAY, date(2027, 12, 2))  # fmt: skip
    assert current["body"].endswith("3. Release the letters.\n")
    assert list_requests(db, LEAD, kind="sop_version")["status"].to_list() == ["approved"]
    audit = list_audit(db, ADMIN, entity="sop_version")
    assert {"write_sop_version", "edit_sop_draft", "submit_sop_version", "approve_sop_version"} <= set(
        audit["action"].to_list()
    )


def test_the_author_never_approves_even_as_a_lead(db):
    sop_id = create_sop(db, LEAD, title="Write-off request", area="legal/write-off", body="Steps.")
    version_id = my_drafts(db, LEAD)["version_id"][0]
    submit_for_review(db, LEAD, version_id)
    with pytest.raises(ApprovalRefused, match="four eyes"):
        approve_version(db, LEAD, version_id, today=TODAY)
    assert review_queue(db, LEAD).is_empty()
    request_id = get_version(db, LEAD, version_id)["approval_request_id"]
    with pytest.raises(ApprovalRefused, match="four eyes"):  # not through access either
        access_approve(db, LEAD, request_id)
    assert sop_id and get_version(db, LEAD, version_id)["status"] == "in_review"


def test_no_approval_without_review_and_only_leads_or_named_approvers_decide(db):
    create_sop(db, MEYER, title="Dunning run and blocks", area="dunning", body=BODY)
    version_id = my_drafts(db, MEYER)["version_id"][0]
    with pytest.raises(TransitionRefused, match="submit it for review first"):
        approve_version(db, LEAD, version_id, today=TODAY)
    with pytest.raises(PermissionDenied):
        submit_for_review(db, JONG, version_id)  # only the author submits
    submit_for_review(db, MEYER, version_id)
    with pytest.raises(ApprovalRefused, match="named approver"):
        approve_version(db, JONG, version_id, today=TODAY)
    with pytest.raises(ApprovalRefused, match="named approver"):
        approve_version(db, CONTROLLER, version_id, today=TODAY)
    assert review_queue(db, JONG).is_empty()
    set_area_people(db, LEAD, "dunning", "approver", ["s.dejong"])
    assert review_queue(db, JONG)["version_id"].to_list() == [version_id]
    assert waiting_for(db, BAKKER).is_empty()
    set_area_people(db, LEAD, "disputes", "approver", ["r.bakker"])  # another area: not dunning
    assert review_queue(db, BAKKER).is_empty()
    approve_version(db, JONG, version_id, today=TODAY)
    assert get_version(db, MEYER, version_id)["approver"] == "s.dejong"


def test_a_new_approved_version_supersedes_the_old_one_which_stays_readable(db):
    sop_id, v1 = _approved(db)
    with pytest.raises(SopReadOnly, match="write a new version"):
        edit_draft(db, MEYER, v1, body="changed")
    v2 = new_version(db, MEYER, sop_id, change_summary="Dunning block 'R' for disputes")
    assert get_version(db, MEYER, v2)["body"] == BODY  # starts from the approved text
    with pytest.raises(ArDeskError, match="finish it"):
        new_version(db, JONG, sop_id, change_summary="another")
    edit_draft(db, MEYER, v2, body=BODY.replace("FBL5N", "FBL5N (block key R)"))
    submit_for_review(db, MEYER, v2)
    approve_version(db, LEAD, v2, today=TODAY)
    history = version_history(db, BAKKER, sop_id)
    assert history.select("version_no", "status").rows() == [(2, "approved"), (1, "superseded")]
    assert history["ended_at"][1] is not None
    with pytest.raises(SopReadOnly, match="read-only"):
        edit_draft(db, MEYER, v1, body="changed")
    diff = diff_versions(db, BAKKER, v1, v2)
    assert "-2. Check the blocks in FBL5N." in diff and "+2. Check the blocks in FBL5N (block key R)." in diff
    assert current_sops(db, BAKKER, as_of=TODAY)["version_no"].to_list() == [2]


def test_a_rejected_version_goes_back_to_draft_with_the_reason_and_can_be_resubmitted(db):
    create_sop(db, MEYER, title="Dispute escalation", area="disputes", body="Escalate after 10 days.")
    version_id = my_drafts(db, MEYER)["version_id"][0]
    submit_for_review(db, MEYER, version_id)
    with pytest.raises(SopReadOnly):
        edit_draft(db, MEYER, version_id, body="quietly changed in review")
    with pytest.raises(InvalidInput):
        reject_version(db, LEAD, version_id, "  ")
    reject_version(db, LEAD, version_id, "Name the SLA of each level.")
    back = get_version(db, MEYER, version_id)
    assert (back["status"], back["rejection_note"], back["approval_request_id"]) == (
        "draft", "Name the SLA of each level.", None)  # fmt: skip
    assert list_requests(db, LEAD, kind="sop_version")["status"].to_list() == ["rejected"]
    edit_draft(db, MEYER, version_id, body="Level 1 within 5 days, level 2 within 10.")
    submit_for_review(db, MEYER, version_id)
    approve_version(db, LEAD, version_id, today=TODAY)
    assert get_version(db, BAKKER, version_id)["status"] == "approved"


def test_drafts_are_read_by_their_author_leads_and_area_approvers_only(db):
    create_sop(db, MEYER, title="Dispute escalation", area="disputes", body="Draft text.")
    version_id = my_drafts(db, MEYER)["version_id"][0]
    with pytest.raises(NotFound):
        get_version(db, BAKKER, version_id)
    assert get_version(db, LEAD, version_id)["status"] == "draft"
    set_area_people(db, LEAD, "disputes", "approver", ["r.bakker"])
    assert get_version(db, BAKKER, version_id)["status"] == "draft"
    with pytest.raises(PermissionDenied):
        create_sop(db, CONTROLLER, title="X", area="disputes", body="y")  # controllers read only


def test_retired_sops_are_read_only_but_readable(db):
    sop_id, v1 = _approved(db)
    with pytest.raises(PermissionDenied):
        retire_sop(db, MEYER, sop_id, "replaced")
    v2 = new_version(db, MEYER, sop_id, change_summary="update")
    submit_for_review(db, MEYER, v2)
    with pytest.raises(TransitionRefused, match="in review"):
        retire_sop(db, LEAD, sop_id, "replaced by the dunning procedure")
    reject_version(db, LEAD, v2, "not needed: the SOP is retired")
    retire_sop(db, LEAD, sop_id, "replaced by the dunning procedure")
    assert version_history(db, BAKKER, sop_id).select("version_no", "status").rows() == [
        (1, "retired")  # the draft's author and leads also see v2, retired
    ]
    assert version_history(db, MEYER, sop_id)["status"].to_list() == ["retired", "retired"]
    assert current_sops(db, BAKKER, as_of=TODAY).is_empty()
    with pytest.raises(SopReadOnly):
        new_version(db, MEYER, sop_id, change_summary="again")
    with pytest.raises(SopReadOnly):
        edit_draft(db, MEYER, v2, body="x")
    assert get_version(db, BAKKER, v1)["body"] == BODY


def test_reviews_due_per_area_interval_for_the_lead(db):
    _approved(db)  # effective 02.12.2026
    sop_id, _ = _approved(db, title="Write-off request", area="legal/write-off", body="Steps.")
    with pytest.raises(PermissionDenied):
        reviews_due(db, MEYER, TODAY)
    assert reviews_due(db, LEAD, TODAY).is_empty()
    assert reviews_due(db, LEAD, date(2027, 11, 2)).select("title", "review").rows() == [
        ("Dunning run and blocks", "due soon"), ("Write-off request", "due soon")]  # fmt: skip
    set_review_months(db, LEAD, "legal/write-off", 6)
    assert area_settings(db, MEYER).filter(pl.col("area") == "legal/write-off")["review_months"][0] == 6
    due = reviews_due(db, LEAD, date(2027, 6, 3))
    assert due.select("sop_id", "next_review", "review", "overdue").rows() == [
        (sop_id, date(2027, 6, 2), "overdue", True)]  # fmt: skip
    with pytest.raises(PermissionDenied):
        set_review_months(db, MEYER, "dunning", 3)
    entry = list_audit(db, ADMIN, entity="sop_area").row(0, named=True)
    assert json.loads(entry["after"]) == {"review_months": 6}


def test_acknowledgements_default_audience_and_a_named_one(db):
    _, v1 = _approved(db)  # author c.meyer, approver lena.lead: never asked
    status = acknowledgement_status(db, LEAD)
    assert status["username"].to_list() == ["r.bakker", "s.dejong"]  # collectors and leads, by name
    assert my_pending_acknowledgements(db, BAKKER)["version_id"].to_list() == [v1]
    assert my_pending_acknowledgements(db, MEYER).is_empty()
    assert my_pending_acknowledgements(db, CONTROLLER).is_empty()
    acknowledge(db, BAKKER, v1)
    with pytest.raises(ArDeskError, match="already"):
        acknowledge(db, BAKKER, v1)
    with pytest.raises(ArDeskError, match="not asked"):
        acknowledge(db, CONTROLLER, v1)
    assert my_pending_acknowledgements(db, BAKKER).is_empty()
    summary = acknowledgement_summary(db, LEAD).row(0, named=True)
    assert (summary["asked"], summary["confirmed"], summary["pending"], summary["not_yet"]) == (
        2, 1, 1, ["Sanne de Jong"])  # fmt: skip
    set_area_people(db, LEAD, "dunning", "audience", ["r.bakker"])
    assert my_pending_acknowledgements(db, JONG).is_empty()  # not of the dunning audience any more
    with pytest.raises(PermissionDenied):
        acknowledgement_status(db, MEYER)


def test_a_new_approved_version_asks_again(db):
    sop_id, v1 = _approved(db)
    acknowledge(db, BAKKER, v1)
    v2 = new_version(db, MEYER, sop_id, change_summary="F150 only after the dispute check")
    submit_for_review(db, MEYER, v2)
    with pytest.raises(NotFound):
        acknowledge(db, BAKKER, v2)  # not approved yet
    approve_version(db, LEAD, v2, today=TODAY)
    with pytest.raises(NotFound):
        acknowledge(db, JONG, v1)  # superseded: nothing to confirm
    assert my_pending_acknowledgements(db, BAKKER)["version_no"].to_list() == [2]


def test_a_version_approved_directly_through_access_is_settled(db):
    create_sop(db, MEYER, title="Dunning run and blocks", area="dunning", body=BODY)
    version_id = my_drafts(db, MEYER)["version_id"][0]
    request_id = submit_for_review(db, MEYER, version_id)
    access_approve(db, LEAD, request_id)
    approve_version(db, LEAD, version_id, today=TODAY)  # completes the version, no second approval
    with db.connect() as conn:
        status = conn.execute(sa.select(SopVersion.status).where(SopVersion.id == version_id)).scalar()
    assert status == "approved"
